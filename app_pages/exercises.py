"""Exercises: the ladders as steps, the person's level on each, a practice log, and closing the gap."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from strain.domain import calendar, invisible, limits, permissions, plans, progress
from strain.domain.errors import Invalid, Refused
from strain.domain.plans import PlannedExercise
from strain.domain.progress import Advice, LadderView
from strain.render import charts
from strain.storage.people_store import PersonInfo
from strain.usecases import errors, exercises
from ui import components, context, download, pictures
from ui.session import printouts

STEP_BADGES: dict[str, tuple[str, charts.BadgeColour, str | None]] = {
    "done": ("done", "blue", ":material/check:"),
    "current": ("You are here", "orange", ":material/location_on:"),
    "next": ("next", "gray", None),
}
STEP_HEIGHT, STEP_RISE = 200, 26  # px: a card at level 0 (room for a four-line name), and the rise per level
# A phone stacks the columns, and the staircase with them: there each card fits its content instead.
STACKED_STEPS = """<style>@media (max-width: 640px) {
  [data-testid="stLayoutWrapper"]:has(> [class*="st-key-step_"]) { flex: 0 0 auto !important; height: auto !important; }
  [class*="st-key-step_"] { height: auto !important; }
}</style>"""

cat = context.strain_catalogue()
rule = cat.progression
LADDER_TABS = "ladder_tab"  # the open ladder's tab (its label)
HEIGHTS_OPEN = "heights_open"  # Close the gap's fold of the seat and box forms is open


def saved(form: str, save: Callable[[], object]) -> bool:
    """Run a form's save and keep its problems (or none) to show beside its fields; True when it was saved."""
    try:
        save()
    except Invalid as error:
        st.session_state[f"{form}_problems"] = errors.fields(error)
        return False
    st.session_state[f"{form}_problems"] = {}
    return True


def problem(form: str, field: str) -> None:
    """The message for one field of a form, drawn right under it."""
    message = st.session_state.get(f"{form}_problems", {}).get(field)
    if message:
        st.error(message, icon=":material/error:")


def saved_message(form: str, message: str) -> None:
    st.session_state[f"{form}_saved"] = message


def show_saved(form: str) -> None:
    message = st.session_state.pop(f"{form}_saved", None)
    if message:
        st.success(message, icon=":material/check_circle:")


def reset(**defaults: Any) -> None:
    """Put form fields back to their defaults after a save (assigning, not deleting, reaches the browser)."""
    st.session_state.update(defaults)


# Ladders


def save_level(person: PersonInfo, view: LadderView, key: str) -> None:
    level = st.session_state[key]
    try:
        exercises.set_level(context.use_cases(), person, view.ladder.id, level)
    except Refused as error:
        st.session_state[f"{key}_problem"] = context.explain(error)
        st.session_state[key] = view.level
        return
    st.session_state.pop(f"{key}_problem", None)
    st.toast(f"Saved: level {level} of {view.ladder.short_name}.")


def staircase(view: LadderView) -> None:
    """The ladder as a staircase of step cards, each higher than the last; the badge says where you are."""
    columns = st.columns(len(view.steps), vertical_alignment="bottom", gap="small")
    for column, step in zip(columns, view.steps, strict=True):
        status = view.status(step)
        label, colour, icon = STEP_BADGES[status]
        with column, st.container(border=True, height=STEP_HEIGHT + STEP_RISE * step.level, key=f"step_{step.id}"):
            # One text for the card (each element drawn costs a rerun time): its level, name and badge.
            name = f"**{step.name}**" if status == "current" else step.name
            badge = f":{colour}-badge[{f'{icon} ' if icon else ''}{label}]"
            st.markdown(f":small[:gray[Level {step.level} · {step.position}]]\n\n{name}\n\n{badge}")


def change_level(person: PersonInfo, view: LadderView, level: int) -> None:
    """The person's own choice to act on the pain rule's advice."""
    exercises.set_level(context.use_cases(), person, view.ladder.id, level)
    st.toast(f"Saved: level {level} of {view.ladder.short_name}.")


