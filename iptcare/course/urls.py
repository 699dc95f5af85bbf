from django.urls import path

from iptcare.course.views import courses, safety, sessions, tools

app_name = "course"
urlpatterns = [
    path("clients/<uuid:code>/courses/new/", courses.course_create, name="course-create"),
    path("courses/<uuid:code>/", courses.course_detail, name="course"),
    path("courses/<uuid:code>/edit/", courses.course_edit, name="course-edit"),
    path("courses/<uuid:code>/move/", courses.course_move, name="course-move"),
    path("courses/<uuid:code>/export/", courses.course_export, name="course-export"),
    path("courses/<uuid:code>/formulation/", courses.formulation, name="formulation"),
    path("courses/<uuid:code>/focus/new/", courses.focus_create, name="focus-create"),
    path("focus/<uuid:code>/", courses.focus_edit, name="focus-edit"),
    path("courses/<uuid:code>/contract/", courses.contract, name="contract"),
    path("courses/<uuid:code>/contract/new/", courses.contract_new, name="contract-new"),
    path("courses/<uuid:code>/contract/print/", courses.contract_print, name="contract-print"),
    path("courses/<uuid:code>/termination/", courses.termination, name="termination"),
    path(
        "courses/<uuid:code>/termination/print/",
        courses.termination_print,
        name="termination-print",
    ),
    path("courses/<uuid:code>/inventory/", tools.inventory, name="inventory"),
    path("courses/<uuid:code>/inventory/new/", tools.person_create, name="person-create"),
    path("people/<uuid:code>/", tools.person_edit, name="person-edit"),
    path("people/<uuid:code>/circle/", tools.person_ring, name="person-ring"),
    path("courses/<uuid:code>/circle/", tools.circle_print, name="circle-print"),
    path("courses/<uuid:code>/circle/snapshot/", tools.circle_snapshot, name="circle-snapshot"),
    path("courses/<uuid:code>/timeline/", tools.timeline, name="timeline"),
    path("courses/<uuid:code>/timeline/new/", tools.event_create, name="event-create"),
    path("timeline/<uuid:code>/", tools.event_edit, name="event-edit"),
    path("courses/<uuid:code>/sessions/new/", sessions.session_create, name="session-create"),
    path("sessions/<uuid:code>/", sessions.session_detail, name="session"),
    path(
        "sessions/<uuid:code>/psychotherapy-note/",
        sessions.psychotherapy_note,
        name="psychotherapy-note",
    ),
    path("clients/<uuid:code>/alerts/new/", safety.alert_create, name="alert-create"),
    path("alerts/<uuid:code>/", safety.alert_detail, name="alert"),
    path("alerts/<uuid:code>/acknowledge/", safety.alert_acknowledge, name="alert-acknowledge"),
    path("alerts/<uuid:code>/follow-up/", safety.alert_follow_up, name="alert-follow-up"),
    path("alerts/<uuid:code>/close/", safety.alert_close, name="alert-close"),
    path("alerts/<uuid:code>/reopen/", safety.alert_reopen, name="alert-reopen"),
]
