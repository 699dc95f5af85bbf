"""Geometry for the course's diagrams, drawn as SVG by templates (course/_*.svg.html):
the closeness circle, the interpersonal timeline beside mood and questionnaire scores,
and the mood of each session against the plan's phases. Pure: values in, coordinates
out. Every diagram has a table next to it for screen readers and for print.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

# --- closeness circle ----------------------------------------------------------------

# The drawing is wider than the rings, so that labels beside the outer people fit.
CIRCLE_WIDTH = 840
CIRCLE_HEIGHT = 640
RING_RADII = (110, 210, 300)  # outer edges of the inner, middle and outer circles
PEOPLE_RADII = (70, 160, 255)  # where the people of each circle sit
LABEL_CHARS = 18


@dataclass(frozen=True)
class CirclePerson:
    number: int  # matches the list beside the diagram
    label: str
    short: str
    ring: int
    flags: tuple[str, ...]
    x: float
    y: float
    text_x: float
    text_y: float
    anchor: str


@dataclass(frozen=True)
class Circle:
    width: int
    height: int
    centre_x: int
    centre_y: int
    rings: list[tuple[int, int, str]]  # (ring, radius, label)
    people: list[CirclePerson]
    centre_label: str


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def circle(centre_label: str, people: list[tuple[str, int, tuple[str, ...]]]) -> Circle:
    """People as (label, ring 1-3, flags) around the client in the centre. Each ring's
    people are spread evenly, each ring turned a little so labels don't line up."""
    cx, cy = CIRCLE_WIDTH // 2, CIRCLE_HEIGHT // 2
    placed: list[CirclePerson] = []
    by_ring: dict[int, list[tuple[int, str, tuple[str, ...]]]] = {1: [], 2: [], 3: []}
    for number, (label, ring, flags) in enumerate(people, start=1):
        by_ring[min(max(ring, 1), 3)].append((number, label, flags))
    for ring, members in by_ring.items():
        radius = PEOPLE_RADII[ring - 1]
        offset = (-90 + 25 * (ring - 1)) * math.pi / 180
        for i, (number, label, flags) in enumerate(members):
            angle = offset + 2 * math.pi * i / max(len(members), 1)
            x = cx + radius * math.cos(angle)
            y = cy + radius * math.sin(angle)
            right = math.cos(angle) >= -0.01
            placed.append(
                CirclePerson(
                    number=number,
                    label=label,
                    short=shorten(label),
                    ring=ring,
                    flags=flags,
                    x=round(x, 1),
                    y=round(y, 1),
                    text_x=round(x + (12 if right else -12), 1),
                    text_y=round(y + 5, 1),
                    anchor="start" if right else "end",
                )
            )
    placed.sort(key=lambda p: p.number)
    rings = [
        (3, RING_RADII[2], "Outer"),
        (2, RING_RADII[1], "Middle"),
        (1, RING_RADII[0], "Inner"),
    ]
    # The centre holds the client's first name: it has to fit inside a small circle.
    first_name = centre_label.split()[0] if centre_label.split() else centre_label
    return Circle(CIRCLE_WIDTH, CIRCLE_HEIGHT, cx, cy, rings, placed, shorten(first_name, 10))


# --- timeline and scores -------------------------------------------------------------

WIDTH = 720
MOOD_HEIGHT = 240
SCORES_HEIGHT = 160
LEFT = 48
RIGHT = 16
TOP = 28
BOTTOM = 36


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    number: int = 0  # the event's number in the list beside the chart
    onset: bool = False
    category: str = ""


@dataclass
class Series:
    name: str
    points: list[Point]
    path: str = ""
    css: str = ""


@dataclass
class Axis:
    ticks: list[tuple[float, str]] = field(default_factory=list)


@dataclass
class Timeline:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    events: list[Point]
    mood: Series
    x_axis: Axis
    y_axis: Axis
    scores: list[Series]
    scores_height: int
    score_ticks: list[tuple[float, str]]
    empty: bool


def _path(points: list[Point]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(points))


