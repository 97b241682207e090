"""Therapist session: walk through the day part by part, set a plan, record a visit, hand over a PDF."""

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from strain.domain import frames, invisible, limits, modifiers, outcomes, plans, walkthrough
from strain.domain.catalogue import DayPart
from strain.domain.errors import Invalid
from strain.domain.outcomes import VisitInput
from strain.domain.plans import PlannedExercise
from strain.render import handout, session_charts
from strain.storage.people_store import PersonInfo
from strain.storage.store_errors import ConflictError
from strain.usecases import errors, log_day, printouts, session
from ui import components, context, download, pictures, shell
from ui.modifier_inputs import modifier_input, taken

shell.ensure()

cat = context.strain_catalogue()
STEPS = walkthrough.steps(cat)
HANDOUT_DAYS = 28  # the handout's default period: the last four weeks


def problems_box(key: str) -> None:
    problems = st.session_state.get(key)
    if problems:
        st.error("Nothing was saved. Please correct:\n\n" + "\n".join(f"- {components.md(p)}" for p in problems))


# The walkthrough


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
    session.discard_walkthrough(context.use_cases(), person)
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
            for modifier in [m for group in taken(activity) for m in group]:
                modifier_input(modifier, activity, keys[modifier.sheet_column], compact=False)


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
        st.button("Start over from the typical day", key="wt_restart", on_click=start_over, args=(person,))


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
            "pages/audit.py",
            label="The full audit of this day",
            icon=":material/bar_chart:",
            query_params={"person": person.name, "date": draft.day.isoformat()},
        )
    st.button("Walk through another day", key="wt_again", on_click=load_draft, args=(person,))


def walkthrough_section(person: PersonInfo) -> None:
    st.header("Walk through the day")
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


# The plan


def exercise_label(exercise_id: str) -> str:
    exercise, where = plans.describe(cat, PlannedExercise(exercise_id, 1))
    return f"{exercise.name} ({where})"


PLAN_OPTIONS = [e.id for e in sorted(cat.exercises, key=lambda e: (e.ladder, e.level)) if e.recommended]


def save_plan(person: PersonInfo) -> None:
    state = st.session_state
    exercises = []
    for slot in range(limits.MAX_PLAN_EXERCISES):
        exercise_id = state[f"plan_exercise_{slot}"]
        if exercise_id is None:
            continue
        by_minutes = state[f"plan_kind_{slot}"] == "minutes"
        exercises.append(
            PlannedExercise(
                exercise_id=exercise_id,
                days_per_week=int(state[f"plan_days_{slot}"]),
                sets=None if by_minutes else int(state[f"plan_sets_{slot}"]),
                reps=None if by_minutes else int(state[f"plan_reps_{slot}"]),
                minutes=float(state[f"plan_minutes_{slot}"]) if by_minutes else None,
            )
        )
    today = date.today()
    problems = context.problems(
        lambda: session.save_plan(
            context.use_cases(),
            person,
            exercises,
            start=today,
            review_date=state["plan_review"],
            note=state["plan_note"],
            today=today,
        )
    )
    state["plan_problems"] = problems
    if not problems:
        state["plan_saved"] = f"Saved the plan ({len(exercises)} exercises), review on {state['plan_review']:%d %B %Y}."
        state.pop("plan_loaded_for", None)  # the form shows the new plan next


