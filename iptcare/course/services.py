"""Use cases of a course: starting it, moving it along the protocol, the initial phase's
tools (formulation, focal areas, contract, inventory, circle, timeline) and the ending.
Sessions are in sessions.py and safety alerts in safety.py.

Each function runs in one transaction, locks the course row when a rule depends on the
course's other records (at most two focal areas, one open course per client), writes its
audit row, and raises `Refused` with the reasons when the protocol or the data say no;
then nothing has changed.
"""

import json
from datetime import date

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from iptcare.accounts import audit
from iptcare.accounts.models import User
from iptcare.care.models import Client
from iptcare.course import protocol
from iptcare.course.checklists import Area
from iptcare.course.models import (
    AlertStatus,
    CircleSnapshot,
    Course,
    DisputeStageChange,
    FocusArea,
    FocusStatus,
    InventoryPerson,
    Session,
    StatusChange,
    TerminationSummary,
    TimelineEvent,
    TreatmentContract,
)
from iptcare.course.protocol import CourseFacts, Kind, Move, Phase, Status


class Refused(Exception):
    """The protocol or the data do not allow this. Nothing was changed."""

    def __init__(self, *messages: str):
        super().__init__(" ".join(messages))
        self.messages = list(messages)


class NeedsConfirmation(Refused):
    """Allowed once the clinician confirms past these reminders and gives a reason."""


PLAN_FIELDS = [
    "kind",
    "adaptation",
    "planned_sessions",
    "sessions_reason",
    "frequency",
    "session_minutes",
    "start_date",
]
INITIAL_RECORD_FIELDS = [
    "diagnosis_system",
    "diagnosis_code",
    "diagnosis_label",
    "psychoeducation_date",
    "sick_role_date",
    "medication_decision",
]


def _locked(course: Course) -> Course:
    """The course row, locked until the transaction ends (one writer at a time)."""
    locked = Course.objects.select_for_update().get(pk=course.pk)
    course.refresh_from_db()
    return locked


def _touch(course: Course) -> None:
    course.updated_at = timezone.now()
    course.save(update_fields=["updated_at"])


def _check_plan(kind: str, planned: int, reason: str) -> None:
    problem = protocol.sessions_problem(kind, planned, reason)
    if problem:
        raise Refused(problem)


# --- the course ----------------------------------------------------------------------


@transaction.atomic
def start_course(request: HttpRequest | None, actor: User, client: Client, fields: dict) -> Course:
    """A new course in draft: planned, not started. It starts with its first session."""
    Client.objects.select_for_update().filter(pk=client.pk).first()
    if client.courses.filter(status__in=protocol.OPEN).exists():
        raise Refused(
            f"{client.name} already has a course under way. Complete it, end it or refer "
            "the client before starting another."
        )
    _check_plan(fields["kind"], fields["planned_sessions"], fields.get("sessions_reason", ""))
    course = Course(client=client, therapist=actor, **{k: fields[k] for k in PLAN_FIELDS})
    if course.kind == Kind.MAINTENANCE:
        course.predecessor = client.courses.filter(status=Status.COMPLETED).first()
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError:
        raise Refused(f"{client.name} already has a course under way.") from None
    if course.predecessor is not None:
        _copy_inventory(course.predecessor, course, actor)
    audit.record(request, audit.Verb.CREATE, "course.course.created", course, actor=actor)
    return course


def _copy_inventory(source: Course, target: Course, actor: User) -> None:
    """A maintenance course carries the acute course's inventory forward (protocol 15.1)."""
    for person in source.people.all():
        person.pk = None
        person._state.adding = True
        person.code = InventoryPerson._meta.get_field("code").get_default()
        person.course = target
        person.focus_area = None
        person.last_edited_by = actor
        person.created_at = person.updated_at = timezone.now()
        person.save()


