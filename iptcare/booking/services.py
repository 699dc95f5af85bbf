"""Use cases on consultation calls: booking, answering, cancelling, moving, and what keeps
listings honest (open-slot summaries, chasing unanswered requests, the response record).

Exactly once: a booking locks the therapist's settings row (which serialises bookings of
one therapist), checks the slot against fresh availability, and inserts. The database has
the last word: on PostgreSQL an exclusion constraint forbids any two holding calls of one
therapist to overlap, on SQLite a unique (profile, starts_at) and the write lock SQLite's
IMMEDIATE transactions take. An IntegrityError becomes SlotTaken, with other times.
"""

import statistics
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from iptcare.accounts import audit
from iptcare.accounts.models import User
from iptcare.booking import availability, emails, links, slots, tasks
from iptcare.booking.availability import (  # noqa: F401  the directory's entry points
    has_open_slots,
    next_free_slots,
    refresh_open_slots,
)
from iptcare.booking.models import (
    Claim,
    Consultation,
    SlotSummary,
    Status,
)
from iptcare.booking.zones import is_time_zone
from iptcare.directory import services as directory_services
from iptcare.directory.models import License, TherapistProfile, Verification

MAX_OPEN_REQUESTS_PER_EMAIL = 3
ALTERNATIVES = 6


class BookingRefused(ValueError):
    """The booking can't be made; the message says why, in words for the person."""

    def __init__(self, message: str, alternatives: list[slots.Slot] | None = None):
        super().__init__(message)
        self.alternatives = alternatives or []


class SlotUnavailable(BookingRefused):
    """The time is not (or no longer) one of the therapist's free slots."""


class SlotTaken(SlotUnavailable):
    """Someone else booked this time first."""


class ActionRefused(ValueError):
    """A therapist's or person's action doesn't apply to the call in its current state."""


@dataclass
class Person:
    name: str
    email: str
    phone: str
    state: str
    message: str
    time_zone: str


def email_digest(email: str) -> str:
    """An HMAC of the address: lets us count one address's requests without a clear copy.
    It follows SECRET_KEY, so rotating that key restarts the per-address counts."""
    return salted_hmac(
        "iptcare.booking.email", email.strip().lower(), algorithm="sha256"
    ).hexdigest()


def alternatives(profile: TherapistProfile, now: datetime) -> list[slots.Slot]:
    return availability.free_slots(profile, now, limit=ALTERNATIVES)


def _refuse_slot(loaded: availability.Availability, starts_at: datetime, now: datetime) -> None:
    """Raise the right SlotUnavailable for a time that is not free, with the soonest free
    times as others."""
    rules = loaded.rules
    others = loaded.free(now, limit=ALTERNATIVES)
    if starts_at <= now:
        raise SlotUnavailable("That time has already passed. Please choose another.", others)
    if starts_at < now + timedelta(hours=rules.min_notice_hours):
        raise SlotUnavailable(
            f"Calls need to be booked at least {rules.min_notice_hours} hours ahead. "
            "Please choose a later time.",
            others,
        )
    if starts_at > now + timedelta(days=rules.horizon_days):
        raise SlotUnavailable(
            f"Calls can be booked up to {rules.horizon_days} days ahead. "
            "Please choose an earlier time.",
            others,
        )
    if loaded.free_ignoring_bookings(now, within=(starts_at, starts_at)):
        raise SlotTaken("Sorry, this time was just taken. Here are other times.", others)
    raise SlotUnavailable(
        "That time is not one this therapist offers. Please choose another.", others
    )


def _check_person(person: Person) -> None:
    if not is_time_zone(person.time_zone):
        raise BookingRefused("Please choose your time zone from the list.")


def book_consultation(
    request: HttpRequest | None,
    profile: TherapistProfile,
    starts_at: datetime,
    person: Person,
    now: datetime | None = None,
) -> Consultation:
    """Book a free call at `starts_at` (UTC) for `person`. Raises BookingRefused (or its
    SlotUnavailable, SlotTaken) with a message for the person; nothing is stored then."""
    now = now or timezone.now()
    _check_person(person)
    if not profile.accepting_new_clients:
        raise BookingRefused(f"{profile.display_name} is not taking new clients right now.")
    digest = email_digest(person.email)
    try:
        with transaction.atomic():
            consultation = _book(
                request, profile, starts_at, person, digest, now, count_open_requests=True
            )
    except IntegrityError:
        # Another booking won the race; the database refused the overlap.
        raise SlotTaken(
            "Sorry, this time was just taken. Here are other times.", alternatives(profile, now)
        ) from None
    return consultation


