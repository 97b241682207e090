"""Week over week: this week against the last, per activity, and pain alongside strain for 12 weeks."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from strain.domain import frames, limits, weeks
from strain.domain.weeks import IsoWeek, WeekComparison
from strain.render import charts
from strain.usecases import week_over_week
from strain.usecases.week_over_week import SERIES_WEEKS
from ui import components, context

WEEK_KEY = "weeks_day"  # the date input: any day of the chosen week
LIST_LENGTH = 5

cat = context.strain_catalogue()
NAMES = {activity.id: activity.name for activity in cat.activities}


# The weeks a person can look at: from the one holding the first day anything can be dated to this one.
FIRST_WEEK = IsoWeek.of(limits.FIRST_DATE)


def last_week() -> IsoWeek:
    return IsoWeek.of(date.today())


def shown_week(raw: str) -> date:
    """The Monday of a week named in the URL, if it is a week the page can show (ValueError otherwise)."""
    week = IsoWeek.parse(raw)
    if not FIRST_WEEK <= week <= last_week():
        raise ValueError(f"choose a week from {FIRST_WEEK} to {last_week()}")
    return week.start


def shift_week(by: int) -> None:
    week = IsoWeek.of(st.session_state[WEEK_KEY]).shift(by)
    st.session_state[WEEK_KEY] = min(max(week, FIRST_WEEK), last_week()).start


def week_picker(default: Callable[[], IsoWeek]) -> IsoWeek:
    """The week picker; `default()` is the week a first visit opens on (asked only then: it is a query)."""
    context.bind_url("week", WEEK_KEY, shown_week, lambda: min(max(default(), FIRST_WEEK), last_week()).start)
    current = IsoWeek.of(st.session_state[WEEK_KEY])
    left, middle, right = st.columns([1, 2, 1], vertical_alignment="bottom")
    left.button(
        "◀ Previous week",
        key="weeks_previous",
        on_click=shift_week,
        args=(-1,),
        width="stretch",
        disabled=current <= FIRST_WEEK,
    )
    middle.date_input(
        "Show the week containing",
        key=WEEK_KEY,
        min_value=FIRST_WEEK.start,
        max_value=last_week().end,
        format="YYYY-MM-DD",
    )
    right.button(
        "Next week ▶",
        key="weeks_next",
        on_click=shift_week,
        args=(1,),
        width="stretch",
        disabled=current >= last_week(),
    )
    week = IsoWeek.of(st.session_state[WEEK_KEY])
    context.publish_url("week", WEEK_KEY, str(week))
    return week


def averaged_over(days: int, in_progress: bool = False) -> str:
    plural = "s" if days != 1 else ""
    if in_progress:  # a week still running is never "3 of 7"
        return f"So far, {days} day{plural} logged: the average is per logged day"
    if days == weeks.DAYS_IN_WEEK:
        return "Average over all 7 days"
    return f"Average over {days} day{plural} (only logged days count)"


def versus_last(
    change: float | None, spec: str, unit: str, colour: str = "normal", uncertain: bool = False
) -> dict[str, Any]:
    """A metric's delta arguments; a change that rounds to nothing says so, without an arrow, and one the
    model's uncertainty could reverse says that, without colour or arrow."""
    if change is None:
        return {"delta": None}
    text = f"{change:{spec}}"
    if float(text) == 0:
        return {"delta": "same as last week", "delta_color": "off", "delta_arrow": "off"}
    if uncertain:
        return {"delta": f"{text}{unit}: within uncertainty", "delta_color": "off", "delta_arrow": "off"}
    return {"delta": f"{text}{unit} vs last week", "delta_color": colour}


