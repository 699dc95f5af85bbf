"""Use cases on therapist profiles: editing, photos, verification and publishing."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from iptcare.accounts import audit
from iptcare.accounts.models import User
from iptcare.directory import search
from iptcare.directory.concerns import Concerns
from iptcare.directory.matching import EITHER, IN_PERSON, Match, Wishes, meets, rank
from iptcare.directory.models import (
    License,
    Listing,
    TherapistProfile,
    Verification,
    Verified,
)
from iptcare.lib.geo import Place, zip_place
from iptcare.lib.images import reencode_photo

PROFILE_FIELDS = [
    "display_name",
    "pronouns",
    "license_type",
    "address_line",
    "city",
    "state",
    "zip_code",
    "offers_in_person",
    "offers_telehealth",
    "specialties",
    "ipt_areas",
    "populations",
    "languages",
    "insurance",
    "other_modalities",
    "fee_usd",
    "sliding_scale",
    "accepting_new_clients",
    "approach",
]


def locate(profile: TherapistProfile) -> None:
    """Coordinates from the office ZIP code (none without an office)."""
    place = zip_place(profile.zip_code) if profile.zip_code else None
    profile.latitude = place.latitude if place else None
    profile.longitude = place.longitude if place else None


def prepare(profile: TherapistProfile) -> None:
    """Everything derived from the fields a person edits."""
    locate(profile)
    profile.refresh_masks()
    if not profile.slug:
        profile.slug = profile.make_slug()
    profile.updated_at = timezone.now()


@transaction.atomic
def update_profile(request, actor: User, profile: TherapistProfile, fields: dict) -> None:
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(profile, name, fields[name])
    prepare(profile)
    profile.save()
    audit.record(request, audit.Verb.CHANGE, "directory.profile.changed", profile, actor=actor)


@transaction.atomic
def set_photo(request, actor: User, profile: TherapistProfile, data: bytes | None) -> None:
    """Store a re-encoded copy of the photo (PhotoRefused if it is not one), or remove it."""
    profile.photo = reencode_photo(data) if data is not None else None
    profile.photo_updated_at = timezone.now()
    profile.save(update_fields=["photo", "photo_updated_at"])
    audit.record(request, audit.Verb.CHANGE, "directory.photo.changed", profile, actor=actor)


def refresh_training(profile: TherapistProfile) -> None:
    profile.refresh_training_masks()
    profile.save(
        update_fields=["training_mask", "verified_training_mask", "is_certified", "licensed_mask"]
    )


@transaction.atomic
def set_verification(request, admin: User, record: Verified, status: str) -> None:
    record.status = status
    record.verified_by = admin if status != Verification.PENDING else None
    record.verified_at = timezone.now() if status != Verification.PENDING else None
    record.save(update_fields=["status", "verified_by", "verified_at"])
    refresh_training(record.profile)
    noun = "license" if isinstance(record, License) else "credential"
    audit.record(
        request, audit.Verb.CHANGE, f"directory.{noun}.{status}", record.profile, actor=admin
    )


@transaction.atomic
def set_published(request, admin: User, profile: TherapistProfile, published: bool) -> None:
    profile.is_published = published
    profile.published_at = timezone.now() if published else None
    profile.save(update_fields=["is_published", "published_at"])
    action = "directory.profile.published" if published else "directory.profile.unpublished"
    audit.record(request, audit.Verb.CHANGE, action, profile, actor=admin)


@dataclass(frozen=True)
class MatchResult:
    concerns: Concerns
    matches: list[Match]
    relaxed: tuple[str, ...]  # soft wishes dropped to find anyone, in words
    suggestions: tuple[str, ...]  # how to widen the search when nobody fits


RELAXED_WORDS = {
    "preferences": "the specialties you picked",
    "insurance": "your insurance",
    "budget": "your budget",
}


def find_matches(concerns: Concerns, wishes: Wishes, place: Place | None) -> MatchResult:
    """Ranked therapists for a person. Soft wishes are met if anyone meets them; otherwise
    they are dropped one by one (and the result says which). Hard constraints never are."""
    required = {
        name
        for name, wanted in [
            ("preferences", wishes.preferences),
            ("insurance", wishes.insurance),
            ("budget", wishes.max_fee is not None),
        ]
        if wanted
    }
    relaxed: list[str] = []
    shortlist = search.candidates(concerns, wishes, place)
    while True:
        found = rank([c for c in shortlist if meets(c, wishes, required)], concerns, wishes)
        if found or not required:
            break
        drop = next(name for name in search.SOFT_WISHES if name in required)
        required.remove(drop)
        relaxed.append(RELAXED_WORDS[drop])
    suggestions: list[str] = []
    if not found:
        if wishes.format == IN_PERSON:
            suggestions.append("Include telehealth (video) sessions: IPT works well by video.")
            if wishes.radius_miles < 100:
                suggestions.append("Search a wider distance from your ZIP code.")
        if wishes.format == EITHER and place is not None and wishes.radius_miles < 100:
            suggestions.append("Search a wider distance from your ZIP code.")
        if wishes.language and wishes.language != "en":
            suggestions.append(
                "Include therapists who work in English, perhaps with an interpreter."
            )
        suggestions.append(
            "Browse the whole directory, including therapists who are not "
            "taking new clients right now."
        )
    return MatchResult(concerns, found, tuple(relaxed), tuple(suggestions))


def create_profile(user: User) -> TherapistProfile:
    profile = TherapistProfile(
        user=user,
        display_name=user.name or user.email.split("@")[0],
        license_type="LCSW",
        offers_telehealth=True,
    )
    prepare(profile)
    profile.save()
    return profile


@transaction.atomic
def save_profile_forms(request, actor: User, form, licenses, credentials) -> None:
    """Save the profile form and its license and credential formsets together. A license or
    credential the therapist changes goes back to 'not yet checked'."""
    profile = form.save(commit=False)
    prepare(profile)
    profile.save()
    for formset in (licenses, credentials):
        for record in formset.save(commit=False):
            if record.pk is None or formset_changed(formset, record):
                record.status = Verification.PENDING
                record.verified_by = None
                record.verified_at = None
            record.profile = profile
            record.save()
        for record in formset.deleted_objects:
            record.delete()
    refresh_training(profile)
    audit.record(request, audit.Verb.CHANGE, "directory.profile.changed", profile, actor=actor)


def formset_changed(formset, record) -> bool:
    return any(f.instance is record and f.has_changed() for f in formset.forms)


def record_free_calls(next_free: dict[int, datetime | None]) -> None:
    """Record, per profile id, when its next free consultation call starts (None: none in
    the booking horizon). The booking app calls this whenever availability or bookings
    change and on its periodic refresh; search and matching count a therapist as taking
    new clients only with a free call. Bulk and cheap: it touches only what changed."""
    if not next_free:
        return
    current = dict(
        TherapistProfile.objects.filter(pk__in=list(next_free)).values_list(
            "pk", "next_free_call_at"
        )
    )
    changed = [
        TherapistProfile(pk=pk, next_free_call_at=at)
        for pk, at in next_free.items()
        if pk in current and current[pk] != at
    ]
    if not changed:
        return
    opened = [p.pk for p in changed if p.next_free_call_at and current[p.pk] is None]
    closed = [p.pk for p in changed if p.next_free_call_at is None]
    with transaction.atomic():
        TherapistProfile.objects.bulk_update(changed, ["next_free_call_at"], batch_size=500)
        # The listing's copy of "taking new clients" (models.listing_rows) follows.
        Listing.objects.filter(profile_id__in=closed).update(accepting_new_clients=False)
        Listing.objects.filter(profile_id__in=opened, profile__accepting_new_clients=True).update(
            accepting_new_clients=True
        )


def record_reply_phrase(profile_id: int, phrase: str) -> None:
    """The profile's response record, measured by the booking app from real requests
    ("usually replies within a day"; empty until there are enough of them)."""
    TherapistProfile.objects.filter(pk=profile_id).update(reply_phrase=phrase)
