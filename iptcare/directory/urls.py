from django.urls import path

from iptcare.directory import views

app_name = "directory"
urlpatterns = [
    path("therapists/", views.search, name="search"),
    path("therapists/in/<str:state>/", views.search, name="search-state"),
    path("therapists/<slug:slug>/", views.profile_detail, name="profile"),
    path("therapists/<slug:slug>/photo.jpg", views.profile_photo, name="photo"),
    path("find/", views.match, name="match"),
    path("app/profile/", views.profile_edit, name="profile-edit"),
    path("app/profile/photo/", views.profile_photo_upload, name="profile-photo"),
    path("practice/profiles/", views.practice_profiles, name="practice-profiles"),
    path("practice/profiles/<uuid:code>/publish/", views.practice_publish, name="practice-publish"),
    path(
        "practice/licenses/<uuid:code>/verify/",
        views.practice_verify_license,
        name="practice-verify-license",
    ),
    path(
        "practice/credentials/<uuid:code>/verify/",
        views.practice_verify_credential,
        name="practice-verify-credential",
    ),
]
