"""Use cases on accounts: inviting and deactivating a practice's staff."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction

from iptcare.accounts import audit
from iptcare.accounts.access import practice_of
from iptcare.accounts.models import Role, TokenBucket, User
from iptcare.accounts.tasks import send_staff_invitation

STAFF_ROLES = (Role.THERAPIST, Role.PRACTICE_ADMIN)
INVITES_PER_HOUR = 20


class InviteRefused(ValueError):
    """The invitation can't be sent; the message says why, in words for the admin."""


def invite_staff(request, admin: User, *, name: str, email: str, role: str) -> User:
    if role not in STAFF_ROLES:
        raise InviteRefused("Choose therapist or practice admin.")
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        # Said plainly to the admin: the address is already someone's account.
        raise InviteRefused("There is already an account with this email address.")
    if not TokenBucket.authorize(f"invite-{admin.code}", INVITES_PER_HOUR, timedelta(hours=1)):
        raise InviteRefused("Too many invitations in the last hour. Please try again later.")
    practice = practice_of(admin)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email, None, name=name, role=role, practice=practice, time_zone=practice.time_zone
            )
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
            audit.record(request, audit.Verb.CREATE, "accounts.user.invited", user, actor=admin)
            transaction.on_commit(lambda: send_staff_invitation.enqueue(str(user.code)))
    except IntegrityError:
        # Two invitations of one address at once: the unique email lets one through.
        raise InviteRefused("There is already an account with this email address.") from None
    return user


def set_staff_active(request, admin: User, user: User, *, active: bool) -> None:
    if user.pk == admin.pk:
        raise InviteRefused("You can't deactivate your own account.")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        action = "accounts.user.reactivated" if active else "accounts.user.deactivated"
        audit.record(request, audit.Verb.CHANGE, action, user, actor=admin)
