"""Use cases: assigning questionnaires to a course, and the client answering them.

A critical item answered above zero raises a safety alert through the course's service
(course/safety.py) the moment the answer is saved, draft or not, and never stops the
client from saving or sending (protocol section 13).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from iptcare.accounts import audit
from iptcare.accounts.models import User
from iptcare.care.models import Client
from iptcare.course import protocol, safety
from iptcare.course.checklists import Area
from iptcare.course.models import (
    AlertSource,
    BetweenSessionGoal,
    Course,
    FocusArea,
    InventoryPerson,
    Session,
)
from iptcare.course.services import Refused, sessions_held
from iptcare.measures import instruments, outcomes, schedule, scoring
from iptcare.measures.models import (
    Assignment,
    DiaryEntry,
    GoalNote,
    Interaction,
    Response,
    ResponseStatus,
)

COURSE_ENDED = "This course has ended, so its questionnaires are closed."


@transaction.atomic
def assign_instrument(
    request: HttpRequest | None, actor: User, course: Course, instrument_id: str, when: str
) -> Assignment:
    if not course.is_open:
        raise Refused(COURSE_ENDED)
    if instrument_id not in instruments.all_instruments():
        raise Refused("Choose a questionnaire from the list.")
    if when not in schedule.Schedule.values:
        raise Refused("Choose when the questionnaire is due.")
    if course.assignments.filter(instrument=instrument_id, is_active=True).exists():
        raise Refused("This questionnaire is already assigned to the course.")
    assignment = Assignment.objects.create(
        course=course, instrument=instrument_id, schedule=when, assigned_by=actor
    )
    audit.record(request, audit.Verb.CREATE, "measures.assignment.created", assignment, actor=actor)
    return assignment


@transaction.atomic
def stop_assignment(request: HttpRequest | None, actor: User, assignment: Assignment) -> None:
    assignment.is_active = False
    assignment.save(update_fields=["is_active"])
    audit.record(request, audit.Verb.CHANGE, "measures.assignment.stopped", assignment, actor=actor)


def sent_days(assignment: Assignment) -> list[date]:
    return [
        timezone.localdate(at)
        for at in assignment.responses.filter(status=ResponseStatus.SUBMITTED)
        .order_by("submitted_at")
        .values_list("submitted_at", flat=True)
    ]


def is_due(assignment: Assignment) -> bool:
    course = assignment.course
    if not course.is_running or not assignment.is_active:
        return False
    last = (
        Session.objects.filter(course=course, attendance="attended")
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    return schedule.is_due(
        assignment.schedule,
        planned_sessions=course.planned_sessions,
        sessions_held=sessions_held(course),
        submitted=sent_days(assignment),
        last_session_on=last,
    )


def due_assignments(course: Course | None) -> list[Assignment]:
    if course is None:
        return []
    active = course.assignments.filter(is_active=True).select_related("course")
    return [assignment for assignment in active if is_due(assignment)]


def open_draft(assignment: Assignment) -> Response:
    """The assignment's draft, started now if there is none."""
    if not assignment.course.is_open:
        raise Refused(COURSE_ENDED)
    draft = assignment.responses.filter(status=ResponseStatus.DRAFT).first()
    if draft is None:
        definition = assignment.definition
        draft = Response.objects.create(
            assignment=assignment,
            course=assignment.course,
            instrument=definition.id,
            schema_version=definition.version,
        )
    return draft


@dataclass
class Saved:
    response: Response
    missing: list[int] = field(default_factory=list)  # item numbers still unanswered
    critical: list[scoring.CriticalAnswer] = field(default_factory=list)

    @property
    def is_sent(self) -> bool:
        return self.response.status == ResponseStatus.SUBMITTED


