import uuid
from datetime import date

from django.db import models
from django.utils import timezone

from iptcare.accounts.models import Practice, User
from iptcare.lib.crypto import EncryptedTextField
from iptcare.lib.geo import US_STATES

# EPDS is used in pregnancy and for this many months after a birth (protocol 9.2, 11.1).
EPDS_WINDOW_MONTHS = 12


class AgeGroup(models.TextChoices):
    ADULT = "adult", "Adult"
    ADOLESCENT = "adolescent", "Adolescent (IPT-A)"


class PerinatalStatus(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    PREGNANT = "pregnant", "Pregnant"
    POSTPARTUM = "postpartum", "Postpartum (within a year of a birth)"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


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
    pronouns = models.CharField(max_length=40, blank=True, help_text="For example she/her.")
    phone = models.CharField(max_length=40, blank=True)
    address = EncryptedTextField("postal address", blank=True)
    emergency_contact_name = EncryptedTextField(blank=True)
    emergency_contact_relationship = models.CharField(max_length=80, blank=True)
    emergency_contact_phone = EncryptedTextField(blank=True)
    age_group = models.CharField(
        max_length=20,
        choices=AgeGroup.choices,
        default=AgeGroup.ADULT,
        help_text="Adolescents (about 12-18) get IPT-A: its wording, a limited sick role and "
        "parents or carers at set points.",
    )
    perinatal_status = models.CharField(
        max_length=20, choices=PerinatalStatus.choices, default=PerinatalStatus.NOT_APPLICABLE
    )
    due_date = models.DateField(null=True, blank=True, help_text="When pregnant.")
    childbirth_date = models.DateField(
        "date of the birth", null=True, blank=True, help_text="When postpartum."
    )
    presenting_concerns = EncryptedTextField(
        blank=True, help_text="What brings the client, in the therapist's words."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                name="client_pregnant_has_due_date",
                condition=~models.Q(perinatal_status=PerinatalStatus.PREGNANT)
                | models.Q(due_date__isnull=False),
            ),
            models.CheckConstraint(
                name="client_postpartum_has_birth_date",
                condition=~models.Q(perinatal_status=PerinatalStatus.POSTPARTUM)
                | models.Q(childbirth_date__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_adolescent(self) -> bool:
        return self.age_group == AgeGroup.ADOLESCENT

    def age_on(self, day: date) -> int | None:
        born = self.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def is_perinatal_on(self, day: date) -> bool:
        """Pregnant, or within EPDS_WINDOW_MONTHS of a birth: the EPDS window is open."""
        if self.perinatal_status == PerinatalStatus.PREGNANT:
            return True
        if self.perinatal_status == PerinatalStatus.POSTPARTUM and self.childbirth_date:
            return (
                self.childbirth_date <= day < add_months(self.childbirth_date, EPDS_WINDOW_MONTHS)
            )
        return False

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
