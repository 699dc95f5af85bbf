import uuid

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import slugify

from iptcare.accounts.models import User
from iptcare.directory.vocabulary import choices, keys, to_mask
from iptcare.lib.geo import US_STATES, mask_states, state_mask, state_time_zone


@deconstructible
class VocabularyValidator:
    """Every item of a JSON list is a key of one of the fixed vocabularies."""

    def __init__(self, vocabulary_name: str):
        self.vocabulary_name = vocabulary_name

    def __call__(self, values) -> None:
        allowed = keys(self.vocabulary_name)
        unknown = [v for v in values or [] if v not in allowed]
        if unknown:
            raise ValidationError(f"Unknown {self.vocabulary_name}: {', '.join(map(str, unknown))}")

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, VocabularyValidator) and other.vocabulary_name == self.vocabulary_name
        )


class Verification(models.TextChoices):
    PENDING = "pending", "Not yet checked"
    VERIFIED = "verified", "Verified by the practice"
    REJECTED = "rejected", "Could not be verified"


# JSON list fields and the vocabulary whose bit mask mirrors each, for filtering in SQL.
MASKED_LISTS = {
    "specialties": "specialties",
    "ipt_areas": "ipt_areas",
    "populations": "populations",
    "languages": "languages",
    "insurance": "insurers",
}


class TherapistProfile(models.Model):
    """A therapist's public profile. Nothing shows until a practice admin publishes it, and
    the directory lists only therapists with IPT training on record."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(User, models.CASCADE, related_name="therapist_profile")
    slug = models.SlugField(max_length=120, unique=True)
    display_name = models.CharField(max_length=200)
    pronouns = models.CharField(max_length=40, blank=True)
    license_type = models.CharField(max_length=10, choices=choices("license_types"))

    address_line = models.CharField("office address", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, choices=US_STATES, blank=True)
    zip_code = models.CharField("ZIP code", max_length=5, blank=True)
    # From the ZIP code (iptcare/lib/geo.py); null when there is no office.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    offers_in_person = models.BooleanField(default=False)
    offers_telehealth = models.BooleanField(default=True)
    specialties = models.JSONField(default=list, validators=[VocabularyValidator("specialties")])
    ipt_areas = models.JSONField(
        "IPT problem areas worked with", default=list, validators=[VocabularyValidator("ipt_areas")]
    )
    populations = models.JSONField(default=list, validators=[VocabularyValidator("populations")])
    languages = models.JSONField(default=list, validators=[VocabularyValidator("languages")])
    insurance = models.JSONField(default=list, validators=[VocabularyValidator("insurers")])
    other_modalities = models.CharField(max_length=300, blank=True)
    fee_usd = models.PositiveIntegerField("fee per session (USD)", null=True, blank=True)
    sliding_scale = models.BooleanField(default=False)
    accepting_new_clients = models.BooleanField(default=True)
    # When the next free consultation call starts (set by the booking app from real
    # availability); None: no free call in the booking horizon. A therapist is shown as
    # taking new clients only with both this and accepting_new_clients.
    next_free_call_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Measured by the booking app from real requests, never typed in.
    reply_phrase = models.CharField(max_length=80, blank=True, editable=False)
    approach = models.TextField(blank=True, help_text="In the therapist's own words.")
    photo = models.BinaryField(null=True, blank=True, editable=False)  # re-encoded JPEG
    photo_updated_at = models.DateTimeField(null=True, blank=True)

    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    # Derived on save, for the directory's SQL: one bit per vocabulary key.
    specialty_mask = models.BigIntegerField(default=0)
    area_mask = models.BigIntegerField(default=0)
    population_mask = models.BigIntegerField(default=0)
    language_mask = models.BigIntegerField(default=0)
    insurance_mask = models.BigIntegerField(default=0)
    training_mask = models.BigIntegerField(default=0)
    verified_training_mask = models.BigIntegerField(default=0)
    licensed_mask = models.BigIntegerField(default=0)  # verified licenses, a bit per state
    is_certified = models.BooleanField(
        default=False, help_text="A verified ISIPT or IPT Institute certification."
    )

    class Meta:
        ordering = ["display_name", "id"]

    def __str__(self) -> str:
        return self.display_name

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        """Save, and rewrite the profile's Listing rows when what they copy may have
        changed: every save through the ORM keeps the directory in step."""
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or LISTING_SOURCES & set(update_fields):
            Listing.objects.filter(profile=self).delete()
            Listing.objects.bulk_create(listing_rows(self))

    def refresh_masks(self) -> None:
        self.specialty_mask = to_mask("specialties", self.specialties)
        self.area_mask = to_mask("ipt_areas", self.ipt_areas)
        self.population_mask = to_mask("populations", self.populations)
        self.language_mask = to_mask("languages", self.languages)
        self.insurance_mask = to_mask("insurers", self.insurance)

    def refresh_training_masks(self) -> None:
        credentials = list(self.credentials.values_list("kind", "status"))
        self.training_mask = to_mask("ipt_training", [kind for kind, _ in credentials])
        verified = {kind for kind, status in credentials if status == Verification.VERIFIED}
        self.verified_training_mask = to_mask("ipt_training", verified)
        self.is_certified = bool(verified & {"isipt_certified", "ipt_institute_certified"})
        states = self.licenses.filter(status=Verification.VERIFIED).values_list("state", flat=True)
        self.licensed_mask = state_mask(states)

    def make_slug(self) -> str:
        return slugify(f"{self.display_name} {self.city} {self.state} {str(self.code)[:6]}")[:120]

    @property
    def local_time_zone(self) -> str:
        """The usual zone of the office's state, to show times in."""
        return state_time_zone(self.state)

    @property
    def is_taking_new_clients(self) -> bool:
        return self.accepting_new_clients and self.next_free_call_at is not None

    @property
    def is_listed(self) -> bool:
        """Shown in the public directory: published, with IPT training on record."""
        return self.is_published and self.training_mask > 0


