"""The first-visit assessment's rules: the STarT Back tool's data and scoring, and what a form must answer."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from strain.domain import assessment, catalogue, limits
from strain.domain.assessment import AssessmentInput

CAT = catalogue.default()
TOOL = assessment.startback()
TODAY = date(2026, 12, 3)
AGREED = st.lists(st.booleans(), min_size=8, max_size=8)
BOTHERSOME = st.integers(0, 4)


def complete(**changes) -> AssessmentInput:
    values = {
        "day": TODAY,
        "texts": {name: "" for name in assessment.TEXTS},
        "consents": {name: True for name in assessment.CONSENTS},
        "red_flags": {flag.text: False for flag in CAT.safety.red_flags},
        "agreed": [False] * 8,
        "bothersome": 0,
    }
    return AssessmentInput(**(values | changes))


def test_the_tool_has_nine_items_and_keeps_keeles_copyright_and_terms():
    assert TOOL.items == 9 and len(TOOL.statements) == 8
    assert TOOL.statements[0] == "My back pain has spread down my leg(s) at some time in the last 2 weeks"
    # Keele's own wording (its online calculator): item 5 is a statement, not a question.
    item_5 = "It\u2019s not really safe for a person with a condition like mine to be physically active"
    assert TOOL.statements[4] == item_5
    assert TOOL.bothersome_options == ("Not at all", "Slightly", "Moderately", "Very much", "Extremely")
    assert "Keele University" in TOOL.copyright and "commercial use needs a licence" in TOOL.copyright


@given(agreed=AGREED, bothersome=BOTHERSOME)
def test_the_total_counts_agreements_and_a_bothersome_back_the_subscale_items_5_to_9(agreed, bothersome):
    score = assessment.score_startback(agreed, bothersome)
    item_9 = int(bothersome >= 3)  # Very much, Extremely
    assert score.total == sum(agreed) + item_9
    assert score.subscale == sum(agreed[4:]) + item_9
    assert 0 <= score.subscale <= 5 and score.subscale <= score.total <= 9


@given(agreed=AGREED, bothersome=BOTHERSOME, more=st.integers(0, 7))
def test_agreeing_with_one_more_item_never_lowers_the_total_nor_the_risk(agreed, bothersome, more):
    before = assessment.score_startback(agreed, bothersome)
    after = assessment.score_startback([*agreed[:more], True, *agreed[more + 1 :]], min(bothersome + 1, 4))
    assert after.total >= before.total and after.subscale >= before.subscale
    assert assessment.RISKS.index(after.risk) >= assessment.RISKS.index(before.risk)


@given(agreed=AGREED, bothersome=BOTHERSOME)
def test_the_three_bands(agreed, bothersome):
    score = assessment.score_startback(agreed, bothersome)
    if score.total <= 3:
        assert score.risk == "low"
    elif score.subscale >= 4:
        assert score.risk == "high"
    else:
        assert score.risk == "medium"


def test_the_published_examples_of_each_band():
    assert assessment.score_startback([True, True, True, False, False, False, False, False], 2).risk == "low"
    assert assessment.score_startback([True, True, True, True, False, False, False, False], 0).risk == "medium"
    assert assessment.score_startback([False, False, False, False, True, True, True, False], 3).risk == "high"


def test_a_complete_form_has_no_problems():
    assert assessment.problems(complete(), today=TODAY, catalogue=CAT) == []


def test_every_unanswered_question_and_each_rule_is_named():
    first = CAT.safety.red_flags[0].text
    form = complete(
        day=TODAY + timedelta(days=1),
        texts={"history": "x" * (limits.MAX_ASSESSMENT_TEXT + 1)},
        consents={"consent_treatment": None},
        red_flags={first: True},
        agreed=[True, None],
        bothersome=None,
    )
    assert assessment.problems(form, today=TODAY, catalogue=CAT) == [
        f"The assessment is dated {TODAY + timedelta(days=1)}, in the future: choose today or an earlier day.",
        f"History: keep it to {limits.MAX_ASSESSMENT_TEXT} characters (it has {limits.MAX_ASSESSMENT_TEXT + 1}).",
        "Consent to assessment and treatment: answer yes or no.",
        "Consent to their data being kept: answer yes or no.",
        f"Red-flag screen: answer every item, yes or no ({len(CAT.safety.red_flags) - 1} not answered).",
        "Keele STarT Back Screening Tool: answer every item (item 2, 3, 4, 5, 6, 7, 8, 9 not answered).",
    ]


def test_no_day_is_a_problem():
    assert assessment.problems(complete(day=None), today=TODAY, catalogue=CAT) == ["Choose the day of the assessment."]


def test_every_red_flag_of_the_catalogue_fits_what_the_screen_stores():
    assert all(len(flag.text) <= limits.MAX_RED_FLAG_TEXT for flag in CAT.safety.red_flags)
