from iptcare.measures.outcomes import CourseRow, compute, csv_cell, csv_rows


def rows():
    return [
        CourseRow("completed", "Tess", "Role dispute", {"phq9": (18, 8), "gad7": (12, 10)}),
        CourseRow("ended_early", "Tess", "Grief", {"phq9": (12, 19)}),
        CourseRow("middle", "Otto", "Role dispute", {"phq9": (8, 4)}),
        CourseRow("draft", "Otto", "Not set", {}),
        CourseRow("referred_out", "Otto", "Grief", {}),
    ]


def test_counts_and_rates_for_the_practice():
    practice = compute(rows()).practice
    assert (practice.started, practice.completed, practice.ended_early) == (4, 1, 2)
    phq9 = practice.instruments["phq9"]
    assert (phq9.courses, phq9.improved, phq9.deteriorated) == (3, 1, 1)
    assert (phq9.at_caseness, phq9.recovered) == (2, 1)  # 8 at start is not a case
    assert (phq9.improvement_rate, phq9.recovery_rate, phq9.average_change) == (33.3, 50.0, -2.3)
    assert practice.instruments["gad7"].improvement_rate == 0.0


def test_groups_by_therapist_and_problem_area():
    outcomes = compute(rows())
    assert [g.name for g in outcomes.by_therapist] == ["Otto", "Tess"]
    assert [g.name for g in outcomes.by_problem_area] == ["Grief", "Not set", "Role dispute"]
    tess = outcomes.by_therapist[1]
    assert tess.instruments["phq9"].deterioration_rate == 50.0


def test_csv_rows_and_formula_injection():
    table = csv_rows(compute([CourseRow("completed", "=HYPERLINK()", "Grief", {})]))
    assert table[0][0] == "group"
    assert table[2][1] == "'=HYPERLINK()"
    assert csv_cell(-2.5) == "-2.5"
    assert csv_cell(None) == ""