class Verified(models.Model):
    """A claim on a profile that a practice admin checks (services.set_verification)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        max_length=10, choices=Verification.choices, default=Verification.PENDING
    )
    verified_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    profile: TherapistProfile  # each concrete model declares its own foreign key

    class Meta:
        abstract = True


class License(Verified):
    """A state license. Only licenses a practice admin has verified count for matching."""

    profile = models.ForeignKey(TherapistProfile, models.CASCADE, related_name="licenses")
    state = models.CharField(max_length=2, choices=US_STATES)
    number = models.CharField("license number", max_length=40)

    class Meta(Verified.Meta):
        ordering = ["state"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "state"], name="one_license_per_state"),
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.number}"


class IptCredential(Verified):
    """IPT training: a course, supervised cases, a certification. A practice admin verifies."""

    profile = models.ForeignKey(TherapistProfile, models.CASCADE, related_name="credentials")
    kind = models.CharField(max_length=30, choices=choices("ipt_training"))
    detail = models.CharField(
        max_length=200, blank=True, help_text="Course or certifying body, year, number of cases."
    )

    class Meta(Verified.Meta):
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind"], name="one_credential_per_kind"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


LISTING_COVERED = [
    "accepting_new_clients",
    "telehealth_here",
    "office_here",
    "offers_in_person",
    "offers_telehealth",
    "specialty_mask",
    "area_mask",
    "language_mask",
    "insurance_mask",
    "telehealth_mask",
    "fee_usd",
    "sliding_scale",
    "latitude",
    "longitude",
]


class Listing(models.Model):
    """Where the public can find a listed profile: one national row (state "") and one row
    per state in which a person can reach the therapist, by telehealth with a verified
    license there or at the office. Each row carries a narrow copy of what searching and
    matching filter and order by, so a search reads one state's stretch of an index instead
    of every profile. Derived from the profile alone (iptcare/directory/listing.py) and
    rewritten whenever the profile is saved through the services."""

    profile = models.ForeignKey(TherapistProfile, models.CASCADE, related_name="listings")
    state = models.CharField(max_length=2, blank=True)  # "" = the national row
    telehealth_here = models.BooleanField(default=False)  # licensed here and offers video
    office_here = models.BooleanField(default=False)  # in-person office in this state

    # Copies from the profile.
    display_name = models.CharField(max_length=200)
    is_certified = models.BooleanField(default=False)
    accepting_new_clients = models.BooleanField(default=True)
    offers_in_person = models.BooleanField(default=False)
    offers_telehealth = models.BooleanField(default=True)
    specialty_mask = models.BigIntegerField(default=0)
    area_mask = models.BigIntegerField(default=0)
    language_mask = models.BigIntegerField(default=0)
    insurance_mask = models.BigIntegerField(default=0)
    telehealth_mask = models.BigIntegerField(default=0)  # licensed_mask if telehealth, else 0
    fee_usd = models.PositiveIntegerField(null=True, blank=True)
    sliding_scale = models.BooleanField(default=False)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "state"], name="listing_once_per_state"),
        ]
        # Each index's key is followed by every column a search or match filters or scores
        # on, so a scan reads the index alone (SQLite has no INCLUDE).
        indexes = [
            # The default order within a state (or nationally), and matching within one.
            models.Index(
                "state",
                F("is_certified").desc(),
                "display_name",
                "profile",
                *LISTING_COVERED,
                name="listing_order",
            ),
            # Cheapest first, within a state (or nationally), for those who list a fee.
            models.Index(
                "state",
                "fee_usd",
                "display_name",
                "profile",
                "is_certified",
                *(name for name in LISTING_COVERED if name != "fee_usd"),
                name="listing_fee",
                condition=Q(fee_usd__isnull=False),
            ),
            # Offices in a bounding box, with what matching scores them by.
            models.Index(
                "latitude",
                "longitude",
                "profile",
                "state",
                "is_certified",
                *(name for name in LISTING_COVERED if name not in ("latitude", "longitude")),
                name="listing_office",
                condition=Q(office_here=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.state or 'national'})"


LISTING_COPIED = [
    "display_name",
    "is_certified",
    "accepting_new_clients",
    "offers_in_person",
    "offers_telehealth",
    "specialty_mask",
    "area_mask",
    "language_mask",
    "insurance_mask",
    "fee_usd",
    "sliding_scale",
    "latitude",
    "longitude",
]
# The profile fields listing rows are made of.
LISTING_SOURCES = {
    *LISTING_COPIED,
    "is_published",
    "training_mask",
    "licensed_mask",
    "state",
    "next_free_call_at",
}


def listing_rows(profile, model: type = Listing) -> list:
    """Unsaved Listing rows of a profile: none unless it is listed (published, with IPT
    training); else the national row and one per state where it can be reached. Works on
    historical models too (`model` is then the migration's Listing)."""
    if not (profile.is_published and profile.training_mask > 0):
        return []
    copied = {name: getattr(profile, name) for name in LISTING_COPIED}
    # Taking new clients: said so, and with a free consultation call to book.
    copied["accepting_new_clients"] = (
        profile.accepting_new_clients and profile.next_free_call_at is not None
    )
    telehealth_mask = profile.licensed_mask if profile.offers_telehealth else 0
    copied["telehealth_mask"] = telehealth_mask
    video_states = set(mask_states(telehealth_mask))
    office_state = (
        profile.state if profile.offers_in_person and profile.latitude is not None else ""
    )
    rows = [model(profile_id=profile.pk, state="", **copied)]
    for state in sorted(video_states | ({office_state} if office_state else set())):
        rows.append(
            model(
                profile_id=profile.pk,
                state=state,
                telehealth_here=state in video_states,
                office_here=state == office_state,
                **copied,
            )
        )
    return rows
