"""Audit: one day's strain, where it comes from, and what to practise instead."""

from datetime import date

import streamlit as st

from strain.domain import invisible, limits, model, modifiers
from strain.render import charts
from strain.usecases import self_audit
from ui import components, context, pictures

cat = context.strain_catalogue()
person = context.require_person()
service = context.use_cases()


def recent() -> list[date]:
    """The latest logged days up to today: a day imported with a later date (a typo in a CSV) must not push the
    picker past its limit."""
    return self_audit.recent_dates(service, person, date.today())


def latest_day() -> date:
    """The day a first visit opens on: the latest logged (a query), else today."""
    logged = recent()
    return logged[0] if logged else date.today()


st.title("Audit a day")
context.bind_url("date", "audit_date", context.parse_date, latest_day)
day = st.date_input("Day", key="audit_date", min_value=limits.FIRST_DATE, max_value=date.today(), format="YYYY-MM-DD")
context.publish_url("date", "audit_date", day.isoformat())

day_audit = context.view(self_audit.audit, person, day)
if day_audit is None:
    st.info(f"Nothing is logged for {day:%A} {day.day} {day:%B %Y}.")  # "1 December", not "01"
    st.page_link(
        "app_pages/log.py",
        label="Log this day",
        icon=":material/edit_note:",
        query_params={"person": person.name, "date": day.isoformat()},
    )
    logged = recent()
    if logged:
        st.caption("Logged days: " + ", ".join(d.isoformat() for d in reversed(logged)))
    components.disclaimer(cat)
    st.stop()

saved, scored, strain_model = day_audit.saved, day_audit.scored, day_audit.model
total, band = day_audit.total, day_audit.band

left, right = st.columns([1, 2])
with left:
    st.metric("Strain points", f"{total:.0f}", help=model.ONE_POINT)
    st.caption(model.ONE_POINT)
    moved, held = st.columns(2)
    moved.metric("Movements", f"{day_audit.movement_points:.0f}", help="Counted movements: points per repetition.")
    held.metric(
        "Held postures",
        f"{day_audit.posture_points:.0f}",
        help="Minutes in a position, a minute counting as so many repetitions (see the Model page).",
    )
    st.caption(f"{total:.0f} points; {model.envelope(day_audit.total_low, day_audit.total_high)}.")
    components.band_badge(band)
    st.caption(
        f"Bands: low below {cat.bands.moderate:g}, moderate from {cat.bands.moderate:g}, high from {cat.bands.high:g}."
    )
    if saved.pain is not None:
        st.metric("Pain that day (0-10)", saved.pain)
    if saved.note:
        st.text(invisible.visible(saved.note))  # a direction control shows as its code: it cannot turn the note round
    if saved.model_version != strain_model.version:  # which weights: the Model page names the version
        st.caption("Shown with the current weights; this day was saved under earlier ones (see the Model page).")
with right:
    st.subheader("Where the points come from")
    names = {a.id: a.name for a in cat.activities}
    components.chart(charts.contribution_bars, day_audit.contributions, names, key="audit_chart")

st.subheader("Top strain sources and what to practise")
for rank, source in enumerate(day_audit.sources, start=1):
    with st.container(border=True):
        # One text for each run of paragraphs (each element drawn costs a rerun time).
        st.markdown(
            f"**{rank}. {source.activity.name}**: {source.points:.0f} points ({source.share:.0f}% of the day)\n\n"
            f"*Controlled technique:* {source.activity.cue}"
        )
        pictures.technique(source.activity.id)
        saving = (
            f"**What if:** done with control: **-{source.control_saving:.0f} points**"
            if source.control_saving > 0.05
            else "Already done with control."
        )
        exercise = source.exercise
        st.markdown(f"{saving}\n\n*Practise:* {exercise.name} (level {exercise.level}, {exercise.position})")
        st.page_link(
            "app_pages/exercises.py",
            label="Open the exercise ladder",
            icon=":material/stairs:",
            query_params={"person": person.name, "ladder": exercise.ladder},
        )

st.subheader("What if")
st.caption(
    "Doing a movement with control comes first; doing it less comes second. Staying active is good for a sore "
    "back: the aim is to keep doing these things, with a still spine."
)
chosen = st.multiselect(
    "Done with control",
    day_audit.uncontrolled,
    format_func=names.__getitem__,
    key="whatif_controlled",
    placeholder="Choose activities",
)
fewer_activity = st.selectbox(
    "Fewer times", [None, *day_audit.activities], format_func=lambda a: names.get(a, "(none)"), key="whatif_activity"
)
quantities = {}
if fewer_activity is not None:
    current = float(scored.loc[scored["activity"] == fewer_activity, "quantity"].sum())
    quantities[fewer_activity] = st.number_input(
        f"New count or minutes (now {current:g})",
        min_value=0.0,
        max_value=current,
        value=current,
        format="%g",
        key=f"whatif_quantity_{fewer_activity}",  # one per activity: each has its own maximum
    )
result = self_audit.what_if(day_audit, controlled=chosen, quantities=quantities)
change = round(result.difference)
st.metric(
    "The day would score",
    f"{result.after:.0f}",
    delta=f"{change} points" if change else None,
    delta_color="inverse",
    help="Choose activities above to see what doing them with control, or fewer times, would change.",
)
components.band_badge(result.band)


def arithmetic() -> None:
    """Each entry's points worked out, and the day's entries in one table."""
    st.caption(f"points = {cat.formula.split('=', 1)[1].strip()}")
    # Two columns zipped, not every column's row as a tuple (that took a tenth of a rerun).
    entries = zip(scored["activity"], scored["quantity"], strict=True)
    labels = {i: f"{names[activity]} ({quantity:g})" for i, (activity, quantity) in enumerate(entries)}
    picked = st.selectbox("Entry", list(labels), format_func=labels.__getitem__, key="audit_entry")
    st.code(model.explain(scored.iloc[picked], cat), language=None, wrap_lines=True)
    # A static table, so that long activity names wrap instead of being cut at a column's edge.
    headings = {
        "name": "Activity",
        "points": "Points",
        "quantity": "How many",
        "weight": "Weight",
        **{m.multiplier: f"x {m.name.replace('_', ' ')}" for m in modifiers.REGISTRY},
        "m_per_minute": "x a minute's worth",
        **{m.column: m.column.replace("_", " ").capitalize() for m in modifiers.REGISTRY},
    }
    table = scored.assign(name=scored["activity"].map(names))[list(headings)]
    st.table(
        table.assign(points=table["points"].map("{:.1f}".format)).rename(columns=headings),
        hide_index=True,
    )


# Folded, and drawn once opened: the table and its entry picker were a sixth of every rerun of the page.
components.folded(
    "The arithmetic: each entry's points worked out", "audit_arithmetic", arithmetic, icon=":material/calculate:"
)
components.disclaimer(cat)
