from django.urls import path

from iptcare.interop import views

app_name = "interop"
urlpatterns = [
    path("Questionnaire/<slug:instrument_id>", views.questionnaire, name="fhir-questionnaire"),
    path("clients/<uuid:code>/Bundle", views.client_bundle, name="fhir-client-bundle"),
]