def fill_plan_form(person: PersonInfo, current: plans.Plan | None) -> None:
    """Start the form from the plan in force (once per person and plan version)."""
    marker = (person.id, current.version if current else 0)
    if st.session_state.get("plan_loaded_for") == marker:
        return
    st.session_state["plan_loaded_for"] = marker
    planned = list(current.exercises) if current else []
    for slot in range(limits.MAX_PLAN_EXERCISES):
        exercise = planned[slot] if slot < len(planned) else None
        st.session_state[f"plan_exercise_{slot}"] = exercise.exercise_id if exercise else None
        st.session_state[f"plan_kind_{slot}"] = (
            "minutes" if exercise and exercise.minutes is not None else "sets x reps"
        )
        st.session_state[f"plan_sets_{slot}"] = exercise.sets if exercise and exercise.sets else 2
        st.session_state[f"plan_reps_{slot}"] = exercise.reps if exercise and exercise.reps else 8
        st.session_state[f"plan_minutes_{slot}"] = exercise.minutes if exercise and exercise.minutes else 5.0
        st.session_state[f"plan_days_{slot}"] = exercise.days_per_week if exercise else 5
    st.session_state["plan_review"] = date.today() + timedelta(weeks=4)
    st.session_state["plan_note"] = current.note if current else ""


def plan_form(person: PersonInfo) -> None:
    with st.form("plan_form", border=True):
        st.markdown(f"**A new plan: {limits.MIN_PLAN_EXERCISES} to {limits.MAX_PLAN_EXERCISES} exercises**")
        for slot in range(limits.MAX_PLAN_EXERCISES):
            st.selectbox(
                f"Exercise {slot + 1}",
                [None, *PLAN_OPTIONS],
                format_func=lambda e: "(none)" if e is None else exercise_label(e),
                key=f"plan_exercise_{slot}",
                placeholder="Choose an exercise" if slot < limits.MIN_PLAN_EXERCISES else "Choose one (optional)",
            )
            with st.container(horizontal=True, vertical_alignment="bottom"):
                st.radio("Dose", ["sets x reps", "minutes"], key=f"plan_kind_{slot}", horizontal=True, width=200)
                st.number_input(
                    "Sets", min_value=1, max_value=limits.MAX_SETS, step=1, key=f"plan_sets_{slot}", width=110
                )
                st.number_input(
                    "Reps", min_value=1, max_value=limits.MAX_REPS, step=1, key=f"plan_reps_{slot}", width=110
                )
                st.number_input(
                    "Minutes",
                    min_value=0.5,
                    max_value=limits.MAX_DOSE_MINUTES,
                    step=0.5,
                    format="%g",
                    key=f"plan_minutes_{slot}",
                    width=110,
                )
                st.number_input("Days a week", min_value=1, max_value=7, step=1, key=f"plan_days_{slot}", width=110)
        review, note = st.columns([1, 2])
        review.date_input(
            "Review on", key="plan_review", min_value=date.today() + timedelta(days=1), format="YYYY-MM-DD"
        )
        note.text_input("Note (optional)", key="plan_note", max_chars=limits.MAX_NOTE)
        st.form_submit_button("Save plan", type="primary", on_click=save_plan, args=(person,))
    problems_box("plan_problems")
    if "plan_saved" in st.session_state:
        st.success(st.session_state.pop("plan_saved"))


def show_plan(plan: plans.Plan) -> None:
    for number, planned in enumerate(plan.exercises, start=1):
        exercise, where = plans.describe(cat, planned)
        st.markdown(f"{number}. **{exercise.name}** ({where}, {exercise.position}): {planned.schedule}")
        pictures.exercise(exercise.id)
    if plan.note:
        st.text(invisible.visible(plan.note))


def plan_section(person: PersonInfo) -> None:
    st.header("Plan")
    history = context.view(session.plans, person)
    current = history[-1] if history else None
    if current is None:
        st.info("No plan yet. Pick 2 to 4 exercises at the right level, each with a dose and days a week.")
    else:
        st.markdown(
            f"**Plan in force: version {current.version}**, from {current.start:%d %B %Y}, "
            f"review on {current.review_date:%d %B %Y}"
        )
        show_plan(current)
        weeks = context.view(session.adherence, person, date.today())
        if len(weeks):
            st.markdown("**Done as prescribed, week by week** (practice log days, up to each exercise's days)")
            st.dataframe(
                weeks.assign(
                    week=[
                        f"Week {w} (from {first:%d %b})" for w, first in zip(weeks["week"], weeks["first"], strict=True)
                    ],
                    done_text=[f"{d} / {p}" for d, p in zip(weeks["done"], weeks["prescribed"], strict=True)],
                    share=weeks["share"] * 100,
                )[["week", "done_text", "share"]],
                hide_index=True,
                key="plan_adherence",
                column_config={
                    "week": "Week",
                    "done_text": "Done / prescribed",
                    "share": st.column_config.ProgressColumn("Share", format="%.0f%%", min_value=0, max_value=100),
                },
            )
        if len(history) > 1:
            with st.expander(f"Earlier versions ({len(history) - 1})"):
                for plan in reversed(history[:-1]):
                    st.markdown(f"**Version {plan.version}**, from {plan.start:%d %B %Y}")
                    show_plan(plan)
    fill_plan_form(person, current)
    plan_form(person)


