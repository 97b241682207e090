"""Count as you go: a live tally for the phone, one tap per movement, each saved at once."""

from datetime import date, datetime
from functools import partial

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from strain.domain import counting
from strain.storage.people_store import PersonInfo
from strain.storage.store_errors import NothingToTakeBack
from strain.usecases import errors, live_tally
from strain.usecases.live_tally import CountView
from ui import components, context, pairing, tap_row

cat = context.strain_catalogue()
person = context.require_person()
service = context.use_cases()

LAST_KIND = "count_last_kind"  # activity id -> the technique last added on its row in this session
ORDER = "count_order"  # ((person id, day), the rows' order)
NOTE = "count_note"  # (activity id, message, is_error) after a tap that counted nothing
KINDS = {"controlled": "with control", "uncontrolled": "without"}
NOTHING_YET = "Nothing counted on this row today: nothing to take back yet"
TAKE_BACK = "Takes back one of the kind you tapped last on this row (minutes: of the kind the switch shows)"
NOT_SENT = (
    "Could not reach the database, so these taps are not saved yet. They are kept on this phone and sent "
    "again in a moment; the count above is what is saved."
)
# Where a tap's rerun of its row redraws what a tap changes above the rows: the day's points, its band and whether
# a tap counts as the first hour (each an st.empty holding one element: a block there broke the page in chromium).
Places = tuple[DeltaGenerator, DeltaGenerator, DeltaGenerator]
NOT_SHOWN = "Could not reach the database to show today's tally. Taps already made are kept on this phone; try again."

st.title("Count as you go")
st.caption("Each tap is saved at once. **+1 with control**: spine held still, legs doing the work.")


def take_taps(who: PersonInfo, activity_id: str, row: str) -> None:
    """Count what a row's report adds to the taps its device has had counted (runs before the script).

    The report holds the device's running totals: the day adds only what it has not counted yet, so
    a report sent again (after a lost answer, a restart, a failure here) adds nothing twice.
    """
    report = counting.reported(tap_row.reported(buttons_key(activity_id)), cat.activity(activity_id).unit)
    if report is None or report.row != row:  # not a row drawn for someone else a moment ago
        return
    st.session_state.pop(NOTE, None)
    now = context.local_now()
    order = order_of(now) if report.day == now.date() else None  # (taps from before midnight: the page moves on)
    try:
        result = live_tally.count_report(service, who, activity_id, report, now=now, order=order)
    except Exception as error:
        # The buttons keep their taps and send them again: say so rather than "try again".
        message = NOT_SENT if errors.unreachable(error) else context.explain(error)  # explain: a bug is raised
        st.session_state[NOTE] = (activity_id, message, True)
        return
    if result.refused is not None:
        refused = result.refused
        st.session_state[NOTE] = (activity_id, context.explain(refused), not isinstance(refused, NothingToTakeBack))
    if result.last_added:
        st.session_state.setdefault(LAST_KIND, {})[activity_id] = result.last_added
    if result.day is not None and result.data_version is not None and order is not None:
        keep_day(result.day, result.data_version, who, order)  # the day as the taps left it: the row reads it no more


def buttons_key(activity_id: str) -> str:
    return f"count_buttons_{activity_id}"


def save_wake_up() -> None:
    live_tally.set_wake_up(service, person, st.session_state["count_wake_up"])


def counted(row: counting.Row) -> str:
    """What is counted today, in words: '3 with control, 5 without'."""
    unit = "" if row.activity.unit == "rep" else " min"
    if not (row.controlled or row.uncontrolled):
        return "None yet today"
    return f"{row.controlled:g}{unit} with control · {row.uncontrolled:g}{unit} without"


def draw_row(row: counting.Row, day: date, taps: dict[str, dict[str, dict[str, int]]]) -> None:
    """One activity: what is counted today, and three buttons of one size on one line; `taps` is what
    the day has counted of each device's taps, by activity."""
    activity = row.activity
    with st.container(border=True, key=f"count_row_{activity.id}"):
        st.markdown(f"**{components.md(activity.name)}**  \n{counted(row)}")
        nothing = not (row.controlled or row.uncontrolled)  # nothing to take back: "-1" waits, greyed
        if activity.unit == "rep":
            back = row.take_back(st.session_state.get(LAST_KIND, {}).get(activity.id))
            buttons = [
                ("+1 with control", "control", counting.Tap("controlled", 1.0)),
                ("+1", "plain", counting.Tap("uncontrolled", 1.0)),
                ("-1" if nothing else f"-1 {KINDS[back]}", "undo", counting.Tap(back, -1.0)),
            ]
        else:
            back = (
                "controlled" if st.toggle("With control", key=f"count_{activity.id}_with_control") else "uncontrolled"
            )
            buttons = [
                (f"+{minutes:g} min", f"{minutes:g}", counting.Tap(back, minutes)) for minutes in counting.STEPS["min"]
            ]
            buttons.append((f"-{row.step:g} min", "undo", counting.Tap(back, -row.step)))
        row_id = f"{person.id}/{activity.id}"
        tap_row.tap_row(
            buttons_key(activity.id),
            row=row_id,
            day=day.isoformat(),
            counted=taps.get(activity.id, {}),
            buttons=[
                tap_row.Button(
                    name=name,
                    label=label,
                    tap=kind.name,
                    primary=kind.technique == "controlled" and kind.amount > 0,
                    help=(NOTHING_YET if nothing else TAKE_BACK) if kind.amount < 0 else "",
                    disabled=nothing and kind.amount < 0,
                )
                for label, name, kind in buttons
            ],
            on_tap=partial(take_taps, person, activity.id, row_id),
        )
        note = st.session_state.get(NOTE)
        if note and note[0] == activity.id:
            (st.error if note[2] else st.warning)(components.md(note[1]))


