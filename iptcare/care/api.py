from datetime import date
from uuid import UUID

from ninja import Router, Schema
from ninja.security import django_auth

from iptcare.accounts.access import AuthedRequest
from iptcare.care import access

router = Router(auth=django_auth, tags=["clients"])


class ClientOut(Schema):
    code: UUID
    name: str
    state: str
    date_of_birth: date | None


@router.get("/clients", response=list[ClientOut], url_name="client-list")
def list_clients(request: AuthedRequest):
    """The signed-in staff member's clients (a therapist's caseload, an admin's practice)."""
    return list(access.list_clients(request)[:500])


@router.get("/clients/{code}", response=ClientOut, url_name="client-detail")
def get_client(request: AuthedRequest, code: UUID):
    return access.access_client(request, code)
