"""What every page of the course workspace shows: the client, where the course is, the
tabs, and open safety alerts at the top until they are closed."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required

from iptcare.accounts.access import AuthedRequest
from iptcare.course import access, services
from iptcare.course.models import Course
from iptcare.course.services import Refused
from iptcare.lib.timezones import in_users_time_zone

TABS = [
    ("course", "Overview"),
    ("inventory", "Inventory"),
    ("timeline", "Timeline"),
    ("formulation", "Formulation"),
    ("contract", "Contract"),
    ("termination", "Termination"),
]


def workspace_view[F: Callable](view: F) -> F:
    """Signed in, and run in the user's own time zone."""
    return login_required(in_users_time_zone(view))  # type: ignore[return-value]


def workspace(request: AuthedRequest, course: Course, tab: str = "") -> dict:
    held = services.sessions_held(course)
    return {
        "course": course,
        "client": course.client,
        "held": held,
        "position": course.position(held),
        "tab": tab,
        "tabs": TABS,
        "alerts": access.open_alerts(request, [course.client]),
    }


def refuse(form, error: Refused) -> None:
    """Show the service's reasons on the form, above its fields."""
    for message in error.messages:
        form.add_error(None, message)