@transaction.atomic
def update_course(request: HttpRequest | None, actor: User, course: Course, fields: dict) -> Course:
    """The plan (while the course is a draft without a contract) and the initial phase's
    records (while it is open)."""
    _locked(course)
    if not course.is_open:
        raise Refused("This course has ended; its record can no longer change.")
    changed = [k for k in INITIAL_RECORD_FIELDS if k in fields]
    plan = [k for k in PLAN_FIELDS if k in fields and fields[k] != getattr(course, k)]
    if plan and (course.status != Status.DRAFT or course.contracts.exists()):
        raise Refused(
            "The plan is part of the treatment contract now: agree a new version of the "
            "contract to change it."
        )
    if plan:
        _check_plan(
            fields.get("kind", course.kind),
            fields.get("planned_sessions", course.planned_sessions),
            fields.get("sessions_reason", course.sessions_reason),
        )
    for key in changed + plan:
        setattr(course, key, fields[key])
    course.updated_at = timezone.now()
    course.save(update_fields=[*changed, *plan, "updated_at"])
    audit.record(request, audit.Verb.CHANGE, "course.course.changed", course, actor=actor)
    return course


def course_facts(course: Course) -> CourseFacts:
    held = course.sessions.filter(attendance="attended")
    areas = course.focus_areas.all()
    return CourseFacts(
        kind=course.kind,
        status=course.status,
        held_status=course.held_status,
        sessions_held=held.count(),
        middle_sessions_held=held.filter(phase=Phase.MIDDLE).count(),
        has_formulation=bool(course.formulation.strip()),
        has_contract=course.contracts.exists(),
        focus_areas=areas.count(),
        focus_areas_still_active=areas.filter(status=FocusStatus.ACTIVE).count(),
        has_termination_summary=TerminationSummary.objects.filter(course=course).exists(),
        open_safety_alerts=course.client.safety_alerts.exclude(status=AlertStatus.CLOSED).count(),
    )


@transaction.atomic
def move_course(request: HttpRequest | None, actor: User, course: Course, move: Move) -> Course:
    """Move the course to another status if the protocol allows it (protocol.check_move)."""
    _locked(course)
    verdict = protocol.check_move(course_facts(course), move)
    if not verdict.allowed:
        raise Refused(*verdict.refusals)
    if verdict.needs_confirmation(move):
        raise NeedsConfirmation(*verdict.reminders)
    from_status = course.status
    now = timezone.now()
    course.held_status = from_status if move.to == Status.ON_HOLD else ""
    course.status = move.to
    course.status_changed_at = course.updated_at = now
    fields = ["status", "held_status", "status_changed_at", "updated_at"]
    if move.to in protocol.CLOSED:
        course.ended_on = timezone.localdate()
        course.end_reason = move.end_reason if move.to == Status.ENDED_EARLY else ""
        course.next_appointment_at = None
        fields += ["ended_on", "end_reason", "next_appointment_at"]
    course.save(update_fields=fields)
    StatusChange.objects.create(
        course=course,
        from_status=from_status,
        to_status=move.to,
        reason=move.reason.strip(),
        end_reason=course.end_reason if move.to == Status.ENDED_EARLY else "",
        referred_to=move.referred_to.strip(),
        follow_up_by=move.follow_up_by.strip(),
        reminders_overridden="\n".join(verdict.reminders),
        actor=actor,
        at=now,
    )
    if move.to == Status.COMPLETED:
        # The termination summary becomes part of the record: no more changes.
        TerminationSummary.objects.filter(course=course).update(finalised_at=now)
    audit.record(request, audit.Verb.CHANGE, f"course.course.{move.to}", course, actor=actor)
    return course


# --- formulation, focal areas, contract ----------------------------------------------


@transaction.atomic
def save_formulation(
    request: HttpRequest | None,
    actor: User,
    course: Course,
    formulation: str,
    accepted_date: date | None,
) -> Course:
    _locked(course)
    if not course.is_open:
        raise Refused("This course has ended; its formulation can no longer change.")
    if accepted_date and not formulation.strip():
        raise Refused("Write the formulation before recording that the client agreed to it.")
    if accepted_date and accepted_date > timezone.localdate():
        raise Refused("The day the client agreed can't be in the future.")
    course.formulation = formulation.strip()
    course.formulation_accepted_date = accepted_date
    course.updated_at = timezone.now()
    course.save(update_fields=["formulation", "formulation_accepted_date", "updated_at"])
    audit.record(request, audit.Verb.CHANGE, "course.formulation.changed", course, actor=actor)
    return course


