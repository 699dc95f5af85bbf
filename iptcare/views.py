"""Public pages: the landing page, crisis help, and the load balancer's health check."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from iptcare.accounts import crisis
from iptcare.care.models import Client


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "index.html")


def get_help(request: HttpRequest) -> HttpResponse:
    """Crisis help for everyone. A signed-in client sees their practice's crisis resources
    for their country (protocol 13.5); anyone else the US numbers."""
    ctx = {}
    user = request.user
    if user.is_authenticated and getattr(user, "is_client", False):
        client = Client.objects.select_related("practice").filter(user=user).first()
        if client is not None:
            ctx["crisis"] = crisis.client_panel(request, client)
    return render(request, "help.html", ctx)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
