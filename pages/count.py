"""Count as you go: a live tally for the phone, one tap per movement, each saved at once."""

from datetime import datetime

import streamlit as st

from strain import counting
from strain.service import CountView, NothingToTakeBack
from ui import components, context, shell

shell.ensure()

cat = context.strain_catalogue()
person = context.require_person()
service = context.service()

LAST_KIND = "count_last_kind"  # activity id -> the technique last added on its row in this session
ORDER = "count_order"  # ((person id, day), the rows' order)
NOTE = "count_note"  # (activity id, message, is_error) after a tap that counted nothing
KINDS = {"controlled": "with control", "uncontrolled": "without"}
TAKE_BACK = "Takes back one of the kind you tapped last on this row (minutes: of the kind the switch shows)"
# Big buttons, three of one width on a line, also on a phone (app CSS: no user text in it).
STYLE = """<style>
@media (max-width: 640px) { .stMainBlockContainer { padding-top: 3.5rem; } }
.st-key-count_tally button { min-height: 3.5rem; }
.st-key-count_tally [class*="st-key-count_buttons_"] > div { flex: 1 1 0; min-width: 0; }
.st-key-count_tally [class*="st-key-count_buttons_"] button p { white-space: normal; line-height: 1.2; }
</style>"""

st.title("Count as you go")
st.caption("Each tap is saved at once. **+1 with control**: spine held still, legs doing the work.")


def tap(activity_id: str, technique: str, amount: float) -> None:
    """Count a tap now (a negative amount takes back); a refusal is shown under its row."""
    st.session_state.pop(NOTE, None)
    try:
        service.count(person, activity_id, technique=technique, amount=amount, now=context.local_now())
    except Exception as error:  # explain() raises again what a person cannot act on
        st.session_state[NOTE] = (activity_id, context.explain(error), not isinstance(error, NothingToTakeBack))
        return
    if amount > 0:
        st.session_state.setdefault(LAST_KIND, {})[activity_id] = technique


def save_wake_up() -> None:
    service.set_wake_up(person, st.session_state["count_wake_up"])


def counted(row: counting.Row) -> str:
    """What is counted today, in words: '3 with control, 5 without'."""
    unit = "" if row.activity.unit == "rep" else " min"
    if not (row.controlled or row.uncontrolled):
        return "None yet today"
    return f"{row.controlled:g}{unit} with control · {row.uncontrolled:g}{unit} without"


def draw_row(row: counting.Row) -> None:
    """One activity: what is counted today, and three buttons of one size on one line."""
    activity = row.activity
    with st.container(border=True, key=f"count_row_{activity.id}"):
        st.markdown(f"**{components.md(activity.name)}**  \n{counted(row)}")
        if activity.unit == "rep":
            back = row.take_back(st.session_state.get(LAST_KIND, {}).get(activity.id))
            buttons = [
                ("+1 with control", "control", "controlled", 1.0),
                ("+1", "plain", "uncontrolled", 1.0),
                (f"-1 {KINDS[back]}", "undo", back, -1.0),
            ]
        else:
            back = (
                "controlled" if st.toggle("With control", key=f"count_{activity.id}_with_control") else "uncontrolled"
            )
            buttons = [(f"+{minutes:g} min", f"{minutes:g}", back, minutes) for minutes in counting.STEPS["min"]]
            buttons.append((f"-{row.step:g} min", "undo", back, -row.step))
        with st.container(horizontal=True, gap="small", key=f"count_buttons_{activity.id}"):
            for label, name, technique, amount in buttons:
                st.button(
                    label,
                    key=f"count_{activity.id}_{name}",
                    type="primary" if technique == "controlled" and amount > 0 else "secondary",
                    width="stretch",
                    help=TAKE_BACK if amount < 0 else None,
                    on_click=tap,
                    args=(activity.id, technique, amount),
                )
        note = st.session_state.get(NOTE)
        if note and note[0] == activity.id:
            (st.error if note[2] else st.warning)(components.md(note[1]))


def header(view: CountView) -> None:
    with st.container(horizontal=True, vertical_alignment="center"):
        st.metric("Today so far", f"{view.total:.0f} points", width="content")
        components.band_badge(view.band)
    label = f"Wake-up time {view.wake_up:%H:%M}" + ("" if view.wake_up_set else " (set it once)")
    with st.expander(label, expanded=not view.wake_up_set, icon=":material/alarm:"):
        if "count_wake_up" not in st.session_state:
            st.session_state["count_wake_up"] = view.wake_up
        st.time_input("I usually wake up at", key="count_wake_up", step=300, width=200)
        st.button("Save wake-up time", key="count_wake_up_save", on_click=save_wake_up)
        st.caption(
            "Bending in the hour after waking counts extra (the discs are fullest then). "
            "Set your usual time once; change it here when it changes."
        )
    if view.first_hour:
        st.info(
            f"First hour after waking, until {counting.first_hour_ends(view.wake_up):%H:%M}: "
            "bending movements you count now count extra.",
            icon=":material/wb_twilight:",
        )


def order_of(now: datetime) -> counting.Order:
    """The rows' order, read once a day: it stays put while the person taps (and a tap is quicker)."""
    key = ("count_order", person.id, now.date())
    if st.session_state.get(ORDER, (None,))[0] != key:
        st.session_state[ORDER] = (key, service.count_order(person, now.date()))
    return st.session_state[ORDER][1]


@st.fragment
def tally() -> None:
    """The counts and buttons: a tap reruns only this part of the page."""
    # Drawn before the reads: a tap arriving meanwhile starts its own run at once (a tap that comes
    # while another of the same button is still waiting to run is taken as one by Streamlit).
    st.html(STYLE)
    now = context.local_now()
    try:
        view = service.count_view(person, now, order_of(now))
    except Exception as error:  # explain() raises again what a person cannot act on
        st.error(components.md(context.explain(error)))
        return
    with st.container(key="count_tally"):
        header(view)
        for row in view.rows:
            if row.frequent:
                draw_row(row)
        # Drawn only while open: fewer buttons to send after every tap.
        more = st.expander("More activities", key="count_more", on_change="rerun")
        if more.open:
            with more:
                for row in view.rows:
                    if not row.frequent:
                        draw_row(row)
    st.page_link(
        "pages/log.py",
        label="Today on the Log page (pain, note, load, twist)",
        icon=":material/edit_note:",
        query_params={"person": person.name, "date": view.day.isoformat()},
    )


tally()
components.disclaimer(cat)