FOCUS_FIELDS = ["goals", "details", "dispute_stage", "status", "status_note"]


def _check_focus(area: str, fields: dict) -> None:
    if fields.get("dispute_stage") and area != Area.ROLE_DISPUTE:
        raise Refused("Only a role dispute has a stage.")
    status = fields.get("status", FocusStatus.ACTIVE)
    if status == FocusStatus.DROPPED and not fields.get("status_note", "").strip():
        raise Refused("Say why the area was dropped.")


@transaction.atomic
def add_focus_area(
    request: HttpRequest | None, actor: User, course: Course, area: str, fields: dict
) -> FocusArea:
    """A focal problem area. At most two per course, never the same area twice, and
    exactly one primary: the first, unless the clinician makes the new one primary."""
    _locked(course)
    if not course.is_open:
        raise Refused("This course has ended.")
    existing = list(course.focus_areas.all())
    if len(existing) >= FocusArea.MAX_PER_COURSE:
        raise Refused(
            "A course has at most two focal areas. Drop one of them, or note the other "
            "problem within an existing area."
        )
    if any(focus.area == area for focus in existing):
        raise Refused(
            f"{Area(area).label} is already a focal area of this course. Two people in "
            "one area are one area: note the second in its text."
        )
    _check_focus(area, fields)
    make_primary = fields.pop("is_primary", False) or not existing
    if make_primary:
        course.focus_areas.update(is_primary=False)
    focus = FocusArea.objects.create(
        course=course, area=area, is_primary=make_primary, **{k: fields[k] for k in fields}
    )
    if focus.dispute_stage:
        DisputeStageChange.objects.create(
            focus_area=focus, stage=focus.dispute_stage, changed_on=timezone.localdate()
        )
    _touch(course)
    audit.record(request, audit.Verb.CREATE, "course.focus_area.created", focus, actor=actor)
    return focus


@transaction.atomic
def update_focus_area(
    request: HttpRequest | None, actor: User, focus: FocusArea, fields: dict
) -> FocusArea:
    course = focus.course
    _locked(course)
    if not course.is_open:
        raise Refused("This course has ended.")
    _check_focus(focus.area, fields)
    if fields.pop("is_primary", False) and not focus.is_primary:
        course.focus_areas.update(is_primary=False)
        focus.is_primary = True
        focus.save(update_fields=["is_primary"])
    old_stage = focus.dispute_stage
    changed = [k for k in FOCUS_FIELDS if k in fields]
    for key in changed:
        setattr(focus, key, fields[key])
    focus.save(update_fields=changed)
    if focus.dispute_stage and focus.dispute_stage != old_stage:
        DisputeStageChange.objects.create(
            focus_area=focus, stage=focus.dispute_stage, changed_on=timezone.localdate()
        )
    _touch(course)
    audit.record(request, audit.Verb.CHANGE, "course.focus_area.changed", focus, actor=actor)
    return focus


def focus_summary(course: Course) -> str:
    """The focal areas and their goals in words, to start a contract from."""
    lines = []
    for focus in course.focus_areas.all():
        lines.append(f"{focus.get_area_display()}{' (primary)' if focus.is_primary else ''}")
        lines += [f"- {goal}" for goal in focus.goal_list()]
    return "\n".join(lines)


CONTRACT_FIELDS = [
    "sessions",
    "frequency",
    "session_minutes",
    "start_date",
    "focus",
    "missed_sessions",
    "contact",
    "client_part",
    "measures",
    "reason",
    "agreed_on",
]


