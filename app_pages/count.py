"""Count as you go: a live tally for the phone, one tap per movement, each saved at once."""

from functools import partial

import streamlit as st

from strain.domain import counting
from strain.storage.people_store import PersonInfo
from strain.usecases import errors, live_tally
from strain.usecases.live_tally import CountView
from ui import components, context, count_taps, day_total, tap_api, tap_row

cat = context.strain_catalogue()
person = context.require_person()
service = context.use_cases()

NOT_SHOWN = "Could not reach the database to show today's tally. Taps already made are kept on this phone; try again."

st.title("Count as you go")
st.caption("Each tap is saved at once. **+1 with control**: spine held still, legs doing the work.")


def take_taps(who: PersonInfo, activity_id: str, row: str) -> None:
    """A row's report sent through Streamlit, when the app's own route could not take it (runs before the
    script, which then draws the day as the taps left it)."""
    count_taps.take(who, activity_id, row, tap_row.reported(count_taps.buttons_key(activity_id)))


def save_wake_up() -> None:
    live_tally.set_wake_up(service, person, st.session_state["count_wake_up"])


def draw_row(row: counting.Row, view: CountView, grant: str) -> None:
    """One activity: its name, what is counted today and its buttons (drawn again by the browser after a tap)."""
    activity = row.activity
    minutes = activity.unit == "min"
    with st.container(border=True, key=f"count_row_{activity.id}"):
        if minutes:  # its name, then the switch the minutes buttons count by; else the row's own draws its name
            st.markdown(f"**{components.md(activity.name)}**")
            st.toggle("With control", key=count_taps.with_control_key(activity.id))
        row_id = f"{person.id}/{activity.id}"
        tap_row.tap_row(
            count_taps.buttons_key(activity.id),
            name="" if minutes else activity.name,
            row=row_id,
            day=view.day.isoformat(),
            grant=grant,
            shown=count_taps.shown(row, view.taps.get(activity.id, {})),
            on_tap=partial(take_taps, person, activity.id, row_id),
        )
        note = st.session_state.get(count_taps.NOTE)
        if note and note[0] == activity.id:
            (st.error if note[2] else st.warning)(components.md(note[1]))


def wake_up_fold(view: CountView) -> None:
    """The wake-up time: open until it is set, then folded and drawn only when opened (it is set once)."""
    label = f"Wake-up time {view.wake_up:%H:%M}" + ("" if view.wake_up_set else " (set it once)")
    components.folded(
        label, "count_wake_up_open", partial(wake_up_form, view), icon=":material/alarm:", expanded=not view.wake_up_set
    )


def wake_up_form(view: CountView) -> None:
    """The wake-up time's field and its Save button, inside the fold."""
    if "count_wake_up" not in st.session_state:
        st.session_state["count_wake_up"] = view.wake_up
    st.time_input("I usually wake up at", key="count_wake_up", step=300, width=200)
    st.button("Save wake-up time", key="count_wake_up_save", on_click=save_wake_up)
    st.caption(
        "Bending in the hour after waking counts extra (the discs are fullest then). "
        "Set your usual time once; change it here when it changes."
    )


def today() -> CountView:
    """Today's tally now. Kept until the person's data change (a tap keeps what it wrote, count_taps.take); only
    the first hour is the clock's. Four reads on every run were a sixth of it."""
    now = context.local_now()
    return live_tally.at(count_taps.kept_day(person, now.date(), count_taps.order_of(person, now)), now)


def tally() -> None:
    """The day's total, the wake-up time and a row of buttons for each activity, the most frequent first."""
    try:
        view = today()
    except Exception as error:
        st.error(NOT_SHOWN if errors.unreachable(error) else components.md(context.explain(error)))  # a bug: raised
        st.button("Try again", key="count_try_again")
        return
    grant = tap_api.grant(person)
    with st.container(key="count_tally"):
        day_total.day_total("count_total", person, view)
        wake_up_fold(view)
        for row in view.rows:
            if row.frequent:
                draw_row(row, view, grant)

        def the_others() -> None:
            for row in view.rows:
                if not row.frequent:
                    draw_row(row, view, grant)

        components.folded("More activities", "count_more", the_others)  # fewer buttons drawn on a full run
    st.page_link(
        "app_pages/log.py",
        label="Today on the Log page (pain, note, load, twist)",
        icon=":material/edit_note:",
        query_params={"person": person.name, "date": view.day.isoformat()},
    )


tally()
components.disclaimer(cat)
