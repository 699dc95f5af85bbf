from django.urls import path

from iptcare.care import invitations, views

app_name = "care"
urlpatterns = [
    path("clients/", views.client_list, name="client-list"),
    path("clients/new/", views.client_create, name="client-create"),
    path("clients/<uuid:code>/", views.client_detail, name="client-detail"),
    path("clients/<uuid:code>/edit/", views.client_edit, name="client-edit"),
    path("clients/<uuid:code>/notes/new/", views.note_create, name="note-create"),
    path("notes/<uuid:code>/", views.note_detail, name="note-detail"),
    path("notes/<uuid:code>/edit/", views.note_edit, name="note-edit"),
    path(
        "consultations/<uuid:code>/invite/",
        invitations.invite_view,
        name="invite-from-consultation",
    ),
]
