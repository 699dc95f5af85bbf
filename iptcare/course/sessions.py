"""Recording sessions: numbering, phases, checklists, between-session goals, and the
optimistic lock that keeps two open tabs from overwriting each other.

Only attended sessions are numbered (protocol 15.1); a session past the agreed number
needs the contract renegotiated first. A session's phase follows from its number and the
plan (protocol 15.3) unless the clinician overrides it, and phases don't go backwards
unless the course itself was moved back.
"""

from datetime import date, datetime

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from iptcare.accounts import audit
from iptcare.accounts.models import User
from iptcare.course import checklists, protocol
from iptcare.course.checklists import Area, Technique
from iptcare.course.models import (
    Attendance,
    BetweenSessionGoal,
    Course,
    DisputeStage,
    DisputeStageChange,
    GoalStatus,
    PsychotherapyNote,
    Session,
    StatusChange,
)
from iptcare.course.protocol import Kind, Phase, Status
from iptcare.course.services import Refused, _locked


class SessionChanged(Exception):
    """Someone saved the session after this form was opened. Nothing was saved."""

    def __init__(self, current: Session):
        super().__init__("The session changed since the form was opened")
        self.current = current


CLINICAL_FIELDS = ["mood", "mood_words", "events", "progress_note"]
SIMPLE_FIELDS = [
    "held_on",
    "mode",
    "client_location",
    "mood",
    "mood_words",
    "events",
    "progress_note",
    "next_appointment_at",
]


def allowed_phases(kind: str) -> list[str]:
    if kind == Kind.MAINTENANCE:
        return [Phase.MAINTENANCE]
    return list(protocol.PHASE_ORDER)


def checklist_for(course: Course, phase: str) -> list[checklists.Checklist]:
    areas = [focus.area for focus in course.focus_areas.all()]
    return checklists.checklists(phase, course.adaptation, areas)


def _neighbours(course: Course, session: Session | None, held_on: date):
    """The attended sessions just before and just after `held_on`, other than `session`."""
    others = course.sessions.filter(attendance=Attendance.ATTENDED)
    if session is not None:
        others = others.exclude(pk=session.pk)
    before = others.filter(held_on__lte=held_on).order_by("-held_on", "-number").first()
    after = others.filter(held_on__gt=held_on).order_by("held_on", "number").first()
    return before, after


def _check(course: Course, session: Session | None, fields: dict) -> None:
    """What makes a session impossible, whatever the form let through."""
    problems = []
    held_on: date = fields["held_on"]
    today = timezone.localdate()
    if held_on > today:
        problems.append("A session is recorded after it happened: the date can't be in the future.")
    if held_on < course.start_date:
        problems.append(
            f"The course starts on {course.start_date:%-d %B %Y}: a session can't come before "
            "it. Change the start date in the plan or the contract if it moved."
        )
    attended = fields["attendance"] == Attendance.ATTENDED
    if attended:
        before, after = _neighbours(course, session, held_on)
        if session is None and after is not None:
            problems.append(
                f"Session {after.number} was on {after.held_on:%-d %B %Y}: sessions are "
                "recorded in order, so this one can't come before it."
            )
        if session is not None and after is not None and after.number < (session.number or 0):
            problems.append("That date would put this session after a later one.")
        if session is not None and before is not None and before.number > (session.number or 0):
            problems.append("That date would put this session before an earlier one.")
    else:
        given = [f for f in ("mood", "tasks", "techniques", "focus_areas") if fields.get(f)]
        if given:
            problems.append(
                "A missed session has no mood rating, tasks, techniques or focal areas: "
                "record those in an attended session."
            )
    mood = fields.get("mood")
    if mood is not None and not 0 <= mood <= 10:
        problems.append("Mood is rated from 0 to 10.")
    next_at: datetime | None = fields.get("next_appointment_at")
    if next_at is not None and timezone.localdate(next_at) <= held_on:
        problems.append("The next appointment must come after this session.")
    unknown = set(fields.get("techniques", [])) - set(Technique.values)
    if unknown:
        problems.append("Choose techniques from the list.")
    areas = fields.get("focus_areas", [])
    if any(focus.course_id != course.pk for focus in areas):
        problems.append("Only this course's focal areas can be worked on in its sessions.")
    if problems:
        raise Refused(*problems)


