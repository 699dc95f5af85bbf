"""Role gates. Which *records* a user may reach is decided in iptcare/care/access.py;
this module answers the first question it asks: is this user's role allowed at all?

Rules (docs/architecture.md has the full table):
- anonymous users are sent to sign in (views use `login_required`);
- a role that is too weak gets 403;
- therapists and practice admins must have enrolled MFA before they reach client data
  (MfaRequired, which the middleware turns into a redirect to the MFA set-up page).
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from iptcare.accounts.models import Practice, User


class AuthedRequest(HttpRequest):
    """The request type of views behind `login_required`: `user` is a real User."""

    user: User


def practice_of(user: User) -> Practice:
    """The practice of a user who has passed a role gate (every role has one)."""
    if user.practice is None:
        raise PermissionDenied("This account belongs to no practice.")
    return user.practice


class MfaRequired(PermissionDenied):
    """Clinical staff must set up two-factor authentication first."""


def require_clinical_staff(user: User) -> None:
    if not user.is_authenticated or not user.is_clinical_staff:
        raise PermissionDenied("This page is for the practice's therapists and admins.")
    if not user.has_mfa():
        raise MfaRequired("Set up two-factor authentication to see client information.")


def require_practice_admin(user: User) -> None:
    require_clinical_staff(user)
    if not user.is_practice_admin:
        raise PermissionDenied("This page is for practice admins.")


def require_client(user: User) -> None:
    if not user.is_authenticated or not user.is_client:
        raise PermissionDenied("This page is for clients of the practice.")
