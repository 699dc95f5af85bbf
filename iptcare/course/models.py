"""One course of IPT and everything recorded in it (protocol section 15).

Every object here belongs to one client, and is loaded only through
iptcare/course/access.py, which starts from care's rules for who may see that client.
Clinical free text is encrypted at rest (EncryptedTextField).
"""

import uuid
from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.care.models import Client
from iptcare.course import protocol
from iptcare.course.checklists import Area
from iptcare.course.protocol import (
    Adaptation,
    EndReason,
    Frequency,
    Kind,
    Phase,
    Status,
)
from iptcare.lib.crypto import EncryptedTextField


class ClientRecord(models.Model):
    """Base of every model here: each names its client (`client_of`), through which the
    audit log records the client and the practice."""

    class Meta:
        abstract = True

    @property
    def practice_id(self) -> int:
        return self.client_of.practice_id

    @property
    def audit_client_code(self) -> uuid.UUID:
        return self.client_of.code

    @property
    def client_of(self) -> Client:
        raise NotImplementedError


class Course(ClientRecord):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, models.PROTECT, related_name="courses")
    therapist = models.ForeignKey(
        User, models.PROTECT, related_name="courses", help_text="The responsible clinician."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.IPT)
    adaptation = models.CharField(
        max_length=20, choices=Adaptation.choices, default=Adaptation.ADULT
    )
    planned_sessions = models.PositiveSmallIntegerField()
    sessions_reason = EncryptedTextField(
        "reason for this number of sessions",
        blank=True,
        help_text="Needed when the number is outside the usual range for this kind of course.",
    )
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    session_minutes = models.PositiveSmallIntegerField("session length (minutes)", default=50)
    start_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    held_status = models.CharField(
        max_length=20, choices=Status.choices, blank=True, help_text="Where a paused course was."
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    end_reason = models.CharField(max_length=30, choices=EndReason.choices, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    predecessor = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        help_text="The acute course a maintenance course follows.",
    )

    # The initial phase's records (protocol section 3).
    diagnosis_system = models.CharField(
        max_length=10,
        choices=[("dsm5", "DSM-5"), ("icd10", "ICD-10"), ("icd11", "ICD-11")],
        blank=True,
    )
    diagnosis_code = EncryptedTextField(blank=True)
    diagnosis_label = EncryptedTextField("working diagnosis", blank=True)
    psychoeducation_date = models.DateField(null=True, blank=True)
    sick_role_date = models.DateField("sick role discussed on", null=True, blank=True)
    medication_decision = models.CharField(
        max_length=30,
        blank=True,
        choices=[
            ("not_needed", "No medication evaluation needed now"),
            ("referred", "Referred for a medication evaluation"),
            ("already_treated", "Already under medical care for this"),
            ("declined", "Offered; the client declined"),
            ("other_care", "Another level of care needed"),
        ],
    )
    formulation = EncryptedTextField(
        "interpersonal formulation",
        blank=True,
        help_text="In plain words, agreed with the client: how the depression links to the "
        "focal area, and what the course will work on.",
    )
    formulation_accepted_date = models.DateField(
        "client agreed on", null=True, blank=True, help_text="The day the client agreed to it."
    )
    next_appointment_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            # One course under way per client at a time (protocol 15.2).
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status__in=protocol.OPEN),
                name="course_one_open_per_client",
            ),
            models.CheckConstraint(
                name="course_planned_sessions_in_range",
                condition=Q(planned_sessions__gte=1, planned_sessions__lte=protocol.MAX_SESSIONS),
                violation_error_message="A course has 1 to 52 sessions.",
            ),
            models.CheckConstraint(
                name="course_on_hold_knows_where_it_was",
                condition=~Q(status=Status.ON_HOLD) | ~Q(held_status=""),
                violation_error_message="A course on hold must know where it was.",
            ),
        ]

    def __str__(self) -> str:
        return f"Course {self.code}"

    @property
    def client_of(self) -> Client:
        return self.client

    @property
    def kind_label(self) -> str:
        if self.kind == Kind.IPT and self.adaptation == Adaptation.ADOLESCENT:
            return "IPT-A"
        if self.kind == Kind.IPT and self.adaptation == Adaptation.PERINATAL:
            return "Perinatal IPT"
        return Kind(self.kind).label

    @property
    def is_open(self) -> bool:
        return self.status in protocol.OPEN

    @property
    def is_running(self) -> bool:
        return self.status in protocol.RUNNING

    @property
    def phase(self) -> str:
        """The phase the course is in now ("" before it starts and after it ends)."""
        status = self.held_status if self.status == Status.ON_HOLD else self.status
        return status if status in Phase.values else ""

    @property
    def planned_end_date(self) -> date:
        return protocol.planned_end(self.start_date, self.frequency, self.planned_sessions)

    def phase_of(self, number: int) -> Phase:
        return protocol.phase_of(self.kind, number, self.planned_sessions)

    def phase_ranges(self):
        return protocol.phase_ranges(self.kind, self.planned_sessions)

    def position(self, sessions_held: int) -> str:
        """'Week 7 of 16, middle phase', given the number of sessions held so far."""
        if self.status == Status.DRAFT:
            return f"Not started: {self.planned_sessions} sessions planned"
        if self.status in protocol.CLOSED:
            return f"{self.get_status_display()} after {sessions_held} of {self.planned_sessions}"
        label = protocol.position_label(
            self.frequency,
            max(sessions_held, 1),
            self.planned_sessions,
            self.phase or Phase.INITIAL,
        )
        return f"{label} (on hold)" if self.status == Status.ON_HOLD else label


