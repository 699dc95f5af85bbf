"""Role gates. Which *records* a user may reach is decided in iptcare/care/access.py;
this module answers the first question it asks: is this user's role allowed at all?

Rules (docs/architecture.md has the full table):
- anonymous users are sent to sign in (views use `login_required`);
- a role that is too weak gets 403;
- therapists and practice admins must have enrolled MFA before they reach client data
  (MfaRequired, which the middleware turns into a redirect to the MFA set-up page).
"""

from django.core.exceptions import PermissionDenied

from iptcare.accounts.models import User


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
