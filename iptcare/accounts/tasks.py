"""Background tasks of the accounts app. Thin: they take codes and call a function."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from iptcare.accounts.models import User


def invitation_link(user: User) -> str:
    """A set-your-password link: allauth's password-reset key, valid PASSWORD_RESET_TIMEOUT."""
    key = default_token_generator.make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    return f"{settings.SITE_URL}{path}"


@task
def send_staff_invitation(user_code: str) -> bool:
    """Email an invited staff member their link. Sends nothing once they have a password,
    so running it twice is harmless."""
    user = User.objects.select_related("practice").filter(code=user_code, is_active=True).first()
    if user is None or user.has_usable_password():
        return False
    context = {
        "user": user,
        "practice": user.practice,
        "link": invitation_link(user),
        "site_name": settings.SITE_NAME,
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] You are invited to join your practice",
        body=render_to_string("accounts/email/staff_invitation.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/staff_invitation.html", context), "text/html"
    )
    message.send()
    return True
