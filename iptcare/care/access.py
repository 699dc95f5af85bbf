"""The only way to load clinical records. Every view and API endpoint that shows or
changes client data calls a function here; none filters by practice or caseload itself.

    who                      a client's record            a progress note
    ----------------------   --------------------------   ------------------------------
    client's own therapist   read, change                 read; change if the author
    other therapist          404                          404
    practice admin           read, change                 403 (notes are for therapists)
    the client (portal)      own record via portal only   never
    other practice, anyone   404                          404
    operator (superuser)     403                          403
    anonymous                sign-in redirect             sign-in redirect

A record outside the user's practice or caseload is a 404, so ids reveal nothing; a role
that is too weak is a 403. Every successful load writes an audit row before the caller
sees the record.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from iptcare.accounts import audit
from iptcare.accounts.access import (
    AuthedRequest,
    practice_of,
    require_client,
    require_clinical_staff,
)
from iptcare.accounts.models import User
from iptcare.care.models import Client, Note


def visible_clients(user: User) -> QuerySet[Client]:
    """The clients this staff member may see: a therapist's caseload, an admin's practice."""
    require_clinical_staff(user)
    clients = Client.objects.filter(practice=practice_of(user))
    if user.is_therapist:
        clients = clients.filter(therapists=user)
    return clients


def list_clients(request: AuthedRequest) -> QuerySet[Client]:
    """`visible_clients` for a page or endpoint that shows the list: the listing is audited."""
    clients = visible_clients(request.user)
    audit.record(request, audit.Verb.VIEW, "care.client.listed")
    return clients


def access_client(request: AuthedRequest, code: UUID, *, write: bool = False) -> Client:
    client = visible_clients(request.user).filter(code=code).first()
    if client is None:
        raise Http404("No such client")
    audit.record(request, audit.Verb.VIEW, "care.client.viewed", client)
    return client


def visible_notes(user: User, client: Client) -> QuerySet[Note]:
    """Notes on a client this user may read: none for admins, all for the client's therapists.

    `client` must come from `access_client`.
    """
    if not user.is_therapist:
        return Note.objects.none()
    return client.notes.select_related("author")


def may_write_notes(user: User) -> bool:
    return user.is_therapist


def access_note(request: AuthedRequest, code: UUID, *, write: bool = False) -> Note:
    user = request.user
    require_clinical_staff(user)
    note = (
        Note.objects.select_related("client", "client__practice", "author")
        .filter(code=code, client__practice=practice_of(user))
        .first()
    )
    if note is None:
        raise Http404("No such note")
    if not user.is_therapist:
        raise PermissionDenied("Progress notes are for the client's therapists.")
    if not note.client.therapists.filter(pk=user.pk).exists():
        raise Http404("No such note")
    if write and note.author_id != user.pk:
        raise PermissionDenied("Only the author of a note may change it.")
    audit.record(request, audit.Verb.VIEW, "care.note.viewed", note)
    return note


def own_client_record(request: AuthedRequest) -> Client:
    """The signed-in client's own record, for the portal (which takes no ids at all)."""
    require_client(request.user)
    client = Client.objects.select_related("practice").filter(user=request.user).first()
    if client is None:
        raise Http404("No client record is linked to this account")
    audit.record(request, audit.Verb.VIEW, "portal.client.viewed", client)
    return client
