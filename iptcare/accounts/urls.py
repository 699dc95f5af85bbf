from django.urls import path

from iptcare.accounts import views

app_name = "practice"
urlpatterns = [
    path("", views.practice_home, name="home"),
    path("audit/", views.audit_log, name="audit-log"),
    path("staff/invite/", views.staff_invite, name="staff-invite"),
    path("staff/<uuid:code>/active/", views.staff_set_active, name="staff-set-active"),
    path("crisis-resources/", views.crisis_resources, name="crisis-resources"),
    path("crisis-resources/add/", views.crisis_resource_add, name="crisis-resource-add"),
    path("crisis-resources/<uuid:code>/", views.crisis_resource_edit, name="crisis-resource-edit"),
    path(
        "crisis-resources/<uuid:code>/verify/",
        views.crisis_resource_verify,
        name="crisis-resource-verify",
    ),
]
