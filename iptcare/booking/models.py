"""Free consultation calls: a therapist's availability and the calls people book.

All rules are in the therapist's own time zone (`ConsultationSettings.time_zone`) and in
local wall-clock times; booked calls are stored as UTC instants. slots.py turns the one
into the other.
"""

import uuid
from datetime import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from iptcare.directory.models import TherapistProfile
from iptcare.lib.crypto import EncryptedTextField
from iptcare.lib.geo import US_STATES

from .zones import validate_time_zone


class CallLength(models.IntegerChoices):
    MIN_15 = 15, "15 minutes"
    MIN_20 = 20, "20 minutes"
    MIN_30 = 30, "30 minutes"


class ConsultationSettings(models.Model):
    """How a therapist offers free consultation calls. One per profile."""

    profile = models.OneToOneField(
        TherapistProfile, models.CASCADE, related_name="consultation_settings"
    )
    time_zone = models.CharField(
        max_length=64,
        validators=[validate_time_zone],
        help_text="Your availability below is in this time zone.",
    )
    call_minutes = models.PositiveSmallIntegerField(
        "call length", choices=CallLength.choices, default=CallLength.MIN_20
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        "buffer between calls (minutes)",
        default=10,
        validators=[MaxValueValidator(120)],
    )
    max_calls_per_day = models.PositiveSmallIntegerField(
        "most calls in one day",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        "minimum notice (hours)",
        default=12,
        validators=[MaxValueValidator(336)],
        help_text="Nobody can book a call starting sooner than this.",
    )
    horizon_days = models.PositiveSmallIntegerField(
        "how far ahead people may book (days)",
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "consultation settings"
        constraints = [
            models.CheckConstraint(
                name="consultation_call_length",
                condition=Q(call_minutes__in=CallLength.values),
            ),
            models.CheckConstraint(
                name="consultation_settings_ranges",
                condition=Q(buffer_minutes__lte=120)
                & Q(max_calls_per_day__gte=1, max_calls_per_day__lte=24)
                & Q(min_notice_hours__lte=336)
                & Q(horizon_days__gte=1, horizon_days__lte=90),
            ),
        ]

    def __str__(self) -> str:
        return f"Consultation settings of {self.profile}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WeeklyWindow(models.Model):
    """Every week on `weekday`, from `start_time` to `end_time` in the therapist's zone."""

    profile = models.ForeignKey(TherapistProfile, models.CASCADE, related_name="weekly_windows")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                name="weekly_window_order",
                condition=Q(end_time__gt=F("start_time")),
                violation_error_message="The end time must be after the start time.",
            ),
            models.CheckConstraint(name="weekly_window_weekday", condition=Q(weekday__lte=6)),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class AvailabilityException(models.Model):
    """A change to one local date: time off (the whole day, or some hours) or extra hours."""

    class Kind(models.TextChoices):
        OFF = "off", "Time off"
        EXTRA = "extra", "Extra hours"

    profile = models.ForeignKey(
        TherapistProfile, models.CASCADE, related_name="availability_exceptions"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.OFF)
    on_date = models.DateField("date")
    start_time = models.TimeField(null=True, blank=True, help_text="Empty for the whole day off.")
    end_time = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["on_date", "start_time"]
        indexes = [models.Index(fields=["profile", "on_date"], name="exception_profile_date")]
        constraints = [
            # Extra hours need both times; time off has both or neither (the whole day).
            models.CheckConstraint(
                name="exception_times",
                condition=(Q(start_time__isnull=True, end_time__isnull=True) & Q(kind="off"))
                | Q(start_time__isnull=False, end_time__isnull=False, end_time__gt=F("start_time")),
                violation_error_message="Give a start and an end time (the end after the start); "
                "leave both empty only for a whole day off.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on_date}"


class Status(models.TextChoices):
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"
    RESCHEDULED = "rescheduled", "Moved to another time"
    COMPLETED = "completed", "Done"


# Calls that hold their time: no two of one therapist may overlap (see the constraints).
HOLDING = (Status.REQUESTED, Status.CONFIRMED, Status.COMPLETED)
HOLDING_VALUES = [str(s) for s in HOLDING]


class Consultation(models.Model):
    """A free call a person booked with a therapist.

    `blocked_until` is the end of the call plus the therapist's buffer at booking time, so
    the constraint that no two calls overlap holds even when the buffer changes later.
    Rescheduling makes a new row (same `uid`, `sequence` + 1) and marks the old one
    RESCHEDULED, so every time a call was ever at stays on record.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(TherapistProfile, models.CASCADE, related_name="consultations")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_until = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    uid = models.CharField("iCalendar UID", max_length=100)
    sequence = models.PositiveIntegerField("iCalendar SEQUENCE", default=0)
    replaces = models.OneToOneField(
        "self", models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )

    # The person: personal data, encrypted at rest. `email_digest` (an HMAC of the address)
    # lets us count one address's open requests without storing the address in clear.
    name = EncryptedTextField()
    email = EncryptedTextField()
    email_digest = models.CharField(max_length=64, db_index=True)
    phone = EncryptedTextField(blank=True)
    state = models.CharField("state of residence", max_length=2, choices=US_STATES)
    message = EncryptedTextField(blank=True)
    person_time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    consented_at = models.DateTimeField()

    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(
        null=True, blank=True, help_text="The therapist's first answer to the request."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    decline_note = EncryptedTextField(blank=True)
    proposed_starts_at = models.DateTimeField(
        null=True, blank=True, help_text="Another time the therapist offered instead."
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["profile", "starts_at"], name="consultation_profile_start"),
            models.Index(fields=["status", "created_at"], name="consultation_status_created"),
        ]
        constraints = [
            # SQLite's guard; on PostgreSQL migration 0001 also adds an exclusion constraint
            # over [starts_at, blocked_until) that forbids any overlap.
            models.UniqueConstraint(
                fields=["profile", "starts_at"],
                condition=Q(status__in=HOLDING_VALUES),
                name="consultation_one_per_start",
            ),
            models.UniqueConstraint(
                fields=["uid"],
                condition=Q(status__in=HOLDING_VALUES),
                name="consultation_one_live_uid",
            ),
            models.CheckConstraint(
                name="consultation_times",
                condition=Q(ends_at__gt=F("starts_at")) & Q(blocked_until__gte=F("ends_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"Consultation {self.code}"

    @property
    def practice_id(self) -> int | None:
        return self.profile.user.practice_id

    @property
    def is_open(self) -> bool:
        """Still waiting for the therapist, or confirmed and not yet held."""
        return self.status in (Status.REQUESTED, Status.CONFIRMED)

    def is_over(self, now: datetime) -> bool:
        return self.ends_at <= now


class Claim(models.Model):
    """Something that must happen once for a call: a person's emailed link used (cancel,
    reschedule, accept), an email or a reminder sent. Inserting the row claims it, inside
    the transaction that does the thing, so a retried task or a reused link does nothing."""

    consultation = models.ForeignKey(Consultation, models.CASCADE, related_name="claims")
    key = models.CharField(max_length=60, help_text="e.g. link.cancel, email.confirmed")
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "key"], name="claim_once"),
        ]

    def __str__(self) -> str:
        return self.key


class SlotSummary(models.Model):
    """Whether a therapist has open consultation slots in their horizon, for the directory.

    Refreshed on every availability or booking change and periodically by
    `manage.py refresh_slot_summaries`, because slots expire as time passes.
    """

    profile = models.OneToOneField(TherapistProfile, models.CASCADE, related_name="slot_summary")
    next_free_at = models.DateTimeField(null=True, blank=True)
    open_slots_in_horizon = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "slot summaries"
        indexes = [models.Index(fields=["next_free_at"], name="slot_summary_next_free")]

    def __str__(self) -> str:
        return f"Slots of {self.profile_id}"

    @property
    def has_open_slots(self) -> bool:
        return self.open_slots_in_horizon > 0
