import pytest

from iptcare.measures import instruments, scoring
from iptcare.measures.tests.helpers import answers_for

PHQ9 = instruments.get("phq9")
GAD7 = instruments.get("gad7")
EPDS = instruments.get("epds")


def clean(instrument, scores):
    return scoring.clean_answers(instrument, answers_for(instrument.id, scores))


@pytest.mark.parametrize(
    ("scores", "total", "band"),
    [
        ([0] * 9, 0, "none_minimal"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "none_minimal"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
        ([1] * 9, 9, "mild"),
        ([2, 2, 2, 2, 2, 0, 0, 0, 0], 10, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2, 1, 0], 15, "moderately_severe"),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
        ([3] * 9, 27, "severe"),
    ],
)
def test_phq9_totals_and_bands(scores, total, band):
    answers = clean(PHQ9, scores)
    assert scoring.total(PHQ9, answers) == total
    assert scoring.band(PHQ9, total).code == band


@pytest.mark.parametrize(
    ("total", "band"),
    [(4, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe"), (21, "severe")],
)
def test_gad7_bands(total, band):
    assert scoring.band(GAD7, total).code == band


@pytest.mark.parametrize(
    ("total", "band"),
    [(9, "low"), (10, "possible"), (12, "possible"), (13, "probable"), (30, "probable")],
)
def test_epds_bands(total, band):
    assert scoring.band(EPDS, total).code == band


def test_epds_scores_by_the_option_not_its_position():
    # The first printed option of item 3 is "Yes, most of the time": it scores 3.
    first_options = {item.link_id: [item.options[0].code] for item in EPDS.scored_items}
    answers = scoring.clean_answers(EPDS, first_options)
    assert scoring.item_score(EPDS, answers, "epds_q3") == 3
    assert scoring.item_score(EPDS, answers, "epds_q1") == 0
    # Items 1, 2 and 4 top = 0; items 3 and 5-10 top = 3.
    assert scoring.total(EPDS, answers) == 7 * 3


def test_no_total_without_every_item():
    answers = clean(PHQ9, [1] * 9)
    del answers["phq9_q4"]
    assert scoring.total(PHQ9, answers) is None
    assert scoring.missing_items(PHQ9, answers) == [4]


def test_the_difficulty_question_is_optional_and_unscored():
    raw = answers_for("phq9", [1] * 9, {"phq9_difficulty": ["LA6575-0"]})
    answers = scoring.clean_answers(PHQ9, raw)
    assert scoring.total(PHQ9, answers) == 9
    assert scoring.missing_items(PHQ9, clean(PHQ9, [1] * 9)) == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"phq9_q1": ["LA6568-5", "LA6569-3"]}, "Question 1 was answered more than once."),
        ({"phq9_q1": ["LA9999-9"]}, "Question 1 has no such answer."),
        ({"phq9_q1": ["epds_q1_a0"]}, "Question 1 has no such answer."),
        ({"phq9_q10": ["LA6568-5"]}, "There is no question 'phq9_q10' on the PHQ-9."),
    ],
)
def test_bad_answers_are_refused(raw, message):
    with pytest.raises(scoring.InvalidAnswers) as raised:
        scoring.clean_answers(PHQ9, raw)
    assert raised.value.errors == [message]


@pytest.mark.parametrize(("score", "urgent"), [(1, False), (2, True), (3, True)])
def test_phq9_item_9_above_zero_is_critical_whatever_the_total(score, urgent):
    answers = clean(PHQ9, [0] * 8 + [score])
    assert scoring.critical_answers(PHQ9, answers) == [
        scoring.CriticalAnswer("phq9_q9", 9, score, urgent)
    ]


def test_phq9_item_9_at_zero_is_not_critical():
    assert scoring.critical_answers(PHQ9, clean(PHQ9, [3] * 8 + [0])) == []


def test_a_draft_with_only_item_9_is_critical():
    answers = scoring.clean_answers(PHQ9, {"phq9_q9": ["LA6569-3"]})
    assert [c.score for c in scoring.critical_answers(PHQ9, answers)] == [1]


