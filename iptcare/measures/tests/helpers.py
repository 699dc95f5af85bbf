"""Builders for measures tests, through the real services."""

from iptcare.accounts.models import User
from iptcare.course.models import Course
from iptcare.measures import instruments, services
from iptcare.measures.models import Assignment, Response


def answers_for(instrument_id: str, scores: list[int], extra: dict | None = None) -> dict:
    """Form-like answers ({linkId: [option code]}) giving each scored item its score."""
    definition = instruments.get(instrument_id)
    raw: dict[str, list[str]] = {}
    for item, score in zip(definition.scored_items, scores, strict=True):
        option = next(o for o in item.options if o.score == score)
        raw[item.link_id] = [option.code]
    raw.update(extra or {})
    return raw


def assign(
    course: Course, therapist: User, instrument_id: str = "phq9", when: str = "every_session"
) -> Assignment:
    return services.assign_instrument(None, therapist, course, instrument_id, when)


def submit(assignment: Assignment, scores: list[int]) -> Response:
    draft = services.open_draft(assignment)
    user = assignment.course.client.user
    assert user is not None
    raw = answers_for(assignment.instrument, scores)
    return services.save_answers(None, user, draft, raw, submit=True).response