def _book(
    request: HttpRequest | None,
    profile: TherapistProfile,
    starts_at: datetime,
    person: Person,
    digest: str,
    now: datetime,
    *,
    replaces: Consultation | None = None,
    status: str = Status.REQUESTED,
    count_open_requests: bool = False,
) -> Consultation:
    """Check the slot against the therapist's availability, read fresh with their settings
    row locked (FOR UPDATE), insert the call, and update the open-slot summary from the
    same reading with the call added in memory: nothing is read again. Only the slots
    the check and the summary need are laid out (that instant's day, the first free slot,
    a count of the rest). A refusal (SlotUnavailable) carries the soonest free times as
    alternatives. A new request (`count_open_requests`) is refused if the address has too
    many open ones, counted in the same statement."""
    loaded = availability.load_one(
        profile.pk,
        now,
        listed=True,
        for_update=True,
        open_requests_of=digest if count_open_requests else None,
    )
    if loaded is None:
        raise SlotUnavailable(f"{profile.display_name} doesn't offer free calls here yet.")
    if (loaded.open_requests or 0) >= MAX_OPEN_REQUESTS_PER_EMAIL:
        raise BookingRefused(
            f"This email address already has {MAX_OPEN_REQUESTS_PER_EMAIL} open requests. "
            "Please wait for an answer, or cancel one through the link in its email."
        )
    offered = loaded.free(now, within=(starts_at, starts_at))
    if not offered:
        _refuse_slot(loaded, starts_at, now)
        raise AssertionError("unreachable")
    slot = offered[0]
    call = slots.Busy(slot.starts_at, slot.ends_at + loaded.rules.buffer)
    consultation = Consultation(
        profile=profile,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        blocked_until=call.blocked_until,
        status=status,
        uid=replaces.uid if replaces else f"{uuid.uuid4()}@{django_settings.SITE_NAME}",
        sequence=replaces.sequence + 1 if replaces else 0,
        replaces=replaces,
        name=person.name,
        email=person.email,
        email_digest=digest,
        phone=person.phone,
        state=person.state,
        message=person.message,
        person_time_zone=person.time_zone,
        consented_at=replaces.consented_at if replaces else now,
        created_at=now,
    )
    if status == Status.CONFIRMED:
        consultation.confirmed_at = consultation.responded_at = now
    consultation.save(force_insert=True)
    audit.record(request, audit.Verb.CREATE, "booking.consultation.requested", consultation)
    loaded.busy.append(call)
    availability.record_open_slots(profile, loaded, now)
    if replaces is None:
        tasks.enqueue_emails(consultation, "requested")
    return consultation


def _person_of(consultation: Consultation) -> Person:
    return Person(
        name=consultation.name,
        email=consultation.email,
        phone=consultation.phone,
        state=consultation.state,
        message=consultation.message,
        time_zone=consultation.person_time_zone,
    )


def _claim_link(consultation: Consultation, action: str) -> None:
    if not tasks.claim(consultation, f"link.{action}"):
        raise links.LinkRefused("This link has already been used.")


def _locked(consultation: Consultation) -> Consultation:
    """The call's row, locked and fresh, inside the caller's transaction."""
    return (
        Consultation.objects.select_for_update()
        .select_related("profile__user")
        .get(pk=consultation.pk)
    )


def move_consultation(
    request: HttpRequest | None,
    consultation: Consultation,
    starts_at: datetime,
    now: datetime | None = None,
    *,
    accepted_proposal: bool = False,
) -> Consultation:
    """Move a call to another free time: the old row becomes RESCHEDULED and a new row
    keeps its UID with SEQUENCE + 1. The person's reschedule link, or their acceptance of
    the therapist's proposal (then the new time is confirmed at once)."""
    now = now or timezone.now()
    action = "accept" if accepted_proposal else "reschedule"
    try:
        with transaction.atomic():
            old = _locked(consultation)
            if not old.is_open or old.is_over(now):
                raise ActionRefused("This call can no longer be moved.")
            _claim_link(old, action)
            old.status = Status.RESCHEDULED
            old.save(update_fields=["status"])
            audit.record(request, audit.Verb.CHANGE, "booking.consultation.moved", old)
            status = Status.CONFIRMED if accepted_proposal else Status.REQUESTED
            new = _book(
                request,
                old.profile,
                starts_at,
                _person_of(old),
                old.email_digest,
                now,
                replaces=old,
                status=status,
            )
            if accepted_proposal:
                tasks.enqueue_reminders(new)
            tasks.enqueue_emails(new, "accepted" if accepted_proposal else "rescheduled")
    except SlotUnavailable as refusal:
        refusal.alternatives = alternatives(consultation.profile, now)
        raise
    except IntegrityError:
        raise SlotTaken(
            "Sorry, this time was just taken. Here are other times.",
            alternatives(consultation.profile, now),
        ) from None
    return new