def above_rows(places: Places, view: CountView) -> None:
    """What a tap changes above the rows: today's points, their band and the first hour's notice, each in its place."""
    points, band, first_hour = places
    with points:
        st.metric("Today so far", components.points(view.total), width="content")
    with band:
        components.band_badge(view.band)
    if view.first_hour:
        first_hour.info(
            f"First hour after waking, until {counting.first_hour_ends(view.wake_up):%H:%M}: "
            "bending movements you count now count extra.",
            icon=":material/wb_twilight:",
        )
    else:
        first_hour.empty()


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


def order_of(now: datetime) -> counting.Order:
    """The rows' order, read once a day: it stays put while the person taps (and a tap is quicker)."""
    key = ("count_order", person.id, now.date())
    if st.session_state.get(ORDER, (None,))[0] != key:
        st.session_state[ORDER] = (key, live_tally.count_order(service, person, now.date()))
    order: counting.Order = st.session_state[ORDER][1]
    return order


def today() -> CountView:
    """Today's tally now. Kept until the person's data change (a tap keeps what it wrote, see keep_day); only the
    first hour is the clock's. Four reads on every run were a sixth of it."""
    now = context.local_now()
    return live_tally.at(kept_day(person, now.date(), order_of(now)), now)


def kept_day(who: PersonInfo, day: date, order: counting.Order) -> live_tally.CountedDay:
    """The tally of `who`'s `day`, rows in `order`, kept at their data version."""
    return context.view(live_tally.counted_day, who, day, order)


def keep_day(made: live_tally.CountedDay, version: str, who: PersonInfo, order: counting.Order) -> None:
    """Keep a tap's day as kept_day(who, made.day, order) reads it at `version` (the same arguments, or no run
    would find it)."""
    context.keep_view(made, live_tally.counted_day, version, who, made.day, order)


def not_shown(error: Exception, key: str) -> None:
    """Today's tally could not be read: why, and a way to try again (a button keyed `key`: rows rerun in one run
    each draw their own)."""
    st.error(NOT_SHOWN if errors.unreachable(error) else components.md(context.explain(error)))  # explain: a bug raised
    st.button("Try again", key=key)


DRAWN_FOR = context.drawn_for()


@st.fragment
def counted_row(row: counting.Row, view: CountView, above: Places) -> None:
    """One activity's row. A tap reruns this row alone, and what a tap changes above the rows (`above`): the rest
    of the page, the other rows and their buttons, is neither run nor sent again. The row and view given are the
    full run's; a rerun of its own takes them anew (as the tap kept them)."""
    if context.own_rerun():
        context.still_signed_in(DRAWN_FOR)
        pairing.still_paired_here()
        try:
            fresh = today()
        except Exception as error:
            not_shown(error, key=f"count_try_again_{row.activity.id}")
            return
        if fresh.day != view.day:  # past midnight: the whole page moves to the new day, not this row alone
            st.rerun()
        view, row = fresh, fresh.row(row.activity.id)
        above_rows(above, view)
    else:
        # Streamlit draws a fragment's rerun outside it only where its full run wrote: each row keeps its place
        # in each of them, and the page then fills them (an st.empty holds one element: the last one written).
        for place in above:
            place.empty()
    draw_row(row, view.day, view.taps)


def tally() -> None:
    """The day's total, the wake-up time and a row of buttons for each activity, the most frequent first."""
    try:
        view = today()
    except Exception as error:
        not_shown(error, key="count_try_again")
        return
    with st.container(key="count_tally"):
        with st.container(horizontal=True, vertical_alignment="center"):
            points, band = st.empty(), st.empty()
        wake_up_fold(view)
        above = (points, band, st.empty())  # filled once the rows have kept their places in them (counted_row)
        for row in view.rows:
            if row.frequent:
                counted_row(row, view, above)

        def the_others() -> None:
            for row in view.rows:
                if not row.frequent:
                    counted_row(row, view, above)

        components.folded("More activities", "count_more", the_others)  # fewer buttons drawn on a full run
        above_rows(above, view)
    st.page_link(
        "app_pages/log.py",
        label="Today on the Log page (pain, note, load, twist)",
        icon=":material/edit_note:",
        query_params={"person": person.name, "date": view.day.isoformat()},
    )


tally()
components.disclaimer(cat)
