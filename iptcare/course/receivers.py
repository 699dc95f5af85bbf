"""The course's answers to care's signals (care/signals.py): its columns on the caseload
and its panels on the client record."""

from django.dispatch import receiver
from django.template.loader import render_to_string

from iptcare.care.signals import Panel, caseload_entries, client_record_panels
from iptcare.course import access, caseload
from iptcare.course.models import Course


@receiver(caseload_entries)
def caseload_columns(sender, request, clients, **kwargs):
    return caseload.entries(request, clients)


@receiver(client_record_panels)
def record_panels(sender, request, client, **kwargs) -> list[Panel]:
    alerts = access.open_alerts(request, [client])
    courses = list(
        caseload.with_progress(Course.objects.filter(client=client)).order_by("-start_date", "-id")
    )
    for course in courses:
        course.position_label = course.position(course.held)
    context = {
        "client": client,
        "alerts": alerts,
        "courses": courses,
        "has_open_course": any(course.is_open for course in courses),
        "is_therapist": request.user.is_therapist,
    }
    panels = [Panel(render_to_string("course/_record_courses.html", context, request=request))]
    if alerts:
        html = render_to_string("course/_alerts.html", context, request=request)
        panels.insert(0, Panel(html, top=True))
    return panels
