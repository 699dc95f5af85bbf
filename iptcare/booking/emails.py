"""The emails about a consultation call, for the person and for the therapist.

Subjects are the same for everybody and name nobody: a lock screen shows no one that a
person is looking for therapy. The therapist's email says only that something happened
and links to the inbox (behind sign-in and MFA); the person's email has the time in their
own zone and their links. The person's message is never emailed.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from iptcare.booking import ical, links
from iptcare.booking.models import Consultation

SUBJECTS = {
    "requested": "Your free consultation call request",
    "rescheduled": "Your free consultation call has moved",
    "confirmed": "Your free consultation call is confirmed",
    "accepted": "Your free consultation call is confirmed",
    "declined": "Your free consultation call request",
    "cancelled": "Your free consultation call is cancelled",
    "proposed": "A new time was proposed for your free call",
    "reminder_24h": "Reminder: your free consultation call is tomorrow",
    "reminder_1h": "Reminder: your free consultation call starts in an hour",
    "no_reply": "About your free consultation call request",
}
THERAPIST_SUBJECTS = {
    "requested": "New free consultation request",
    "rescheduled": "A free consultation call was moved",
    "confirmed": "Free consultation call confirmed",
    "accepted": "A proposed time was accepted",
    "cancelled": "A free consultation call was cancelled",
    "chase": "A consultation request is waiting for your answer",
}
# Which events carry a calendar file, and with which iTIP method.
ICS_METHODS = {
    "requested": ical.REQUEST,
    "rescheduled": ical.REQUEST,
    "confirmed": ical.REQUEST,
    "accepted": ical.REQUEST,
    "declined": ical.CANCEL,
    "cancelled": ical.CANCEL,
}


def when(moment: datetime, zone_name: str) -> str:
    """'Tuesday, March 10, 2026 at 9:00 AM EDT (America/New York)': every time has its zone."""
    local = moment.astimezone(ZoneInfo(zone_name))
    clock = local.strftime("%I:%M %p").lstrip("0")
    return (
        f"{local:%A, %B} {local.day}, {local.year} at {clock} {local.tzname()} "
        f"({zone_name.replace('_', ' ')})"
    )


def _subject(text: str) -> str:
    return f"[{settings.SITE_NAME}] {text}"


def _message(
    subject: str, template: str, context: dict, to: str, attachment: bytes | None
) -> EmailMultiAlternatives:
    context = {**context, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=_subject(subject),
        body=render_to_string(f"booking/email/{template}.txt", context),
        to=[to],
    )
    message.attach_alternative(
        render_to_string(f"booking/email/{template}.html", context), "text/html"
    )
    if attachment is not None:
        method = ICS_METHODS[context["event"]]
        message.attach(
            "consultation.ics", attachment, f"text/calendar; charset=utf-8; method={method}"
        )
    return message


def to_person(
    consultation: Consultation, event: str, now: datetime, extra: dict | None = None
) -> EmailMultiAlternatives:
    profile = consultation.profile
    zone = consultation.person_time_zone
    open_links = consultation.is_open and event not in ("declined", "cancelled")
    context = {
        "event": event,
        "therapist": profile.display_name,
        "when": when(consultation.starts_at, zone),
        "minutes": int((consultation.ends_at - consultation.starts_at).total_seconds() // 60),
        "cancel_link": links.link(consultation, "cancel") if open_links else "",
        "reschedule_link": links.link(consultation, "reschedule") if open_links else "",
        "find_link": f"{settings.SITE_URL}{reverse('directory:match')}",
        "note": consultation.decline_note if event == "declined" else "",
        **(extra or {}),
    }
    if event == "proposed" and consultation.proposed_starts_at is not None:
        context["proposed_when"] = when(consultation.proposed_starts_at, zone)
        context["accept_link"] = links.link(consultation, "accept")
    attachment = None
    if event in ICS_METHODS:
        attachment = ical.calendar_bytes(
            consultation,
            method=ICS_METHODS[event],
            zone_name=zone,
            summary=f"Free consultation call with {profile.display_name}",
            description="A free call to see whether this therapist is a good fit."
            + (f"\nCancel or move it: {context['cancel_link']}" if open_links else ""),
            attendee=consultation.email,
            now=now,
        )
    return _message(SUBJECTS[event], "person", context, consultation.email, attachment)


def to_therapist(
    consultation: Consultation, event: str, zone_name: str, now: datetime
) -> EmailMultiAlternatives:
    user = consultation.profile.user
    inbox = f"{settings.SITE_URL}{reverse('booking:inbox')}"
    context = {
        "event": event,
        "name": user.name,
        "when": when(consultation.starts_at, zone_name),
        "inbox_link": inbox,
    }
    attachment = None
    if event in ICS_METHODS:
        attachment = ical.calendar_bytes(
            consultation,
            method=ICS_METHODS[event],
            zone_name=zone_name,
            summary=f"Free consultation call ({settings.SITE_NAME})",
            description=f"Details in your inbox: {inbox}",
            attendee=user.email,
            now=now,
        )
    return _message(THERAPIST_SUBJECTS[event], "therapist", context, user.email, attachment)
