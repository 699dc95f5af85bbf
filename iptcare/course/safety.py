"""Safety alerts (protocol section 13): raising one, and the clinician's path from
acknowledgement to an outcome note.

    open --acknowledge--> acknowledged --follow-up--> in_follow_up --close(outcome)--> closed
    open --(not acknowledged in time)--> escalated --acknowledge--> acknowledged
    closed --reopen(reason)--> in_follow_up

The software never decides that a client is safe: it records, routes and reminds. Emails
about alerts carry no clinical content and no name, only a link into the app.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from iptcare.accounts import audit
from iptcare.accounts.models import Role, User
from iptcare.care.models import Client
from iptcare.course import protocol
from iptcare.course.models import (
    AlertFollowUp,
    AlertOutcome,
    AlertSource,
    AlertStatus,
    AlertTier,
    Course,
    FollowUpAction,
    SafetyAlert,
)
from iptcare.course.services import Refused

QUESTIONNAIRE_SOURCES = (AlertSource.PHQ9_ITEM9, AlertSource.EPDS_ITEM10)


def default_tier(source: str, item_score: int | None) -> str:
    """Protocol 13.1: the help button is urgent; a critical item is urgent from 2 up."""
    if source == AlertSource.HELP_BUTTON:
        return AlertTier.URGENT
    if source in QUESTIONNAIRE_SOURCES and item_score is not None and item_score >= 2:
        return AlertTier.URGENT
    return AlertTier.REVIEW


def acknowledge_within(tier: str) -> timedelta:
    hours = (
        settings.SAFETY_URGENT_ACKNOWLEDGE_HOURS
        if tier == AlertTier.URGENT
        else settings.SAFETY_REVIEW_ACKNOWLEDGE_HOURS
    )
    return timedelta(hours=hours)


def safety_leads(client: Client) -> list[User]:
    """Where alerts escalate, and go when no therapist is assigned: the practice's admins."""
    return list(
        User.objects.filter(
            practice_id=client.practice_id, role=Role.PRACTICE_ADMIN, is_active=True
        ).order_by("name", "pk")
    )


@transaction.atomic
def raise_safety_alert(
    client: Client,
    source: str,
    detail: str,
    *,
    tier: str = "",
    item_score: int | None = None,
    source_ref: str = "",
    course: Course | None = None,
    raised_by: User | None = None,
    request: HttpRequest | None = None,
) -> SafetyAlert:
    """Create a safety alert and route it to the client's clinician (protocol 13.3).

    The measures app calls this for any answer above zero on PHQ-9 item 9 or EPDS item
    10 (`item_score`, `source_ref` naming the response and item); the portal for the
    help button; a clinician through the alert form. It never depends on a total score.
    """
    if source not in AlertSource.values:
        raise ValueError(f"unknown alert source {source!r}")
    if source in QUESTIONNAIRE_SOURCES and not item_score:
        raise ValueError("questionnaire alerts are for item scores above zero")
    if tier and tier not in AlertTier.values:
        raise ValueError(f"unknown alert tier {tier!r}")
    if course is None:
        course = client.courses.filter(status__in=protocol.OPEN).first()
    elif course.client_id != client.pk:
        raise ValueError("the course belongs to another client")
    assigned: User | None
    if course is not None:
        assigned = course.therapist
    else:
        assigned = client.therapists.filter(is_active=True).order_by("name", "pk").first()
    alert = SafetyAlert.objects.create(
        client=client,
        course=course,
        source=source,
        source_ref=source_ref,
        item_score=item_score,
        tier=tier or default_tier(source, item_score),
        detail=detail,
        assigned_to=assigned,
        raised_by=raised_by,
    )
    audit.record(request, audit.Verb.CREATE, "course.alert.raised", alert, actor=raised_by)
    _notify(alert, "raised")
    return alert


def _notify(alert: SafetyAlert, event: str) -> None:
    from iptcare.course import tasks

    code = str(alert.code)
    transaction.on_commit(lambda: tasks.send_safety_alert_email.enqueue(code, event))


def _locked(alert: SafetyAlert) -> SafetyAlert:
    SafetyAlert.objects.select_for_update().filter(pk=alert.pk).first()
    alert.refresh_from_db()
    return alert


