from django.urls import path

from iptcare.accounts import views

app_name = "practice"
urlpatterns = [
    path("", views.practice_home, name="home"),
    path("audit/", views.audit_log, name="audit-log"),
    path("staff/invite/", views.staff_invite, name="staff-invite"),
    path("staff/<uuid:code>/active/", views.staff_set_active, name="staff-set-active"),
]
