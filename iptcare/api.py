from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from iptcare.care.api import router as care_router
from iptcare.directory.api import router as directory_router

api = NinjaAPI(
    title="iptcare API",
    version="1",
    urls_namespace="api",
    # The interactive docs are for development; the schema itself is always served.
    docs_url="/docs" if settings.DEBUG else None,
)
api.add_router("/", care_router)
api.add_router("/", directory_router)


# The API answers in JSON, whatever the error; never an HTML page or a traceback.
@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)
