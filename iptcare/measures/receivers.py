"""The measures app's answers to the course's and care's signals: scores on the session
screen and timeline, and a link to the questionnaires on the client record."""

from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone

from iptcare.care.signals import Panel, client_record_panels
from iptcare.course import protocol
from iptcare.course.signals import Score, course_scores, session_scores
from iptcare.measures.models import Response, ResponseStatus


def _score(response: Response) -> Score:
    definition = response.definition
    assert response.total is not None and response.submitted_at is not None
    return Score(
        instrument=definition.short_name,
        total=response.total,
        maximum=definition.maximum,
        taken_on=timezone.localdate(response.submitted_at),
        band=response.band_label,
        flagged=response.alert_raised,
    )


def _sent(**filters):
    return Response.objects.filter(status=ResponseStatus.SUBMITTED, **filters).order_by(
        "submitted_at", "id"
    )


@receiver(course_scores)
def scores_of_course(sender, course, **kwargs) -> list[Score]:
    return [_score(response) for response in _sent(course=course)]


@receiver(session_scores)
def scores_of_session(sender, session, **kwargs) -> list[Score]:
    """Scores sent in the week up to the session's day."""
    held = session.held_on
    week = [
        response
        for response in _sent(course=session.course)
        if 0 <= (held - timezone.localdate(response.submitted_at)).days < 7
    ]
    return [_score(response) for response in week]


@receiver(client_record_panels)
def questionnaires_panel(sender, request, client, **kwargs) -> list[Panel]:
    if not request.user.is_therapist:
        return []
    course = client.courses.filter(status__in=protocol.OPEN).first()
    if course is None:
        return []
    html = render_to_string("measures/_record_panel.html", {"course": course}, request=request)
    return [Panel(html)]