def test_epds_item_10_hardly_ever_is_critical():
    answers = scoring.clean_answers(EPDS, {"epds_q10": ["epds_q10_a1"]})
    assert [(c.number, c.score) for c in scoring.critical_answers(EPDS, answers)] == [(10, 1)]
    never = scoring.clean_answers(EPDS, {"epds_q10": ["epds_q10_a0"]})
    assert scoring.critical_answers(EPDS, never) == []


def test_gad7_has_no_critical_items():
    assert scoring.critical_answers(GAD7, clean(GAD7, [3] * 7)) == []


@pytest.mark.parametrize(
    ("baseline", "current", "improved", "worse"),
    [(18, 12, True, False), (18, 13, False, False), (10, 16, False, True), (10, 15, False, False)],
)
def test_phq9_reliable_change_is_6(baseline, current, improved, worse):
    change = scoring.change(PHQ9, baseline, current, None)
    assert (change.reliable_improvement, change.reliable_deterioration) == (improved, worse)


@pytest.mark.parametrize(("baseline", "current", "improved"), [(12, 8, True), (12, 9, False)])
def test_gad7_and_epds_reliable_change_is_4(baseline, current, improved):
    assert scoring.change(GAD7, baseline, current, None).reliable_improvement is improved
    assert scoring.change(EPDS, baseline, current, None).reliable_improvement is improved


@pytest.mark.parametrize(
    ("baseline", "current", "response"),
    [(20, 10, True), (20, 11, False), (9, 4, True), (0, 0, False)],
)
def test_phq9_response_is_half_the_baseline_or_less(baseline, current, response):
    assert scoring.change(PHQ9, baseline, current, None).response is response


def test_phq9_remission_is_below_5():
    assert scoring.change(PHQ9, 15, 4, None).remission is True
    assert scoring.change(PHQ9, 15, 5, None).remission is False


def test_gad7_and_epds_have_no_response_or_remission():
    assert scoring.change(GAD7, 15, 2, None).response is None
    assert scoring.change(EPDS, 15, 2, None).remission is None


def test_change_from_baseline_and_last_time():
    change = scoring.change(PHQ9, 18, 11, 14)
    assert (change.from_baseline, change.from_previous) == (-7, -3)
    assert change.label == "Reliable improvement"


def test_recovery_needs_caseness_at_start():
    assert scoring.change(PHQ9, 10, 9, None).recovery is True
    assert scoring.change(PHQ9, 12, 10, None).recovery is False
    assert scoring.change(PHQ9, 9, 2, None).recovery is None  # not at caseness at start
    assert scoring.change(PHQ9, 16, 8, None).label == "Reliable recovery"


def test_caseness_thresholds():
    assert [scoring.is_case(PHQ9, s) for s in (9, 10)] == [False, True]
    assert [scoring.is_case(GAD7, s) for s in (7, 8)] == [False, True]
    assert [scoring.is_case(EPDS, s) for s in (12, 13)] == [False, True]


def test_paired_outcome_recovery_and_reliable_recovery():
    outcome = scoring.paired_outcome(
        scoring.change(PHQ9, 16, 6, None), scoring.change(GAD7, 12, 6, None)
    )
    assert outcome.case_at_start and outcome.recovery and outcome.reliable_improvement
    assert outcome.reliable_recovery is True and outcome.reliable_deterioration is False


def test_paired_outcome_improvement_on_one_and_deterioration_on_the_other_is_neither():
    outcome = scoring.paired_outcome(
        scoring.change(PHQ9, 16, 8, None), scoring.change(GAD7, 4, 9, None)
    )
    assert outcome.reliable_improvement is False and outcome.reliable_deterioration is False
    assert outcome.recovery is False  # GAD-7 at caseness at the end


def test_paired_outcome_not_at_caseness_at_start():
    outcome = scoring.paired_outcome(
        scoring.change(PHQ9, 8, 3, None), scoring.change(GAD7, 6, 2, None)
    )
    assert outcome.recovery is None and outcome.reliable_recovery is None
    assert outcome.reliable_improvement is True  # GAD-7 fell by 4; PHQ-9 by 5 (< 6)


def test_client_words_avoid_band_labels():
    for change in [None, scoring.change(PHQ9, 20, 5, None), scoring.change(PHQ9, 5, 20, None)]:
        words = scoring.client_words(change, 12)
        assert "severe" not in words.lower() and "depress" not in words.lower()
