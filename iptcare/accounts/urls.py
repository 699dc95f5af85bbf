from django.urls import path

from iptcare.accounts import views

app_name = "practice"
urlpatterns = [
    path("", views.practice_home, name="home"),
    path("audit/", views.audit_log, name="audit-log"),
]