@transaction.atomic
def acknowledge_alert(request: HttpRequest | None, actor: User, alert: SafetyAlert) -> SafetyAlert:
    _locked(alert)
    if alert.status not in (AlertStatus.OPEN, AlertStatus.ESCALATED):
        raise Refused("This alert was acknowledged already.")
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by = actor
    alert.acknowledged_at = timezone.now()
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    audit.record(request, audit.Verb.CHANGE, "course.alert.acknowledged", alert, actor=actor)
    return alert


@transaction.atomic
def add_follow_up(
    request: HttpRequest | None, actor: User, alert: SafetyAlert, action: str, text: str
) -> AlertFollowUp:
    """What was done: contact attempted or made, risk assessment, safety plan, escalation."""
    _locked(alert)
    if alert.status in (AlertStatus.OPEN, AlertStatus.ESCALATED):
        raise Refused("Acknowledge the alert first, then record what was done.")
    if alert.status == AlertStatus.CLOSED:
        raise Refused("This alert is closed: reopen it, with a reason, to add to it.")
    if action not in FollowUpAction.values or action == FollowUpAction.REOPENED:
        raise Refused("Choose what was done from the list.")
    if not text.strip():
        raise Refused("Say what was done.")
    entry = AlertFollowUp.objects.create(
        alert=alert, action=action, text=text.strip(), author=actor
    )
    if alert.status != AlertStatus.IN_FOLLOW_UP:
        alert.status = AlertStatus.IN_FOLLOW_UP
        alert.save(update_fields=["status"])
    audit.record(request, audit.Verb.CHANGE, "course.alert.followed_up", alert, actor=actor)
    return entry


@transaction.atomic
def close_alert(
    request: HttpRequest | None, actor: User, alert: SafetyAlert, outcome: str, note: str
) -> SafetyAlert:
    _locked(alert)
    if alert.status != AlertStatus.IN_FOLLOW_UP:
        raise Refused("Record what was done before closing the alert.")
    if outcome not in AlertOutcome.values:
        raise Refused("Choose the outcome.")
    if not note.strip():
        raise Refused("Closing an alert needs an outcome note.")
    alert.status = AlertStatus.CLOSED
    alert.outcome = outcome
    alert.outcome_note = note.strip()
    alert.closed_by = actor
    alert.closed_at = timezone.now()
    alert.save(update_fields=["status", "outcome", "outcome_note", "closed_by", "closed_at"])
    audit.record(request, audit.Verb.CHANGE, "course.alert.closed", alert, actor=actor)
    return alert


@transaction.atomic
def reopen_alert(
    request: HttpRequest | None, actor: User, alert: SafetyAlert, reason: str
) -> SafetyAlert:
    _locked(alert)
    if alert.status != AlertStatus.CLOSED:
        raise Refused("Only a closed alert can be reopened.")
    if not reason.strip():
        raise Refused("Say why the alert is reopened.")
    AlertFollowUp.objects.create(
        alert=alert, action=FollowUpAction.REOPENED, text=reason.strip(), author=actor
    )
    alert.status = AlertStatus.IN_FOLLOW_UP
    alert.save(update_fields=["status"])
    audit.record(request, audit.Verb.CHANGE, "course.alert.reopened", alert, actor=actor)
    return alert


def escalate_overdue_alerts(now: datetime) -> list[SafetyAlert]:
    """Escalate every alert not acknowledged in time to the practice's safety leads.
    Run from cron (`manage.py escalate_safety_alerts`); safe to run twice at once: each
    alert is claimed by a conditional update."""
    escalated = []
    for tier in AlertTier.values:
        due = SafetyAlert.objects.filter(
            status=AlertStatus.OPEN, tier=tier, created_at__lte=now - acknowledge_within(tier)
        ).select_related("client")
        for alert in due:
            with transaction.atomic():
                claimed = SafetyAlert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
                    status=AlertStatus.ESCALATED, escalated_at=now
                )
                if not claimed:
                    continue
                alert.refresh_from_db()
                alert.escalated_to.set(safety_leads(alert.client))
                audit.record(None, audit.Verb.CHANGE, "course.alert.escalated", alert)
                _notify(alert, "escalated")
            escalated.append(alert)
    return escalated
