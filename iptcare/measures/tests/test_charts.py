from datetime import date

from iptcare.measures import charts

START = date(2026, 3, 2)
END = date(2026, 6, 15)


def test_bands_fill_the_scale_without_gaps():
    chart = charts.build("PHQ-9", 27, [(0, 4, "a"), (5, 9, "b"), (10, 27, "c")], [], START, END)
    bottom: float = chart.plot_bottom
    for band in chart.bands:
        assert round(band.y + band.height, 1) == bottom
        bottom = band.y
    assert chart.bands[-1].y == chart.plot_top


def test_points_and_markers_sit_on_one_time_axis():
    chart = charts.build(
        "PHQ-9",
        27,
        [(0, 27, "all")],
        [(START, 0, False), (END, 27, True)],
        START,
        END,
        [(START, "S1", "session")],
        second=[(END, 10)],
    )
    first, last = chart.dots
    assert (first.x, first.y) == (chart.plot_left, chart.plot_bottom)
    assert (last.x, last.y, last.flagged) == (chart.plot_right, chart.plot_top, True)
    assert chart.markers[0].x == chart.plot_left
    assert chart.second_dots[0].x == chart.plot_right
    assert chart.line == f"{first.x},{first.y} {last.x},{last.y}"


def test_the_axis_stretches_to_hold_late_points():
    late = date(2026, 9, 1)
    chart = charts.build("GAD-7", 21, [], [(late, 3, False)], START, END)
    assert chart.dots[0].x == chart.plot_right
    assert [label for _, label in chart.ticks] == ["0", "10", "21"]
