"""Who may see which consultation call. A call is the therapist's own: another therapist
or practice gets 404, a practice admin or client 403 (a role without an inbox)."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from iptcare.accounts import audit
from iptcare.accounts.access import AuthedRequest, require_clinical_staff
from iptcare.booking.models import Consultation
from iptcare.directory.models import TherapistProfile


def therapist_profile(request: AuthedRequest) -> TherapistProfile | None:
    """The signed-in therapist's profile, or None before they have made one."""
    require_clinical_staff(request.user)
    if not request.user.is_therapist:
        raise PermissionDenied("Consultation calls are answered by therapists.")
    return TherapistProfile.objects.filter(user=request.user).first()


def own_consultations(request: AuthedRequest) -> QuerySet[Consultation]:
    therapist_profile(request)
    return Consultation.objects.filter(profile__user=request.user).select_related("profile__user")


def list_consultations(request: AuthedRequest) -> QuerySet[Consultation]:
    """The inbox's calls, after writing one `booking.consultation.listed` row."""
    consultations = own_consultations(request)
    audit.record(request, audit.Verb.VIEW, "booking.consultation.listed")
    return consultations


def access_consultation(request: AuthedRequest, code: UUID) -> Consultation:
    """One of the therapist's own calls, after writing `booking.consultation.viewed`."""
    consultation = own_consultations(request).filter(code=code).first()
    if consultation is None:
        raise Http404("No such consultation")
    audit.record(request, audit.Verb.VIEW, "booking.consultation.viewed", consultation)
    return consultation
