"""FHIR JSON for signed-in staff: the instruments, and one client's questionnaire record."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from iptcare.accounts import audit
from iptcare.accounts.access import AuthedRequest, require_clinical_staff
from iptcare.course import access as course_access
from iptcare.interop import fhir
from iptcare.measures import instruments
from iptcare.measures.models import Response, ResponseStatus

FHIR_JSON = "application/fhir+json"


@login_required
def questionnaire(request: AuthedRequest, instrument_id: str) -> HttpResponse:
    require_clinical_staff(request.user)
    if instrument_id not in instruments.all_instruments():
        raise Http404("No such questionnaire")
    resource = fhir.questionnaire(instruments.get(instrument_id))
    return HttpResponse(resource.model_dump_json(exclude_none=True), content_type=FHIR_JSON)


@login_required
def client_bundle(request: AuthedRequest, code: UUID) -> HttpResponse:
    """Answers are clinical: the client's own therapists only, as for the course."""
    client = course_access.access_client_for_course(request, code)
    responses = list(
        Response.objects.filter(course__client=client, status=ResponseStatus.SUBMITTED)
        .select_related("course__client")
        .order_by("submitted_at", "id")
    )
    bundle = fhir.client_bundle(client, responses)
    audit.record(request, audit.Verb.EXPORT, "interop.fhir_bundle.exported", client)
    return HttpResponse(bundle.model_dump_json(exclude_none=True), content_type=FHIR_JSON)
