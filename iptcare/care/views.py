from typing import cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iptcare.accounts.access import AuthedRequest
from iptcare.care import access, services, signals
from iptcare.care.forms import ClientForm, NoteForm
from iptcare.care.models import Client
from iptcare.care.signals import CaseloadEntry, Panel
from iptcare.lib.timezones import in_users_time_zone


@login_required
@in_users_time_zone
def client_list(request: AuthedRequest) -> HttpResponse:
    """The caseload: a therapist's home page (an admin's list of the practice's clients).
    Clients with an open safety alert come first, then those with something overdue."""
    clients = list(access.list_clients(request).prefetch_related("therapists"))
    entries: dict[int, CaseloadEntry] = {}
    for _, found in signals.caseload_entries.send(sender=Client, request=request, clients=clients):
        entries.update(cast(dict[int, CaseloadEntry], found))
    rows = [(client, entries.get(client.pk, CaseloadEntry())) for client in clients]
    rows.sort(key=lambda row: (-row[1].urgent_alerts, -row[1].safety_alerts, not row[1].overdue))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    flagged = [row for row in rows if row[1].flagged]
    return render(request, "care/client_list.html", {"page": page, "flagged": flagged})


@login_required
@require_http_methods(["GET", "POST"])
def client_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.visible_clients(user)  # the role gate, before any form is shown
    form = ClientForm(request.POST or None, practice=user.practice)
    if request.method == "POST" and form.is_valid():
        therapists = list(form.cleaned_data["therapists"])
        if user.is_therapist and user not in therapists:
            therapists.append(user)
        client = services.create_client(request, user, form.cleaned_data, therapists)
        messages.success(request, f"{client.name} was added.")
        return redirect("care:client-detail", code=client.code)
    return render(request, "care/client_form.html", {"form": form, "client": None})


@login_required
@in_users_time_zone
def client_detail(request: AuthedRequest, code: UUID) -> HttpResponse:
    client = access.access_client(request, code)
    panels: list[Panel] = []
    for _, found in signals.client_record_panels.send(
        sender=Client, request=request, client=client
    ):
        panels.extend(cast(list[Panel], found))
    ctx = {
        "client": client,
        "top_panels": [panel for panel in panels if panel.top],
        "panels": [panel for panel in panels if not panel.top],
        "therapists": client.therapists.order_by("name"),
        "notes": access.visible_notes(request.user, client),
        "may_write_notes": access.may_write_notes(request.user),
    }
    return render(request, "care/client_detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request: AuthedRequest, code: UUID) -> HttpResponse:
    client = access.access_client(request, code, write=True)
    initial = {"therapists": client.therapists.all()}
    form = ClientForm(
        request.POST or None, instance=client, initial=initial, practice=request.user.practice
    )
    if request.method == "POST" and form.is_valid():
        therapists = list(form.cleaned_data["therapists"])
        if request.user.is_therapist and request.user not in therapists:
            # A therapist can't drop themselves by accident and lose the record mid-edit.
            therapists.append(request.user)
        services.update_client(request, request.user, client, form.cleaned_data, therapists)
        messages.success(request, "Saved.")
        return redirect("care:client-detail", code=client.code)
    return render(request, "care/client_form.html", {"form": form, "client": client})


@login_required
@require_http_methods(["GET", "POST"])
def note_create(request: AuthedRequest, code: UUID) -> HttpResponse:
    client = access.access_client(request, code, write=True)
    if not access.may_write_notes(request.user):
        raise PermissionDenied("Only the client's therapists write progress notes.")
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = services.add_note(request, request.user, client, form.cleaned_data["body"])
        messages.success(request, "Note saved.")
        return redirect("care:note-detail", code=note.code)
    return render(request, "care/note_form.html", {"form": form, "client": client, "note": None})


@login_required
def note_detail(request: AuthedRequest, code: UUID) -> HttpResponse:
    note = access.access_note(request, code)
    return render(request, "care/note_detail.html", {"note": note, "client": note.client})


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: AuthedRequest, code: UUID) -> HttpResponse:
    note = access.access_note(request, code, write=True)
    form = NoteForm(request.POST or None, initial={"body": note.body})
    if request.method == "POST" and form.is_valid():
        services.update_note(request, request.user, note, form.cleaned_data["body"])
        messages.success(request, "Note saved.")
        return redirect("care:note-detail", code=note.code)
    ctx = {"form": form, "client": note.client, "note": note}
    return render(request, "care/note_form.html", ctx)