def _phase(
    course: Course, session: Session | None, number: int, requested: str
) -> tuple[str, bool]:
    """The session's phase and whether the clinician overrode the default."""
    default = course.phase_of(number)
    phase = requested or default
    if phase not in allowed_phases(course.kind):
        raise Refused(f"A {course.kind_label} session can't be in the {phase} phase.")
    earlier = course.sessions.filter(attendance=Attendance.ATTENDED, number__lt=number)
    if session is not None:
        earlier = earlier.exclude(pk=session.pk)
    previous = earlier.order_by("-number").first()
    went_back = course.status == phase or course.held_status == phase
    if previous and protocol.is_earlier_phase(phase, previous.phase) and not went_back:
        raise Refused(
            f"Session {previous.number} was already in the {Phase(previous.phase).label.lower()}: "
            "phases don't go backwards unless you move the course back, with a reason."
        )
    return phase, phase != default


def _check_tasks(course: Course, phase: str, tasks: list[str]) -> None:
    offered = {task.key for group in checklist_for(course, phase) for task in group.tasks}
    if set(tasks) - offered:
        raise Refused("Tick tasks from this session's checklist.")


def _update_dispute(course: Course, session: Session, stage: str, note: str) -> None:
    if not stage:
        return
    if stage not in DisputeStage.values:
        raise Refused("Choose a stage of the dispute from the list.")
    focus = course.focus_areas.filter(area=Area.ROLE_DISPUTE).first()
    if focus is None:
        raise Refused("This course has no role dispute to give a stage to.")
    if focus.dispute_stage != stage:
        focus.dispute_stage = stage
        focus.save(update_fields=["dispute_stage"])
        DisputeStageChange.objects.create(
            focus_area=focus, stage=stage, changed_on=session.held_on, note=note
        )


def _goals(session: Session, goal_text: str, reviews: dict[str, tuple[str, str]]) -> None:
    """The goal set in this session, and how earlier ones went (never graded)."""
    goal_text = goal_text.strip()
    own = session.goals_set.first()
    if own is not None and goal_text:
        own.text = goal_text
        own.save(update_fields=["text"])
    elif own is not None and own.reviewed_in_id is not None:
        raise Refused("This session's goal was reviewed in a later session: it stays.")
    elif own is not None:
        own.delete()
    elif goal_text:
        BetweenSessionGoal.objects.create(course=session.course, set_in=session, text=goal_text)
    if not reviews:
        return
    goals = {str(g.code): g for g in reviewable_goals(session)}
    for code, (status, review) in reviews.items():
        goal = goals.get(code)
        if goal is None:
            raise Refused("That goal was set in another session or course.")
        if status not in GoalStatus.values:
            raise Refused("Say whether the goal was tried.")
        goal.status = status
        goal.review = review.strip()
        goal.reviewed_in = session if status != GoalStatus.OPEN else None
        goal.save(update_fields=["status", "review", "reviewed_in"])


def reviewable_goals(session: Session) -> list[BetweenSessionGoal]:
    """Goals from earlier sessions that this session reviews: those still open, and
    those it reviewed already."""
    goals = BetweenSessionGoal.objects.filter(course=session.course).exclude(set_in=session)
    goals = goals.filter(set_in__held_on__lte=session.held_on).select_related("set_in")
    return [g for g in goals if g.status == GoalStatus.OPEN or g.reviewed_in_id == session.pk]


def _refresh_next_appointment(course: Course) -> None:
    latest = course.sessions.order_by("-held_on", "-id").first()
    course.next_appointment_at = latest.next_appointment_at if latest else None
    course.updated_at = timezone.now()
    course.save(update_fields=["next_appointment_at", "updated_at"])


def _start_if_draft(course: Course, actor: User, session: Session) -> None:
    """The first attended session starts a planned course (protocol 15.2)."""
    if course.status != Status.DRAFT or not session.attended:
        return
    to = Status.MAINTENANCE if course.kind == Kind.MAINTENANCE else Status.INITIAL
    StatusChange.objects.create(
        course=course, from_status=Status.DRAFT, to_status=to, reason="First session", actor=actor
    )
    course.status = to
    course.status_changed_at = timezone.now()
    course.save(update_fields=["status", "status_changed_at"])


