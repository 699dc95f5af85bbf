import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import slugify

from iptcare.accounts.models import User
from iptcare.directory.vocabulary import choices, keys, to_mask
from iptcare.lib.geo import US_STATES, state_mask


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
        indexes = [
            models.Index(
                fields=["latitude", "longitude"],
                name="profile_listed_location",
                condition=Q(is_published=True, accepting_new_clients=True, training_mask__gt=0),
            ),
            models.Index(
                "fee_usd",
                "display_name",
                "id",
                name="profile_listed_fee",
                condition=Q(is_published=True, training_mask__gt=0, fee_usd__isnull=False),
            ),
            # The directory's default order, over listed profiles only.
            models.Index(
                F("is_certified").desc(),
                "display_name",
                "id",
                name="profile_listed_order",
                condition=Q(is_published=True, training_mask__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

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
        indexes = [models.Index(fields=["state", "status", "profile"], name="license_state")]

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