@transaction.atomic
def cancel_consultation(
    request: HttpRequest | None, consultation: Consultation, now: datetime | None = None
) -> Consultation:
    """The person cancels through their link."""
    now = now or timezone.now()
    consultation = _locked(consultation)
    if not consultation.is_open or consultation.is_over(now):
        raise ActionRefused("This call can no longer be cancelled.")
    _claim_link(consultation, "cancel")
    consultation.status = Status.CANCELLED
    consultation.cancelled_at = now
    consultation.save(update_fields=["status", "cancelled_at"])
    audit.record(request, audit.Verb.CHANGE, "booking.consultation.cancelled", consultation)
    availability.refresh_open_slots(consultation.profile, now)
    tasks.enqueue_emails(consultation, "cancelled")
    return consultation


def _answer(consultation: Consultation, now: datetime, fields: list[str]) -> list[str]:
    if consultation.responded_at is None:
        consultation.responded_at = now
        fields.append("responded_at")
        profile_id = consultation.profile_id
        transaction.on_commit(lambda: refresh_response_record(profile_id))
    return fields


@transaction.atomic
def confirm_consultation(request: HttpRequest | None, actor: User, consultation: Consultation):
    now = timezone.now()
    consultation = _locked(consultation)
    if consultation.status != Status.REQUESTED or consultation.starts_at <= now:
        raise ActionRefused("Only a request for a time still ahead can be confirmed.")
    consultation.status = Status.CONFIRMED
    consultation.confirmed_at = now
    consultation.save(update_fields=_answer(consultation, now, ["status", "confirmed_at"]))
    audit.record(
        request, audit.Verb.CHANGE, "booking.consultation.confirmed", consultation, actor=actor
    )
    tasks.enqueue_emails(consultation, "confirmed")
    tasks.enqueue_reminders(consultation)
    return consultation


@transaction.atomic
def decline_consultation(
    request: HttpRequest | None, actor: User, consultation: Consultation, note: str = ""
):
    now = timezone.now()
    consultation = _locked(consultation)
    if not consultation.is_open or consultation.is_over(now):
        raise ActionRefused("This call can no longer be declined.")
    consultation.status = Status.DECLINED
    consultation.declined_at = now
    consultation.decline_note = note
    fields = _answer(consultation, now, ["status", "declined_at", "decline_note"])
    consultation.save(update_fields=fields)
    audit.record(
        request, audit.Verb.CHANGE, "booking.consultation.declined", consultation, actor=actor
    )
    availability.refresh_open_slots(consultation.profile, now)
    tasks.enqueue_emails(consultation, "declined")
    return consultation


@transaction.atomic
def propose_time(
    request: HttpRequest | None, actor: User, consultation: Consultation, starts_at: datetime
):
    """Offer the person another of the therapist's free times; the call keeps its own
    time until the person accepts (through their emailed link) or it is declined."""
    now = timezone.now()
    consultation = _locked(consultation)
    if not consultation.is_open or consultation.is_over(now):
        raise ActionRefused("Another time can be proposed only for a call still ahead.")
    if slots.is_offered(availability.free_slots(consultation.profile, now), starts_at) is None:
        raise ActionRefused("That time is no longer free. Please choose another.")
    consultation.proposed_starts_at = starts_at
    consultation.save(update_fields=_answer(consultation, now, ["proposed_starts_at"]))
    audit.record(
        request, audit.Verb.CHANGE, "booking.consultation.proposed", consultation, actor=actor
    )
    tasks.enqueue_emails(consultation, "proposed", f"proposed.{int(starts_at.timestamp())}")
    return consultation


@transaction.atomic
def complete_consultation(request: HttpRequest | None, actor: User, consultation: Consultation):
    now = timezone.now()
    consultation = _locked(consultation)
    if consultation.status != Status.CONFIRMED or consultation.starts_at > now:
        raise ActionRefused("Only a confirmed call that has started can be marked done.")
    consultation.status = Status.COMPLETED
    consultation.completed_at = now
    consultation.save(update_fields=["status", "completed_at"])
    audit.record(
        request, audit.Verb.CHANGE, "booking.consultation.completed", consultation, actor=actor
    )
    return consultation


@transaction.atomic
def save_availability(request: HttpRequest | None, actor: User, profile, forms) -> None:
    """Save the settings form and the windows and exceptions formsets, then refresh the
    profile's open-slot summary."""
    settings_form, *formsets = forms
    settings = settings_form.save(commit=False)
    settings.profile = profile
    settings.updated_at = timezone.now()
    settings.save()
    for formset in formsets:
        formset.instance = profile
        formset.save()
    audit.record(request, audit.Verb.CHANGE, "booking.availability.changed", settings, actor=actor)
    availability.refresh_open_slots(profile)


