"""Background tasks of the course app: the email that tells a clinician a safety alert
needs attention. It names no client and holds nothing clinical (protocol 13.3)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from iptcare.course.models import SafetyAlert
from iptcare.course.safety import safety_leads

CLAIMS = {"raised": "notified_at", "escalated": "escalation_notified_at"}


@task
def send_safety_alert_email(code: str, event: str) -> int:
    """Email the people an alert is routed to; returns how many were sent. The first run
    claims the event (a conditional update), so a second run sends nothing."""
    alert = SafetyAlert.objects.select_related("client", "assigned_to").filter(code=code).first()
    if alert is None or event not in CLAIMS:
        return 0
    with transaction.atomic():
        claimed = SafetyAlert.objects.filter(pk=alert.pk, **{f"{CLAIMS[event]}__isnull": True})
        if not claimed.update(**{CLAIMS[event]: timezone.now()}):
            return 0
        if event == "escalated":
            people = list(alert.escalated_to.all())
            if alert.assigned_to is not None:
                people.append(alert.assigned_to)
        else:
            people = [alert.assigned_to] if alert.assigned_to else safety_leads(alert.client)
        recipients = sorted({person.email for person in people if person.is_active})
        if not recipients:
            return 0
        context = {
            "event": event,
            "tier": alert.get_tier_display(),
            "link": settings.SITE_URL + reverse("course:alert", args=[alert.code]),
            "site_name": settings.SITE_NAME,
        }
        subject = f"[{settings.SITE_NAME}] A safety alert needs attention"
        body = render_to_string("course/email/safety_alert.txt", context)
        for recipient in recipients:
            send_mail(subject, body, None, [recipient])
    return len(recipients)
