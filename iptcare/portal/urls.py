from django.urls import path

from iptcare.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("diary/", views.diary, name="diary"),
    path("progress/", views.progress, name="progress"),
    path("goals/", views.goals, name="goals"),
    path("questionnaires/<uuid:code>/", views.questionnaire, name="questionnaire"),
    path("answers/<uuid:code>/", views.questionnaire_done, name="questionnaire-done"),
]
