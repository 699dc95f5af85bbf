from datetime import timedelta

from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.directory import services
from iptcare.directory.models import IptCredential, License, TherapistProfile, Verification


def make_profile(
    user: User,
    *,
    states=("CA",),
    training=("ipt_course",),
    verified=True,
    published=True,
    free_call_in: timedelta | None = timedelta(days=2),
    **fields,
) -> TherapistProfile:
    """A profile with licenses and IPT training; by default with a free consultation call
    in two days (as the booking app records it), so that it counts as taking clients."""
    defaults = {
        "display_name": user.name or user.email,
        "license_type": "LCSW",
        "offers_telehealth": True,
        "offers_in_person": False,
        "languages": ["en"],
        "specialties": ["depression"],
        "ipt_areas": [],
        "fee_usd": 120,
    }
    defaults.update(fields)
    profile = TherapistProfile(user=user, is_published=published, **defaults)
    if published:
        profile.published_at = timezone.now()
    services.prepare(profile)
    profile.save()
    status = Verification.VERIFIED if verified else Verification.PENDING
    for n, state in enumerate(states):
        License.objects.create(profile=profile, state=state, number=f"T-{n}", status=status)
    for kind in training:
        IptCredential.objects.create(profile=profile, kind=kind, status=status)
    services.refresh_training(profile)
    if free_call_in is not None:
        services.record_free_calls({profile.pk: timezone.now() + free_call_in})
        profile.refresh_from_db()
    return profile
