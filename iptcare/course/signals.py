"""The seam for questionnaire scores. The measures app (issue 6) sits above the course
and sends its scores into the session screen and the timeline by answering these signals;
the course never imports it.

Receivers return a list of `Score`s. Until a measures app is installed nobody answers,
and the pages show mood ratings alone.
"""

from dataclasses import dataclass
from datetime import date
from typing import cast

from django.dispatch import Signal

session_scores = Signal()
"""Sent with `session`: the questionnaire scores of that session's week."""

course_scores = Signal()
"""Sent with `course`: every score in the course, for the timeline's chart."""


@dataclass(frozen=True)
class Score:
    instrument: str  # "PHQ-9"
    total: int
    maximum: int  # the highest possible total, to scale the chart
    taken_on: date
    band: str = ""  # screening information, e.g. "moderate"; never a diagnosis
    flagged: bool = False  # a critical item was answered above zero


def collect(signal: Signal, **kwargs) -> list[Score]:
    found: list[Score] = []
    for _, scores in signal.send(sender=Score, **kwargs):
        found.extend(cast(list[Score], scores))
    return found
