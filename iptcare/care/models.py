import uuid

from django.db import models
from django.utils import timezone

from iptcare.accounts.models import Practice, User
from iptcare.lib.crypto import EncryptedTextField
from iptcare.lib.geo import US_STATES


class Client(models.Model):
    """A person in treatment at a practice. Seen only by their own therapists and the
    practice's admins (iptcare/care/access.py); every read and change is audited."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, models.PROTECT, related_name="clients")
    user = models.OneToOneField(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="client_record",
        help_text="The client's own sign-in for the portal, once invited.",
    )
    therapists = models.ManyToManyField(User, related_name="caseload", blank=True)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    state = models.CharField("state of residence", max_length=2, choices=US_STATES, blank=True)
    presenting_concerns = EncryptedTextField(
        blank=True, help_text="What brings the client, in the therapist's words."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_client_code(self) -> uuid.UUID:
        return self.code


class Note(models.Model):
    """A therapist's progress note on a client. Readable by the client's therapists only;
    editable by its author only."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, models.PROTECT, related_name="+")
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note {self.code}"

    @property
    def practice_id(self) -> int:
        return self.client.practice_id

    @property
    def audit_client_code(self) -> uuid.UUID:
        return self.client.code
