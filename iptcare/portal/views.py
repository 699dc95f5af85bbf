"""The client portal: a client's own pages. They take no ids; the record is the user's own."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from iptcare.accounts.access import AuthedRequest
from iptcare.care.access import own_client_record


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    client = own_client_record(request)
    ctx = {"client": client, "therapists": client.therapists.order_by("name")}
    return render(request, "portal/home.html", ctx)