def pain_rule(person: PersonInfo, view: LadderView, advice: Advice) -> None:
    """What the one pain-guided rule says for this ladder; a button to act on it, never an automatic change."""
    st.info(
        f"**Good form at this level:** {view.ladder.move_up}\n\n**The pain rule:** {rule.rule}",
        icon=":material/stairs_2:",
    )
    if advice.action == "move_up":
        st.success(advice.message, icon=":material/trending_up:")
        st.button(
            f"Move up to level {view.level + 1}",
            key=f"move_up_{view.ladder.id}",
            on_click=change_level,
            args=(person, view, view.level + 1),
        )
    elif advice.action == "step_back":
        st.warning(advice.message, icon=":material/trending_down:")
        st.button(
            f"Step back to level {view.level - 1}",
            key=f"step_back_{view.ladder.id}",
            on_click=change_level,
            args=(person, view, view.level - 1),
        )
    else:
        st.write(advice.message)
    st.warning(
        f"**Stop and get advice** {rule.stop.removeprefix('Stop and get advice ')}", icon=":material/front_hand:"
    )


def numbered(steps: tuple[str, ...]) -> str:
    return "\n".join(f"{number}. {step}" for number, step in enumerate(steps, start=1))


def ladder_tab(person: PersonInfo, view: LadderView, advice: Advice) -> None:
    steps, current = view.steps, view.current
    st.markdown(f"**{view.ladder.name}**")
    staircase(view)
    here = f"You are here: level {view.level} of {len(steps)}, {current.name}"
    st.markdown(f":material/location_on: **{here}** ({current.position})")
    pictures.exercise(current.id, scale=pictures.ladder_scale(steps))
    st.markdown(numbered(current.steps))
    st.markdown(f"**Dose:** {current.dose} (your plan's dose, when it gives one, comes first)")
    for lower in cat.built_on(current.id):  # the level its steps refer to ("as level 1")
        st.markdown(f"**Level {lower.level}, {lower.name}:**\n\n{numbered(lower.steps)}")
    pictures.ladder(steps, key=f"pictures_{view.ladder.id}")
    if view.at_top:
        st.write("This is the top of the ladder: the real task, done with a still spine.")
    pain_rule(person, view, advice)

    key = f"level_{person.id}_{view.ladder.id}"
    # Follow the stored level when it changes (a save here, or in another tab), not only on the first run.
    if st.session_state.get(f"{key}_stored") != view.level:
        st.session_state[key] = st.session_state[f"{key}_stored"] = view.level
    # A radio, not a dropdown: a dropdown's box cuts a long level name on a phone; each option here wraps.
    st.radio(
        "Your level on this ladder",
        options=[step.level for step in steps],
        format_func=lambda level: f"Level {level}: {steps[level - 1].name} ({steps[level - 1].position})",
        key=key,
        on_change=save_level,
        args=(person, view, key),
    )
    if f"{key}_problem" in st.session_state:
        st.error(st.session_state[f"{key}_problem"], icon=":material/error:")


def linked_ladder(labels: dict[str, str]) -> str | None:
    """The ladder a link asks to open first (`?ladder=ID`, from the Audit's "Open the exercise ladder")."""
    wanted = st.query_params.get("ladder")
    if wanted is not None and wanted not in labels:
        st.warning(f"The link's ladder={components.md(wanted)} is not one of these ladders; showing the first.")
        return None
    return wanted