# Visits and outcome measures


def save_visit(person: PersonInfo, activities: list[tuple[int, str]]) -> None:
    state = st.session_state
    free = limits.MAX_PSFS_ACTIVITIES - len(activities)
    visit = VisitInput(
        day=state["visit_day"],
        note=state["visit_note"],
        pain_now=state["visit_pain_now"],
        pain_average=state["visit_pain_average"],
        pain_worst=state["visit_pain_worst"],
        scores={activity_id: state[f"psfs_score_{activity_id}"] for activity_id, _ in activities},
        new_activities=[(state[f"psfs_new_name_{n}"], state[f"psfs_new_score_{n}"]) for n in range(free)],
    )
    problems = context.problems(lambda: session.add_visit(context.use_cases(), person, visit, date.today()))
    state["visit_problems"] = problems
    if not problems:
        state["visit_saved"] = f"Saved the visit of {visit.day:%d %B %Y}."
        state.update(visit_note="", visit_pain_now=None, visit_pain_average=None, visit_pain_worst=None)
        for n in range(free):
            state.update({f"psfs_new_name_{n}": "", f"psfs_new_score_{n}": None})
        for activity_id, _ in activities:
            state[f"psfs_score_{activity_id}"] = None


def visit_form(person: PersonInfo, activities: list[tuple[int, str]]) -> None:
    free = limits.MAX_PSFS_ACTIVITIES - len(activities)
    with st.form("visit_form", border=True):
        st.markdown("**Record a visit**")
        st.date_input("Day of the visit", key="visit_day", max_value=date.today(), format="YYYY-MM-DD")
        st.markdown("Pain, 0 (none) to 10 (the worst imaginable)")
        columns = st.columns(3)
        for column, (field, label) in zip(columns, outcomes.PAIN_FIELDS.items(), strict=True):
            column.number_input(label, min_value=0, max_value=10, step=1, value=None, key=f"visit_{field}")
        st.markdown(
            "Patient-Specific Functional Scale: up to 5 activities the patient finds hard, each scored from "
            "0 (unable to do it) to 10 (able to do it as before)"
        )
        for activity_id, name in activities:
            st.number_input(
                components.md(name), min_value=0, max_value=10, step=1, value=None, key=f"psfs_score_{activity_id}"
            )
        for n in range(free):
            name_column, score_column = st.columns([3, 1], vertical_alignment="bottom")
            name_column.text_input(
                "New activity" if n == 0 else f"New activity {n + 1}",
                key=f"psfs_new_name_{n}",
                max_chars=limits.MAX_PSFS_NAME,
                placeholder="in the patient's words, e.g. lifting my grandson" if n == 0 else "",
            )
            score_column.number_input("Score", min_value=0, max_value=10, step=1, value=None, key=f"psfs_new_score_{n}")
        st.text_area("Notes", key="visit_note", max_chars=limits.MAX_VISIT_NOTE, height=80)
        st.form_submit_button("Save visit", type="primary", on_click=save_visit, args=(person, activities))
    problems_box("visit_problems")
    if "visit_saved" in st.session_state:
        st.success(st.session_state.pop("visit_saved"))


