"""From a free call to a client: after a completed consultation call, the therapist invites
the person with one action. That creates the client record in the therapist's practice, on
their caseload, and a client account whose set-your-password link is emailed by a
background task. The IPT course itself starts from the client record."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.tasks import task
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from iptcare.accounts import audit
from iptcare.accounts.access import AuthedRequest, practice_of
from iptcare.accounts.models import Role, User
from iptcare.accounts.tasks import invitation_link
from iptcare.booking import access as booking_access
from iptcare.booking.models import Consultation, Status
from iptcare.care.models import Client


class InvitationRefused(ValueError):
    """Said to the therapist as it is; nothing was created."""


@transaction.atomic
def invite_from_consultation(request, therapist: User, consultation: Consultation) -> Client:
    """The client record and account for the person of a completed call."""
    if consultation.status != Status.COMPLETED:
        raise InvitationRefused("Mark the call as done first; then you can invite the person.")
    email = User.objects.normalize_email(consultation.email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise InvitationRefused(
            "There is already an account with this email address, so this person has been "
            "invited before (or works here). Find them in your clients."
        )
    practice = practice_of(therapist)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email, None, name=consultation.name, role=Role.CLIENT, practice=practice
            )
    except IntegrityError:
        raise InvitationRefused("There is already an account with this email address.") from None
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    client = Client.objects.create(
        practice=practice,
        user=user,
        name=consultation.name,
        email=email,
        phone=consultation.phone,
        state=consultation.state,
    )
    client.therapists.add(therapist)
    audit.record(request, audit.Verb.CREATE, "care.client.invited_from_call", client)
    transaction.on_commit(lambda: send_client_invitation.enqueue(str(user.code)))
    return client


@task
def send_client_invitation(user_code: str) -> bool:
    """Email the invited person their link. Nothing clinical in it; sends nothing once they
    have a password, so running it twice is harmless."""
    user = User.objects.select_related("practice").filter(code=user_code, is_active=True).first()
    if user is None or user.role != Role.CLIENT or user.has_usable_password():
        return False
    context = {
        "user": user,
        "practice": user.practice,
        "link": invitation_link(user),
        "site_name": settings.SITE_NAME,
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] Your invitation from {user.practice}",
        body=render_to_string("care/email/client_invitation.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("care/email/client_invitation.html", context), "text/html"
    )
    message.send()
    return True


@login_required
@require_POST
def invite_view(request: AuthedRequest, code) -> HttpResponse:
    """POST from the consultation page: the therapist's own call only (404 otherwise)."""
    consultation = booking_access.access_consultation(request, code)
    try:
        client = invite_from_consultation(request, request.user, consultation)
    except InvitationRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("booking:consultation", code=consultation.code)
    messages.success(
        request,
        f"{client.name} is now your client, and an invitation to the client portal is on "
        "its way to them.",
    )
    return redirect("care:client-detail", code=client.code)