def ladders(person: PersonInfo, views: list[LadderView], advice: dict[str, Advice]) -> None:
    st.header("Your ladders")
    st.write(
        "Each ladder starts in the safest position, on the bed, then the floor, then standing, and ends in the "
        "real task. Practise on the days a week your plan gives (most days, if you have no plan) and let pain "
        "guide you: one rule, below each ladder, says when to move up and when to step back; you decide. Log your "
        "pain each day on the Log page so the rule can be checked."
    )
    st.html(STACKED_STEPS)
    labels = {view.ladder.id: view.ladder.short_name for view in views}
    linked = linked_ladder(labels)
    # Lazy tabs: only the open ladder is drawn (a switch reruns the page); a link's ladder is the default, which
    # makes a new widget of it, so the link opens that ladder even after another was chosen.
    tabs = st.tabs(
        list(labels.values()), default=labels.get(linked) if linked else None, key=LADDER_TABS, on_change="rerun"
    )
    for tab, view in zip(tabs, views, strict=True):
        if tab.open:
            with tab:
                ladder_tab(person, view, advice[view.ladder.id])


# Practice


def log_practice(person: PersonInfo) -> None:
    state = st.session_state
    day, exercise_id, pain = state["practice_day"], state["practice_exercise"], state["practice_pain"]
    log = partial(
        exercises.log_practice,
        context.use_cases(),
        person,
        day=day,
        today=date.today(),
        exercise_id=exercise_id,
        done=state["practice_done"],
        pain=pain,
        note=state["practice_note"],
    )
    if saved("practice", log):
        saved_message("practice", f"Logged {cat.exercise(exercise_id).name} on {day:%a %d %b}, pain {pain}/10.")
        reset(practice_done=False, practice_pain=None, practice_note="")


def practice_log(person: PersonInfo, views: list[LadderView], planned: tuple[str, ...], practice: pd.DataFrame) -> None:
    st.header("Practice log")
    left, right = st.columns([2, 3], gap="large")
    with left, st.form("practice_form", border=True):
        st.markdown("**Log practice**, today's or an earlier day's")
        st.date_input(
            "Day", key="practice_day", min_value=limits.FIRST_DATE, max_value=date.today(), format="YYYY-MM-DD"
        )
        problem("practice", "date")
        names = plans.practice_choices(cat, planned, [view.current.id for view in views])
        if st.session_state.get("practice_exercise") not in names:  # the plan or a level changed since
            st.session_state.pop("practice_exercise", None)
        st.selectbox(
            "Exercise",
            options=list(names),
            format_func=names.__getitem__,
            key="practice_exercise",
            help="Your plan's exercises first, then the exercise at your level on each other ladder.",
        )
        st.checkbox("Done", key="practice_done")
        problem("practice", "done")
        st.number_input(
            "Pain during, 0 (none) to 10 (worst)", min_value=0, max_value=10, step=1, value=None, key="practice_pain"
        )
        problem("practice", "pain")
        st.text_input("Note (optional)", key="practice_note", max_chars=limits.MAX_NOTE)
        problem("practice", "note")
        st.form_submit_button("Log practice", on_click=log_practice, args=(person,), type="primary")
        problem("practice", "form")
        show_saved("practice")
    with right:
        st.markdown("**Recent practice**")
        if practice.empty:
            st.info("No practice logged yet. Pick an exercise of your plan or at your level, practise it, log it here.")
            return
        st.dataframe(
            progress.recent_practice(practice, cat).assign(note=lambda frame: frame["note"].map(invisible.visible)),
            hide_index=True,
            key="practice_table",
            column_config={
                "date": st.column_config.DateColumn("Day", format="ddd D MMM"),
                "exercise": "Exercise",
                "pain_during": st.column_config.NumberColumn("Pain during", format="%d / 10"),
                "note": "Note",
            },
        )


# Reminders in the phone's own calendar: nothing is sent from here


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def reminder_days(planned: tuple[PlannedExercise, ...]) -> dict[str, tuple[int, ...]] | None:
    """The weekdays the person picks for each exercise (the even spread to start with); None, said why, when they
    do not fit the plan's days a week."""
    cat = context.strain_catalogue()
    st.caption("The days of each exercise: change them to fit your week (as many as your plan says).")
    days = {
        exercise.exercise_id: tuple(
            st.multiselect(
                f"{cat.exercise(exercise.exercise_id).name}, {exercise.how_often}",
                range(len(WEEKDAY_NAMES)),
                default=calendar.spread(exercise.days_per_week),
                format_func=WEEKDAY_NAMES.__getitem__,
                key=f"reminder_days_{exercise.exercise_id}",
            )
        )
        for exercise in planned
    }
    problems = calendar.day_problems(cat, planned, days)
    for problem in problems:
        st.warning(components.md(problem[:1].upper() + problem[1:]) + ".")
    return None if problems else days


