from django.conf import settings
from ninja import NinjaAPI

from iptcare.care.api import router as care_router

api = NinjaAPI(
    title="iptcare API",
    version="1",
    urls_namespace="api",
    # The interactive docs are for development; the schema itself is always served.
    docs_url="/docs" if settings.DEBUG else None,
)
api.add_router("/", care_router)
