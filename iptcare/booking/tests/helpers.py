from datetime import time

from iptcare.booking import services
from iptcare.booking.models import ConsultationSettings, WeeklyWindow
from iptcare.directory.models import TherapistProfile

WEEKDAYS = (0, 1, 2, 3, 4)


def offer_calls(
    profile: TherapistProfile,
    *,
    time_zone: str = "America/Los_Angeles",
    weekdays=WEEKDAYS,
    start: time = time(9),
    end: time = time(12),
    **fields,
) -> ConsultationSettings:
    """Weekday windows in the therapist's zone; defaults: 20-minute calls, 10 minutes'
    buffer, 4 a day, 12 hours' notice, 28 days ahead."""
    settings = ConsultationSettings.objects.create(profile=profile, time_zone=time_zone, **fields)
    WeeklyWindow.objects.bulk_create(
        WeeklyWindow(profile=profile, weekday=day, start_time=start, end_time=end)
        for day in weekdays
    )
    return settings


def a_person(**fields) -> services.Person:
    values = {
        "name": "Pat Example",
        "email": "pat@example.net",
        "phone": "",
        "state": "CA",
        "message": "I'd like to talk about a move.",
        "time_zone": "America/New_York",
    }
    values.update(fields)
    return services.Person(**values)


def run_due_tasks() -> list:
    """Run every queued task whose time has come, as `manage.py db_worker` would, inside the
    test's transaction (test_reminders.py also runs the real worker)."""
    from django_tasks_db.models import DBTaskResult

    values = []
    for result in DBTaskResult.objects.ready().order_by("run_after", "enqueued_at"):
        result.claim("test")
        value = result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.set_successful(value)
        values.append(value)
    return values


def make_consultation(profile: TherapistProfile, starts_at, **fields):
    """A requested call written directly, for tests about who may see it."""
    from datetime import timedelta

    from django.utils import timezone

    from iptcare.booking.models import Consultation

    values = {
        "profile": profile,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=20),
        "blocked_until": starts_at + timedelta(minutes=30),
        "uid": f"test-{starts_at:%Y%m%d%H%M}-{profile.pk}@iptcare",
        "name": "Pat Example",
        "email": "pat@example.net",
        "email_digest": services.email_digest("pat@example.net"),
        "state": "CA",
        "message": "A synthetic message",
        "person_time_zone": "America/New_York",
        "consented_at": timezone.now(),
    }
    values.update(fields)
    return Consultation.objects.create(**values)