def reminders(person: PersonInfo, planned: tuple[PlannedExercise, ...]) -> None:
    with st.expander("Reminders in my calendar", icon=":material/event:"):
        if not planned:
            st.info("Reminders come with an exercise plan: once your physiotherapist gives you one, add them here.")
            return
        zone = context.browser_zone()
        where = f"in your time zone, {zone.key}" if zone else "in UTC (your browser did not say its time zone)"
        zone = zone or ZoneInfo("UTC")
        st.write(
            "Add your plan's practice days, and a daily reminder to log the day, to your phone's calendar: the "
            "calendar reminds you, until the plan's review date. Open the file on your phone, or import it into "
            f"your calendar. The times are {where}."
        )
        st.caption(
            "The file holds your plan's exercise names, not your name. In your calendar they may be copied to its "
            "cloud account (Google, iCloud, Outlook) and to any device or person it is shared with. Adding the file "
            "again, after a change of times, updates the reminders rather than doubling them."
        )
        left, right = st.columns(2)
        left.time_input("Practise at", value=time(18, 0), key="reminder_practice_at", step=900)
        right.time_input("Log today at", value=time(21, 0), key="reminder_log_at", step=900)
        days = reminder_days(planned)
        if days is None:
            return
        build = partial(
            exercises.reminders,
            context.use_cases(),
            person,
            today=datetime.now(zone).date(),
            now=datetime.now(UTC),
            practice_at=st.session_state["reminder_practice_at"],
            log_at=st.session_state["reminder_log_at"],
            zone=zone,
            days=days,
        )
        download.download_button(
            "Add to my calendar (.ics)",
            build,
            file_name="exercise-reminders.ics",
            mime="text/calendar",
            key="reminders_download",
        )


# Close the gap


def save_seat(person: PersonInfo) -> None:
    state = st.session_state
    # A typed name wins over the list, so a seat of one's own needs no extra choice.
    name, height = state["seat_other"].strip() or state["seat_choice"], state["seat_height"]
    if saved("seat", partial(exercises.set_seat, context.use_cases(), person, name=name, height_cm=height)):
        saved_message("seat", f"Saved: {components.md(name)}, {height:g} cm.")
        reset(seat_height=None, seat_other="")


def save_box(person: PersonInfo) -> None:
    state = st.session_state
    day, height = state["box_day"], state["box_height"]
    if saved(
        "box",
        partial(exercises.log_box_height, context.use_cases(), person, day=day, today=date.today(), height_cm=height),
    ):
        saved_message("box", f"Recorded: {height:g} cm on {day:%a %d %b}.")
        reset(box_height=None)


def height_input(label: str, key: str) -> None:
    """A height in cm, offering exactly the heights saving accepts."""
    st.number_input(
        label, min_value=limits.MIN_HEIGHT_CM, max_value=limits.MAX_HEIGHT_CM, step=0.5, value=None, key=key
    )


def gap_forms(person: PersonInfo, seats: dict[str, float]) -> None:
    left, right = st.columns(2, gap="large")
    with left, st.form("seat_form", border=True):
        st.markdown("**A seat you use**")
        options = list(dict.fromkeys([*progress.SEAT_SUGGESTIONS, *seats]))
        st.selectbox("Seat", options=options, key="seat_choice")
        st.text_input(
            "Or name another seat",
            key="seat_other",
            max_chars=limits.MAX_SEAT_NAME,
            placeholder="for example: garden bench",
        )
        problem("seat", "name")
        height_input("Height in cm (floor to top of seat)", "seat_height")
        problem("seat", "height")
        st.form_submit_button("Save seat height", on_click=save_seat, args=(person,))
        problem("seat", "form")
        show_saved("seat")
    with right, st.form("box_form", border=True):
        st.markdown("**Lowest box you can squat to**, with a still spine and no pain")
        st.date_input(
            "Day measured", key="box_day", min_value=limits.FIRST_DATE, max_value=date.today(), format="YYYY-MM-DD"
        )
        problem("box", "date")
        height_input("Box height in cm", "box_height")
        problem("box", "height")
        st.form_submit_button("Record box height", on_click=save_box, args=(person,))
        problem("box", "form")
        show_saved("box")


