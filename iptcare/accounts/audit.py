"""Writing the audit log. Every read and change of client data calls `record`."""

from django.db import models
from django.http import HttpRequest

from iptcare.accounts.models import AuditEvent
from iptcare.lib.http import client_ip

Verb = AuditEvent.Verb


def record(
    request: HttpRequest | None,
    verb: str,
    action: str,
    obj: models.Model | None = None,
    *,
    actor=None,
    practice=None,
    client_code: str = "",
) -> AuditEvent:
    """Append one row: who did `action` (app.noun.verb) to which record, when, from where.

    `obj` is named by model and code only; its content is never stored.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    object_type = object_code = ""
    practice_id = practice.pk if practice is not None else None
    if obj is not None:
        object_type = obj._meta.model_name or ""
        object_code = str(getattr(obj, "code", obj.pk))
        client_code = client_code or str(getattr(obj, "audit_client_code", "") or "")
        practice_id = practice_id or getattr(obj, "practice_id", None)
    if practice_id is None and actor is not None:
        practice_id = actor.practice_id
    match = getattr(request, "resolver_match", None) if request is not None else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=actor.email if actor is not None else "",
        actor_role=(actor.role or ("operator" if actor.is_superuser else "")) if actor else "",
        practice_id=practice_id,
        verb=verb,
        action=action,
        object_type=object_type,
        object_code=object_code,
        client_code=client_code,
        ip_address=client_ip(request) if request is not None else None,
        view_name=(match.view_name if match else "")[:100],
    )