@transaction.atomic
def save_answers(
    request: HttpRequest | None,
    actor: User,
    response: Response,
    raw: Mapping[str, Sequence[str]],
    *,
    submit: bool,
) -> Saved:
    """Save the client's answers. Complete and `submit`: scored and sent. Otherwise a
    draft, never scored. Raises InvalidAnswers (nothing saved) or Refused."""
    locked = Response.objects.select_for_update().filter(pk=response.pk).first()
    if locked is None or locked.status != ResponseStatus.DRAFT:
        raise Refused("These answers were sent already; nothing was changed.")
    response.refresh_from_db()
    if not response.course.is_open:
        raise Refused(COURSE_ENDED)
    definition = response.definition
    answers = scoring.clean_answers(definition, raw)
    response.answers = answers
    missing = scoring.missing_items(definition, answers)
    fields = ["answers_json"]
    if submit and not missing:
        total = scoring.total(definition, answers)
        assert total is not None
        response.total = total
        response.band = scoring.band(definition, total).code
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = timezone.now()
        response.submitted_by = actor
        fields += ["total", "band", "status", "submitted_at", "submitted_by"]
    critical = scoring.critical_answers(definition, answers)
    if critical and not response.alert_raised:
        _raise_alert(request, actor, response, critical[0])
        response.alert_raised = True
        fields.append("alert_raised")
    response.save(update_fields=fields)
    verb = "submitted" if response.status == ResponseStatus.SUBMITTED else "saved"
    audit.record(request, audit.Verb.CHANGE, f"measures.response.{verb}", response, actor=actor)
    return Saved(response, missing if submit else [], critical)


def _raise_alert(
    request: HttpRequest | None, actor: User, response: Response, answer: scoring.CriticalAnswer
) -> None:
    definition = response.definition
    source = f"{definition.id}_item{answer.number}"
    detail = (
        f"{definition.short_name} question {answer.number} was answered with score {answer.score}."
    )
    if source not in AlertSource.values:
        source = AlertSource.CLINICIAN  # an instrument the course has no source for yet
    safety.raise_safety_alert(
        response.course.client,
        source,
        detail,
        tier="urgent" if answer.is_urgent else "review",
        item_score=answer.score,
        source_ref=f"measures.response:{response.code}:{answer.link_id}",
        course=response.course,
        raised_by=actor,
        request=request,
    )


@dataclass(frozen=True)
class Point:
    response: Response
    total: int
    taken_on: date
    change: scoring.Change | None  # None for the baseline


def history(course: Course, instrument_id: str) -> list[Point]:
    """Sent responses of one instrument in the course, each against the baseline (the first
    one sent in the course) and the one before it."""
    definition = instruments.get(instrument_id)
    sent = list(
        Response.objects.filter(
            course=course, instrument=instrument_id, status=ResponseStatus.SUBMITTED
        ).order_by("submitted_at", "id")
    )
    points: list[Point] = []
    for index, response in enumerate(sent):
        assert response.total is not None and response.submitted_at is not None
        change = None
        if index:
            baseline = points[0].total
            change = scoring.change(definition, baseline, response.total, points[-1].total)
        points.append(
            Point(response, response.total, timezone.localdate(response.submitted_at), change)
        )
    return points


def open_course(client) -> Course | None:
    return client.courses.filter(status__in=protocol.OPEN).select_related("therapist").first()


DIARY_DAYS_BACK = 7  # a missed day can be filled in for a week


@dataclass(frozen=True)
class InteractionInput:
    person: InventoryPerson
    is_positive: bool
    note: str = ""


