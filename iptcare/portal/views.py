"""The client portal: a client's own pages. They take no ids but codes of the client's own
questionnaires, which are looked up within their own record (404 for anyone else's)."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iptcare.accounts import crisis
from iptcare.accounts.access import AuthedRequest
from iptcare.care.access import own_client_record
from iptcare.course.services import Refused, sessions_held
from iptcare.measures import access as measures_access
from iptcare.measures import charts, scoring, services
from iptcare.measures.forms import DiaryForm, posted_answers
from iptcare.measures.models import DiaryEntry, ResponseStatus


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    client = own_client_record(request)
    course = services.open_course(client)
    ctx = {
        "client": client,
        "therapists": client.therapists.order_by("name"),
        "course": course,
        "position": course.position(sessions_held(course)) if course else "",
        "due": services.due_assignments(course),
    }
    return render(request, "portal/home.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire(request: AuthedRequest, code: UUID) -> HttpResponse:
    client = own_client_record(request)
    assignment = measures_access.own_assignment(request, client, code)
    definition = assignment.definition
    errors: list[str] = []
    try:
        draft = services.open_draft(assignment)
    except Refused as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("portal:home")
    answers = draft.answers
    if request.method == "POST":
        if request.POST.get("response") != str(draft.code):
            # A form from a response that was sent already, or a stale tab.
            messages.error(request, "These answers were sent already; nothing was changed.")
            return redirect("portal:home")
        raw = posted_answers(request.POST)
        submit = request.POST.get("action") == "send"
        try:
            saved = services.save_answers(request, request.user, draft, raw, submit=submit)
        except scoring.InvalidAnswers as invalid:
            errors = invalid.errors
        except Refused as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect("portal:home")
        else:
            if saved.is_sent or saved.critical:
                return redirect("portal:questionnaire-done", code=saved.response.code)
            answers = saved.response.answers
            if saved.missing:
                numbers = ", ".join(str(n) for n in saved.missing)
                errors = [
                    f"Please answer every question to send it (still open: {numbers}). "
                    "We saved your answers so far."
                ]
            else:
                messages.success(request, "Your answers are saved. You can come back to finish.")
                return redirect("portal:home")
    ctx = {
        "client": client,
        "assignment": assignment,
        "instrument": definition,
        "draft": draft,
        "answers": answers,
        "errors": errors,
    }
    return render(request, "portal/questionnaire.html", ctx, status=400 if errors else 200)


@login_required
def questionnaire_done(request: AuthedRequest, code: UUID) -> HttpResponse:
    client = own_client_record(request)
    response = measures_access.own_response(request, client, code)
    words = ""
    if response.status == ResponseStatus.SUBMITTED and response.total is not None:
        points = services.history(response.course, response.instrument)
        mine = next((p for p in points if p.response.pk == response.pk), None)
        words = scoring.client_words(mine.change if mine else None, response.total)
    ctx = {
        "client": client,
        "response": response,
        "instrument": response.definition,
        "words": words,
        "needs_help": response.alert_raised,
        "is_sent": response.status == ResponseStatus.SUBMITTED,
        "crisis": crisis.client_panel(request, client) if response.alert_raised else None,
    }
    return render(request, "portal/questionnaire_done.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def diary(request: AuthedRequest) -> HttpResponse:
    client = own_client_record(request)
    course = services.open_course(client)
    people = list(course.people.filter(is_deceased=False).order_by("ring", "id")) if course else []
    today = timezone.localdate()
    form = DiaryForm(request.POST or None, people=people, initial={"entry_date": today})
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.save_diary_entry(
                request,
                request.user,
                client,
                form.cleaned_data["entry_date"],
                form.cleaned_data["mood"],
                form.interactions(),
                today=today,
            )
        except Refused as refused:
            refusals = refused.messages
        else:
            messages.success(request, "Saved. Thank you for keeping your diary.")
            return redirect("portal:diary")
    entries = list(
        DiaryEntry.objects.filter(client=client)
        .order_by("-entry_date")
        .prefetch_related("interactions")[:14]
    )
    ctx = {"client": client, "form": form, "refusals": refusals, "entries": entries}
    return render(request, "portal/diary.html", ctx, status=400 if form.errors or refusals else 200)


@login_required
def progress(request: AuthedRequest) -> HttpResponse:
    """The client's own scores over the course, in kind words and without band labels."""
    client = own_client_record(request)
    course = services.open_course(client) or client.courses.order_by("-start_date").first()
    entries = []
    if course is not None:
        used = course.responses.values_list("instrument", flat=True).distinct().order_by()
        for instrument_id in sorted(set(used)):
            points = services.history(course, instrument_id)
            if not points:
                continue
            definition = points[0].response.definition
            chart = charts.build(
                f"Your {definition.short_name} answers",
                definition.maximum,
                [],
                [(p.taken_on, p.total, False) for p in points],
                course.start_date,
                course.ended_on or course.planned_end_date,
            )
            words = scoring.client_words(points[-1].change, points[-1].total)
            entries.append(
                {"instrument": definition, "chart": chart, "points": points, "words": words}
            )
    ctx = {"client": client, "course": course, "entries": entries}
    return render(request, "portal/progress.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def goals(request: AuthedRequest) -> HttpResponse:
    """The goals agreed with the therapist, with room to note how they went."""
    client = own_client_record(request)
    course = services.open_course(client)
    refusals: list[str] = []
    if request.method == "POST":
        try:
            code = UUID(request.POST.get("goal", ""))
        except ValueError:
            raise Http404("No such goal") from None
        goal = measures_access.own_goal(request, client, code)
        try:
            services.add_goal_note(request, request.user, goal, request.POST.get("text", ""))
        except Refused as refused:
            refusals = refused.messages
        else:
            messages.success(request, "Your note is saved; your therapist will see it.")
            return redirect("portal:goals")
    found = (
        list(course.goals.filter(status="open").prefetch_related("client_notes")) if course else []
    )
    ctx = {"client": client, "goals": found, "refusals": refusals}
    return render(request, "portal/goals.html", ctx, status=400 if refusals else 200)
