"""The Log page's sheet: every activity once, edits become entries under the tally's rules."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from strain.domain import daysheet, tally
from tests.strategies import CAT, entries, frame_of

DAY = date(2026, 11, 20)


def test_a_sheet_lists_every_activity_grouped_by_family():
    sheet = daysheet.sheet(CAT, tally.empty_frame())
    assert sorted(sheet["activity"]) == sorted(a.id for a in CAT.activities)
    families = list(dict.fromkeys(sheet["family"]))
    assert families == [f for f in daysheet.FAMILIES if f in families]
    assert (sheet["quantity"] == 0).all()


def test_the_starter_day_round_trips_through_the_sheet():
    starter = daysheet.starter_frame(CAT, DAY)
    back, problems = daysheet.entries_from_sheet(CAT, daysheet.sheet(CAT, starter), DAY)
    assert problems == []
    columns = list(tally.HEADER)
    key = ["activity"]
    assert back[columns].sort_values(key).to_dict("records") == starter[columns].sort_values(key).to_dict("records")


@given(st.lists(entries.map(lambda e: {**e, "date": DAY, "quantity": e["quantity"] + 1}), max_size=15))
def test_saved_entries_survive_the_sheet_even_with_repeats(rows):
    frame = frame_of(rows)
    back, problems = daysheet.entries_from_sheet(CAT, daysheet.sheet(CAT, frame), DAY)
    assert problems == []
    columns = list(tally.HEADER)
    order = ["activity", "quantity", "technique", "load_kg", "twist", "first_hour", "note"]
    expected = frame[columns].sort_values(order).reset_index(drop=True)
    assert back[columns].sort_values(order).reset_index(drop=True).to_dict("records") == expected.to_dict("records")


def test_emptied_cells_and_zero_quantities_are_not_entries():
    sheet = daysheet.sheet(CAT, daysheet.starter_frame(CAT, DAY))
    sheet["quantity"] = [None] + [0.0] * (len(sheet) - 1)
    back, problems = daysheet.entries_from_sheet(CAT, sheet, DAY)
    assert back.empty and problems == []


def test_bad_cells_are_named_by_activity():
    sheet = daysheet.sheet(CAT, tally.empty_frame()).set_index("activity")
    sheet.loc["hunched_sitting", "quantity"] = 1500
    sheet.loc["child_lift", ["quantity", "load_kg"]] = [2, 250]
    _, problems = daysheet.entries_from_sheet(CAT, sheet.reset_index(), DAY)
    assert problems == [
        "Lifting a child into a car seat, cot or bath: load_kg must be at most 200 kg, got 250",
        f"{CAT.activity('hunched_sitting').name}: quantity must be at most 1440 minutes a day, got 1500",
    ]


# The sheet's column for each modifier an activity may take.
MODIFIER_COLUMNS = {"load": "load_kg", "twist": "twist", "first_hour": "first_hour"}


def test_each_activity_is_offered_only_the_modifiers_it_takes():
    child_lift = daysheet.offered(CAT.activity("child_lift"))
    assert child_lift == ["quantity", "controlled", *MODIFIER_COLUMNS.values()]
    for activity in CAT.activities:
        columns = daysheet.offered(activity)
        assert [c for c in columns if c in MODIFIER_COLUMNS.values()] == [
            column for name, column in MODIFIER_COLUMNS.items() if name in activity.takes
        ]
    assert "twist" not in daysheet.offered(CAT.activity("car_in_out"))  # its weight already holds the twist


def test_each_family_says_how_many_of_its_activities_the_sheet_counts():
    sheet = daysheet.sheet(CAT, daysheet.starter_frame(CAT, DAY))
    sheet.loc[sheet["activity"] == "weeding", "quantity"] = 20
    sheet.loc[sheet["activity"] == "sit_down_chair", "quantity"] = None  # a count field emptied
    counts = daysheet.counted(sheet)
    assert list(counts) == list(daysheet.FAMILIES)
    starter = {CAT.activity(s.activity).family for s in CAT.starter_day if s.quantity > 0}
    assert counts["garden"] == 1 and counts["lifting"] == 0 and all(counts[f] > 0 for f in starter)
    assert (
        counts["transfers"]
        == sum(1 for s in CAT.starter_day if CAT.activity(s.activity).family == "transfers" and s.quantity > 0) - 1
    )


def test_a_familys_rows_are_its_rows_of_the_sheet_in_order_with_their_places():
    sheet = daysheet.sheet(CAT, daysheet.starter_frame(CAT, DAY))
    sheet.loc[sheet["activity"] == "car_in_out", ["quantity", "load_kg"]] = [3.0, 12.5]
    every = list(zip(sheet.index.tolist(), sheet.to_dict("records"), strict=True))
    for family in daysheet.FAMILIES:
        rows = daysheet.family_rows(sheet, family)
        assert rows == [(place, row) for place, row in every if row["family"] == family]
        assert rows and all(type(row["quantity"]) is float for _, row in rows)  # Python values, as the widgets take
    assert sum(len(daysheet.family_rows(sheet, family)) for family in daysheet.FAMILIES) == len(sheet)
