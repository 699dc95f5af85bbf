from django.urls import path

from iptcare.measures import views

app_name = "measures"
urlpatterns = [
    path("outcomes/", views.practice_outcomes, name="outcomes"),
    path("courses/<uuid:code>/questionnaires/", views.course_measures, name="course"),
]