@transaction.atomic
def agree_contract(
    request: HttpRequest | None, actor: User, course: Course, fields: dict
) -> TreatmentContract:
    """A new version of the treatment contract; it sets the course's plan. Any version
    after the first is a renegotiation and needs its reason (extending the plan, a new
    primary focus, a change of frequency)."""
    _locked(course)
    if not course.is_open:
        raise Refused("This course has ended; its contract can no longer change.")
    latest = course.contracts.first()
    version = latest.version + 1 if latest else 1
    reason = fields.get("reason", "").strip()
    if version > 1 and not reason:
        raise Refused("Say why the contract is renegotiated.")
    held = course.sessions.filter(attendance="attended").count()
    if fields["sessions"] < held:
        raise Refused(f"{held} sessions have been held already: agree at least that many.")
    _check_plan(course.kind, fields["sessions"], reason or course.sessions_reason)
    if fields["agreed_on"] > timezone.localdate():
        raise Refused("The day it was agreed can't be in the future.")
    end = protocol.planned_end(fields["start_date"], fields["frequency"], fields["sessions"])
    contract = TreatmentContract.objects.create(
        course=course,
        version=version,
        end_date=end,
        created_by=actor,
        **{k: fields[k] for k in CONTRACT_FIELDS if k in fields},
    )
    course.planned_sessions = contract.sessions
    course.frequency = contract.frequency
    course.session_minutes = contract.session_minutes
    course.start_date = contract.start_date
    if version == 1 and reason and not course.sessions_reason:
        course.sessions_reason = reason
    course.updated_at = timezone.now()
    course.save(
        update_fields=[
            "planned_sessions",
            "frequency",
            "session_minutes",
            "start_date",
            "sessions_reason",
            "updated_at",
        ]
    )
    audit.record(request, audit.Verb.CREATE, "course.contract.created", contract, actor=actor)
    return contract


# --- inventory, closeness circle, timeline -------------------------------------------

# The inventory fields a therapist edits, in the order the form shows them.
PERSON_FIELDS = [
    "label",
    "relationship",
    "relationship_detail",
    "ring",
    "is_deceased",
    "died_on",
    "contact_frequency",
    "contact_mode",
    "good",
    "hard",
    "expectations",
    "expectations_met",
    "their_expectations",
    "can_confide",
    "cannot_discuss",
    "conflict_level",
    "conflict",
    "knows_about_depression",
    "would_change",
    "changes_since_onset",
    "focus_area",
]


def _check_person(course: Course, fields: dict) -> None:
    focus = fields.get("focus_area")
    if focus is not None and focus.course_id != course.pk:
        raise Refused("That problem area belongs to another course.")
    if fields.get("died_on") and not fields.get("is_deceased"):
        raise Refused("A date of death is only for someone who has died.")
    if fields.get("died_on") and fields["died_on"] > timezone.localdate():
        raise Refused("A date of death can't be in the future.")


@transaction.atomic
def add_person(
    request: HttpRequest | None, actor: User, course: Course, fields: dict
) -> InventoryPerson:
    _locked(course)
    _check_person(course, fields)
    person = InventoryPerson.objects.create(
        course=course, last_edited_by=actor, **{k: fields[k] for k in PERSON_FIELDS if k in fields}
    )
    _touch(course)
    audit.record(request, audit.Verb.CREATE, "course.person.created", person, actor=actor)
    return person


@transaction.atomic
def update_person(
    request: HttpRequest | None, actor: User, person: InventoryPerson, fields: dict
) -> InventoryPerson:
    _locked(person.course)
    _check_person(person.course, fields)
    changed = [k for k in PERSON_FIELDS if k in fields]
    for key in changed:
        setattr(person, key, fields[key])
    person.last_edited_by = actor
    person.updated_at = timezone.now()
    person.save(update_fields=[*changed, "last_edited_by", "updated_at"])
    audit.record(request, audit.Verb.CHANGE, "course.person.changed", person, actor=actor)
    return person


@transaction.atomic
def move_person(
    request: HttpRequest | None, actor: User, person: InventoryPerson, ring: int
) -> InventoryPerson:
    """Move a person to another ring of the closeness circle."""
    if ring not in (1, 2, 3):
        raise Refused("Choose the inner, middle or outer circle.")
    person.ring = ring
    person.last_edited_by = actor
    person.updated_at = timezone.now()
    person.save(update_fields=["ring", "last_edited_by", "updated_at"])
    audit.record(request, audit.Verb.CHANGE, "course.person.moved", person, actor=actor)
    return person


