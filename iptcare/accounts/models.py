import uuid
from datetime import timedelta
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from iptcare.accounts.crisis import validate_country


class Practice(models.Model):
    """The tenant: every therapist, admin and client belongs to exactly one practice."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64, default="America/New_York")
    contact_details = models.CharField(
        max_length=300,
        blank=True,
        help_text="How clients reach the practice between sessions: phone and hours. Shown "
        "with the crisis resources.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLIENT = "client", "Client"
    THERAPIST = "therapist", "Therapist"
    PRACTICE_ADMIN = "practice_admin", "Practice admin"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, role="", practice=None)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. `role` and `practice` go together; operators have neither.

    Operators are Django superusers who run the installation. They manage practices and
    accounts in the Django admin but see no client data.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    practice = models.ForeignKey(
        Practice, models.PROTECT, null=True, blank=True, related_name="users"
    )
    time_zone = models.CharField(max_length=64, default="America/New_York")
    is_active = models.BooleanField(default=True)  # type: ignore[misc]
    is_staff = models.BooleanField(default=False, help_text="May sign in to the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_role_needs_practice",
                condition=(Q(role="") & Q(practice__isnull=True))
                | (Q(role__in=Role.values) & Q(practice__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def is_therapist(self) -> bool:
        return self.role == Role.THERAPIST

    @property
    def is_practice_admin(self) -> bool:
        return self.role == Role.PRACTICE_ADMIN

    @property
    def is_clinical_staff(self) -> bool:
        """Therapists and practice admins: the people who must use MFA and idle out fast."""
        return self.role in (Role.THERAPIST, Role.PRACTICE_ADMIN)

    @property
    def is_operator(self) -> bool:
        return self.is_superuser and not self.role

    def has_mfa(self) -> bool:
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(user=self, type=Authenticator.Type.TOTP).exists()


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only")

    def delete(self):
        raise PermissionError("The audit log is append-only")

    _raw_delete = delete  # type: ignore[assignment]


class AuditEvent(models.Model):
    """One read or change of client data (or a security event). Append-only.

    It names the record by type and code and never holds clinical content.
    """

    class Verb(models.TextChoices):
        VIEW = "view", "View"
        CREATE = "create", "Create"
        CHANGE = "change", "Change"
        DELETE = "delete", "Delete"
        EXPORT = "export", "Export"
        LOGIN = "login", "Sign-in"
        LOGOUT = "logout", "Sign-out"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    actor_email = models.CharField(max_length=254, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    practice = models.ForeignKey(Practice, models.PROTECT, null=True, blank=True, related_name="+")
    verb = models.CharField(max_length=10, choices=Verb.choices)
    action = models.CharField(max_length=80, help_text="app.noun.verb, e.g. care.client.viewed")
    object_type = models.CharField(max_length=40, blank=True)
    object_code = models.CharField(max_length=64, blank=True, db_index=True)
    # The client a record belongs to, so one client's trail can be listed.
    client_code = models.CharField(max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    view_name = models.CharField(max_length=100, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # Matches the audit log page: one practice, newest first.
        indexes = [models.Index(fields=["practice", "-at", "-id"], name="audit_practice_at_id")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.object_code}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only")


class TokenBucket(models.Model):
    """A rate limit shared by every app server (healthchecks' TokenBucket).

    `value` is a hashed key such as "invite-<user code>"; `tokens` is the fraction of the
    allowance left, refilled linearly over `per`.
    """

    value = models.CharField(max_length=80, unique=True)
    tokens = models.FloatField(default=1.0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"bucket {self.value[:8]}"

    @classmethod
    def authorize(cls, key: str, capacity: int, per: timedelta) -> bool:
        import hashlib

        from django.db import transaction

        value = hashlib.sha256(key.encode()).hexdigest()
        now = timezone.now()
        with transaction.atomic():
            bucket, _ = cls.objects.select_for_update().get_or_create(value=value)
            elapsed = (now - bucket.updated_at).total_seconds()
            bucket.tokens = min(1.0, bucket.tokens + elapsed / per.total_seconds())
            bucket.updated_at = now
            allowed = bucket.tokens >= 1.0 / capacity
            if allowed:
                bucket.tokens -= 1.0 / capacity
            bucket.save(update_fields=["tokens", "updated_at"])
        return allowed


class Audience(models.TextChoices):
    ALL = "all", "Everyone"
    YOUNG_PEOPLE = "young_people", "Young people"
    VETERANS = "veterans", "Veterans"
    PERINATAL = "perinatal", "Pregnant and new parents"
    LGBTQ = "lgbtq", "LGBTQ+ people"
    OTHER = "other", "Other (see notes)"


class CrisisResource(models.Model):
    """One crisis service a practice's clients can reach, per country (protocol 13.5).
    Practice-maintained: iptcare/accounts/crisis.py seeds it and lists what needs review."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, models.CASCADE, related_name="crisis_resources")
    country = models.CharField(
        max_length=2,
        validators=[validate_country],
        help_text="ISO 3166-1 two-letter code: US, GB (United Kingdom), IE, CA...",
    )
    region = models.CharField(max_length=100, blank=True, help_text="Optional: state, province.")
    service_name = models.CharField(max_length=200)
    phone = models.CharField("phone number", max_length=40, blank=True)
    text_number = models.CharField("text (SMS) number", max_length=40, blank=True)
    chat_url = models.URLField("chat web address", blank=True)
    languages = models.CharField(max_length=200, blank=True)
    hours = models.CharField(max_length=200, blank=True, help_text="For example 24/7.")
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.ALL)
    notes = models.CharField(max_length=300, blank=True, help_text="Shown to clients.")
    emergency_number = models.CharField(
        "emergency number for the country", max_length=20, help_text="For example 911, 999, 112."
    )
    verified_at = models.DateField("verified on", null=True, blank=True)
    verified_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["country", "region", "service_name"]
        constraints = [
            models.CheckConstraint(
                name="crisis_resource_has_contact",
                condition=~Q(phone="") | ~Q(text_number="") | ~Q(chat_url=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_name} ({self.country})"

    def clean(self) -> None:
        super().clean()
        if not (self.phone or self.text_number or self.chat_url):
            raise ValidationError(
                "Give at least one way to reach the service: a phone number, a text number "
                "or a chat web address."
            )
