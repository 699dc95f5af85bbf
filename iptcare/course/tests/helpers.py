"""Small builders for course tests, on top of the cast in iptcare/test.py. They go through
the real services, so what they build obeys the same rules as the pages."""

from datetime import date, timedelta

from django.utils import timezone

from iptcare.accounts.models import User
from iptcare.care.models import Client
from iptcare.course import safety, services, sessions
from iptcare.course.checklists import Area
from iptcare.course.models import (
    AlertSource,
    Attendance,
    Course,
    FocusArea,
    InventoryPerson,
    SafetyAlert,
    Session,
    TimelineEvent,
)
from iptcare.course.protocol import Kind, Move


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def make_course(
    client: Client,
    therapist: User,
    *,
    kind: str = Kind.IPT,
    planned: int = 16,
    start: date | None = None,
    reason: str = "",
) -> Course:
    rules = {
        Kind.IPT: ("weekly", 50),
        Kind.IPC: ("weekly", 30),
        Kind.MAINTENANCE: ("monthly", 50),
    }[Kind(kind)]
    return services.start_course(
        None,
        therapist,
        client,
        {
            "kind": kind,
            "adaptation": "adult",
            "planned_sessions": planned,
            "sessions_reason": reason,
            "frequency": rules[0],
            "session_minutes": rules[1],
            "start_date": start or days_ago(200),
        },
    )


def record(course: Course, therapist: User, held_on: date, **fields) -> Session:
    values = {"held_on": held_on, "attendance": Attendance.ATTENDED, "mode": "in_person"}
    values.update(fields)
    return sessions.record_session(None, therapist, course, values)


def hold_sessions(course: Course, therapist: User, count: int, first: date | None = None):
    """`count` weekly attended sessions, the first on `first` (default: the start date)."""
    day = first or course.start_date
    held = []
    for _ in range(count):
        held.append(record(course, therapist, day, mood=5))
        day += timedelta(weeks=1)
    return held


def add_focus(course: Course, therapist: User, area: str = Area.ROLE_DISPUTE, **fields):
    values = {"goals": "Say what I need at home\nShare the night feeds"}
    values.update(fields)
    return services.add_focus_area(None, therapist, course, area, values)


def add_person(course: Course, therapist: User, label: str = "Partner", **fields):
    values = {"label": label, "relationship": "partner", "ring": 1, "contact_frequency": "daily"}
    values.update(fields)
    return services.add_person(None, therapist, course, values)


def agree_contract(course: Course, therapist: User, **fields):
    values = {
        "sessions": course.planned_sessions,
        "frequency": course.frequency,
        "session_minutes": course.session_minutes,
        "start_date": course.start_date,
        "focus": "Role dispute with partner",
        "missed_sessions": "Counts towards the agreed sessions.",
        "contact": "Call the practice; in a crisis call 988.",
        "client_part": "Come, rate mood, try new ways.",
        "measures": "PHQ-9",
        "reason": "",
        "agreed_on": timezone.localdate(),
    }
    values.update(fields)
    return services.agree_contract(None, therapist, course, values)


def to_middle(course: Course, therapist: User) -> Course:
    """Formulation, focus, contract, three sessions: the initial phase done by the book."""
    if not course.focus_areas.exists():
        add_focus(course, therapist)
    services.save_formulation(None, therapist, course, "Depressed since the birth.", None)
    agree_contract(course, therapist)
    held = services.sessions_held(course)
    if held < 3:
        hold_sessions(course, therapist, 3 - held)
    return services.move_course(None, therapist, course, Move(to="middle"))


def make_world(client: Client, therapist: User) -> dict:
    """A course under way with one of each record, for tests that need every kind of
    object (the permission matrix)."""
    course = make_course(client, therapist)
    focus = add_focus(course, therapist)
    person = add_person(course, therapist, focus_area=focus)
    session = hold_sessions(course, therapist, 1)[0]
    event = services.add_event(
        None,
        therapist,
        course,
        {
            "happened_on": days_ago(400),
            "precision": "month",
            "description": "Baby born",
            "category": "change",
            "mood": 4,
            "marks_onset": True,
        },
        [person],
    )
    alert = safety.raise_safety_alert(client, AlertSource.CLINICIAN, "Said things feel hopeless")
    return {
        "course": course,
        "focus": focus,
        "person": person,
        "session": session,
        "event": event,
        "alert": alert,
    }


def snapshot_of_courses() -> list:
    """Everything the course pages can change, to assert that nothing did."""
    return [
        list(Course.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        list(Session.objects.order_by("pk").values_list("pk", "version", "updated_at")),
        list(InventoryPerson.objects.order_by("pk").values_list("pk", "ring", "updated_at")),
        list(TimelineEvent.objects.order_by("pk").values_list("pk", "happened_on")),
        list(FocusArea.objects.order_by("pk").values_list("pk", "status", "is_primary")),
        list(SafetyAlert.objects.order_by("pk").values_list("pk", "status")),
    ]