@transaction.atomic
def take_circle_snapshot(
    request: HttpRequest | None, actor: User, course: Course, purpose: str
) -> CircleSnapshot:
    """Freeze today's circle, so the start and the end can be compared side by side."""
    if purpose not in CircleSnapshot.Purpose.values:
        raise Refused("Choose what the snapshot is for.")
    people = [{"label": p.label, "ring": p.ring, "flags": p.flags} for p in course.people.all()]
    if not people:
        raise Refused("The inventory is empty: add the important people first.")
    snapshot = CircleSnapshot.objects.create(
        course=course,
        taken_on=timezone.localdate(),
        purpose=purpose,
        people=json.dumps(people),
        taken_by=actor,
    )
    audit.record(request, audit.Verb.CREATE, "course.circle.snapshot_taken", snapshot, actor=actor)
    return snapshot


EVENT_FIELDS = ["happened_on", "precision", "description", "category", "mood", "marks_onset"]


def _check_event(course: Course, fields: dict, people: list[InventoryPerson]) -> None:
    if fields["happened_on"] > timezone.localdate():
        raise Refused("The timeline records what has happened: the date can't be in the future.")
    if any(person.course_id != course.pk for person in people):
        raise Refused("Only people from this client's own inventory can be linked.")
    mood = fields.get("mood")
    if mood is not None and not 0 <= mood <= 10:
        raise Refused("Mood is rated from 0 to 10.")


@transaction.atomic
def add_event(
    request: HttpRequest | None,
    actor: User,
    course: Course,
    fields: dict,
    people: list[InventoryPerson],
) -> TimelineEvent:
    _check_event(course, fields, people)
    event = TimelineEvent.objects.create(
        course=course, added_by=actor, **{k: fields[k] for k in EVENT_FIELDS if k in fields}
    )
    event.people.set(people)
    _touch(course)
    audit.record(request, audit.Verb.CREATE, "course.timeline_event.created", event, actor=actor)
    return event


@transaction.atomic
def update_event(
    request: HttpRequest | None,
    actor: User,
    event: TimelineEvent,
    fields: dict,
    people: list[InventoryPerson],
) -> TimelineEvent:
    _check_event(event.course, fields, people)
    changed = [k for k in EVENT_FIELDS if k in fields]
    for key in changed:
        setattr(event, key, fields[key])
    event.save(update_fields=changed)
    event.people.set(people)
    audit.record(request, audit.Verb.CHANGE, "course.timeline_event.changed", event, actor=actor)
    return event


# --- termination ---------------------------------------------------------------------

SUMMARY_FIELDS = [
    "gains",
    "remaining",
    "warning_signs",
    "triggers",
    "what_helps",
    "supports",
    "plan",
    "next_step",
    "next_step_note",
]


@transaction.atomic
def save_termination_summary(
    request: HttpRequest | None, actor: User, course: Course, fields: dict
) -> TerminationSummary:
    _locked(course)
    summary = TerminationSummary.objects.filter(course=course).first()
    if (summary and summary.finalised_at) or course.status == Status.COMPLETED:
        raise Refused("The course is completed: its termination summary is part of the record.")
    if not course.is_open:
        raise Refused("This course has ended.")
    if course.status == Status.DRAFT:
        raise Refused("The course hasn't started yet.")
    values = {k: fields[k] for k in SUMMARY_FIELDS if k in fields}
    if summary is None:
        summary = TerminationSummary.objects.create(course=course, written_by=actor, **values)
        verb, action = audit.Verb.CREATE, "course.termination_summary.created"
    else:
        for key, value in values.items():
            setattr(summary, key, value)
        summary.written_by = actor
        summary.updated_at = timezone.now()
        summary.save(update_fields=[*values, "written_by", "updated_at"])
        verb, action = audit.Verb.CHANGE, "course.termination_summary.changed"
    _touch(course)
    audit.record(request, verb, action, summary, actor=actor)
    return summary


def sessions_held(course: Course) -> int:
    return Session.objects.filter(course=course, attendance="attended").count()
