"""Signed links in the person's emails: cancel, reschedule, accept a proposed time.

No account is needed, so the link is the key. Each action has its own salt (a cancel link
can't be turned into a reschedule link), the link names the call by code only, it stops
working when the call is over (or the proposed time has started), and it works once:
services claim `link.<action>` when they act on it.
"""

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from iptcare.booking.models import Claim, Consultation, Status

ACTIONS = ("cancel", "reschedule", "accept")


class LinkRefused(Exception):
    """The link can't be used; the message says why, in words for the person."""

    status = 410  # Gone: it worked once, or its time has passed


class LinkInvalid(LinkRefused):
    status = 404


def _salt(action: str) -> str:
    return f"iptcare.booking.link.{action}"


def expiry_of(consultation: Consultation, action: str) -> datetime:
    if action == "accept" and consultation.proposed_starts_at is not None:
        return consultation.proposed_starts_at
    return consultation.ends_at


def make_token(consultation: Consultation, action: str) -> str:
    assert action in ACTIONS
    expires = int(expiry_of(consultation, action).timestamp())
    return signing.dumps({"c": str(consultation.code), "x": expires}, salt=_salt(action))


def link(consultation: Consultation, action: str) -> str:
    path = reverse(f"booking:{action}", args=[make_token(consultation, action)])
    return f"{settings.SITE_URL}{path}"


def read_token(token: str, action: str, now: datetime) -> Consultation:
    """The call a link is for, or LinkRefused: forged, expired, already used or moot."""
    try:
        data = signing.loads(token, salt=_salt(action))
        code, expires = str(data["c"]), int(data["x"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkInvalid(
            "This link is not valid. Please use the link in your most recent email."
        ) from None
    consultation = Consultation.objects.select_related("profile__user").filter(code=code).first()
    if consultation is None:
        raise LinkInvalid("This link is not valid. Please use the link in your most recent email.")
    if now.timestamp() >= expires or now >= expiry_of(consultation, action):
        raise LinkRefused("This link has expired: the time it was for has passed.")
    if Claim.objects.filter(consultation=consultation, key=f"link.{action}").exists():
        raise LinkRefused("This link has already been used.")
    if consultation.status == Status.RESCHEDULED:
        raise LinkRefused("This call has moved. Please use the links in your latest email.")
    if not consultation.is_open:
        raise LinkRefused(f"This call is {consultation.get_status_display().lower()}.")
    return consultation
