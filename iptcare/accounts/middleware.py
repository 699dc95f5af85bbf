import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from iptcare.accounts.access import MfaRequired

LAST_SEEN_KEY = "iptcare.last_seen"
STARTED_KEY = "iptcare.started"


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class SessionTimeoutMiddleware:
    """Sign people out after a spell without activity (15 minutes for staff by default) and
    after SESSION_MAX_AGE whatever they do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            staff = user.is_clinical_staff or user.is_superuser
            idle = settings.STAFF_IDLE_TIMEOUT if staff else settings.CLIENT_IDLE_TIMEOUT
            last_seen = request.session.get(LAST_SEEN_KEY)
            started = request.session.setdefault(STARTED_KEY, now)
            idle_out = last_seen is not None and now - last_seen > idle.total_seconds()
            if idle_out or now - started > settings.SESSION_MAX_AGE.total_seconds():
                logout(request)
                if _wants_json(request):
                    return JsonResponse({"detail": "Your session has ended."}, status=401)
                messages.info(
                    request,
                    "For your privacy you were signed out. Please sign in again.",
                )
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class MfaRequiredMiddleware:
    """Send clinical staff without MFA to set it up instead of showing a 403, and keep
    operators out of the operations admin until they have MFA too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path.startswith("/ops/")
            and user.is_authenticated
            and user.is_superuser
            and not user.has_mfa()
        ):
            messages.warning(request, "Set up two-factor authentication to use the admin.")
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, MfaRequired) or _wants_json(request):
            return None
        messages.warning(request, str(exception))
        return redirect("mfa_activate_totp")
