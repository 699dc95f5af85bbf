"""The initial phase's tools: the interpersonal inventory, the closeness circle drawn from
it, and the interpersonal timeline."""

import json
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from iptcare.accounts import audit
from iptcare.accounts.access import AuthedRequest
from iptcare.course import access, charts, services, signals
from iptcare.course.forms import PersonForm, RingForm, SnapshotForm, TimelineEventForm
from iptcare.course.models import Course, Ring
from iptcare.course.services import Refused
from iptcare.course.views.common import refuse, workspace, workspace_view


def closeness_circle(course: Course, people) -> charts.Circle:
    return charts.circle(course.client.name, [(p.label, p.ring, tuple(p.flags)) for p in people])


@workspace_view
def inventory(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code)
    people = list(course.people.select_related("focus_area", "last_edited_by"))
    ctx = workspace(request, course, "inventory")
    ctx.update(
        people=people,
        circle=closeness_circle(course, people),
        rings=Ring.choices,
        snapshot_form=SnapshotForm(),
        snapshots=[(s, json.loads(s.people)) for s in course.circle_snapshots.all()],
    )
    return render(request, "course/inventory.html", ctx)


def _person_form_page(request, course, form, person) -> HttpResponse:
    ctx = workspace(request, course, "inventory")
    ctx.update(form=form, person=person)
    return render(request, "course/person_form.html", ctx)


@workspace_view
@require_http_methods(["GET", "POST"])
def person_create(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code)
    form = PersonForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_person(request, request.user, course, form.cleaned_data)
        except Refused as error:
            refuse(form, error)
        else:
            messages.success(request, "Added to the inventory.")
            return redirect("course:inventory", code=course.code)
    return _person_form_page(request, course, form, None)


@workspace_view
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthedRequest, code: UUID) -> HttpResponse:
    person = access.access_person(request, code)
    form = PersonForm(request.POST or None, instance=person, course=person.course)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(request, request.user, person, form.cleaned_data)
        except Refused as error:
            refuse(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("course:inventory", code=person.course.code)
    return _person_form_page(request, person.course, form, person)


@workspace_view
@require_POST
def person_ring(request: AuthedRequest, code: UUID) -> HttpResponse:
    """Move a person to another circle: a plain form per person, no dragging needed."""
    person = access.access_person(request, code)
    form = RingForm(request.POST, prefix=str(person.code))
    if form.is_valid():
        services.move_person(request, request.user, person, form.cleaned_data["ring"])
        messages.success(request, f"Moved to the {Ring(person.ring).label.lower()}.")
    else:
        messages.error(request, "Choose the inner, middle or outer circle. Nothing was moved.")
    return redirect("course:inventory", code=person.course.code)


@workspace_view
@require_POST
def circle_snapshot(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code)
    form = SnapshotForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused("Choose what the snapshot is for.")
        services.take_circle_snapshot(request, request.user, course, form.cleaned_data["purpose"])
    except Refused as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Today's circle is saved, to compare with later.")
    return redirect("course:inventory", code=course.code)


@workspace_view
def circle_print(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code, action="circle_opened")
    people = list(course.people.all())
    audit.record(request, audit.Verb.EXPORT, "course.circle.printed", course)
    ctx = {
        "course": course,
        "client": course.client,
        "people": people,
        "circle": closeness_circle(course, people),
    }
    return render(request, "course/circle_print.html", ctx)


def timeline_chart(course: Course, events) -> charts.Timeline:
    moods = [
        (s.held_on, s.mood, f"Session {s.number}: mood {s.mood}")
        for s in course.sessions.filter(number__isnull=False, mood__isnull=False)
        if s.mood is not None
    ]
    scores = [
        (score.instrument, score.taken_on, score.total, score.maximum)
        for score in signals.collect(signals.course_scores, course=course)
    ]
    points = [(e.happened_on, e.description, e.mood, e.marks_onset, e.category) for e in events]
    return charts.timeline(points, moods, scores)


@workspace_view
def timeline(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code)
    events = list(course.timeline.prefetch_related("people"))
    ctx = workspace(request, course, "timeline")
    chart = timeline_chart(course, events)
    ctx.update(events=events, chart=chart)
    return render(request, "course/timeline.html", ctx)


def _event_form_page(request, course, form, event) -> HttpResponse:
    ctx = workspace(request, course, "timeline")
    ctx.update(form=form, event=event)
    return render(request, "course/event_form.html", ctx)


@workspace_view
@require_http_methods(["GET", "POST"])
def event_create(request: AuthedRequest, code: UUID) -> HttpResponse:
    course = access.access_course(request, code)
    form = TimelineEventForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        people = list(form.cleaned_data.pop("people"))
        try:
            services.add_event(request, request.user, course, form.cleaned_data, people)
        except Refused as error:
            refuse(form, error)
        else:
            messages.success(request, "Added to the timeline.")
            return redirect("course:timeline", code=course.code)
    return _event_form_page(request, course, form, None)


@workspace_view
@require_http_methods(["GET", "POST"])
def event_edit(request: AuthedRequest, code: UUID) -> HttpResponse:
    event = access.access_event(request, code)
    form = TimelineEventForm(request.POST or None, instance=event, course=event.course)
    if request.method == "POST" and form.is_valid():
        people = list(form.cleaned_data.pop("people"))
        try:
            services.update_event(request, request.user, event, form.cleaned_data, people)
        except Refused as error:
            refuse(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("course:timeline", code=event.course.code)
    return _event_form_page(request, event.course, form, event)
