"""Safety alerts: raising one about a client, and following it up to an outcome note."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from iptcare.accounts.access import AuthedRequest
from iptcare.care import access as care_access
from iptcare.course import access, safety
from iptcare.course.forms import CloseAlertForm, FollowUpForm, RaiseAlertForm, ReopenAlertForm
from iptcare.course.models import AlertSource, SafetyAlert
from iptcare.course.services import Refused
from iptcare.course.views.common import workspace_view


@workspace_view
@require_http_methods(["GET", "POST"])
def alert_create(request: AuthedRequest, code: UUID) -> HttpResponse:
    """A clinician raises a concern (protocol 13.1, 'clinician-raised')."""
    client = care_access.access_client(request, code, write=True)
    form = RaiseAlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        alert = safety.raise_safety_alert(
            client,
            AlertSource.CLINICIAN,
            form.cleaned_data["detail"],
            tier=form.cleaned_data["tier"],
            raised_by=request.user,
            request=request,
        )
        messages.success(request, "The alert is raised and sits at the top until it is closed.")
        return redirect("course:alert", code=alert.code)
    return render(request, "course/alert_form.html", {"form": form, "client": client})


def _alert_page(request, alert: SafetyAlert, **forms) -> HttpResponse:
    """The alert with its history and the next step's form; `forms` carries a form that
    was posted with errors, and `refusals`, the reasons a step was refused."""
    ctx = {
        "alert": alert,
        "client": alert.client,
        "follow_ups": alert.follow_ups.select_related("author"),
        "escalated_to": alert.escalated_to.all(),
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
        "close_form": forms.get("close_form") or CloseAlertForm(),
        "reopen_form": forms.get("reopen_form") or ReopenAlertForm(),
        "is_therapist": request.user.is_therapist,
        "refusals": forms.get("refusals", []),
    }
    return render(request, "course/alert_detail.html", ctx)


@workspace_view
def alert_detail(request: AuthedRequest, code: UUID) -> HttpResponse:
    return _alert_page(request, access.access_alert(request, code))


@workspace_view
@require_POST
def alert_acknowledge(request: AuthedRequest, code: UUID) -> HttpResponse:
    alert = access.access_alert(request, code)
    try:
        safety.acknowledge_alert(request, request.user, alert)
    except Refused as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Acknowledged. Record what you do next.")
    return redirect("course:alert", code=alert.code)


@workspace_view
@require_POST
def alert_follow_up(request: AuthedRequest, code: UUID) -> HttpResponse:
    alert = access.access_alert(request, code)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            safety.add_follow_up(
                request, request.user, alert, form.cleaned_data["action"], form.cleaned_data["text"]
            )
        except Refused as error:
            return _alert_page(request, alert, follow_up_form=form, refusals=error.messages)
        else:
            messages.success(request, "Recorded.")
            return redirect("course:alert", code=alert.code)
    return _alert_page(request, alert, follow_up_form=form)


@workspace_view
@require_POST
def alert_close(request: AuthedRequest, code: UUID) -> HttpResponse:
    alert = access.access_alert(request, code)
    form = CloseAlertForm(request.POST)
    if form.is_valid():
        try:
            safety.close_alert(
                request,
                request.user,
                alert,
                form.cleaned_data["outcome"],
                form.cleaned_data["note"],
            )
        except Refused as error:
            return _alert_page(request, alert, close_form=form, refusals=error.messages)
        else:
            messages.success(request, "The alert is closed.")
            return redirect("course:alert", code=alert.code)
    return _alert_page(request, alert, close_form=form)


@workspace_view
@require_POST
def alert_reopen(request: AuthedRequest, code: UUID) -> HttpResponse:
    alert = access.access_alert(request, code)
    form = ReopenAlertForm(request.POST)
    if form.is_valid():
        try:
            safety.reopen_alert(request, request.user, alert, form.cleaned_data["reason"])
        except Refused as error:
            return _alert_page(request, alert, reopen_form=form, refusals=error.messages)
        else:
            messages.success(request, "The alert is open again.")
            return redirect("course:alert", code=alert.code)
    return _alert_page(request, alert, reopen_form=form)
