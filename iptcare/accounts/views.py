from datetime import datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from iptcare.accounts import audit, crisis, services
from iptcare.accounts.access import AuthedRequest, practice_of, require_practice_admin
from iptcare.accounts.forms import (
    AuditFilterForm,
    CrisisResourceForm,
    InviteStaffForm,
    PracticeContactForm,
)
from iptcare.accounts.models import AuditEvent, CrisisResource, Role, User


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """Where each role lands after signing in."""
    user = request.user
    if user.is_client:
        return redirect("portal:home")
    if user.is_practice_admin:
        return redirect("practice:home")
    if user.is_therapist:
        return redirect("care:client-list")
    if user.is_superuser:
        return redirect("admin:index")
    return render(request, "accounts/no_role.html", status=403)


@login_required
def practice_home(request: AuthedRequest) -> HttpResponse:
    require_practice_admin(request.user)
    from allauth.mfa.models import Authenticator

    has_totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    staff = (
        User.objects.filter(practice=request.user.practice)
        .exclude(role=Role.CLIENT)
        .annotate(
            has_totp=Exists(has_totp),
            caseload_size=Count("caseload", distinct=True),
        )
        .order_by("role", "name")
    )
    practice = practice_of(request.user)
    ctx = {"staff": staff, "client_count": practice.clients.count(), "practice": practice}
    return render(request, "accounts/practice_home.html", ctx)


@login_required
def audit_log(request: AuthedRequest) -> HttpResponse:
    require_practice_admin(request.user)
    practice = practice_of(request.user)
    form = AuditFilterForm(request.GET or None, practice=practice)
    events = AuditEvent.objects.filter(practice=practice).select_related("actor")
    if form.is_valid():
        data = form.cleaned_data
        zone = ZoneInfo(practice.time_zone)
        if data["actor"]:
            events = events.filter(actor=data["actor"])
        if data["verb"]:
            events = events.filter(verb=data["verb"])
        if data["record"]:
            code = str(data["record"])
            events = events.filter(Q(object_code=code) | Q(client_code=code))
        if data["since"]:
            events = events.filter(at__gte=datetime.combine(data["since"], time(), zone))
        if data["until"]:
            end = datetime.combine(data["until"] + timedelta(days=1), time(), zone)
            events = events.filter(at__lt=end)
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {"form": form, "page": page, "query": query.urlencode(), "practice": practice}
    return render(request, "accounts/audit_log.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def staff_invite(request: AuthedRequest) -> HttpResponse:
    require_practice_admin(request.user)
    form = InviteStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite_staff(request, request.user, **form.cleaned_data)
        except services.InviteRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("practice:home")
    return render(request, "accounts/staff_invite.html", {"form": form})


@login_required
@require_POST
def staff_set_active(request: AuthedRequest, code: UUID) -> HttpResponse:
    require_practice_admin(request.user)
    person = (
        User.objects.filter(practice=practice_of(request.user), code=code)
        .exclude(role=Role.CLIENT)
        .first()
    )
    if person is None:
        raise Http404("No such staff member")
    active = request.POST.get("active") == "1"
    try:
        services.set_staff_active(request, request.user, person, active=active)
    except services.InviteRefused as refusal:
        messages.error(request, str(refusal))
    else:
        verb = "can sign in again" if active else "can no longer sign in"
        messages.success(request, f"{person} {verb}.")
    return redirect("practice:home")


def _own_resource(request: AuthedRequest, code: UUID) -> CrisisResource:
    resource = CrisisResource.objects.filter(practice=practice_of(request.user), code=code).first()
    if resource is None:
        raise Http404("No such crisis resource")
    return resource


@login_required
@require_http_methods(["GET", "POST"])
def crisis_resources(request: AuthedRequest) -> HttpResponse:
    """The practice's crisis resource table (protocol 13.5), what needs review, and the
    practice's own contact details that clients see beside it."""
    require_practice_admin(request.user)
    practice = practice_of(request.user)
    form = PracticeContactForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record(request, audit.Verb.CHANGE, "accounts.practice.contact_changed", practice)
        messages.success(request, "The practice's contact details are saved.")
        return redirect("practice:crisis-resources")
    entries = practice.crisis_resources.select_related("verified_by")
    today = timezone.localdate()
    ctx = {
        "practice": practice,
        "form": form,
        "entries": entries,
        "review": crisis.review_due(entries, today),
        "gaps": crisis.gap_countries(practice),
    }
    return render(request, "accounts/crisis_resources.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def crisis_resource_add(request: AuthedRequest) -> HttpResponse:
    require_practice_admin(request.user)
    practice = practice_of(request.user)
    form = CrisisResourceForm(request.POST or None, instance=CrisisResource(practice=practice))
    if request.method == "POST" and form.is_valid():
        resource = form.save()
        audit.record(request, audit.Verb.CREATE, "accounts.crisis_resource.created", resource)
        messages.success(request, f"{resource} is added. Verify it once you have checked it.")
        return redirect("practice:crisis-resources")
    return render(request, "accounts/crisis_resource_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def crisis_resource_edit(request: AuthedRequest, code: UUID) -> HttpResponse:
    require_practice_admin(request.user)
    resource = _own_resource(request, code)
    form = CrisisResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        resource = form.save(commit=False)
        resource.updated_at = timezone.now()
        resource.save()
        audit.record(request, audit.Verb.CHANGE, "accounts.crisis_resource.changed", resource)
        messages.success(request, f"{resource} is saved.")
        return redirect("practice:crisis-resources")
    ctx = {"form": form, "resource": resource}
    return render(request, "accounts/crisis_resource_form.html", ctx)


@login_required
@require_POST
def crisis_resource_verify(request: AuthedRequest, code: UUID) -> HttpResponse:
    """The admin has checked the entry's numbers and hours today."""
    require_practice_admin(request.user)
    resource = _own_resource(request, code)
    resource.verified_at = timezone.localdate()
    resource.verified_by = request.user
    resource.save(update_fields=["verified_at", "verified_by"])
    audit.record(request, audit.Verb.CHANGE, "accounts.crisis_resource.verified", resource)
    messages.success(request, f"{resource} is marked verified today.")
    return redirect("practice:crisis-resources")
