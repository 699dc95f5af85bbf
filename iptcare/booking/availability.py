"""Reading availability from the database for slots.py, for one therapist or many at once.

Loading many profiles costs four queries whatever their number (chunked for SQLite's
variable limit), so a directory page can ask for the next free slot of every card.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from iptcare.booking import slots
from iptcare.booking.models import (
    HOLDING_VALUES,
    AvailabilityException,
    Consultation,
    ConsultationSettings,
    SlotSummary,
    WeeklyWindow,
)
from iptcare.directory import services as directory_services
from iptcare.directory.models import TherapistProfile

CHUNK = 1000
MAX_HORIZON = timedelta(days=92)


@dataclass
class Availability:
    rules: slots.Rules
    windows: list[slots.Window] = field(default_factory=list)
    changes: list[slots.DateChange] = field(default_factory=list)
    busy: list[slots.Busy] = field(default_factory=list)

    def free(self, now: datetime, limit: int | None = None) -> list[slots.Slot]:
        return slots.free_slots(self.rules, self.windows, self.changes, self.busy, now, limit=limit)

    def free_ignoring_bookings(self, now: datetime) -> list[slots.Slot]:
        return slots.free_slots(self.rules, self.windows, self.changes, [], now)


def rules_of(settings: ConsultationSettings) -> slots.Rules:
    return slots.Rules(
        time_zone=settings.time_zone,
        call_minutes=settings.call_minutes,
        buffer_minutes=settings.buffer_minutes,
        max_calls_per_day=settings.max_calls_per_day,
        min_notice_hours=settings.min_notice_hours,
        horizon_days=settings.horizon_days,
    )


def load(profile_ids: Iterable[int], now: datetime) -> dict[int, Availability]:
    """Availability of every given profile that offers consultation calls."""
    ids = list(dict.fromkeys(profile_ids))
    found: dict[int, Availability] = {}
    for start in range(0, len(ids), CHUNK):
        found.update(_load_chunk(ids[start : start + CHUNK], now))
    return found


def _load_chunk(ids: list[int], now: datetime) -> dict[int, Availability]:
    found = {
        s.profile_id: Availability(rules_of(s))
        for s in ConsultationSettings.objects.filter(profile_id__in=ids)
    }
    if not found:
        return found
    ids = list(found)
    for profile_id, weekday, start, end in WeeklyWindow.objects.filter(
        profile_id__in=ids
    ).values_list("profile_id", "weekday", "start_time", "end_time"):
        found[profile_id].windows.append(slots.Window(weekday, start, end))
    # A day either side of the range, since local dates straddle UTC ones.
    first_date = (now - timedelta(days=1)).date()
    last_date = (now + MAX_HORIZON).date()
    for profile_id, kind, on_date, change_start, change_end in AvailabilityException.objects.filter(
        profile_id__in=ids, on_date__range=(first_date, last_date)
    ).values_list("profile_id", "kind", "on_date", "start_time", "end_time"):
        change = slots.DateChange(
            on_date, kind == AvailabilityException.Kind.EXTRA, change_start, change_end
        )
        found[profile_id].changes.append(change)
    # Calls from a day back count towards today's limit; later ones block their times.
    for profile_id, starts_at, blocked_until in Consultation.objects.filter(
        profile_id__in=ids,
        status__in=HOLDING_VALUES,
        starts_at__gte=now - timedelta(days=1),
        starts_at__lt=now + MAX_HORIZON,
    ).values_list("profile_id", "starts_at", "blocked_until"):
        found[profile_id].busy.append(slots.Busy(starts_at, blocked_until))
    return found


def free_slots(
    profile: TherapistProfile, now: datetime | None = None, limit: int | None = None
) -> list[slots.Slot]:
    now = now or timezone.now()
    availability = load([profile.pk], now).get(profile.pk)
    return availability.free(now, limit) if availability else []


def next_free_slots(profile_ids: Iterable[int], now: datetime | None = None) -> dict[int, datetime]:
    """The soonest free slot (UTC) of each profile that has one; others are left out."""
    now = now or timezone.now()
    result = {}
    for profile_id, availability in load(profile_ids, now).items():
        first = availability.free(now, limit=1)
        if first:
            result[profile_id] = first[0].starts_at
    return result


def has_open_slots(profile: TherapistProfile, now: datetime | None = None) -> bool:
    return bool(free_slots(profile, now, limit=1))


def refresh_open_slots(profile: TherapistProfile, now: datetime | None = None) -> SlotSummary:
    """Store whether the profile has open slots in its horizon (SlotSummary)."""
    now = now or timezone.now()
    found = free_slots(profile, now)
    summary, _ = SlotSummary.objects.update_or_create(
        profile=profile,
        defaults={
            "next_free_at": found[0].starts_at if found else None,
            "open_slots_in_horizon": len(found),
            "refreshed_at": now,
        },
    )
    directory_services.record_free_calls({profile.pk: summary.next_free_at})
    profile.next_free_call_at = summary.next_free_at
    return summary


def refresh_all_summaries(now: datetime | None = None, batch: int = 500) -> int:
    """Refresh every profile's summary; profiles without settings get none open."""
    now = now or timezone.now()
    ids = list(
        ConsultationSettings.objects.order_by("profile_id").values_list("profile_id", flat=True)
    )
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        loaded = load(chunk, now)
        rows = []
        for profile_id in chunk:
            found = loaded[profile_id].free(now) if profile_id in loaded else []
            rows.append(
                SlotSummary(
                    profile_id=profile_id,
                    next_free_at=found[0].starts_at if found else None,
                    open_slots_in_horizon=len(found),
                    refreshed_at=now,
                )
            )
        with transaction.atomic():
            SlotSummary.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["profile"],
                update_fields=["next_free_at", "open_slots_in_horizon", "refreshed_at"],
            )
            directory_services.record_free_calls({r.profile_id: r.next_free_at for r in rows})
    SlotSummary.objects.exclude(
        profile_id__in=ConsultationSettings.objects.values("profile_id")
    ).update(next_free_at=None, open_slots_in_horizon=0, refreshed_at=now)
    without = TherapistProfile.objects.filter(
        next_free_call_at__isnull=False, consultation_settings__isnull=True
    ).values_list("pk", flat=True)
    directory_services.record_free_calls(dict.fromkeys(without))
    return len(ids)
