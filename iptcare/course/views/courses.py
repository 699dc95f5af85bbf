"""A course's overview, plan, status moves, formulation and focal areas, contract,
termination summary and export."""

import json
from uuid import UUID

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iptcare.accounts import audit
from iptcare.accounts.access import AuthedRequest
from iptcare.course import access, charts, exports, protocol, services
from iptcare.course.forms import (
    CONTRACT_DEFAULTS,
    ContractForm,
    CourseForm,
    ExportForm,
    FocusAreaForm,
    FormulationForm,
    InitialRecordsForm,
    MoveForm,
    TerminationSummaryForm,
)
from iptcare.course.models import Attendance, Course, Ring, Status
from iptcare.course.protocol import Phase
from iptcare.course.services import NeedsConfirmation, Refused
from iptcare.course.views.common import refuse, workspace, workspace_view


@workspace_view
@require_http_methods(["GET", "POST"])
def course_create(request: AuthedRequest, code: UUID) -> HttpResponse:
    client = access.access_client_for_course(request, code)
    asked = request.GET.get("kind")
    initial = {"kind": asked} if asked in protocol.Kind.values else None
    form = CourseForm(request.POST or None, client=client, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.start_course(request, request.user, client, form.cleaned_data)
        except Refused as error:
            refuse(form, error)
        else:
            messages.success(request, "The course is planned. It starts with its first session.")
            return redirect("course:course", code=course.code)
    return render(request, "course/course_form.html", {"form": form, "client": client})


def session_chart(course: Course, sessions) -> charts.SessionChart:
    phases = [
        (phase.value, first, last, phase.label) for phase, first, last in course.phase_ranges()
    ]
    moods = [(s.number, s.mood) for s in sessions if s.number and s.mood is not None]
    return charts.session_chart(course.planned_sessions, phases, moods)


@workspace_view
def course_detail(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code)
    ctx = workspace(request, course, "course")
    sessions = list(course.sessions.order_by("held_on", "id"))
    facts = services.course_facts(course)
    next_at = course.next_appointment_at
    progress = protocol.Progress(
        facts=facts,
        planned=course.planned_sessions,
        today=timezone.localdate(),
        start_date=course.start_date,
        next_appointment_on=timezone.localdate(next_at) if next_at else None,
        last_session_on=max((s.held_on for s in sessions if s.attended), default=None),
    )
    ctx.update(
        sessions=sessions,
        chart=session_chart(course, sessions),
        to_do=protocol.to_do(progress),
        moves=[(to, protocol.verb(course.status, to)) for to in protocol.moves_from(facts)],
        history=course.status_changes.select_related("actor"),
        next_number=ctx["held"] + 1,
        can_record=course.status in (Status.DRAFT, *protocol.RUNNING),
        phase_ranges=course.phase_ranges(),
        successors=course.successors.all(),
    )
    return render(request, "course/course_detail.html", ctx)


@workspace_view
@require_http_methods(["GET", "POST"])
def course_edit(request: AuthedRequest, code: UUID) -> HttpResponse:
    """The plan (while a draft without a contract) and the initial phase's records."""
    course = access.access_course(request, code)
    plan_open = course.status == Status.DRAFT and not course.contracts.exists()
    data = request.POST or None
    plan = CourseForm(data, instance=course, client=course.client, prefix="plan")
    records = InitialRecordsForm(data, instance=course, prefix="records")
    forms_ok = records.is_valid() and (not plan_open or plan.is_valid())
    if request.method == "POST" and forms_ok:
        fields = dict(records.cleaned_data)
        if plan_open:
            fields.update(plan.cleaned_data)
        try:
            services.update_course(request, request.user, course, fields)
        except Refused as error:
            refuse(records, error)
        else:
            messages.success(request, "Saved.")
            return redirect("course:course", code=course.code)
    ctx = workspace(request, course, "course")
    ctx.update(plan=plan if plan_open else None, records=records)
    return render(request, "course/course_edit.html", ctx)


@workspace_view
@require_http_methods(["GET", "POST"])
def course_move(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code)
    facts = services.course_facts(course)
    moves = protocol.moves_from(facts)
    initial = {"to": request.GET.get("to")} if request.GET.get("to") in moves else None
    form = MoveForm(request.POST or None, initial=initial, current=course.status, moves=moves)
    reminders: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.move_course(request, request.user, course, form.move())
        except NeedsConfirmation as error:
            reminders = error.messages
        except Refused as error:
            refuse(form, error)
        else:
            messages.success(request, f"The course is now: {course.get_status_display()}.")
            return redirect("course:course", code=course.code)
    ctx = workspace(request, course, "course")
    ctx.update(form=form, reminders=reminders, facts=facts, moves=moves)
    return render(request, "course/course_move.html", ctx)


@workspace_view
@require_http_methods(["GET", "POST"])
def formulation(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code)
    form = FormulationForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_formulation(
                request,
                request.user,
                course,
                form.cleaned_data["formulation"],
                form.cleaned_data["formulation_accepted_date"],
            )
        except Refused as error:
            refuse(form, error)
        else:
            messages.success(request, "Formulation saved.")
            return redirect("course:formulation", code=course.code)
    ctx = workspace(request, course, "formulation")
    ctx.update(
        form=form,
        focus_areas=list(course.focus_areas.prefetch_related("people", "stage_changes")),
        max_areas=2,
    )
    return render(request, "course/formulation.html", ctx)


def _focus_fields(form: FocusAreaForm) -> dict:
    data = dict(form.cleaned_data)
    data.pop("area", None)
    return data


@workspace_view
@require_http_methods(["GET", "POST"])
def focus_create(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code)
    form = FocusAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_focus_area(
                request, request.user, course, form.cleaned_data["area"], _focus_fields(form)
            )
        except Refused as error:
            refuse(form, error)
        else:
            messages.success(request, "Focal area added.")
            return redirect("course:formulation", code=course.code)
    ctx = workspace(request, course, "formulation")
    ctx.update(form=form, focus=None)
    return render(request, "course/focus_form.html", ctx)


@workspace_view
@require_http_methods(["GET", "POST"])
def focus_edit(request: AuthedRequest, code: UUID) -> HttpResponse:
    focus = access.access_focus_area(request, code)
    course = focus.course
    form = FocusAreaForm(request.POST or None, instance=focus)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_focus_area(request, request.user, focus, _focus_fields(form))
        except Refused as error:
            refuse(form, error)
        else:
            messages.success(request, "Focal area saved.")
            return redirect("course:formulation", code=course.code)
    ctx = workspace(request, course, "formulation")
    ctx.update(form=form, focus=focus)
    return render(request, "course/focus_form.html", ctx)


@workspace_view
def contract(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code)
    ctx = workspace(request, course, "contract")
    ctx["contracts"] = list(course.contracts.select_related("created_by"))
    return render(request, "course/contract.html", ctx)


@workspace_view
@require_http_methods(["GET", "POST"])
def contract_new(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code)
    latest = course.contracts.first()
    if latest is not None:
        initial = {
            name: getattr(latest, name)
            for name in ContractForm.base_fields
            if name not in ("reason", "agreed_on")
        }
    else:
        initial = {
            "sessions": course.planned_sessions,
            "frequency": course.frequency,
            "session_minutes": course.session_minutes,
            "start_date": course.start_date,
            "focus": services.focus_summary(course),
            **CONTRACT_DEFAULTS,
        }
    initial["agreed_on"] = timezone.localdate()
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agree_contract(request, request.user, course, form.cleaned_data)
        except Refused as error:
            refuse(form, error)
        else:
            messages.success(request, "The contract is recorded.")
            return redirect("course:contract", code=course.code)
    ctx = workspace(request, course, "contract")
    ctx.update(form=form, latest=latest)
    return render(request, "course/contract_form.html", ctx)


@workspace_view
def contract_print(request: AuthedRequest, code: UUID) -> HttpResponse:
    """The current contract as a page to print and give to the client."""
    course = access.access_course(request, code, action="contract_opened")
    current = course.contracts.first()
    if current is not None:
        audit.record(request, audit.Verb.EXPORT, "course.contract.printed", current)
    ctx = {"course": course, "client": course.client, "contract": current}
    return render(request, "course/contract_print.html", ctx)


def _summary_initial(course: Course) -> dict:
    """A first draft of the summary from the course's own records."""
    goals = [
        f"{focus.get_area_display()}: {goal}"
        for focus in course.focus_areas.all()
        for goal in focus.goal_list()
    ]
    inner = [p.label for p in course.people.filter(ring=1, is_deceased=False)]
    return {
        "gains": "\n".join(f"{goal}: " for goal in goals),
        "supports": ", ".join(inner),
    }


@workspace_view
@require_http_methods(["GET", "POST"])
def termination(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code)
    summary = getattr(course, "termination_summary", None)
    locked = bool(summary and summary.finalised_at)
    initial = None if summary else _summary_initial(course)
    form = TerminationSummaryForm(request.POST or None, instance=summary, initial=initial)
    if request.method == "POST" and not locked and form.is_valid():
        try:
            services.save_termination_summary(request, request.user, course, form.cleaned_data)
        except Refused as error:
            refuse(form, error)
        else:
            messages.success(request, "Termination summary saved.")
            return redirect("course:termination", code=course.code)
    ctx = workspace(request, course, "termination")
    first = course.circle_snapshots.first()
    last = course.circle_snapshots.last()
    ctx.update(
        form=form,
        summary=summary,
        locked=locked,
        focus_areas=list(course.focus_areas.all()),
        in_termination=course.status == Status.TERMINATION,
        snapshots=_snapshot_pair(first, last),
        rings_list=Ring.choices,
        termination_sessions=[
            s for s in course.sessions.filter(phase=Phase.TERMINATION) if s.attended
        ],
    )
    return render(request, "course/termination.html", ctx)


def _snapshot_pair(first, last) -> list[tuple]:
    """The first and last circle snapshots with their people, to compare side by side."""
    pair = [first] if first is not None else []
    if last is not None and last != first:
        pair.append(last)
    return [(snap, json.loads(snap.people)) for snap in pair]


@workspace_view
def termination_print(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code, action="termination_opened")
    summary = getattr(course, "termination_summary", None)
    if summary is not None:
        audit.record(request, audit.Verb.EXPORT, "course.termination_summary.printed", summary)
    ctx = {
        "course": course,
        "client": course.client,
        "summary": summary,
        "focus_areas": list(course.focus_areas.all()),
        "held": services.sessions_held(course),
    }
    return render(request, "course/termination_print.html", ctx)


@reauthentication_required  # "sudo mode": the password again shortly before an export
def _download(request: AuthedRequest, course: Course, include_notes: bool) -> HttpResponse:
    document = exports.course_document(course, request.user, include_notes)
    action = "exported_with_psychotherapy_notes" if include_notes else "exported"
    audit.record(request, audit.Verb.EXPORT, f"course.course.{action}", course)
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="course-{course.code}.json"'
    return response


@workspace_view
@require_http_methods(["GET", "POST"])
def course_export(request: AuthedRequest, code: UUID) -> HttpResponse:
    """The course record as JSON. Psychotherapy notes stay out unless their author asks,
    and then only the author's own."""
    course = access.access_course(request, code)
    # Bound on any POST: with the box unticked the form posts no field at all.
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return _download(request, course, form.cleaned_data["include_psychotherapy_notes"])
    ctx = workspace(request, course, "course")
    ctx["form"] = form
    ctx["attended"] = Attendance.ATTENDED
    return render(request, "course/course_export.html", ctx)
