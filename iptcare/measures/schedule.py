"""When a questionnaire is due. Pure: the course's facts in, a yes or no out."""

from datetime import date

from django.db import models


class Schedule(models.TextChoices):
    EVERY_SESSION = "every_session", "Before every session"
    START_MIDDLE_END = "start_middle_end", "At the start, middle and end"
    ONCE = "once", "Once"


def checkpoints(planned_sessions: int) -> list[int]:
    """Sessions held before each start/middle/end questionnaire: 0, half way, the last."""
    return sorted({0, planned_sessions // 2, max(planned_sessions - 1, 0)})


def is_due(
    schedule: str,
    *,
    planned_sessions: int,
    sessions_held: int,
    submitted: list[date],
    last_session_on: date | None,
) -> bool:
    """`submitted`: the days answers were sent for this assignment, oldest first."""
    if schedule == Schedule.ONCE:
        return not submitted
    if schedule == Schedule.EVERY_SESSION:
        if not submitted:
            return True
        # One per session: a questionnaire sent on a session's day counts for it.
        return last_session_on is not None and submitted[-1] < last_session_on
    if schedule == Schedule.START_MIDDLE_END:
        reached = sum(1 for point in checkpoints(planned_sessions) if point <= sessions_held)
        return len(submitted) < reached
    raise ValueError(f"unknown schedule {schedule!r}")
