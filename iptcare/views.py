"""Public pages: the landing page, crisis help, and the load balancer's health check."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "index.html")


def get_help(request: HttpRequest) -> HttpResponse:
    return render(request, "help.html")


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
