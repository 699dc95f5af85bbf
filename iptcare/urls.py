from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from iptcare import views
from iptcare.accounts.views import dashboard
from iptcare.api import api

admin.site.site_header = "iptcare operations"
# Operators sign in through allauth too, so the rate limits and MFA apply to them.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.index, name="index"),
    path("help/", views.get_help, name="get-help"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("app/", dashboard, name="dashboard"),
    path("app/", include("iptcare.care.urls")),
    path("app/", include("iptcare.course.urls")),
    path("app/", include("iptcare.measures.urls")),
    path("app/fhir/", include("iptcare.interop.urls")),
    path("practice/", include("iptcare.accounts.urls")),
    path("portal/", include("iptcare.portal.urls")),
    path("", include("iptcare.directory.urls")),
    path("", include("iptcare.booking.urls")),
    path("api/v1/", api.urls),
    path("ops/", admin.site.urls),
]