def _year_ticks(first: date, last: date, scale) -> list[tuple[float, str]]:
    span = (last - first).days
    if span <= 400:
        ticks = []
        day = date(first.year, first.month, 1)
        step = 1 if span <= 120 else 2 if span <= 240 else 3
        while day <= last:
            if day >= first:
                ticks.append((scale(day), day.strftime("%b %Y")))
            month = day.month - 1 + step
            day = date(day.year + month // 12, month % 12 + 1, 1)
        return ticks
    step = max(1, math.ceil((last.year - first.year) / 8))
    return [
        (scale(date(year, 1, 1)), str(year))
        for year in range(first.year + 1, last.year + 1, step)
        if first <= date(year, 1, 1) <= last
    ]


def timeline(
    events: Sequence[tuple[date, str, int | None, bool, str]],
    moods: Sequence[tuple[date, int, str]],
    scores: Sequence[tuple[str, date, int, int]],
) -> Timeline:
    """Life events (day, label, recalled mood, marks onset, category), session moods
    (day, 0-10, label) and questionnaire scores (instrument, day, total, maximum), on one
    time axis: mood above, scores below."""
    days = [e[0] for e in events] + [m[0] for m in moods] + [s[1] for s in scores]
    empty = not days
    first = min(days) if days else date(2000, 1, 1)
    last = max(days) if days else first
    if (last - first).days < 30:
        first = date.fromordinal(first.toordinal() - 15)
        last = date.fromordinal(last.toordinal() + 15)
    span = (last - first).days
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = MOOD_HEIGHT - TOP - BOTTOM

    def x_of(day: date) -> float:
        return round(LEFT + plot_width * (day - first).days / span, 1)

    def y_of(mood: float) -> float:
        return round(TOP + plot_height * (1 - mood / 10), 1)

    event_points = [
        Point(
            x_of(day),
            y_of(mood) if mood is not None else y_of(5),
            label,
            number=n,
            onset=onset,
            category=category,
        )
        for n, (day, label, mood, onset, category) in enumerate(events, start=1)
    ]
    mood_points = sorted(
        [
            Point(x_of(d), y_of(m), f"Event {n}: mood {m}")
            for n, (d, _, m, _, _) in enumerate(events, start=1)
            if m is not None
        ]
        + [Point(x_of(d), y_of(m), label) for d, m, label in moods],
        key=lambda p: p.x,
    )
    mood = Series("Mood (0-10)", mood_points, _path(mood_points), "mood-line")

    score_plot = SCORES_HEIGHT - TOP - BOTTOM
    series: dict[str, Series] = {}
    for instrument, day, total, maximum in sorted(scores, key=lambda s: (s[0], s[1])):
        y = round(TOP + score_plot * (1 - total / maximum), 1) if maximum else TOP
        item = series.setdefault(
            instrument, Series(f"{instrument} (0-{maximum})", [], css=f"score-{len(series) % 3}")
        )
        item.points.append(Point(x_of(day), y, f"{instrument} {total} on {day:%-d %b %Y}"))
    for item in series.values():
        item.path = _path(item.points)
    return Timeline(
        width=WIDTH,
        height=MOOD_HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=MOOD_HEIGHT - BOTTOM,
        events=event_points,
        mood=mood,
        x_axis=Axis(_year_ticks(first, last, x_of)),
        y_axis=Axis([(y_of(v), str(v)) for v in (0, 5, 10)]),
        scores=list(series.values()),
        scores_height=SCORES_HEIGHT,
        score_ticks=[(TOP, "highest"), (TOP + score_plot, "0")],
        empty=empty,
    )


# --- session moods against the plan --------------------------------------------------

SESSIONS_WIDTH = 720
SESSIONS_HEIGHT = 220


@dataclass
class SessionChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bands: list[tuple[float, float, str, str]]  # (x, width, phase, label)
    mood: Series
    ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]

    @property
    def plot_height(self) -> int:
        return self.bottom - self.top


def session_chart(
    planned: int, phases: list[tuple[str, int, int, str]], moods: list[tuple[int, int]]
) -> SessionChart:
    """Mood per session number (1..planned) over the plan's phase bands, given as
    (phase, first, last, label)."""
    plot_width = SESSIONS_WIDTH - LEFT - RIGHT
    plot_height = SESSIONS_HEIGHT - TOP - BOTTOM
    step = plot_width / max(planned, 1)

    def x_of(number: float) -> float:
        return round(LEFT + step * (number - 0.5), 1)

    def y_of(mood: float) -> float:
        return round(TOP + plot_height * (1 - mood / 10), 1)

    bands = [
        (round(LEFT + step * (first - 1), 1), round(step * (last - first + 1), 1), phase, label)
        for phase, first, last, label in phases
    ]
    points = [Point(x_of(n), y_of(m), f"Session {n}: mood {m}") for n, m in sorted(moods)]
    every = 1 if planned <= 20 else math.ceil(planned / 20)
    return SessionChart(
        width=SESSIONS_WIDTH,
        height=SESSIONS_HEIGHT,
        left=LEFT,
        right=SESSIONS_WIDTH - RIGHT,
        top=TOP,
        bottom=SESSIONS_HEIGHT - BOTTOM,
        bands=bands,
        mood=Series("Mood (0-10)", points, _path(points), "mood-line"),
        ticks=[(x_of(n), str(n)) for n in range(1, planned + 1) if (n - 1) % every == 0],
        y_ticks=[(y_of(v), str(v)) for v in (0, 5, 10)],
    )
