from datetime import timedelta
from uuid import UUID

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from iptcare.accounts.access import AuthedRequest
from iptcare.accounts.models import TokenBucket
from iptcare.booking import access, availability, links, services
from iptcare.booking.emails import when
from iptcare.booking.forms import (
    BookingForm,
    DeclineForm,
    ExceptionFormSet,
    SettingsForm,
    SlotChoiceForm,
    WindowFormSet,
    ZoneForm,
)
from iptcare.booking.models import Consultation, ConsultationSettings, Status
from iptcare.booking.slots import group_by_day
from iptcare.booking.zones import default_zone
from iptcare.directory import access as directory_access
from iptcare.lib.http import client_ip


def _zone_of(request: HttpRequest, default: str) -> str:
    form = ZoneForm(request.GET if request.GET.get("tz") else {"tz": default})
    return form.cleaned_data["tz"] if form.is_valid() else default


def _therapist_zone(profile) -> str:
    settings = ConsultationSettings.objects.filter(profile=profile).first()
    return settings.time_zone if settings else default_zone(profile.state, profile.user.time_zone)


@never_cache
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, slug: str) -> HttpResponse:
    """Pick a free time and ask for a call. No account: the emailed links manage it."""
    profile = directory_access.listed_profile(slug)
    therapist_zone = _therapist_zone(profile)
    zone = _zone_of(request, therapist_zone)
    form = BookingForm(request.POST or None, initial={"tz": zone})
    refusal, status, alternatives = "", 200, []
    if request.method == "POST":
        valid = form.is_valid()
        zone = form.cleaned_data.get("tz") or zone
        refused = _rate_limited(request)
        if refused:
            refusal, status = refused, 429
        elif form.is_bot:
            # Answer a bot as if it had worked, and keep nothing.
            return render(request, "booking/book_done.html", {"profile": profile})
        elif valid:
            data = form.cleaned_data
            person = services.Person(
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                state=data["state"],
                message=data["message"],
                time_zone=zone,
            )
            digest = services.email_digest(person.email)
            per_day = django_settings.BOOKING_REQUESTS_PER_EMAIL_PER_DAY
            if not TokenBucket.authorize(f"book-email-{digest}", per_day, timedelta(days=1)):
                refusal, status = "Too many requests from this email address today.", 429
            else:
                try:
                    consultation = services.book_consultation(
                        request, profile, data["starts_at"], person
                    )
                except services.BookingRefused as error:
                    refusal, alternatives = str(error), error.alternatives
                    status = 409 if isinstance(error, services.SlotTaken) else 200
                else:
                    ctx = {
                        "profile": profile,
                        "when": when(consultation.starts_at, zone),
                        "email": consultation.email,
                    }
                    return render(request, "booking/book_done.html", ctx)
    accepting = profile.accepting_new_clients
    free = availability.free_slots(profile) if accepting else []
    ctx = {
        "profile": profile,
        "form": form,
        "zone_form": ZoneForm(initial={"tz": zone}),
        "zone": zone,
        "therapist_zone": therapist_zone,
        "days": group_by_day(free, zone),
        "accepting": accepting,
        "refusal": refusal,
        "alternatives": [when(s.starts_at, zone) for s in alternatives],
        "chosen": request.POST.get("slot", ""),
        # The page's script may switch to the browser's zone only on a first, plain look.
        "detect_zone": request.method == "GET" and not request.GET.get("tz"),
    }
    return render(request, "booking/book.html", ctx, status=status)


def _rate_limited(request: HttpRequest) -> str:
    per_hour = django_settings.BOOKING_ATTEMPTS_PER_IP_PER_HOUR
    address = client_ip(request) or "unknown"
    if not TokenBucket.authorize(f"book-ip-{address}", per_hour, timedelta(hours=1)):
        return "Too many booking attempts from your connection. Please try again in an hour."
    return ""


def _link_refused(request: HttpRequest, error: links.LinkRefused) -> HttpResponse:
    return render(request, "booking/link_refused.html", {"reason": str(error)}, status=error.status)


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    try:
        consultation = links.read_token(token, "cancel", timezone.now())
        if request.method == "POST":
            services.cancel_consultation(request, consultation)
            return render(request, "booking/cancel_done.html", {"consultation": consultation})
    except links.LinkRefused as error:
        return _link_refused(request, error)
    except services.ActionRefused as error:
        return _link_refused(request, links.LinkRefused(str(error)))
    ctx = _person_context(consultation)
    return render(request, "booking/cancel.html", ctx)


