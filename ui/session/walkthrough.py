"""The walkthrough: the day part by part, each step kept in the database, then saved as a day."""

from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from strain.domain import limits, modifiers, walkthrough
from strain.domain.catalogue import DayPart
from strain.domain.errors import Invalid
from strain.storage.people_store import PersonInfo
from strain.storage.store_errors import ConflictError
from strain.usecases import errors, log_day, session
from ui import components, context
from ui.modifier_inputs import modifier_input
from ui.session.common import problems_box

cat = context.strain_catalogue()
STEPS = walkthrough.steps(cat)


def line_key(part: str, activity: str, field: str) -> str:
    return f"wt_line_{part}_{activity}_{field}"


def forget_step_widgets() -> None:
    """Drop the step widgets' values, so the next step drawn starts from the draft."""
    for key in [key for key in st.session_state if str(key).startswith("wt_line_")]:
        del st.session_state[key]


def load_draft(person: PersonInfo) -> None:
    draft, resumed = session.walkthrough(context.use_cases(), person, date.today())
    st.session_state.update(wt_person=person.id, wt_draft=draft, wt_resumed=resumed, wt_day=draft.day)
    for key in ("wt_problems", "wt_finished", "wt_conflict"):
        st.session_state.pop(key, None)
    forget_step_widgets()


def step_lines(part: DayPart) -> list[walkthrough.Line]:
    """The current step's lines as its widgets hold them."""
    state = st.session_state
    lines = []
    for activity_id in part.activities:
        if line_key(part.id, activity_id, "quantity") not in state:
            continue  # the step was not drawn (the review)
        values = {
            m.column: m.from_sheet(state.get(line_key(part.id, activity_id, m.sheet_column)))
            for m in modifiers.REGISTRY
        }
        quantity = float(state[line_key(part.id, activity_id, "quantity")] or 0.0)
        lines.append(walkthrough.Line(part.id, activity_id, quantity, **values))
    return lines


def current_draft() -> walkthrough.Draft:
    """The draft with the step on screen as its widgets hold it, and the day chosen."""
    draft: walkthrough.Draft = st.session_state["wt_draft"]
    if draft.step < STEPS:
        draft = draft.with_lines(step_lines(cat.day_parts[draft.step]))
    return replace(draft, day=st.session_state.get("wt_day") or draft.day)


def go_to(person: PersonInfo, step: int) -> None:
    """Keep the draft (in the database) and move to another step; stay put when it cannot be kept."""
    try:
        draft = session.save_walkthrough(context.use_cases(), person, replace(current_draft(), step=step), date.today())
    except ConflictError as error:
        st.session_state["wt_conflict"] = str(error)
        return
    except Invalid as error:
        st.session_state["wt_problems"] = errors.problems(error)
        return
    st.session_state["wt_problems"] = []
    st.session_state["wt_draft"] = draft
    forget_step_widgets()


def conflict_box(person: PersonInfo) -> None:
    """Another tab went on with (or finished) this walkthrough: say so, and offer to load what it kept."""
    message = st.session_state.get("wt_conflict")
    if message:
        st.error(f"Not saved: {components.md(message)}")
        st.button("Load the walkthrough kept elsewhere", key="wt_conflict_reload", on_click=load_draft, args=(person,))


def start_over(person: PersonInfo) -> None:
    """Discard the walkthrough kept so far, with the reason (the audit trail keeps it), and start again."""
    reason = st.session_state.get("wt_restart_reason", "")
    try:
        session.discard_walkthrough(context.use_cases(), person, reason)
    except Invalid as error:
        st.session_state["wt_problems"] = errors.problems(error)
        return
    st.session_state.pop("wt_restart_reason", None)
    load_draft(person)


def finish(person: PersonInfo, expected_version: int | None) -> None:
    draft = current_draft()
    as_day, as_typical = st.session_state["wt_as_day"], st.session_state["wt_as_typical"]
    problems = context.problems(
        lambda: session.finish_walkthrough(
            context.use_cases(),
            person,
            draft,
            as_day=as_day,
            as_typical=as_typical,
            expected_version=expected_version,
            today=date.today(),
        ),
        (Invalid, ConflictError),
    )
    st.session_state["wt_problems"] = problems
    if not problems:
        st.session_state["wt_finished"] = (draft, as_day, as_typical)