@transaction.atomic
def record_session(
    request: HttpRequest | None,
    actor: User,
    course: Course,
    fields: dict,
    *,
    goal_text: str = "",
    goal_reviews: dict[str, tuple[str, str]] | None = None,
    dispute_stage: str = "",
    dispute_note: str = "",
) -> Session:
    _locked(course)
    if course.status == Status.ON_HOLD:
        raise Refused("The course is on hold: resume it before recording a session.")
    if not course.is_open:
        raise Refused("This course has ended: no more sessions can be recorded in it.")
    _check(course, None, fields)
    session = Session(course=course, author=actor, updated_by=actor)
    if fields["attendance"] == Attendance.ATTENDED:
        held = course.sessions.filter(attendance=Attendance.ATTENDED).count()
        number = held + 1
        if number > course.planned_sessions:
            raise Refused(
                f"This would be session {number} of {course.planned_sessions}. To go past the "
                "agreed number, renegotiate the contract first (a new version, with its reason)."
            )
        session.number = number
        session.phase, session.phase_overridden = _phase(
            course, None, number, fields.get("phase", "")
        )
        _check_tasks(course, session.phase, fields.get("tasks", []))
        session.tasks = sorted(set(fields.get("tasks", [])))
        session.techniques = sorted(set(fields.get("techniques", [])))
    session.attendance = fields["attendance"]
    for key in SIMPLE_FIELDS:
        if key in fields:
            setattr(session, key, fields[key])
    session.save()
    session.focus_areas.set(fields.get("focus_areas", []))
    _goals(session, goal_text, goal_reviews or {})
    _update_dispute(course, session, dispute_stage, dispute_note)
    _start_if_draft(course, actor, session)
    _refresh_next_appointment(course)
    audit.record(request, audit.Verb.CREATE, "course.session.created", session, actor=actor)
    return session


@transaction.atomic
def update_session(
    request: HttpRequest | None,
    actor: User,
    session: Session,
    fields: dict,
    version: int,
    *,
    goal_text: str = "",
    goal_reviews: dict[str, tuple[str, str]] | None = None,
    dispute_stage: str = "",
    dispute_note: str = "",
) -> Session:
    """Save changes made from `version`. If anyone saved the session since, raise
    `SessionChanged` with what they saved, and change nothing."""
    course = session.course
    _locked(course)
    claimed = Session.objects.filter(pk=session.pk, version=version).update(
        version=F("version") + 1, updated_by=actor, updated_at=timezone.now()
    )
    if not claimed:
        raise SessionChanged(Session.objects.select_related("updated_by").get(pk=session.pk))
    session.refresh_from_db()
    if not course.is_open:
        raise Refused("This course has ended: its sessions are part of the record.")
    _check(course, session, fields)
    attendance = fields["attendance"]
    if attendance != session.attendance:
        later = course.sessions.filter(held_on__gt=session.held_on).exclude(pk=session.pk)
        if later.exists():
            raise Refused("Attendance can only be changed on the latest session.")
        if attendance == Attendance.ATTENDED:
            number = course.sessions.filter(attendance=Attendance.ATTENDED).count() + 1
            if number > course.planned_sessions:
                raise Refused(
                    f"This would be session {number} of {course.planned_sessions}: "
                    "renegotiate the contract first."
                )
            session.number = number
        else:
            session.number = None
            session.phase, session.phase_overridden = "", False
        session.attendance = attendance
    if session.number is not None:
        session.phase, session.phase_overridden = _phase(
            course, session, session.number, fields.get("phase", "")
        )
        _check_tasks(course, session.phase, fields.get("tasks", []))
        session.tasks = sorted(set(fields.get("tasks", [])))
        session.techniques = sorted(set(fields.get("techniques", [])))
    for key in SIMPLE_FIELDS:
        if key in fields:
            setattr(session, key, fields[key])
    session.save()
    session.focus_areas.set(fields.get("focus_areas", []))
    _goals(session, goal_text, goal_reviews or {})
    _update_dispute(course, session, dispute_stage, dispute_note)
    _start_if_draft(course, actor, session)
    _refresh_next_appointment(course)
    audit.record(request, audit.Verb.CHANGE, "course.session.changed", session, actor=actor)
    return session


@transaction.atomic
def save_psychotherapy_note(
    request: HttpRequest | None, author: User, session: Session, body: str
) -> PsychotherapyNote:
    """The author's own psychotherapy note on a session (one per author and session)."""
    note, created = PsychotherapyNote.objects.get_or_create(
        session=session, author=author, defaults={"body": body}
    )
    if not created:
        note.body = body
        note.updated_at = timezone.now()
        note.save(update_fields=["body", "updated_at"])
    verb = audit.Verb.CREATE if created else audit.Verb.CHANGE
    action = "course.psychotherapy_note." + ("created" if created else "changed")
    audit.record(request, verb, action, note, actor=author)
    return note
