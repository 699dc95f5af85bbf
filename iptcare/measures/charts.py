"""Progress charts as SVG geometry, drawn by templates/measures/_chart.svg.html. Pure:
scores, bands and dates in, coordinates out. Colours come from classes in the static
stylesheet, so the strict CSP needs no inline style."""

from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 36


@dataclass(frozen=True)
class BandRect:
    y: float
    height: float
    css: str
    label: str
    label_y: float


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str
    flagged: bool


@dataclass(frozen=True)
class Marker:
    x: float
    label: str
    kind: str  # "session", "phase" or "event"


@dataclass
class Chart:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    bands: list[BandRect] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    line: str = ""  # the polyline's points
    second_dots: list[Dot] = field(default_factory=list)  # a second series, e.g. session mood
    second_line: str = ""
    markers: list[Marker] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)  # y axis
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT

    @property
    def plot_width(self) -> int:
        return self.plot_right - self.plot_left


def build(
    title: str,
    maximum: int,
    bands: list[tuple[int, int, str]],
    points: list[tuple[date, int, bool]],
    start: date,
    end: date,
    markers: list[tuple[date, str, str]] = (),  # type: ignore[assignment]
    second: list[tuple[date, int]] = (),  # type: ignore[assignment]
) -> Chart:
    """`bands`: (low, high, label); `points`: (day, score, flagged); `markers`: (day,
    label, kind). The x axis runs from `start` to `end`, stretched to hold every point."""
    days = [day for day, _, _ in points] + [day for day, _, _ in markers]
    days += [day for day, _ in second]
    first = min([start, *days])
    last = max([end, *days])
    span = max((last - first).days, 1)
    chart = Chart(title)
    plot_w = chart.plot_right - chart.plot_left
    plot_h = chart.plot_bottom - chart.plot_top

    def x_of(day: date) -> float:
        return round(chart.plot_left + plot_w * (day - first).days / span, 1)

    def y_of(score: float) -> float:
        return round(chart.plot_bottom - plot_h * score / maximum, 1)

    for index, (low, high, label) in enumerate(bands):
        top = y_of(min(high + 1, maximum)) if high < maximum else y_of(maximum)
        bottom = y_of(low)
        chart.bands.append(
            BandRect(top, round(bottom - top, 1), f"band band-{index}", label, round(top + 11, 1))
        )
    for low in [low for low, _, _ in bands] or [0, maximum // 2]:
        chart.ticks.append((y_of(low), str(low)))
    chart.ticks.append((y_of(maximum), str(maximum)))
    for day, score, flagged in points:
        chart.dots.append(Dot(x_of(day), y_of(score), f"{day:%b %-d}: {score}", flagged))
    chart.line = " ".join(f"{dot.x},{dot.y}" for dot in chart.dots)
    for day, score in second:
        chart.second_dots.append(Dot(x_of(day), y_of(score), f"{day:%b %-d}: {score}", False))
    chart.second_line = " ".join(f"{dot.x},{dot.y}" for dot in chart.second_dots)
    for day, label, kind in markers:
        chart.markers.append(Marker(x_of(day), label, kind))
    return chart