# Unanswered requests ------------------------------------------------------------------


@dataclass
class ChaseReport:
    therapists_reminded: int = 0
    people_told: int = 0


def chase_unanswered(now: datetime | None = None) -> ChaseReport:
    """Remind therapists of requests unanswered after one business day, and after two tell
    the person, with other therapists who have open slots. Safe to run as often as cron
    likes: each email is claimed once."""
    now = now or timezone.now()
    report = ChaseReport()
    waiting = (
        Consultation.objects.filter(
            status=Status.REQUESTED, responded_at__isnull=True, starts_at__gt=now
        )
        .exclude(Exists(Claim.objects.filter(consultation=OuterRef("pk"), key="chase.person")))
        .select_related("profile__user", "profile__consultation_settings")
    )
    for consultation in waiting:
        zone = tasks.therapist_zone(consultation)
        if now >= slots.add_business_days(consultation.created_at, 2, zone):
            with transaction.atomic():
                if tasks.claim(consultation, "chase.person"):
                    extra = {"others": other_therapists(consultation, now)}
                    emails.to_person(consultation, "no_reply", now, extra).send()
                    report.people_told += 1
        if now >= slots.add_business_days(consultation.created_at, 1, zone):
            with transaction.atomic():
                if tasks.claim(consultation, "chase.therapist"):
                    emails.to_therapist(consultation, "chase", zone, now).send()
                    report.therapists_reminded += 1
    return report


def other_therapists(consultation: Consultation, now: datetime, count: int = 3) -> list[dict]:
    """Listed therapists licensed in the person's state with open slots, soonest first."""
    licensed_here = License.objects.filter(
        profile=OuterRef("pk"), state=consultation.state, status=Verification.VERIFIED
    )
    profiles = (
        TherapistProfile.objects.filter(
            Exists(licensed_here),
            is_published=True,
            training_mask__gt=0,
            accepting_new_clients=True,
            slot_summary__open_slots_in_horizon__gt=0,
            slot_summary__next_free_at__gt=now,
        )
        .exclude(pk=consultation.profile_id)
        .order_by("slot_summary__next_free_at")
        .values("display_name", "slug", "slot_summary__next_free_at")[:count]
    )
    return [
        {
            "name": p["display_name"],
            "link": f"{django_settings.SITE_URL}{reverse('booking:book', args=[p['slug']])}",
            "when": emails.when(p["slot_summary__next_free_at"], consultation.person_time_zone),
        }
        for p in profiles
        if p["slot_summary__next_free_at"] is not None
    ]


# The response record ------------------------------------------------------------------


@dataclass
class ResponseStats:
    answered: int
    median_hours: float | None
    phrase: str  # empty until there are enough answered requests to say anything


MIN_ANSWERED = 3


def phrase_for(median_hours: float) -> str:
    if median_hours <= 4:
        return "usually replies within a few hours"
    if median_hours <= 24:
        return "usually replies within a day"
    if median_hours <= 48:
        return "usually replies within two days"
    return f"usually replies within {int(-(-median_hours // 24))} days"


def refresh_response_record(profile_id: int) -> None:
    """Put the profile's measured response phrase on its public profile."""
    stats = response_stats_for([profile_id]).get(profile_id, ResponseStats(0, None, ""))
    directory_services.record_reply_phrase(profile_id, stats.phrase)


def response_stats(profile: TherapistProfile) -> ResponseStats:
    return response_stats_for([profile.pk]).get(profile.pk, ResponseStats(0, None, ""))


def response_stats_for(profile_ids) -> dict[int, ResponseStats]:
    """From real requests only: first requests (not moves) that the therapist answered."""
    hours: dict[int, list[float]] = {}
    rows = Consultation.objects.filter(
        profile_id__in=list(profile_ids), replaces__isnull=True, responded_at__isnull=False
    ).values_list("profile_id", "created_at", "responded_at")
    for profile_id, created_at, responded_at in rows:
        if responded_at is not None:
            waited = (responded_at - created_at).total_seconds() / 3600
            hours.setdefault(profile_id, []).append(waited)
    result = {}
    for profile_id, values in hours.items():
        median = statistics.median(values)
        phrase = phrase_for(median) if len(values) >= MIN_ANSWERED else ""
        result[profile_id] = ResponseStats(len(values), median, phrase)
    return result


def summaries(profile_ids) -> dict[int, SlotSummary]:
    return {s.profile_id: s for s in SlotSummary.objects.filter(profile_id__in=list(profile_ids))}
