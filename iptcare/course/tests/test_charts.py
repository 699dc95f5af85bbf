"""The diagrams' geometry (pure)."""

import math
from datetime import date

from iptcare.course import charts


def test_the_circle_puts_the_client_in_the_centre_and_people_on_their_ring():
    people = [("Mum", 1, ()), ("Sam", 1, ("conflict",)), ("Boss", 3, ()), ("Grandad", 2, ("died",))]
    circle = charts.circle("Casey Lindgren-Moss", people)
    assert circle.centre_label == "Casey"
    assert [p.number for p in circle.people] == [1, 2, 3, 4]
    for person in circle.people:
        distance = math.hypot(person.x - circle.centre_x, person.y - circle.centre_y)
        assert abs(distance - charts.PEOPLE_RADII[person.ring - 1]) < 0.2
        inner = charts.RING_RADII[person.ring - 2] if person.ring > 1 else 0
        assert inner < distance < charts.RING_RADII[person.ring - 1]
    # Two people in one ring are spread apart, not stacked.
    mum, sam = circle.people[0], circle.people[1]
    assert math.hypot(mum.x - sam.x, mum.y - sam.y) > 100
    assert circle.people[1].flags == ("conflict",)


def test_long_labels_are_shortened_in_the_drawing_only():
    circle = charts.circle("Cal", [("My manager at the old warehouse job", 2, ())])
    person = circle.people[0]
    assert person.label == "My manager at the old warehouse job"
    assert len(person.short) == charts.LABEL_CHARS
    # Labels stay inside the drawing, whichever side of the circle they are on.
    many = charts.circle("Cal", [("x" * 40, 3, ())] * 12)
    for p in many.people:
        width = len(p.short) * 8 + 12
        right = p.text_x + width if p.anchor == "start" else p.text_x
        left = p.text_x - width if p.anchor == "end" else p.text_x
        assert left >= 0 and right <= many.width


def test_the_timeline_lines_up_events_moods_and_scores_on_one_axis():
    events = [
        (date(2024, 1, 10), "Moved city", 6, False, "change"),
        (date(2025, 3, 1), "Baby born", 3, True, "change"),
    ]
    moods = [(date(2025, 9, 1), 4, "Session 1: mood 4"), (date(2025, 9, 8), 6, "Session 2")]
    scores = [("PHQ-9", date(2025, 9, 1), 18, 27), ("PHQ-9", date(2025, 9, 8), 9, 27)]
    chart = charts.timeline(events, moods, scores)
    xs = [p.x for p in chart.mood.points]
    assert xs == sorted(xs)
    assert chart.events[0].x == chart.left
    assert chart.mood.points[-1].x == chart.right
    assert chart.events[1].onset and not chart.events[0].onset
    # Higher mood sits higher on the page (smaller y).
    assert chart.events[0].y < chart.events[1].y
    (phq9,) = chart.scores
    assert phq9.name == "PHQ-9 (0-27)"
    assert phq9.points[1].y > phq9.points[0].y  # 9 is lower than 18: drawn lower
    assert [label for _, label in chart.x_axis.ticks] == ["2025"]
    assert chart.mood.path.startswith("M")


def test_an_empty_timeline_is_drawable():
    chart = charts.timeline([], [], [])
    assert chart.empty and chart.events == [] and chart.mood.path == ""


def test_the_session_chart_shades_the_plans_phases():
    phases = [
        ("initial", 1, 3, "Initial"),
        ("middle", 4, 13, "Middle"),
        ("termination", 14, 16, "End"),
    ]
    chart = charts.session_chart(16, phases, [(1, 3), (2, 4), (7, 6)])
    widths = [width for _, width, _, _ in chart.bands]
    assert abs(sum(widths) - (chart.right - chart.left)) < 1
    assert widths[1] > widths[0] > 0
    assert len(chart.mood.points) == 3
    assert [label for _, label in chart.ticks] == [str(n) for n in range(1, 17)]