@transaction.atomic
def save_diary_entry(
    request: HttpRequest | None,
    actor: User,
    client: Client,
    entry_date: date,
    mood: int,
    interactions: list[InteractionInput],
    *,
    today: date,
) -> DiaryEntry:
    """The day's mood and interactions; a second save of the same day replaces the first."""
    if entry_date > today or (today - entry_date).days > DIARY_DAYS_BACK:
        raise Refused(f"Choose today or a day in the past {DIARY_DAYS_BACK} days.")
    if not 0 <= mood <= 10:
        raise Refused("Choose a mood from 0 to 10.")
    course = open_course(client)
    for interaction in interactions:
        if course is None or interaction.person.course_id != course.pk:
            raise Refused("Choose people from your own list.")
    entry, created = DiaryEntry.objects.get_or_create(
        client=client, entry_date=entry_date, defaults={"mood": mood, "course": course}
    )
    if not created:
        entry.mood = mood
        entry.course = course
        entry.updated_at = timezone.now()
        entry.save(update_fields=["mood", "course", "updated_at"])
        entry.interactions.all().delete()
    Interaction.objects.bulk_create(
        Interaction(entry=entry, person=i.person, is_positive=i.is_positive, note=i.note.strip())
        for i in interactions
    )
    verb = audit.Verb.CREATE if created else audit.Verb.CHANGE
    audit.record(request, verb, "measures.diary_entry.saved", entry, actor=actor)
    return entry


def outcome_rows(practice) -> list[outcomes.CourseRow]:
    """One row per course of the practice, for outcomes.compute: three queries in all."""
    areas = dict(
        FocusArea.objects.filter(course__client__practice=practice, is_primary=True)
        .order_by()
        .values_list("course_id", "area")
    )
    first_last: dict[int, dict[str, list[int]]] = {}
    sent = (
        Response.objects.filter(course__client__practice=practice, status=ResponseStatus.SUBMITTED)
        .order_by("course_id", "instrument", "submitted_at", "id")
        .values_list("course_id", "instrument", "total")
    )
    for course_id, instrument_id, total in sent.iterator(chunk_size=5000):
        assert total is not None  # sent responses always have one (a check constraint)
        pair = first_last.setdefault(course_id, {}).setdefault(instrument_id, [])
        if not pair or len(pair) == 1:
            pair.append(total)
        else:
            pair[1] = total
    rows = []
    courses = (
        Course.objects.filter(client__practice=practice)
        .order_by()
        .values_list("id", "status", "therapist__name")
    )
    for course_id, status, therapist in courses:
        scores = {
            instrument_id: (pair[0], pair[1])
            for instrument_id, pair in first_last.get(course_id, {}).items()
            if len(pair) == 2
        }
        area = Area(areas[course_id]).label if course_id in areas else "Not set"
        rows.append(outcomes.CourseRow(status, therapist, area, scores))
    return rows


REMIND_EVERY = timedelta(days=6)  # at most one reminder per assignment in this time


def remind_due_questionnaires(now: datetime) -> list[Assignment]:
    """Claim every due assignment not reminded lately and queue its email. Run from cron
    (`manage.py remind_questionnaires`); two runs at once send each reminder once."""
    from iptcare.measures import tasks

    reminded = []
    candidates = Assignment.objects.filter(
        is_active=True, course__status__in=protocol.RUNNING, course__client__user__isnull=False
    ).select_related("course")
    for assignment in candidates:
        if not is_due(assignment):
            continue
        last = assignment.reminded_at
        if last is not None and now - last < REMIND_EVERY:
            continue
        with transaction.atomic():
            claimed = Assignment.objects.filter(pk=assignment.pk, reminded_at=last).update(
                reminded_at=now
            )
            if not claimed:
                continue
            code = str(assignment.code)
            transaction.on_commit(partial(tasks.send_questionnaire_reminder.enqueue, code))
        reminded.append(assignment)
    return reminded


@transaction.atomic
def add_goal_note(
    request: HttpRequest | None, actor: User, goal: BetweenSessionGoal, text: str
) -> GoalNote:
    if not goal.course.is_open:
        raise Refused(COURSE_ENDED)
    if not text.strip():
        raise Refused("Write a few words on how it went.")
    note = GoalNote.objects.create(goal=goal, text=text.strip()[:1000])
    audit.record(request, audit.Verb.CREATE, "measures.goal_note.created", note, actor=actor)
    return note
