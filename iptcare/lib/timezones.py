"""Showing and reading times in the signed-in person's own time zone (`User.time_zone`).
Stored times stay in UTC; only rendering and form input use the zone."""

from collections.abc import Callable
from functools import wraps
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone


def users_zone(user) -> ZoneInfo:
    try:
        return ZoneInfo(getattr(user, "time_zone", "") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def in_users_time_zone[F: Callable](view: F) -> F:
    """Run a view, template rendering included, in the user's zone: "today", dates typed
    into forms and times on the page are theirs."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with timezone.override(users_zone(request.user)):
            return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]
