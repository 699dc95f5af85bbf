from django.urls import path

from iptcare.booking import views

app_name = "booking"
urlpatterns = [
    path("therapists/<slug:slug>/book/", views.book, name="book"),
    path("book/cancel/<str:token>/", views.cancel, name="cancel"),
    path("book/reschedule/<str:token>/", views.reschedule, name="reschedule"),
    path("book/accept/<str:token>/", views.accept, name="accept"),
    path("app/consultations/", views.inbox, name="inbox"),
    path("app/consultations/<uuid:code>/", views.consultation_detail, name="consultation"),
    path("app/availability/", views.availability_edit, name="availability"),
]
