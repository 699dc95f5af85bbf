"""What the caseload and the client record show about each client's course: where it is,
the next session, what needs doing, open safety alerts. A fixed number of queries for
any number of clients."""

from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.access import AuthedRequest
from iptcare.care.models import Client
from iptcare.care.signals import CaseloadEntry
from iptcare.course import access, protocol
from iptcare.course.models import AlertTier, Course, FocusStatus, TerminationSummary


def with_progress(courses):
    """Courses annotated with what `progress` needs."""
    attended = Q(sessions__attendance="attended")
    return courses.annotate(
        held=Count("sessions", filter=attended, distinct=True),
        middle_held=Count("sessions", filter=attended & Q(sessions__phase="middle"), distinct=True),
        last_session_on=Max("sessions__held_on", filter=attended),
        focus_count=Count("focus_areas", distinct=True),
        focus_active=Count(
            "focus_areas", filter=Q(focus_areas__status=FocusStatus.ACTIVE), distinct=True
        ),
        contract_count=Count("contracts", distinct=True),
        has_summary=Exists(TerminationSummary.objects.filter(course=OuterRef("pk"))),
    )


def progress(course, open_alerts: int = 0) -> protocol.Progress:
    """`course` comes from `with_progress`."""
    facts = protocol.CourseFacts(
        kind=course.kind,
        status=course.status,
        held_status=course.held_status,
        sessions_held=course.held,
        middle_sessions_held=course.middle_held,
        has_formulation=bool(course.formulation.strip()),
        has_contract=course.contract_count > 0,
        focus_areas=course.focus_count,
        focus_areas_still_active=course.focus_active,
        has_termination_summary=course.has_summary,
        open_safety_alerts=open_alerts,
    )
    next_at = course.next_appointment_at
    return protocol.Progress(
        facts=facts,
        planned=course.planned_sessions,
        today=timezone.localdate(),
        start_date=course.start_date,
        next_appointment_on=timezone.localdate(next_at) if next_at else None,
        last_session_on=course.last_session_on,
    )


def current_courses(clients) -> dict[int, Any]:
    """Each client's open course, or else their latest one (from `with_progress`)."""
    found: dict[int, Any] = {}
    courses = with_progress(Course.objects.filter(client__in=clients)).order_by(
        "client_id", "-start_date", "-id"
    )
    for course in courses:
        held = found.get(course.client_id)
        if held is None or (course.is_open and not held.is_open):
            found[course.client_id] = course
    return found


def entries(request: AuthedRequest, clients: list[Client]) -> dict[int, CaseloadEntry]:
    result: dict[int, CaseloadEntry] = {}
    courses = current_courses(clients)
    alerts = access.open_alerts(request, clients)
    for client in clients:
        entry = CaseloadEntry()
        mine = [alert for alert in alerts if alert.client_id == client.pk]
        if mine:
            entry.safety_alerts = len(mine)
            entry.urgent_alerts = sum(1 for a in mine if a.tier == AlertTier.URGENT)
            entry.safety_url = reverse("course:alert", args=[mine[0].code])
        course = courses.get(client.pk)
        if course is not None:
            entry.position = f"{course.kind_label}: {course.position(course.held)}"
            if request.user.is_therapist:
                entry.url = reverse("course:course", args=[course.code])
            entry.next_session_at = course.next_appointment_at
            entry.overdue = protocol.to_do(progress(course, len(mine)))
        result[client.pk] = entry
    return result