class StatusChange(ClientRecord):
    """The course's history of moves, with what the clinician gave for each."""

    course = models.ForeignKey(Course, models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    reason = EncryptedTextField(blank=True)
    end_reason = models.CharField(max_length=30, choices=EndReason.choices, blank=True)
    referred_to = EncryptedTextField(blank=True)
    follow_up_by = EncryptedTextField(
        blank=True, help_text="Who follows up an open safety alert after the course closed."
    )
    reminders_overridden = models.TextField(
        blank=True, help_text="The protocol's reminders the clinician confirmed past."
    )
    actor = models.ForeignKey(User, models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"

    @property
    def client_of(self) -> Client:
        return self.course.client


class FocusStatus(models.TextChoices):
    ACTIVE = "active", "Being worked on"
    RESOLVED = "resolved", "Resolved"
    PARTIALLY_RESOLVED = "partially_resolved", "Partly resolved"
    NOT_RESOLVED = "not_resolved", "Not resolved"
    DROPPED = "dropped", "Dropped"


class DisputeStage(models.TextChoices):
    RENEGOTIATION = "renegotiation", "Renegotiation"
    IMPASSE = "impasse", "Impasse"
    DISSOLUTION = "dissolution", "Dissolution"


# What the area-specific text holds, per area (protocol section 6).
AREA_DETAILS = {
    Area.GRIEF: "Who died and when, the circumstances, reactions noticed",
    Area.ROLE_DISPUTE: "Issues in dispute, the client's expectations, the other person's "
    "expectations as the client sees them, the plan",
    Area.ROLE_TRANSITION: "Old role, new role, when it changed, losses and gains, skills and "
    "supports to develop",
    Area.INTERPERSONAL_DEFICITS: "Current contacts, patterns noticed, target steps",
}


class FocusArea(ClientRecord):
    """A focal problem area: at most two per course, exactly one primary (protocol 6.5)."""

    MAX_PER_COURSE = 2

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, models.CASCADE, related_name="focus_areas")
    area = models.CharField(max_length=30, choices=Area.choices)
    is_primary = models.BooleanField(default=False)
    goals = EncryptedTextField(blank=True, help_text="One goal per line.")
    details = EncryptedTextField(blank=True)
    dispute_stage = models.CharField(max_length=20, choices=DisputeStage.choices, blank=True)
    status = models.CharField(
        max_length=20, choices=FocusStatus.choices, default=FocusStatus.ACTIVE
    )
    status_note = EncryptedTextField(
        "outcome note", blank=True, help_text="What changed, or why the area was dropped."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_primary", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "area"], name="focus_area_once_per_course"),
            models.UniqueConstraint(
                fields=["course"], condition=Q(is_primary=True), name="focus_area_one_primary"
            ),
            models.CheckConstraint(
                name="focus_area_stage_only_for_disputes",
                condition=Q(area=Area.ROLE_DISPUTE) | Q(dispute_stage=""),
                violation_error_message="Only a role dispute has a stage.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_area_display()

    @property
    def client_of(self) -> Client:
        return self.course.client

    def goal_list(self) -> list[str]:
        return [line.strip() for line in self.goals.splitlines() if line.strip()]


class DisputeStageChange(ClientRecord):
    focus_area = models.ForeignKey(FocusArea, models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=20, choices=DisputeStage.choices)
    changed_on = models.DateField()
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return self.stage

    @property
    def client_of(self) -> Client:
        return self.focus_area.course.client


class TreatmentContract(ClientRecord):
    """The agreement made at the end of the initial phase. Versioned: a renegotiation
    writes a new version with its reason (protocol 3.9, 15.1)."""

    course = models.ForeignKey(Course, models.CASCADE, related_name="contracts")
    version = models.PositiveSmallIntegerField()
    sessions = models.PositiveSmallIntegerField("number of sessions")
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    session_minutes = models.PositiveSmallIntegerField("session length (minutes)")
    start_date = models.DateField()
    end_date = models.DateField("expected end")
    focus = EncryptedTextField(help_text="The focal areas and goals, as agreed.")
    missed_sessions = EncryptedTextField("if a session is missed")
    contact = EncryptedTextField("between sessions and in a crisis")
    client_part = EncryptedTextField("what the client agrees to do")
    measures = EncryptedTextField("questionnaires", blank=True)
    reason = EncryptedTextField("reason for the change", blank=True)
    agreed_on = models.DateField()
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["course", "version"], name="contract_version_once"),
        ]

    def __str__(self) -> str:
        return f"Contract v{self.version}"

    @property
    def client_of(self) -> Client:
        return self.course.client


class Relationship(models.TextChoices):
    PARTNER = "partner", "Partner or spouse"
    EX_PARTNER = "ex_partner", "Ex-partner"
    PARENT = "parent", "Parent or carer"
    CHILD = "child", "Child"
    SIBLING = "sibling", "Sibling"
    OTHER_FAMILY = "other_family", "Other family"
    FRIEND = "friend", "Friend"
    COLLEAGUE = "colleague", "Colleague"
    MANAGER = "manager", "Manager"
    NEIGHBOUR = "neighbour", "Neighbour"
    COMMUNITY = "community", "Community or faith"
    HEALTH = "health", "Health professional"
    OTHER = "other", "Other"


class Ring(models.IntegerChoices):
    INNER = 1, "Inner circle: closest"
    MIDDLE = 2, "Middle circle"
    OUTER = 3, "Outer circle: least close"


class ContactFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    SEVERAL_WEEKLY = "several_weekly", "Several times a week"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    LESS = "less", "Less often"
    NONE = "none", "No contact now"


class Met(models.TextChoices):
    MET = "met", "Met"
    PARTLY = "partly", "Partly met"
    NOT_MET = "not_met", "Not met"


class YesPartlyNo(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class ConflictLevel(models.TextChoices):
    NONE = "none", "None"
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


class YesNoUnsure(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNSURE = "unsure", "Unsure"


class InventoryPerson(ClientRecord):
    """One important person in the interpersonal inventory (protocol 4.2). The closeness
    circle is a view of `ring`, not separate data."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, models.CASCADE, related_name="people")
    label = EncryptedTextField(help_text='What the client calls them: "Mum", "J.", "my manager".')
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    relationship_detail = models.CharField("relationship, in words", max_length=100, blank=True)
    is_deceased = models.BooleanField("has died", default=False)
    died_on = models.DateField("date of death", null=True, blank=True)
    ring = models.PositiveSmallIntegerField("closeness", choices=Ring.choices, default=Ring.MIDDLE)
    contact_frequency = models.CharField(max_length=20, choices=ContactFrequency.choices)
    contact_mode = models.CharField(
        "how they are in touch", max_length=100, blank=True, help_text="In person, phone, online."
    )
    good = EncryptedTextField("what is good or supportive", blank=True)
    hard = EncryptedTextField("what is difficult or unsatisfying", blank=True)
    expectations = EncryptedTextField("what the client expects of them", blank=True)
    expectations_met = models.CharField(
        "are those expectations met?", max_length=10, choices=Met.choices, blank=True
    )
    their_expectations = EncryptedTextField(
        "what the client thinks they expect of the client", blank=True
    )
    can_confide = models.CharField(
        "can the client confide in them?", max_length=10, choices=YesPartlyNo.choices, blank=True
    )
    cannot_discuss = EncryptedTextField("what they can't talk about", blank=True)
    conflict_level = models.CharField(max_length=10, choices=ConflictLevel.choices, blank=True)
    conflict = EncryptedTextField(
        "conflict", blank=True, help_text="How often, what happens, does it get resolved."
    )
    knows_about_depression = models.CharField(
        "do they know the client has been depressed?",
        max_length=10,
        choices=YesNoUnsure.choices,
        blank=True,
    )
    would_change = EncryptedTextField("what the client would like to change", blank=True)
    changes_since_onset = EncryptedTextField("changes since the episode started", blank=True)
    focus_area = models.ForeignKey(
        FocusArea,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        help_text="The problem area this relationship belongs to, if any.",
    )
    last_edited_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["ring", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="person_ring_1_to_3",
                condition=Q(ring__in=[1, 2, 3]),
                violation_error_message="Choose the inner, middle or outer circle.",
            ),
            models.CheckConstraint(
                name="person_death_date_only_if_died",
                condition=Q(is_deceased=True) | Q(died_on__isnull=True),
                violation_error_message="A date of death is only for someone who has died.",
            ),
        ]

    def __str__(self) -> str:
        return f"Person {self.code}"

    @property
    def client_of(self) -> Client:
        return self.course.client

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.is_deceased:
            flags.append("died")
        if self.conflict_level == ConflictLevel.HIGH:
            flags.append("conflict")
        if self.contact_frequency == ContactFrequency.NONE:
            flags.append("no contact")
        return flags


class CircleSnapshot(ClientRecord):
    """The closeness circle frozen on a day, so the start and the end can be compared."""

    class Purpose(models.TextChoices):
        INITIAL = "initial", "Initial phase"
        TERMINATION = "termination", "Termination"
        OTHER = "other", "Other"

    course = models.ForeignKey(Course, models.CASCADE, related_name="circle_snapshots")
    taken_on = models.DateField()
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    # JSON list of {"label", "ring", "flags"}: encrypted, since labels are clinical text.
    people = EncryptedTextField()
    taken_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["taken_on", "id"]

    def __str__(self) -> str:
        return f"Circle on {self.taken_on}"

    @property
    def client_of(self) -> Client:
        return self.course.client


class Precision(models.TextChoices):
    DAY = "day", "Exact day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    APPROXIMATE = "approximate", "Roughly"


class EventCategory(models.TextChoices):
    LOSS = "loss", "Death or loss"
    CONFLICT = "conflict", "Conflict"
    CHANGE = "change", "Life change or transition"
    ISOLATION = "isolation", "Isolation"
    HEALTH = "health", "Health"
    OTHER = "other", "Other"


class TimelineEvent(ClientRecord):
    """A life event on the interpersonal timeline (protocol section 5)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, models.CASCADE, related_name="timeline")
    happened_on = models.DateField("when", help_text="For a rough date, any day in it will do.")
    precision = models.CharField(max_length=20, choices=Precision.choices, default=Precision.DAY)
    description = EncryptedTextField("what happened")
    category = models.CharField(max_length=20, choices=EventCategory.choices)
    mood = models.PositiveSmallIntegerField(
        "mood at the time (0-10)",
        null=True,
        blank=True,
        help_text="As the client remembers it: 0 is the worst they can imagine, 10 the best.",
    )
    people = models.ManyToManyField(InventoryPerson, blank=True, related_name="events")
    marks_onset = models.BooleanField("a depressive episode started around then", default=False)
    added_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["happened_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="timeline_mood_0_to_10",
                condition=Q(mood__isnull=True) | Q(mood__lte=10),
                violation_error_message="Mood is rated from 0 to 10.",
            ),
        ]

    def __str__(self) -> str:
        return f"Event {self.code}"

    @property
    def client_of(self) -> Client:
        return self.course.client

    @property
    def when(self) -> str:
        day = self.happened_on
        if self.precision == Precision.MONTH:
            return day.strftime("%B %Y")
        if self.precision == Precision.YEAR:
            return str(day.year)
        if self.precision == Precision.APPROXIMATE:
            return f"around {day.year}"
        return f"{day.day} {day:%B %Y}"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    CANCELLED_BY_CLIENT = "cancelled_by_client", "Cancelled by the client"
    CANCELLED_BY_CLINICIAN = "cancelled_by_clinician", "Cancelled by the clinician"
    NO_SHOW = "no_show", "Did not attend"


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video"
    PHONE = "phone", "Phone"


class Session(ClientRecord):
    """One appointment of a course. Only attended sessions have a number and count towards
    'session n of N' (protocol 15.1). `version` is the optimistic lock: a save names the
    version it started from, and loses to any save in between."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    held_on = models.DateField("date")
    attendance = models.CharField(
        max_length=30, choices=Attendance.choices, default=Attendance.ATTENDED
    )
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    client_location = models.CharField(
        "client's location, confirmed",
        max_length=120,
        blank=True,
        help_text="For video and phone sessions: where the client is today.",
    )
    phase = models.CharField(max_length=20, choices=Phase.choices, blank=True)
    phase_overridden = models.BooleanField(default=False)
    mood = models.PositiveSmallIntegerField(
        "mood rating (0-10)",
        null=True,
        blank=True,
        help_text="The client's rating of the past week: 0 is the worst they can imagine "
        "feeling, 10 the best. A rating, not a score.",
    )
    mood_words = EncryptedTextField("in the client's words", blank=True)
    events = EncryptedTextField(
        "interpersonal events since last time",
        blank=True,
        help_text="What happened with people this week, and how mood moved with it.",
    )
    focus_areas = models.ManyToManyField(FocusArea, blank=True, related_name="sessions")
    tasks = models.JSONField(default=list, blank=True)
    techniques = models.JSONField(default=list, blank=True)
    progress_note = EncryptedTextField(blank=True)
    next_appointment_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(User, models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "number"],
                condition=Q(number__isnull=False),
                name="session_number_once_per_course",
            ),
            models.CheckConstraint(
                name="session_number_only_if_attended",
                condition=Q(attendance="attended", number__isnull=False)
                | (~Q(attendance="attended") & Q(number__isnull=True)),
                violation_error_message="Only attended sessions are numbered.",
            ),
            models.CheckConstraint(
                name="session_mood_0_to_10",
                condition=Q(mood__isnull=True) | Q(mood__lte=10),
                violation_error_message="Mood is rated from 0 to 10.",
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.code}"

    @property
    def client_of(self) -> Client:
        return self.course.client

    @property
    def attended(self) -> bool:
        return self.attendance == Attendance.ATTENDED

    @property
    def position(self) -> str:
        if self.number is None:
            return self.get_attendance_display()
        return protocol.position_label(
            self.course.frequency, self.number, self.course.planned_sessions, self.phase
        )


class PsychotherapyNote(ClientRecord):
    """A therapist's private process notes about a session, kept apart from the progress
    note: only the author ever reads them, and exports leave them out unless the author
    asks (HIPAA's psychotherapy notes)."""

    session = models.ForeignKey(Session, models.CASCADE, related_name="psychotherapy_notes")
    author = models.ForeignKey(User, models.PROTECT, related_name="+")
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="psychotherapy_note_once"),
        ]

    def __str__(self) -> str:
        return "Psychotherapy note"

    @property
    def client_of(self) -> Client:
        return self.session.course.client


