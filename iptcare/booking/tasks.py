"""Background tasks of the booking app: emails about a call, and its reminders.

Thin and idempotent: each takes a call's code, and claims what it sends (a `Claim` row) in
the same transaction as the sending, so a task that runs twice sends once, and a failed
send leaves nothing claimed for the retry.
"""

from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from iptcare.booking import emails
from iptcare.booking.models import Claim, Consultation, Status

PERSON_EVENTS = {
    "requested",
    "rescheduled",
    "confirmed",
    "accepted",
    "declined",
    "cancelled",
    "proposed",
}
THERAPIST_EVENTS = {"requested", "rescheduled", "confirmed", "accepted", "cancelled"}
REMINDERS = {"reminder_24h": timedelta(hours=24), "reminder_1h": timedelta(hours=1)}


def claim(consultation: Consultation, key: str) -> bool:
    _, created = Claim.objects.get_or_create(consultation=consultation, key=key)
    return created


def load(code: str) -> Consultation | None:
    return (
        Consultation.objects.select_related("profile__user", "profile__consultation_settings")
        .filter(code=code)
        .first()
    )


def therapist_zone(consultation: Consultation) -> str:
    settings = getattr(consultation.profile, "consultation_settings", None)
    return settings.time_zone if settings else consultation.profile.user.time_zone


@task
def send_consultation_emails(code: str, event: str, claim_key: str = "") -> int:
    """Email both sides about `event`; returns how many messages went out."""
    consultation = load(code)
    if consultation is None:
        return 0
    now = timezone.now()
    with transaction.atomic():
        if not claim(consultation, f"email.{claim_key or event}"):
            return 0
        messages = []
        if event in PERSON_EVENTS:
            messages.append(emails.to_person(consultation, event, now))
        if event in THERAPIST_EVENTS:
            zone = therapist_zone(consultation)
            messages.append(emails.to_therapist(consultation, event, zone, now))
        for message in messages:
            message.send()
    return len(messages)


@task
def send_reminder(code: str, kind: str) -> bool:
    """Remind the person of a confirmed call. Checked when it runs, not when it was queued:
    a cancelled, declined or moved call (its row is no longer CONFIRMED) gets nothing."""
    consultation = load(code)
    now = timezone.now()
    if consultation is None or kind not in REMINDERS:
        return False
    if consultation.status != Status.CONFIRMED or consultation.starts_at <= now:
        return False
    if kind == "reminder_24h" and consultation.starts_at - now <= REMINDERS["reminder_1h"]:
        return False  # the one-hour reminder is due instead
    with transaction.atomic():
        if not claim(consultation, f"email.{kind}"):
            return False
        emails.to_person(consultation, kind, now).send()
    return True


def enqueue_reminders(consultation: Consultation) -> None:
    """Queue both reminders to run at their time; call inside the confirming transaction."""
    now = timezone.now()
    code = str(consultation.code)
    for kind, before in REMINDERS.items():
        run_after = consultation.starts_at - before
        if run_after > now:
            transaction.on_commit(partial(_enqueue_reminder, code, kind, run_after))


def _enqueue_reminder(code: str, kind: str, run_after: datetime) -> None:
    send_reminder.using(run_after=run_after).enqueue(code, kind)


def enqueue_emails(consultation: Consultation, event: str, claim_key: str = "") -> None:
    code = str(consultation.code)
    transaction.on_commit(lambda: send_consultation_emails.enqueue(code, event, claim_key))
