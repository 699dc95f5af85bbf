import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

from iptcare.accounts.models import User
from iptcare.directory.vocabulary import choices, vocabulary


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    TELEHEALTH = "telehealth", "Telehealth"


@deconstructible
class VocabularyValidator:
    """Every item of a JSON list is a key of one of the fixed vocabularies."""

    def __init__(self, vocabulary_name: str):
        self.vocabulary_name = vocabulary_name

    def __call__(self, values) -> None:
        allowed = vocabulary()[self.vocabulary_name]
        unknown = [v for v in values or [] if v not in allowed]
        if unknown:
            raise ValidationError(f"Unknown {self.vocabulary_name}: {', '.join(map(str, unknown))}")

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, VocabularyValidator) and other.vocabulary_name == self.vocabulary_name
        )


class TherapistProfile(models.Model):
    """A therapist's professional profile. The directory issue builds search on it; nothing
    is public until a practice admin publishes it."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(User, models.CASCADE, related_name="therapist_profile")
    display_name = models.CharField(max_length=200)
    pronouns = models.CharField(max_length=40, blank=True)
    license_type = models.CharField(max_length=10, choices=choices("license_types"))
    license_number = models.CharField(max_length=40, blank=True)
    licensed_states = models.JSONField(default=list, help_text="US state codes, e.g. ['CA']")
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    session_formats = models.JSONField(default=list)
    ipt_training = models.JSONField(default=list, validators=[VocabularyValidator("ipt_training")])
    specialties = models.JSONField(default=list, validators=[VocabularyValidator("specialties")])
    populations = models.JSONField(default=list, validators=[VocabularyValidator("populations")])
    languages = models.JSONField(default=list)
    fee_usd = models.PositiveIntegerField(null=True, blank=True)
    sliding_scale = models.BooleanField(default=False)
    accepting_new_clients = models.BooleanField(default=True)
    approach = models.TextField(blank=True, help_text="In the therapist's own words.")
    is_published = models.BooleanField(default=False)

    class Meta:
        ordering = ["display_name", "id"]

    def __str__(self) -> str:
        return self.display_name
