"""The email that tells a client a questionnaire is waiting. It names no questionnaire
and holds nothing clinical: a link to the portal, which needs signing in."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from iptcare.measures.models import Assignment


@task
def send_questionnaire_reminder(code: str) -> int:
    assignment = Assignment.objects.select_related("course__client__user").filter(code=code).first()
    if assignment is None or not assignment.is_active:
        return 0
    user = assignment.course.client.user
    if user is None or not user.is_active:
        return 0
    context = {"link": settings.SITE_URL + reverse("portal:home"), "site_name": settings.SITE_NAME}
    subject = f"[{settings.SITE_NAME}] Something is ready for you in your portal"
    body = render_to_string("measures/email/questionnaire_due.txt", context)
    send_mail(subject, body, None, [user.email])
    return 1
