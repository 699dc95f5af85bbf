"""The session screen: recording a session and changing it later, with the optimistic
lock that tells the second of two tabs what the first saved; and the author's own
psychotherapy note."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iptcare.accounts.access import AuthedRequest
from iptcare.course import access, services, signals
from iptcare.course.forms import GoalReviewForm, PsychotherapyNoteForm, SessionForm
from iptcare.course.models import Attendance, BetweenSessionGoal, Course, Session
from iptcare.course.protocol import Phase
from iptcare.course.services import Refused
from iptcare.course.sessions import (
    SessionChanged,
    allowed_phases,
    record_session,
    reviewable_goals,
    save_psychotherapy_note,
    update_session,
)
from iptcare.course.views.common import refuse, workspace, workspace_view

COMPARED = [
    ("held_on", "Date"),
    ("attendance", "Attendance"),
    ("mood", "Mood rating"),
    ("events", "Interpersonal events"),
    ("progress_note", "Progress note"),
    ("next_appointment_at", "Next appointment"),
]


def _phase_for_form(course: Course, number: int | None, data, current: str = "") -> str:
    """The phase whose checklist the form offers: the one asked for in the post, or the
    session's own, or the plan's for its number."""
    asked = data.get("phase", "") if data else ""
    if asked in allowed_phases(course.kind):
        return asked
    if current:
        return current
    return course.phase_of(number) if number else ""


def _goal_forms(session_goals: list[BetweenSessionGoal], data) -> list[tuple]:
    return [
        (
            goal,
            GoalReviewForm(
                data,
                prefix=f"goal-{goal.code}",
                initial={"status": goal.status, "review": goal.review},
            ),
        )
        for goal in session_goals
    ]


def _page(request, course: Course, form, session, goal_forms, *, changed=None, number=None):
    ctx = workspace(request, course, "course")
    shown = session or Session(course=course, held_on=timezone.localdate())
    earlier = course.sessions.filter(attendance=Attendance.ATTENDED, held_on__lte=shown.held_on)
    if session is not None:
        earlier = earlier.exclude(pk=session.pk)
    ctx.update(
        form=form,
        session=session,
        number=number,
        goal_forms=goal_forms,
        changed=changed,
        scores=signals.collect(signals.session_scores, session=session) if session else [],
        previous=earlier.order_by("-held_on", "-id")[:4],
        course_phase=course.phase,
        is_latest=session is None
        or not course.sessions.filter(held_on__gt=session.held_on).exists(),
        remaining=course.planned_sessions - this if (this := shown.number or number) else None,
        phase_label=Phase(form.checklist_phase).label if form.checklist_phase else "",
    )
    return render(request, "course/session_form.html", ctx)


def _reviews(goal_forms) -> dict[str, tuple[str, str]] | None:
    """How earlier goals went, or None if a review form is invalid."""
    if not all(form.is_valid() for _, form in goal_forms):
        return None
    return {
        str(goal.code): (form.cleaned_data["status"], form.cleaned_data["review"])
        for goal, form in goal_forms
    }


@workspace_view
@require_http_methods(["GET", "POST"])
def session_create(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code)
    number = services.sessions_held(course) + 1
    data = request.POST or None
    phase = _phase_for_form(course, number, data)
    initial = {"held_on": timezone.localdate()}
    form = SessionForm(data, course=course, phase=phase, number=number, initial=initial)
    open_goals = list(
        BetweenSessionGoal.objects.filter(course=course, status="open").select_related("set_in")
    )
    goal_forms = _goal_forms(open_goals, data)
    if request.method == "POST" and form.is_valid():
        reviews = _reviews(goal_forms)
        if reviews is not None:
            try:
                session = record_session(
                    request,
                    request.user,
                    course,
                    form.service_fields(),
                    goal_text=form.cleaned_data["goal_text"],
                    goal_reviews=reviews,
                    dispute_stage=form.cleaned_data.get("dispute_stage", ""),
                )
            except Refused as error:
                refuse(form, error)
            else:
                messages.success(request, f"Saved: {session.position}.")
                return redirect("course:session", code=session.code)
    return _page(request, course, form, None, goal_forms, number=number)


@workspace_view
@require_http_methods(["GET", "POST"])
def session_detail(request: AuthedRequest, code: UUID) -> HttpResponse:
    """The session screen. A save names the version it was opened at; if someone saved in
    between, their version is shown beside this form's, and nothing is lost."""
    session = access.access_session(request, code)
    course = session.course
    data = request.POST or None
    phase = _phase_for_form(course, session.number, data, session.phase)
    own_goal = session.goals_set.first()
    initial = {
        "focus_areas": list(session.focus_areas.all()),
        "tasks": session.tasks,
        "techniques": session.techniques,
        "next_appointment_at": session.next_appointment_at,
        "goal_text": own_goal.text if own_goal else "",
        "phase": session.phase if session.phase_overridden else "",
        "version": session.version,
    }
    form = SessionForm(
        data, instance=session, course=course, phase=phase, number=session.number, initial=initial
    )
    goal_forms = _goal_forms(reviewable_goals(session), data)
    changed = None
    if request.method == "POST" and form.is_valid():
        reviews = _reviews(goal_forms)
        version = form.cleaned_data.get("version") or 0
        if reviews is not None:
            try:
                update_session(
                    request,
                    request.user,
                    Session.objects.select_related("course", "course__client").get(pk=session.pk),
                    form.service_fields(),
                    version,
                    goal_text=form.cleaned_data["goal_text"],
                    goal_reviews=reviews,
                    dispute_stage=form.cleaned_data.get("dispute_stage", ""),
                )
            except SessionChanged as conflict:
                changed = _differences(conflict.current, form)
                # The next save is made knowingly against the version now in the database.
                resubmit = request.POST.copy()
                resubmit["version"] = str(conflict.current.version)
                form.data = resubmit
                form.add_error(
                    None,
                    f"{conflict.current.updated_by} saved this session at "
                    f"{timezone.localtime(conflict.current.updated_at):%H:%M} after you opened "
                    "it. Nothing of yours was saved yet: compare below, then save again.",
                )
            except Refused as error:
                refuse(form, error)
            else:
                messages.success(request, f"Saved: {session.position}.")
                return redirect("course:session", code=session.code)
    return _page(request, course, form, session, goal_forms, changed=changed)


def _differences(current: Session, form: SessionForm) -> list[tuple[str, object, object]]:
    """(field, what is saved now, what this form holds) where the two differ."""
    rows = []
    for name, label in COMPARED:
        saved = getattr(current, name)
        mine = form.cleaned_data.get(name)
        if saved != mine:
            if name == "attendance":
                saved = current.get_attendance_display()
            rows.append((label, saved, mine))
    return rows


@workspace_view
@require_http_methods(["GET", "POST"])
def psychotherapy_note(request: AuthedRequest, code: UUID) -> HttpResponse:
    session = access.access_session(request, code)
    note = access.own_psychotherapy_note(request, session)
    form = PsychotherapyNoteForm(request.POST or None, initial={"body": note.body if note else ""})
    if request.method == "POST" and form.is_valid():
        save_psychotherapy_note(request, request.user, session, form.cleaned_data["body"])
        messages.success(request, "Your psychotherapy note is saved.")
        return redirect("course:session", code=session.code)
    ctx = workspace(request, session.course, "course")
    ctx.update(form=form, session=session, note=note)
    return render(request, "course/psychotherapy_note.html", ctx)
