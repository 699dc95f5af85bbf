"""Questionnaires assigned to a course, and the client's answers.

Answers are clinical: they are stored encrypted (EncryptedTextField holding JSON), with
the instrument id and the spec's schema version, as measures.json asks. Totals and bands
are stored beside them so lists and charts need no decryption.
"""

import json
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.care.models import Client
from iptcare.course.models import BetweenSessionGoal, ClientRecord, Course, InventoryPerson
from iptcare.lib.crypto import EncryptedTextField
from iptcare.measures import instruments
from iptcare.measures.schedule import Schedule


class Assignment(ClientRecord):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, models.CASCADE, related_name="assignments")
    instrument = models.CharField(max_length=20)
    schedule = models.CharField(max_length=20, choices=Schedule.choices)
    is_active = models.BooleanField(default=True)
    assigned_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the client was last emailed that it is due."
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "instrument"],
                condition=Q(is_active=True),
                name="measures_assignment_one_active_per_instrument",
            )
        ]

    def __str__(self) -> str:
        return f"Assignment {self.code}"

    @property
    def client_of(self) -> Client:
        return self.course.client

    @property
    def definition(self) -> instruments.Instrument:
        return instruments.get(self.instrument)


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Sent"


class Response(ClientRecord):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="responses")
    course = models.ForeignKey(Course, models.CASCADE, related_name="responses")
    instrument = models.CharField(max_length=20)
    schema_version = models.CharField(max_length=20)
    answers_json = EncryptedTextField(default="{}")
    status = models.CharField(
        max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    alert_raised = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["course", "instrument", "status", "submitted_at"])]
        constraints = [
            # A total only for sent responses, and only inside the widest range we have.
            models.CheckConstraint(
                name="measures_response_total_when_sent",
                condition=Q(status=ResponseStatus.SUBMITTED, total__isnull=False)
                | Q(status=ResponseStatus.DRAFT, total__isnull=True),
            ),
            models.CheckConstraint(
                name="measures_response_total_range", condition=Q(total__lte=100)
            ),
            # One draft per assignment at a time: a second tab resumes the same one.
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status=ResponseStatus.DRAFT),
                name="measures_response_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"Response {self.code}"

    @property
    def client_of(self) -> Client:
        return self.course.client

    @property
    def definition(self) -> instruments.Instrument:
        return instruments.get(self.instrument)

    @property
    def answers(self) -> dict[str, str]:
        return json.loads(self.answers_json or "{}")

    @answers.setter
    def answers(self, value: dict[str, str]) -> None:
        self.answers_json = json.dumps(value, sort_keys=True)

    @property
    def band_label(self) -> str:
        return next((b.label for b in self.definition.bands if b.code == self.band), "")


class DiaryEntry(ClientRecord):
    """The client's own mood rating for a day (0 the worst they can imagine, 10 the best,
    as the session's rating), kept in the portal."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, models.CASCADE, related_name="diary_entries")
    course = models.ForeignKey(
        Course, models.SET_NULL, null=True, blank=True, related_name="diary_entries"
    )
    entry_date = models.DateField()
    mood = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entry_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "entry_date"], name="measures_diary_one_a_day"
            ),
            models.CheckConstraint(name="measures_diary_mood_0_10", condition=Q(mood__lte=10)),
        ]

    def __str__(self) -> str:
        return f"Diary entry {self.code}"

    @property
    def client_of(self) -> Client:
        return self.client


class Interaction(ClientRecord):
    """One interaction of the day with a person from the client's inventory."""

    entry = models.ForeignKey(DiaryEntry, models.CASCADE, related_name="interactions")
    person = models.ForeignKey(InventoryPerson, models.CASCADE, related_name="+")
    is_positive = models.BooleanField()
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Interaction {self.pk}"

    @property
    def client_of(self) -> Client:
        return self.entry.client


class GoalNote(ClientRecord):
    """The client's own note, in the portal, on how a between-session goal went."""

    goal = models.ForeignKey(BetweenSessionGoal, models.CASCADE, related_name="client_notes")
    text = EncryptedTextField()
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return f"Goal note {self.pk}"

    @property
    def client_of(self) -> Client:
        return self.goal.course.client
