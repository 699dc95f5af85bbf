"""Synthetic consultation availability and a few booked calls for the demo.

Every demo therapist gets weekly windows in their state's time zone, so `make run` shows
bookable times. Generated therapists (`demo --therapists N`) get theirs in bulk from a few
patterns; since they have no booked calls, their open-slot summaries are computed once per
(zone, pattern) and copied, which keeps 100,000 therapists to a few seconds.
"""

import uuid
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from iptcare.booking import availability, slots
from iptcare.booking.models import (
    Consultation,
    ConsultationSettings,
    SlotSummary,
    Status,
    WeeklyWindow,
)
from iptcare.booking.services import email_digest
from iptcare.booking.zones import default_zone
from iptcare.directory import services as directory_services
from iptcare.directory.models import TherapistProfile

# (weekday, start hour, end hour) in the therapist's own zone; Monday is 0.
PATTERNS = [
    [(0, 9, 12), (2, 9, 12), (4, 13, 16)],
    [(1, 10, 13), (3, 10, 13), (5, 9, 11)],
    [(0, 17, 20), (1, 17, 20), (2, 17, 20), (3, 17, 20)],
    [(0, 8, 10), (1, 8, 10), (2, 8, 10), (3, 8, 10), (4, 8, 10)],
    [(2, 12, 15), (4, 9, 12)],
]

# Invented people for the demo therapists' booked calls (see data.py: all synthetic).
PEOPLE = [
    ("Rosa Demo", "rosa.demo@example.net", "America/Los_Angeles", Status.REQUESTED),
    ("Theo Sample", "theo.sample@example.net", "America/Chicago", Status.CONFIRMED),
    ("Ines Placeholder", "ines.placeholder@example.net", "America/New_York", Status.REQUESTED),
]
BATCH = 2000


def _windows(profile_id: int, pattern: list) -> list[WeeklyWindow]:
    return [
        WeeklyWindow(profile_id=profile_id, weekday=day, start_time=time(start), end_time=time(end))
        for day, start, end in pattern
    ]


def add_demo_availability(profiles: list[TherapistProfile], now: datetime | None = None) -> None:
    """Windows for each demo therapist without settings, and a few calls for the first."""
    now = now or timezone.now()
    for n, profile in enumerate(profiles):
        if ConsultationSettings.objects.filter(profile=profile).exists():
            continue
        zone = default_zone(profile.state, profile.user.time_zone)
        ConsultationSettings.objects.create(profile=profile, time_zone=zone, min_notice_hours=12)
        WeeklyWindow.objects.bulk_create(_windows(profile.pk, PATTERNS[n % len(PATTERNS)]))
        if n == 0:
            _book_demo_calls(profile, now)
        availability.refresh_open_slots(profile, now)


def _book_demo_calls(profile: TherapistProfile, now: datetime) -> None:
    free = availability.free_slots(profile, now)
    settings = ConsultationSettings.objects.get(profile=profile)
    for (name, email, zone, status), slot in zip(PEOPLE, free[2::7], strict=False):
        Consultation.objects.create(
            profile=profile,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            blocked_until=slot.ends_at + timedelta(minutes=settings.buffer_minutes),
            status=status,
            uid=f"{uuid.uuid4()}@demo",
            name=name,
            email=email,
            email_digest=email_digest(email),
            state=profile.state or "CA",
            message="A synthetic demo request.",
            person_time_zone=zone,
            consented_at=now,
            created_at=now - timedelta(hours=5),
            confirmed_at=now if status == Status.CONFIRMED else None,
            responded_at=now if status == Status.CONFIRMED else None,
        )


def add_generated_availability(profiles, now: datetime | None = None) -> int:
    """Bulk availability for generated profiles that have none; returns how many got it."""
    now = now or timezone.now()
    todo = profiles.filter(consultation_settings__isnull=True).order_by("pk")
    summaries: dict[tuple[str, int], tuple[datetime | None, int]] = {}
    done = last_pk = 0
    # Keyset pages: each batch starts after the last one, not at the top of the table.
    while rows := list(todo.filter(pk__gt=last_pk).values_list("pk", "state")[:BATCH]):
        last_pk = rows[-1][0]
        settings, windows, summary_rows = [], [], []
        for pk, state in rows:
            zone = default_zone(state)
            pattern = pk % len(PATTERNS)
            settings.append(ConsultationSettings(profile_id=pk, time_zone=zone))
            windows += _windows(pk, PATTERNS[pattern])
            if (zone, pattern) not in summaries:
                found = _free_for(settings[-1], PATTERNS[pattern], now)
                summaries[zone, pattern] = (found[0].starts_at if found else None, len(found))
            next_free_at, count = summaries[zone, pattern]
            summary_rows.append(
                SlotSummary(
                    profile_id=pk,
                    next_free_at=next_free_at,
                    open_slots_in_horizon=count,
                    refreshed_at=now,
                )
            )
        with transaction.atomic():
            ConsultationSettings.objects.bulk_create(settings)
            WeeklyWindow.objects.bulk_create(windows)
            SlotSummary.objects.bulk_create(summary_rows, ignore_conflicts=True)
            directory_services.record_free_calls(
                {row.profile_id: row.next_free_at for row in summary_rows}
            )
        done += len(rows)
    return done


def _free_for(settings: ConsultationSettings, pattern: list, now: datetime) -> list[slots.Slot]:
    windows = [slots.Window(day, time(start), time(end)) for day, start, end in pattern]
    return slots.free_slots(availability.rules_of(settings), windows, [], [], now)