def visits_section(person: PersonInfo) -> None:
    st.header("Visits and outcome measures")
    found = context.view(session.outcomes, person)
    if found.visits.empty:
        st.info("No visits recorded yet. Record pain and the patient's own activities (PSFS) at the first visit.")
    else:
        psfs = found.psfs.set_index("visit_id")
        rows = []
        pain_changes = outcomes.visit_pain_changes(found.visits)
        for visit, pain in zip(frames.rows(found.visits), pain_changes, strict=True):
            row = psfs.loc[visit.id] if visit.id in psfs.index else None
            rows.append(
                {
                    "date": visit.date,
                    "pain_now": visit.pain_now,
                    "pain_average": visit.pain_average,
                    "pain_change": "" if pain is None else outcomes.change_text(*pain, lower_is_better=True),
                    "pain_worst": visit.pain_worst,
                    "psfs": None if row is None else round(float(row["average"]), 1),
                    "change": "" if row is None else outcomes.change_text(row["change"], bool(row["meaningful"])),
                    "note": invisible.visible(visit.note),
                }
            )
        st.dataframe(
            pd.DataFrame(rows),
            hide_index=True,
            key="visits_table",
            column_config={
                "date": st.column_config.DateColumn("Visit", format="D MMM YYYY"),
                "pain_now": "Pain now",
                "pain_average": "Average pain",
                "pain_change": "Average pain change",
                "pain_worst": "Worst pain",
                "psfs": "PSFS average",
                "change": "PSFS change",
                "note": "Notes",
            },
        )
        latest = found.psfs.iloc[-1] if len(found.psfs) else None
        if latest is not None and len(found.psfs) > 1:
            change = outcomes.change_text(latest["change"], bool(latest["meaningful"]))
            st.markdown(f"**PSFS average {latest['average']:.1f}**: {change}")
        components.chart(
            session_charts.visits_chart(found.series),
            key="visits_chart",
            alt="Pain and PSFS at each visit, with the average daily strain and the plan done in the week before",
        )
    visit_form(person, found.activities)


# The handout and the tally card


def handout_section(person: PersonInfo) -> None:
    st.header("Handout and tally card")
    today = date.today()
    start_column, end_column = st.columns(2)
    start = start_column.date_input(
        "From", value=today - timedelta(days=HANDOUT_DAYS - 1), max_value=today, key="handout_from", format="YYYY-MM-DD"
    )
    end = end_column.date_input("To", value=today, max_value=today, key="handout_to", format="YYYY-MM-DD")
    if start > end:
        st.warning("The period starts after it ends: choose a *From* day before the *To* day.")
        return
    service = context.use_cases()
    handout_column, card_column = st.columns(2)
    # Through the app's connection, never a /media/ address that anyone could fetch (ui/download.py).
    with handout_column:
        download.download_button(
            "Download the handout (PDF)",
            lambda: handout.handout_pdf(printouts.handout(service, person, start, end, date.today())),
            file_name=f"strain-audit-{person.name}-{end.isoformat()}.pdf",
            mime="application/pdf",
            key="handout_download",
        )
    with card_column:
        download.download_button(
            "Download the tally card (PDF)",
            lambda: handout.card_pdf(printouts.card(service, person, date.today())),
            file_name=f"tally-card-{person.name}.pdf",
            mime="application/pdf",
            key="card_download",
        )
    st.caption(
        "The handout: average daily strain and its weekly trend, the top three strain sources with their "
        "controlled-technique cues, the plan, the seat heights and the red flags, on one or two A4 pages. The tally "
        "card: the typical day's activities by part of the day, with boxes to tick through the day."
    )


st.title("Therapist session")
st.caption(
    "Walk through the day step by step, set a short exercise plan, record outcome measures at each visit, and "
    "hand over a printed summary. It works for a person on their own too."
)
person = context.require_person()
walkthrough_section(person)
plan_section(person)
visits_section(person)
handout_section(person)
components.disclaimer(cat)
