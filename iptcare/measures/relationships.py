"""Mood beside the day's interactions (issue 6, item 7). Pure: diary days in, figures out."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from math import sqrt

LOW_MOOD = 4  # a "low-mood day" is one rated 4 or lower on the 0-10 scale
MIN_DAYS = 7  # fewer days than this and no correlation is shown at all


@dataclass(frozen=True)
class Day:
    day: date
    mood: int
    positive: int
    negative: int
    people: tuple[str, ...] = ()  # who the day's interactions were with


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r; None with fewer than MIN_DAYS pairs or no variation in either."""
    n = len(xs)
    if n < MIN_DAYS or n != len(ys):
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return round(sxy / sqrt(sxx * syy), 2)


@dataclass(frozen=True)
class Summary:
    days: int
    with_positive: float | None  # r between mood and the number of positive interactions
    with_negative: float | None
    low_mood_people: list[tuple[str, int]]  # who comes up on low-mood days, most first


def summarise(days: list[Day]) -> Summary:
    moods = [float(d.mood) for d in days]
    low = Counter(person for d in days if d.mood <= LOW_MOOD for person in d.people)
    return Summary(
        days=len(days),
        with_positive=pearson(moods, [float(d.positive) for d in days]),
        with_negative=pearson(moods, [float(d.negative) for d in days]),
        low_mood_people=sorted(low.items(), key=lambda item: (-item[1], item[0]))[:5],
    )
