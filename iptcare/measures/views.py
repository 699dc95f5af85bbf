"""The therapist's questionnaire page of a course: what is assigned, and progress."""

import csv
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iptcare.accounts import audit
from iptcare.accounts.access import AuthedRequest, practice_of, require_practice_admin
from iptcare.course import access as course_access
from iptcare.course.models import Course, Session, TimelineEvent
from iptcare.course.services import Refused, sessions_held
from iptcare.course.views.common import TABS, workspace_view
from iptcare.measures import charts, instruments, outcomes, relationships, services
from iptcare.measures.forms import AssignForm
from iptcare.measures.models import DiaryEntry, GoalNote


def progress(course: Course) -> tuple[list[dict], list]:
    """Per instrument used in the course: its chart, and the rows of the table beside it."""
    used = list(
        course.assignments.order_by("instrument").values_list("instrument", flat=True).distinct()
    )
    sessions = list(
        Session.objects.filter(course=course, attendance="attended")
        .exclude(number=None)
        .order_by("held_on")
    )
    markers = [(s.held_on, f"S{s.number}", "session") for s in sessions]
    phase = ""
    for s in sessions:
        if s.phase and s.phase != phase and phase:
            markers.append((s.held_on, s.get_phase_display(), "phase"))
        phase = s.phase or phase
    events = TimelineEvent.objects.filter(course=course, happened_on__gte=course.start_date)
    markers += [(e.happened_on, "Event", "event") for e in events]
    end = course.ended_on or course.planned_end_date
    found: list[dict] = []
    for instrument_id in used:
        definition = instruments.get(instrument_id)
        points = services.history(course, instrument_id)
        if not points:
            continue
        chart = charts.build(
            f"{definition.short_name} scores",
            definition.maximum,
            [(b.low, b.high, b.label) for b in definition.bands],
            [(p.taken_on, p.total, p.response.alert_raised) for p in points],
            course.start_date,
            end,
            markers,
        )
        found.append({"instrument": definition, "chart": chart, "points": points})
    return found, markers


def mood(course: Course, markers: list) -> dict:
    """Diary and session mood ratings on one time axis, with the same rows as a table."""
    diary = list(DiaryEntry.objects.filter(course=course).values_list("entry_date", "mood"))
    sessions = list(
        Session.objects.filter(course=course)
        .exclude(mood=None)
        .order_by("held_on")
        .values_list("held_on", "mood")
    )
    rows = sorted(
        [(day, rating, "Diary") for day, rating in diary]
        + [(day, rating, "Session") for day, rating in sessions]
    )
    if not rows:
        return {"rows": []}
    chart = charts.build(
        "Mood ratings",
        10,
        [],
        [(day, rating, False) for day, rating in diary],
        course.start_date,
        course.ended_on or course.planned_end_date,
        markers,
        second=[(day, rating) for day, rating in sessions if rating is not None],
    )
    return {"rows": rows, "chart": chart}


def mood_and_people(course: Course) -> relationships.Summary | None:
    entries = DiaryEntry.objects.filter(course=course).prefetch_related("interactions__person")
    days = [
        relationships.Day(
            entry.entry_date,
            entry.mood,
            sum(1 for i in entry.interactions.all() if i.is_positive),
            sum(1 for i in entry.interactions.all() if not i.is_positive),
            tuple(i.person.label for i in entry.interactions.all()),
        )
        for entry in entries
    ]
    return relationships.summarise(days) if days else None


@workspace_view
@require_http_methods(["GET", "POST"])
def course_measures(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = course_access.access_course(request, code)
    form = AssignForm(request.POST or None)
    refusals: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_instrument(
                request,
                request.user,
                course,
                form.cleaned_data["instrument"],
                form.cleaned_data["schedule"],
            )
        except Refused as refused:
            refusals = refused.messages
        else:
            messages.success(request, "The questionnaire is assigned; the client sees it when due.")
            return redirect("measures:course", code=course.code)
    held = sessions_held(course)
    scores, markers = progress(course)
    ctx = {
        "course": course,
        "client": course.client,
        "held": held,
        "position": course.position(held),
        "alerts": course_access.open_alerts(request, [course.client]),
        "tabs": TABS,
        "assignments": course.assignments.filter(is_active=True),
        "form": form,
        "refusals": refusals,
        "progress": scores,
        "mood": mood(course, markers),
        "people": mood_and_people(course),
        "goal_notes": GoalNote.objects.filter(goal__course=course).select_related("goal"),
        "low_mood": relationships.LOW_MOOD,
        "min_days": relationships.MIN_DAYS,
    }
    return render(request, "measures/course_measures.html", ctx)


@login_required
def practice_outcomes(request: AuthedRequest) -> HttpResponse:
    """Outcomes across the practice's courses, for its admins; `?format=csv` downloads them."""
    require_practice_admin(request.user)
    practice = practice_of(request.user)
    figures = outcomes.compute(services.outcome_rows(practice))
    audit.record(request, audit.Verb.VIEW, "measures.outcomes.viewed")
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="practice-outcomes.csv"'
        csv.writer(response).writerows(outcomes.csv_rows(figures))
        return response
    groups = [figures.practice, *figures.by_therapist, *figures.by_problem_area]
    ctx = {
        "figures": figures,
        "sections": [
            ("Whole practice", [figures.practice]),
            ("By therapist", figures.by_therapist),
            ("By problem area", figures.by_problem_area),
        ],
        "instrument_names": {i.id: i.short_name for i in instruments.all_instruments().values()},
        "has_groups": bool(groups),
    }
    return render(request, "measures/practice_outcomes.html", ctx)
