"""The chart across visits: what each panel shows, and that missing data is said, not drawn as zero."""

from datetime import date

import pandas as pd

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
