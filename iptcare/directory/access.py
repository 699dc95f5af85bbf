"""Who may change which therapist profile. Public pages show only listed profiles."""

from uuid import UUID

from django.http import Http404

from iptcare.accounts.access import (
    AuthedRequest,
    practice_of,
    require_clinical_staff,
    require_practice_admin,
)
from iptcare.directory.models import IptCredential, License, TherapistProfile


def listed_profile(slug: str) -> TherapistProfile:
    profile = (
        TherapistProfile.objects.filter(is_published=True, training_mask__gt=0, slug=slug)
        .select_related("user__practice")
        .first()
    )
    if profile is None:
        raise Http404("No such therapist")
    return profile


def own_profile(request: AuthedRequest) -> TherapistProfile:
    """The signed-in therapist's own profile, made on first use (unpublished)."""
    from django.core.exceptions import PermissionDenied

    require_clinical_staff(request.user)
    if not request.user.is_therapist:
        raise PermissionDenied("Profiles are for therapists.")
    profile = TherapistProfile.objects.filter(user=request.user).first()
    if profile is None:
        from iptcare.directory import services

        profile = services.create_profile(request.user)
    return profile


def practice_profiles(request: AuthedRequest):
    require_practice_admin(request.user)
    return TherapistProfile.objects.filter(user__practice=practice_of(request.user))


def practice_profile(request: AuthedRequest, code: UUID) -> TherapistProfile:
    profile = practice_profiles(request).filter(code=code).first()
    if profile is None:
        raise Http404("No such profile")
    return profile


def practice_record[R: (License, IptCredential)](
    request: AuthedRequest, model: type[R], code: UUID
) -> R:
    """A license or IPT credential on a profile of the admin's practice (else 404)."""
    record = (
        model.objects.filter(code=code, profile__in=practice_profiles(request))
        .select_related("profile")
        .first()
    )
    if record is None:
        raise Http404("No such record")
    return record