def _person_context(consultation: Consultation) -> dict:
    return {
        "consultation": consultation,
        "profile": consultation.profile,
        "when": when(consultation.starts_at, consultation.person_time_zone),
        "is_open": consultation.is_open,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    try:
        consultation = links.read_token(token, "reschedule", now)
    except links.LinkRefused as error:
        return _link_refused(request, error)
    zone = consultation.person_time_zone
    free = availability.free_slots(consultation.profile, now)
    form = SlotChoiceForm(request.POST or None, free=free, zone_name=zone)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            new = services.move_consultation(request, consultation, form.starts_at(), now)
        except (services.BookingRefused, services.ActionRefused) as error:
            refusal = str(error)
        except links.LinkRefused as error:
            return _link_refused(request, error)
        else:
            ctx = {"profile": new.profile, "when": when(new.starts_at, zone), "moved": True}
            return render(request, "booking/book_done.html", ctx)
    ctx = {
        **_person_context(consultation),
        "form": form,
        "days": group_by_day(free, zone),
        "zone": zone,
        "refusal": refusal,
    }
    return render(request, "booking/reschedule.html", ctx)


@never_cache
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The person takes the time the therapist proposed."""
    now = timezone.now()
    try:
        consultation = links.read_token(token, "accept", now)
    except links.LinkRefused as error:
        return _link_refused(request, error)
    proposed = consultation.proposed_starts_at
    zone = consultation.person_time_zone
    refusal = ""
    if proposed is not None and request.method == "POST":
        try:
            new = services.move_consultation(
                request, consultation, proposed, now, accepted_proposal=True
            )
        except (services.BookingRefused, services.ActionRefused) as error:
            refusal = str(error)
        except links.LinkRefused as error:
            return _link_refused(request, error)
        else:
            ctx = {"profile": new.profile, "when": when(new.starts_at, zone), "confirmed": True}
            return render(request, "booking/book_done.html", ctx)
    ctx = {
        **_person_context(consultation),
        "proposed_when": when(proposed, zone) if proposed else "",
        "refusal": refusal,
    }
    return render(request, "booking/accept.html", ctx)


# The therapist's side ------------------------------------------------------------------


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    profile = access.therapist_profile(request)
    now = timezone.now()
    zone = _therapist_zone(profile) if profile else request.user.time_zone
    recent = access.list_consultations(request).filter(starts_at__gte=now - timedelta(days=30))
    rows = [(c, when(c.starts_at, zone)) for c in recent.order_by("starts_at")]
    ctx = {
        "profile": profile,
        "zone": zone,
        "waiting": [r for r in rows if r[0].status == Status.REQUESTED and r[0].ends_at > now],
        "upcoming": [r for r in rows if r[0].status == Status.CONFIRMED and r[0].ends_at > now],
        "past": [
            r
            for r in rows
            if not (r[0].status in (Status.REQUESTED, Status.CONFIRMED) and r[0].ends_at > now)
        ][::-1],
        "summary": services.summaries([profile.pk]).get(profile.pk) if profile else None,
        "stats": services.response_stats(profile) if profile else None,
    }
    return render(request, "booking/inbox.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def consultation_detail(request: AuthedRequest, code: UUID) -> HttpResponse:
    consultation = access.access_consultation(request, code)
    now = timezone.now()
    zone = _therapist_zone(consultation.profile)
    can_propose = consultation.is_open and consultation.ends_at > now
    free = availability.free_slots(consultation.profile, now) if can_propose else []
    data = request.POST or None
    action = request.POST.get("action", "")
    decline_form = DeclineForm(data if action == "decline" else None, prefix="decline")
    propose_form = SlotChoiceForm(
        data if action == "propose" else None, free=free, zone_name=zone, prefix="propose"
    )
    error = ""
    if request.method == "POST":
        try:
            done = _act(request, consultation, action, decline_form, propose_form)
        except services.ActionRefused as refusal:
            error = str(refusal)
        else:
            if done:
                messages.success(request, done)
                return redirect("booking:consultation", code=consultation.code)
            if action not in ("decline", "propose"):
                error = "Choose what to do with this request."
    ctx = {
        "consultation": consultation,
        "zone": zone,
        "when": when(consultation.starts_at, zone),
        "person_when": when(consultation.starts_at, consultation.person_time_zone),
        "proposed_when": when(consultation.proposed_starts_at, zone)
        if consultation.proposed_starts_at
        else "",
        "decline_form": decline_form,
        "propose_form": propose_form,
        "can_propose": can_propose and bool(free),
        "can_complete": consultation.status == Status.CONFIRMED and consultation.starts_at <= now,
        "error": error,
    }
    return render(request, "booking/consultation_detail.html", ctx)


def _act(request: AuthedRequest, consultation, action, decline_form, propose_form) -> str:
    """Run the chosen action; its success message, or '' when a form has errors."""
    user = request.user
    if action == "confirm":
        services.confirm_consultation(request, user, consultation)
        return "Confirmed. The person has been emailed."
    if action == "decline" and decline_form.is_valid():
        services.decline_consultation(
            request, user, consultation, decline_form.cleaned_data["note"]
        )
        return "Declined. The person has been emailed."
    if action == "propose" and propose_form.is_valid():
        services.propose_time(request, user, consultation, propose_form.starts_at())
        return "The person has been emailed your proposed time."
    if action == "complete":
        services.complete_consultation(request, user, consultation)
        return "Marked as done."
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def availability_edit(request: AuthedRequest) -> HttpResponse:
    profile = access.therapist_profile(request)
    if profile is None:
        return render(request, "booking/availability_form.html", {"profile": None})
    settings = ConsultationSettings.objects.filter(profile=profile).first()
    if settings is None:
        zone = default_zone(profile.state, request.user.time_zone)
        settings = ConsultationSettings(profile=profile, time_zone=zone)
    data = request.POST or None
    today = timezone.now().date()
    settings_form = SettingsForm(data, instance=settings)
    windows = WindowFormSet(data, instance=profile, prefix="windows")
    exceptions = ExceptionFormSet(
        data,
        instance=profile,
        prefix="exceptions",
        queryset=profile.availability_exceptions.filter(on_date__gte=today - timedelta(days=1)),
    )
    forms = (settings_form, windows, exceptions)
    if request.method == "POST" and all(f.is_valid() for f in forms):
        services.save_availability(request, request.user, profile, forms)
        messages.success(request, "Your availability was saved.")
        return redirect("booking:availability")
    zone = settings.time_zone
    soonest = availability.free_slots(profile, limit=5) if settings.pk else []
    ctx = {
        "profile": profile,
        "settings_form": settings_form,
        "windows": windows,
        "exceptions": exceptions,
        "soonest": [when(s.starts_at, zone) for s in soonest],
    }
    return render(request, "booking/availability_form.html", ctx)