def headline(comparison: WeekComparison) -> None:
    this, last = comparison.this, comparison.last
    columns = st.columns(4)
    # Fewer points and less pain are better: their deltas use the inverse colours.
    uncertain = comparison.within_uncertainty
    columns[0].metric(
        "Average daily strain",
        f"{this.average_points:.0f} points",
        **versus_last(comparison.change, "+.0f", " points", "inverse", uncertain),
    )
    columns[0].caption(averaged_over(this.days_logged, comparison.in_progress))
    if this.days_logged:
        columns[0].caption(
            f"{this.average_movement:.0f} from movements, {this.average_posture:.0f} from held postures."
        )
    change_range = comparison.change_range
    if uncertain and comparison.change is not None and round(comparison.change) and change_range is not None:
        low, high = change_range
        columns[0].caption(
            f"Within the model's uncertainty: with its numbers at their low or high ends the change would be "
            f"{low:+.0f} to {high:+.0f} points, so it is not called better or worse."
        )
    if comparison.in_progress:
        columns[1].metric("Days logged", f"{this.days_logged} so far")
        columns[1].caption("This week is still running: it is compared with last week per logged day.")
    else:
        days = f"{this.days_logged} of 7"
        columns[1].metric("Days logged", days, **versus_last(comparison.days_change, "+.0f", "", "off"))
    share, share_change = this.controlled_share, comparison.share_change
    share_points = None if share_change is None else share_change * 100
    columns[2].metric(
        "Done with control",  # short: a longer label is cut in a quarter of a 1280 px page
        "no repetitions" if share is None else f"{share:.0%}",
        **versus_last(share_points, "+.0f", " percentage points"),
        help="The share of repetitions done with control: movements counted in times (getting up, lifting, "
        "dressing...); minutes of a posture are not counted.",
    )
    if share_points is not None:
        shown = round(share_points)
        verdict = "improving" if shown > 0 else "slipping" if shown < 0 else "unchanged"
        columns[2].caption(f"Technique {verdict} since last week.")
    pain = this.average_pain
    pain_change = None if pain is None or last.average_pain is None else pain - last.average_pain
    columns[3].metric(
        "Average pain",
        "not recorded" if pain is None else f"{pain:.1f} / 10",
        **versus_last(pain_change, "+.1f", "", "inverse"),
    )
    if last.days_logged:
        st.write(
            f"Last week ({last.week.label}): {last.average_points:.0f} points a day "
            f"({last.average_movement:.0f} from movements, {last.average_posture:.0f} from held postures), "
            f"{averaged_over(last.days_logged).lower()}."
        )
    else:
        st.write(f"Last week ({last.week.label}) has no logged days, so there is nothing to compare with yet.")


def change_line(activity: str, last: float, this: float) -> str:
    shown_last, shown_this, change = weeks.shown_change(last, this)
    return f"- {NAMES.get(activity, activity)}: {shown_last} → {shown_this} points a day ({change})"


def change_lines(changes: pd.DataFrame) -> str:
    """The first LIST_LENGTH changes, and how many more there are (the chart below shows the largest)."""
    lines = [
        change_line(row.activity, row.last_per_day, row.this_per_day) for row in frames.rows(changes.head(LIST_LENGTH))
    ]
    if len(changes) > LIST_LENGTH:
        lines.append(f"- and {len(changes) - LIST_LENGTH} more (the chart below shows the largest changes)")
    return "\n".join(lines)


def per_activity(view: week_over_week.WeekView) -> None:
    st.subheader("What changed, activity by activity")
    if view.comparison.change is None:
        st.info("Per-activity changes appear once both weeks have logged days.")
        return
    better, worse = view.better, view.worse
    if better.empty and worse.empty:
        st.write("Every activity cost the same points per logged day as last week.")
        return
    left, right = st.columns(2)
    with left:
        st.markdown("**Better** (fewer points per logged day)")
        st.markdown(change_lines(better) if not better.empty else "Nothing got better this week.")
    with right:
        st.markdown("**Worse** (more points per logged day)")
        st.markdown(change_lines(worse) if not worse.empty else "Nothing got worse this week.")
    components.chart(
        charts.activity_changes,
        view.biggest,
        NAMES,
        key="weeks_changes_chart",
        alt="Change in points per logged day for each activity, better to the left, worse to the right",
    )


def trend(series: pd.DataFrame, week: IsoWeek) -> None:
    st.subheader(f"Strain and pain, the {SERIES_WEEKS} weeks to {week}")
    if series["days_logged"].sum() == 0:
        st.info(f"Nothing logged in the {SERIES_WEEKS} weeks up to {week.label}: the trend appears as you log days.")
        return
    components.chart(
        charts.weekly_strain_and_pain,
        series,
        key="weeks_trend_chart",
        alt=f"Average strain per logged day and average pain for the {SERIES_WEEKS} weeks to {week}",
    )
    st.caption(
        "Bars: average strain points per logged day (with the number of days logged). "
        "Dashed line: average pain 0-10, over the days that recorded pain. Each week is named by its Monday."
    )


st.title("Week over week")
person = context.require_person()
service = context.use_cases()
week = week_picker(lambda: week_over_week.default_week(service, person, date.today()))
view = context.view(week_over_week.week, person, week, date.today())
comparison, series = view.comparison, view.series

st.subheader(week.label)
if comparison.this.days_logged == 0:
    st.info(f"No days logged in {week.label}. Log a day to see how this week compares with the last.")
    st.page_link(
        "app_pages/log.py", label="Log a day", icon=":material/edit_note:", query_params={"person": person.name}
    )
else:
    headline(comparison)
    per_activity(view)
trend(series, week)
components.disclaimer(cat)
