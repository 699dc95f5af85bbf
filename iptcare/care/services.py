"""Use cases on client records. Each runs in one transaction and writes its audit row."""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from iptcare.accounts import audit
from iptcare.accounts.models import Role, User
from iptcare.care.models import Client, Note

CLIENT_FIELDS = [
    "name",
    "pronouns",
    "date_of_birth",
    "age_group",
    "state",
    "email",
    "phone",
    "address",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "perinatal_status",
    "due_date",
    "childbirth_date",
    "presenting_concerns",
]


class NotInPractice(ValueError):
    """A therapist of another practice was named for a client."""


def _check_therapists(client: Client, therapists: list[User]) -> None:
    for therapist in therapists:
        if therapist.practice_id != client.practice_id or therapist.role != Role.THERAPIST:
            raise NotInPractice(f"{therapist} is not a therapist of this practice")


@transaction.atomic
def create_client(
    request: HttpRequest | None, actor: User, fields: dict, therapists: list[User]
) -> Client:
    client = Client(practice=actor.practice, **{k: fields[k] for k in CLIENT_FIELDS if k in fields})
    _check_therapists(client, therapists)
    client.save()
    client.therapists.set(therapists)
    audit.record(request, audit.Verb.CREATE, "care.client.created", client, actor=actor)
    return client


@transaction.atomic
def update_client(
    request: HttpRequest | None,
    actor: User,
    client: Client,
    fields: dict,
    therapists: list[User] | None = None,
) -> Client:
    changed = [k for k in CLIENT_FIELDS if k in fields]
    for key in changed:
        setattr(client, key, fields[key])
    client.updated_at = timezone.now()
    if therapists is not None:
        _check_therapists(client, therapists)
    client.save(update_fields=[*changed, "updated_at"])
    if therapists is not None:
        client.therapists.set(therapists)
    audit.record(request, audit.Verb.CHANGE, "care.client.changed", client, actor=actor)
    return client


@transaction.atomic
def add_note(request: HttpRequest | None, author: User, client: Client, body: str) -> Note:
    note = Note.objects.create(client=client, author=author, body=body)
    audit.record(request, audit.Verb.CREATE, "care.note.created", note, actor=author)
    return note


@transaction.atomic
def update_note(request: HttpRequest | None, author: User, note: Note, body: str) -> Note:
    note.body = body
    note.updated_at = timezone.now()
    note.save(update_fields=["body", "updated_at"])
    audit.record(request, audit.Verb.CHANGE, "care.note.changed", note, actor=author)
    return note
