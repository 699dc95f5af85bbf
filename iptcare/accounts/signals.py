from allauth.account.models import EmailAddress
from allauth.account.signals import password_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from iptcare.accounts import audit, crisis
from iptcare.accounts.models import Practice


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit.record(request, audit.Verb.LOGIN, "accounts.session.started", actor=user)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(request, audit.Verb.LOGOUT, "accounts.session.ended", actor=user)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # The address typed in is not stored: it may be a mistyped stranger's.
    if request is not None:
        audit.record(request, audit.Verb.LOGIN, "accounts.session.refused")


@receiver(password_reset)
def verify_email_on_password_reset(sender, request, user, **kwargs):
    # The reset key came by email, so using it proves the address (this is how invited
    # staff, who start without a password, confirm theirs).
    EmailAddress.objects.filter(user=user, primary=True).update(verified=True)


@receiver(post_save, sender=Practice)
def seed_crisis_resources(sender, instance, created, raw=False, **kwargs):
    # Every practice starts with the protocol's seed entries (section 13.5), however it
    # is created (the Django admin, a shell, tests).
    if created and not raw:
        crisis.seed_practice(instance)
