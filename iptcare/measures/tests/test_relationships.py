from datetime import date, timedelta

from iptcare.measures.relationships import Day, pearson, summarise

START = date(2026, 4, 1)


def days(moods, positives, negatives, people=None):
    people = people or [()] * len(moods)
    return [
        Day(START + timedelta(days=i), m, p, n, tuple(who))
        for i, (m, p, n, who) in enumerate(zip(moods, positives, negatives, people, strict=True))
    ]


def test_pearson_perfect_and_inverse():
    xs = [1.0, 2, 3, 4, 5, 6, 7]
    assert pearson(xs, [2.0, 4, 6, 8, 10, 12, 14]) == 1.0
    assert pearson(xs, [7.0, 6, 5, 4, 3, 2, 1]) == -1.0


def test_pearson_needs_enough_days_and_variation():
    assert pearson([1.0, 2, 3], [1.0, 2, 3]) is None
    assert pearson([5.0] * 7, [1.0, 2, 3, 4, 5, 6, 7]) is None


def test_summary_and_people_on_low_mood_days():
    moods = [2, 3, 8, 7, 4, 9, 6]
    positives = [0, 0, 2, 2, 1, 3, 1]
    negatives = [2, 1, 0, 0, 1, 0, 0]
    people = [("Mum",), ("Mum", "Jo"), ("Jo",), (), ("Mum",), ("Jo",), ()]
    summary = summarise(days(moods, positives, negatives, people))
    assert summary.days == 7
    assert summary.with_positive is not None and summary.with_positive > 0.9
    assert summary.with_negative is not None and summary.with_negative < -0.8
    assert summary.low_mood_people == [("Mum", 3), ("Jo", 1)]
