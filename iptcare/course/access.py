"""The only way to load course records. Built on care's rule for who may see a client
(`care.access.visible_clients`), so the two can't drift apart.

    who                      course workspace          safety alerts    psychotherapy notes
    ----------------------   -----------------------   --------------   -------------------
    client's own therapist   read, change              read, act        their own only
    other therapist          404                       404              404
    practice admin           403 (clinical content)    read, act        403
    the client, operator     403                       403              403
    other practice, anyone   404                       404              404

Practice admins are the practice's safety leads: alerts escalate to them (protocol 13.3),
so they can read and act on alerts, but the course's clinical content is for therapists,
like progress notes. Every successful load writes an audit row before the caller sees
the record.
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from iptcare.accounts import audit
from iptcare.accounts.access import AuthedRequest, practice_of
from iptcare.care import access as care_access
from iptcare.care.models import Client
from iptcare.course.models import (
    AlertStatus,
    Course,
    FocusArea,
    InventoryPerson,
    PsychotherapyNote,
    SafetyAlert,
    Session,
    TimelineEvent,
)

THERAPISTS_ONLY = "The course workspace is for the client's therapists."


def _load[M: Model](
    request: AuthedRequest,
    objects: QuerySet[M],
    code: UUID,
    client_path: str,
    action: str,
    *,
    admins: bool = False,
) -> M:
    """One record by code: 404 outside the user's practice or caseload, 403 for a role
    that may not see it; then the audit row."""
    user = request.user
    clients = care_access.visible_clients(user)  # the role gate, then practice and caseload
    found = objects.filter(code=code, **{f"{client_path}__practice": practice_of(user)}).first()
    if found is None:
        raise Http404("No such record")
    client: Any = found
    for step in client_path.split("__"):
        client = getattr(client, step)
    if not clients.filter(pk=client.pk).exists():
        raise Http404("No such record")
    if not admins and not user.is_therapist:
        raise PermissionDenied(THERAPISTS_ONLY)
    audit.record(request, audit.Verb.VIEW, action, found)
    return found


def access_client_for_course(request: AuthedRequest, code: UUID) -> Client:
    """A client whose therapist is about to start a course: care's loader, then the role."""
    client = care_access.access_client(request, code, write=True)
    if not request.user.is_therapist:
        raise PermissionDenied(THERAPISTS_ONLY)
    return client


def access_course(request: AuthedRequest, code: UUID, action: str = "viewed") -> Course:
    objects = Course.objects.select_related("client", "therapist", "client__practice")
    return _load(request, objects, code, "client", f"course.course.{action}")


def access_session(request: AuthedRequest, code: UUID) -> Session:
    objects = Session.objects.select_related("course", "course__client", "author", "updated_by")
    return _load(request, objects, code, "course__client", "course.session.viewed")


def access_person(request: AuthedRequest, code: UUID) -> InventoryPerson:
    objects = InventoryPerson.objects.select_related("course", "course__client")
    return _load(request, objects, code, "course__client", "course.person.viewed")


def access_event(request: AuthedRequest, code: UUID) -> TimelineEvent:
    objects = TimelineEvent.objects.select_related("course", "course__client")
    return _load(request, objects, code, "course__client", "course.timeline_event.viewed")


def access_focus_area(request: AuthedRequest, code: UUID) -> FocusArea:
    objects = FocusArea.objects.select_related("course", "course__client")
    return _load(request, objects, code, "course__client", "course.focus_area.viewed")


def own_psychotherapy_note(request: AuthedRequest, session: Session) -> PsychotherapyNote | None:
    """The signed-in therapist's own note on `session` (from `access_session`). Nobody
    else's is ever loaded, whoever asks."""
    note = PsychotherapyNote.objects.filter(session=session, author=request.user).first()
    if note is not None:
        audit.record(request, audit.Verb.VIEW, "course.psychotherapy_note.viewed", note)
    return note


def access_alert(request: AuthedRequest, code: UUID) -> SafetyAlert:
    objects = SafetyAlert.objects.select_related("client", "course", "assigned_to")
    return _load(request, objects, code, "client", "course.alert.viewed", admins=True)


def open_alerts(request: AuthedRequest, clients: QuerySet[Client] | list[Client]):
    """Open safety alerts of these clients (already loaded through care's access layer),
    urgent first. Showing them is audited like any read."""
    alerts = list(
        SafetyAlert.objects.filter(client__in=clients)
        .exclude(status=AlertStatus.CLOSED)
        .select_related("client", "assigned_to")
        .order_by("-tier", "created_at")  # "urgent" sorts after "review": descending
    )
    for alert in alerts:
        audit.record(request, audit.Verb.VIEW, "course.alert.listed", alert)
    return alerts