def gap_status(gaps: pd.DataFrame) -> list[str]:
    statuses = zip(gaps["gap_cm"], gaps["closed"], strict=True)
    return ["gap closed ✓" if closed else f"{gap:g} cm to go" for gap, closed in statuses]


def close_the_gap(person: PersonInfo, seats: dict[str, float], boxes: pd.DataFrame) -> None:
    st.header("Close the gap")
    st.write(
        "Find the lowest box or raised seat you can squat to with a still spine and no pain, and measure the seats "
        "you really use. Each time the pain rule on the Sit to stand ladder is met, lower the box by 2-5 cm, until "
        "it reaches each seat; meanwhile a firm cushion or a raised toilet seat bridges the gap."
    )
    # Drawn only while open: measured now and then, they were five fields to draw on every run of the page.
    components.folded(
        "Record a seat or box height", HEIGHTS_OPEN, lambda: gap_forms(person, seats), icon=":material/straighten:"
    )
    if not seats:
        st.info(
            "Measure the seats you use every day, from the floor to the top of the seat where you sit, in "
            "centimetres: your usual chair, the sofa, the toilet (seat down) and the car seat. Save each one under "
            "Record a seat or box height, above."
        )
    if boxes.empty:
        st.info("Record the lowest box you can squat to today: the gap to each seat appears here.")
    if seats and not boxes.empty:
        gaps = progress.seat_gaps(seats, boxes)
        st.dataframe(
            gaps.assign(status=gap_status(gaps))[["seat", "seat_cm", "box_cm", "gap_cm", "status"]],
            hide_index=True,
            key="gap_table",
            column_order=["seat", "seat_cm", "box_cm", "status"],  # the gap in words: four columns fit a phone
            column_config={
                "seat": "Seat",
                "seat_cm": st.column_config.NumberColumn("Height", format="%g cm"),
                "box_cm": st.column_config.NumberColumn("Lowest box", format="%g cm"),
                "status": "Gap",
            },
        )
    if not boxes.empty:
        weekly = progress.weekly_lowest_box(boxes)
        first, last = weekly.iloc[0], weekly.iloc[-1]
        if len(weekly) > 1:
            shrink = first["lowest_cm"] - last["lowest_cm"]
            direction = (
                f"down {shrink:g} cm" if shrink > 0 else "not lower yet" if shrink == 0 else f"up {-shrink:g} cm"
            )
            span = f"{first['lowest_cm']:g} → {last['lowest_cm']:g} cm"
            st.write(f"Your lowest box is {direction} since {first['week']} ({span}).")
        components.chart(
            charts.box_height_trend,
            weekly,
            seats,
            key="box_chart",
            alt="The lowest box height each week, with each seat's height as a reference line",
        )


def flexion_stretches() -> None:
    st.header("Not part of this programme")
    for exercise in progress.not_recommended(cat):
        st.info(f"**{exercise.name}**: {exercise.reason}", icon=":material/block:")


st.title("Exercises")
person = context.require_person()
view = context.view(exercises.progress, person, date.today())
ladders(person, view.ladders, view.advice)
practice_log(person, view.ladders, view.planned, view.practice)
reminders(person, view.plan_exercises)
close_the_gap(person, view.seats, view.boxes)
if not permissions.may(context.actor(), "treat_person"):  # a patient: their handout and card, not the session's
    st.header("Printouts")
    printouts.draw(person)
flexion_stretches()
components.disclaimer(cat)