def activity_line(part: DayPart, activity_id: str, line: walkthrough.Line) -> None:
    activity = cat.activity(activity_id)
    keys = {m.sheet_column: line_key(part.id, activity_id, m.sheet_column) for m in modifiers.REGISTRY}
    keys["quantity"] = line_key(part.id, activity_id, "quantity")
    defaults = {keys["quantity"]: line.quantity} | {
        keys[m.sheet_column]: m.to_sheet(line.value(m.column)) for m in modifiers.REGISTRY
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    minutes = activity.unit == "min"
    with st.container(border=True, key=f"wt_box_{part.id}_{activity_id}"):
        st.markdown(f"**{activity.name}**")
        # A row that wraps: one line on a desktop, two on a phone.
        with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
            st.number_input(
                "Minutes" if minutes else "How many times",
                min_value=0.0,
                max_value=limits.MAX_QUANTITY[activity.unit],
                step=5.0 if minutes else 1.0,
                format="%g",
                key=keys["quantity"],
                width=170,
            )
            # Only the modifiers this activity takes (a twist already in its weight is not offered again).
            for modifier in modifiers.offered(activity):
                modifier_input(modifier, activity, keys[modifier.sheet_column])


def step_screen(person: PersonInfo, draft: walkthrough.Draft) -> None:
    part = cat.day_parts[draft.step]
    st.progress((draft.step + 1) / STEPS, text=f"Step {draft.step + 1} of {STEPS}: {part.name}")
    st.subheader(part.name)
    st.markdown(f"*{part.question}*")
    st.caption("Count or minutes as on a usual day; tick *With control* when the spine stays still and the legs work.")
    for activity_id in part.activities:
        activity_line(part, activity_id, draft.line(part.id, activity_id))
    points = session.part_points(context.use_cases(), person, current_draft())
    so_far = sum(points[p.id] for p in cat.day_parts[: draft.step + 1])
    whole = sum(points.values())
    left, right = st.columns(2)
    steps_so_far = "step 1" if draft.step == 0 else f"steps 1-{draft.step + 1}"
    left.metric(f"Running total, {steps_so_far}", f"{so_far:.0f} points")
    right.metric("The whole day as it stands", f"{whole:.0f} points", help="Later steps still hold the typical day.")
    problems_box("wt_problems")
    conflict_box(person)
    with st.container(horizontal=True):
        st.button("Back", key="wt_back", on_click=go_to, args=(person, draft.step - 1), disabled=draft.step == 0)
        st.button("Next", key="wt_next", type="primary", on_click=go_to, args=(person, draft.step + 1))
        st.space("stretch")
        restart_button(person, draft)


def restart_button(person: PersonInfo, draft: walkthrough.Draft) -> None:
    """Start over from the typical day: a walkthrough kept so far is discarded, with a reason."""
    if draft.version is None:  # nothing kept yet: nothing to discard
        st.button("Start over from the typical day", key="wt_restart", on_click=load_draft, args=(person,))
        return
    with st.popover("Start over from the typical day"):
        st.text_input(
            "Why discard this walkthrough?",
            key="wt_restart_reason",
            max_chars=limits.MAX_REASON,
            placeholder="e.g. walked through the wrong day",
        )
        st.button("Discard it and start over", key="wt_restart", on_click=start_over, args=(person,))


def review_screen(person: PersonInfo, draft: walkthrough.Draft) -> None:
    service = context.use_cases()
    st.progress(1.0, text=f"All {STEPS} steps done: check and save")
    points = session.part_points(service, person, draft)
    table = pd.DataFrame(
        {"part": [p.name for p in cat.day_parts], "points": [round(points[p.id], 1) for p in cat.day_parts]}
    )
    st.dataframe(
        table,
        hide_index=True,
        key="wt_review_table",
        column_config={"part": "Part of the day", "points": st.column_config.NumberColumn("Points", format="%.0f")},
    )
    st.metric("The day's strain points", f"{sum(points.values()):.0f}")
    saved = log_day.day(service, person, draft.day)
    if saved is not None:
        st.info(f"{draft.day:%A %d %B %Y} is already logged; saving it as the day replaces what was logged.")
    st.checkbox(f"Save it as the day {draft.day:%d %B %Y}", value=True, key="wt_as_day")
    st.checkbox("Make it the typical day", value=not log_day.has_typical_day(service, person), key="wt_as_typical")
    problems_box("wt_problems")
    conflict_box(person)
    with st.container(horizontal=True):
        st.button("Back", key="wt_back", on_click=go_to, args=(person, STEPS - 1))
        st.button(
            "Save", key="wt_save", type="primary", on_click=finish, args=(person, saved.version if saved else None)
        )


def finished_screen(person: PersonInfo) -> None:
    draft, as_day, as_typical = st.session_state["wt_finished"]
    saved_as = " and ".join(
        text for text, chosen in ((f"the day {draft.day:%d %B %Y}", as_day), ("the typical day", as_typical)) if chosen
    )
    st.success(f"Saved as {saved_as}.")
    result = session.entries_audit(context.use_cases(), person, walkthrough.day_entries(cat, draft))
    st.metric("The day's strain points", f"{result.total:.0f}")
    components.band_badge(result.band)
    st.markdown("**Top strain sources**")
    for rank, source in enumerate(result.sources, start=1):
        st.markdown(
            f"{rank}. **{source.activity.name}**: {source.points:.0f} points ({source.share:.0f}%). "
            f"*With control:* {source.activity.cue} *Practise:* {source.exercise.name} (level {source.exercise.level})"
        )
    if as_day:
        st.page_link(
            "app_pages/audit.py",
            label="The full audit of this day",
            icon=":material/bar_chart:",
            query_params={"person": person.name, "date": draft.day.isoformat()},
        )
    st.button("Walk through another day", key="wt_again", on_click=load_draft, args=(person,))


def draw(person: PersonInfo) -> None:
    if st.session_state.get("wt_person") != person.id:
        load_draft(person)
    if "wt_finished" in st.session_state:
        finished_screen(person)
        return
    draft: walkthrough.Draft = st.session_state["wt_draft"]
    if st.session_state.get("wt_resumed"):
        st.caption(f"Resumed where you left off (step {min(draft.step + 1, STEPS)} of {STEPS}).")
    st.date_input("Day walked through", key="wt_day", max_value=date.today(), format="YYYY-MM-DD")
    if draft.step >= STEPS:
        review_screen(person, draft)
    else:
        step_screen(person, draft)
