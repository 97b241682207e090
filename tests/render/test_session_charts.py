"""The chart across visits: what each panel shows, and that missing data is said, not drawn as zero."""

from datetime import UTC, date, datetime, timedelta

import pandas as pd

from strain.domain.plans import Plan
from strain.render import session_charts


def test_the_chart_across_visits_labels_every_value_and_says_when_there_is_no_plan():
    series = pd.DataFrame(
        {
            "date": [date(2026, 10, 1), date(2026, 11, 1)],
            "pain_now": [6.0, 3.0],
            "pain_average": [5.0, None],
            "pain_worst": [None, None],
            "psfs": [3.0, 5.5],
            "strain": [150.0, None],
            "adherence": [None, 0.75],
        }
    )
    figure = session_charts.visits_chart(series)
    names = [trace.name for trace in figure.data]
    # No worst-pain line: it was never rated.
    assert names == [
        "Pain now",
        "Pain, week's average",
        "PSFS average (higher is better)",
        "Strain points a day",
        "Plan done",
    ]
    strain, adherence = figure.data[-2], figure.data[-1]
    assert list(strain.text) == ["150", "no days"]
    assert list(adherence.text) == ["no plan", "75%"]
    assert list(figure.data[0].x) == ["01 Oct 2026", "01 Nov 2026"]


def test_a_meaningful_change_is_ringed_and_labelled_on_the_chart():
    series = pd.DataFrame(
        {
            "date": [date(2026, 10, 1), date(2026, 10, 15), date(2026, 11, 1)],
            "pain_now": [None, None, None],
            "pain_average": [7.0, 6.0, 4.0],
            "pain_worst": [None, None, None],
            "psfs": [3.0, 4.0, 6.0],
            "strain": [None, None, None],
            "adherence": [None, None, None],
            "pain_meaningful": [False, False, True],
            "psfs_meaningful": [False, False, True],
        }
    )
    marks = next(t for t in session_charts.visits_chart(series).data if t.name.startswith("Meaningful"))
    assert list(marks.x) == ["01 Nov 2026", "01 Nov 2026"] and list(marks.y) == [4.0, 6.0]
    assert list(marks.text) == ["average pain: meaningful change", "PSFS: meaningful change"]


def test_each_plan_version_is_shaded_over_the_visits_it_was_in_force_at():
    days = [date(2026, 10, 1), date(2026, 10, 15), date(2026, 11, 1), date(2026, 11, 20)]
    series = pd.DataFrame(
        {"date": days}
        | {name: [None] * 4 for name in ("pain_now", "pain_average", "pain_worst", "psfs", "strain", "adherence")}
    )

    def plan(version: int, start: date) -> Plan:
        return Plan(version, start, start + timedelta(days=28), "", datetime(2026, 9, 1, tzinfo=UTC), ())

    # v1 before the visits, v2 agreed between the second and third, v3 after the last one: not drawn.
    plans = [plan(1, date(2026, 9, 20)), plan(2, date(2026, 10, 20)), plan(3, date(2026, 11, 25))]
    bands = session_charts.plan_bands(days, plans)
    assert [(band.version, first, last) for band, first, last in bands] == [(1, -0.5, 1.5), (2, 1.5, 3.5)]
    figure = session_charts.visits_chart(series, plans)
    labels = [note.text for note in figure.layout.annotations]
    assert "Plan v1 from 20 Sep" in labels and "Plan v2 from 20 Oct" in labels
    assert not any("Plan v3" in label for label in labels)
    assert len(figure.layout.shapes) == 2 * 3  # each band on each of the three panels