class GoalStatus(models.TextChoices):
    OPEN = "open", "Not reviewed yet"
    TRIED = "tried", "Tried"
    NOT_TRIED = "not_tried", "Not tried"


class BetweenSessionGoal(ClientRecord):
    """Something the client might try before next time. IPT sets no formal homework, so
    this is free-form and never graded: it is only reviewed, in the next session."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, models.CASCADE, related_name="goals")
    set_in = models.ForeignKey(Session, models.CASCADE, related_name="goals_set")
    text = EncryptedTextField()
    status = models.CharField(max_length=20, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    review = EncryptedTextField("how it went", blank=True)
    reviewed_in = models.ForeignKey(
        Session, models.SET_NULL, null=True, blank=True, related_name="goals_reviewed"
    )

    class Meta:
        ordering = ["set_in__held_on", "id"]

    def __str__(self) -> str:
        return f"Goal {self.code}"

    @property
    def client_of(self) -> Client:
        return self.course.client


class NextStep(models.TextChoices):
    END = "end", "End of treatment"
    MAINTENANCE = "maintenance", "Maintenance sessions"
    REFERRAL = "referral", "Referral to other care"
    EXTENSION = "extension", "A short extension (contract renegotiated)"


class TerminationSummary(ClientRecord):
    """Gains, remaining problems, warning signs and the plan, written at the end of a
    course (protocol 10). It becomes part of the record: once the course is completed it
    can no longer change."""

    course = models.OneToOneField(Course, models.CASCADE, related_name="termination_summary")
    gains = EncryptedTextField("gains", help_text="What changed, per goal and focal area.")
    remaining = EncryptedTextField("remaining problems", blank=True)
    warning_signs = EncryptedTextField(
        "early warning signs", help_text="The client's own signs that depression is returning."
    )
    triggers = EncryptedTextField("likely triggers", blank=True)
    what_helps = EncryptedTextField("what helps", blank=True)
    supports = EncryptedTextField("who the supports are", blank=True)
    plan = EncryptedTextField(
        "plan if signs return", help_text="What to do and whom to contact, including in a crisis."
    )
    next_step = models.CharField("what comes next", max_length=20, choices=NextStep.choices)
    next_step_note = EncryptedTextField("about what comes next", blank=True)
    written_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finalised_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "Termination summary"

    @property
    def client_of(self) -> Client:
        return self.course.client


class AlertSource(models.TextChoices):
    PHQ9_ITEM9 = "phq9_item9", "PHQ-9 item 9"
    EPDS_ITEM10 = "epds_item10", "EPDS item 10"
    HELP_BUTTON = "diary_help_button", "The client's 'I need help now' button"
    CLINICIAN = "clinician", "Raised by a clinician"


class AlertTier(models.TextChoices):
    REVIEW = "review", "Review"
    URGENT = "urgent", "Urgent"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ESCALATED = "escalated", "Escalated"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_FOLLOW_UP = "in_follow_up", "In follow-up"
    CLOSED = "closed", "Closed"


class AlertOutcome(models.TextChoices):
    CONTACTED = "contacted_no_further_action", "Contacted, no further action"
    SAFETY_PLAN = "safety_plan_updated", "Safety plan updated"
    CRISIS_SERVICE = "referred_crisis_service", "Referred to a crisis service"
    EMERGENCY = "emergency_services", "Emergency services"
    UNABLE = "unable_to_contact_escalated", "Unable to contact, escalated"
    OTHER = "other", "Other"


class SafetyAlert(ClientRecord):
    """A safety event for a client (protocol section 13). It sits at the top of the
    caseload, the client's record and the session screen until a clinician closes it with
    an outcome note. The software never decides that anyone is safe."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, models.PROTECT, related_name="safety_alerts")
    course = models.ForeignKey(
        Course, models.SET_NULL, null=True, blank=True, related_name="safety_alerts"
    )
    source = models.CharField(max_length=30, choices=AlertSource.choices)
    source_ref = models.CharField(
        max_length=100, blank=True, help_text="The record that raised it, e.g. response and item."
    )
    item_score = models.PositiveSmallIntegerField(null=True, blank=True)
    tier = models.CharField(max_length=10, choices=AlertTier.choices)
    status = models.CharField(max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    detail = EncryptedTextField(blank=True)
    assigned_to = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="safety_alerts"
    )
    raised_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ManyToManyField(User, blank=True, related_name="+")
    outcome = models.CharField(max_length=40, choices=AlertOutcome.choices, blank=True)
    outcome_note = EncryptedTextField(blank=True)
    closed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set when the email about each event went out: a task that runs twice sends once.
    notified_at = models.DateTimeField(null=True, blank=True)
    escalation_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "status"], name="alert_client_status")]
        constraints = [
            models.CheckConstraint(
                name="alert_closed_has_outcome",
                condition=~Q(status=AlertStatus.CLOSED) | ~Q(outcome=""),
                violation_error_message="Closing an alert needs an outcome.",
            ),
        ]

    def __str__(self) -> str:
        return f"Safety alert {self.code}"

    @property
    def client_of(self) -> Client:
        return self.client

    @property
    def is_open(self) -> bool:
        return self.status != AlertStatus.CLOSED


class FollowUpAction(models.TextChoices):
    CONTACT_ATTEMPTED = "contact_attempted", "Contact attempted"
    CONTACT_MADE = "contact_made", "Contact made"
    RISK_ASSESSMENT = "risk_assessment", "Clinical risk assessment"
    SAFETY_PLAN = "safety_plan", "Safety plan created or updated"
    ESCALATION = "escalation", "Escalated (crisis team, emergency services)"
    REOPENED = "reopened", "Reopened"
    OTHER = "other", "Other"


class AlertFollowUp(ClientRecord):
    alert = models.ForeignKey(SafetyAlert, models.CASCADE, related_name="follow_ups")
    action = models.CharField(max_length=30, choices=FollowUpAction.choices)
    text = EncryptedTextField()
    author = models.ForeignKey(User, models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.action

    @property
    def client_of(self) -> Client:
        return self.alert.client
