"""The .ics attached to booking emails (RFC 5545 and iTIP's METHOD), made with icalendar.

One UID per call for its whole life, SEQUENCE raised whenever its time moves, and times
given in the recipient's zone with a VTIMEZONE, so calendar apps update the same event.
"""

from datetime import datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress

from iptcare.booking.models import Consultation, Status

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def calendar_bytes(
    consultation: Consultation,
    *,
    method: str,
    zone_name: str,
    summary: str,
    description: str,
    attendee: str,
    now: datetime,
) -> bytes:
    zone = ZoneInfo(zone_name)
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", consultation.uid)
    event.add("sequence", consultation.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", consultation.starts_at.astimezone(zone))
    event.add("dtend", consultation.ends_at.astimezone(zone))
    event.add("summary", summary)
    event.add("description", description)
    if method == CANCEL:
        status = "CANCELLED"
    elif consultation.status == Status.CONFIRMED:
        status = "CONFIRMED"
    else:
        status = "TENTATIVE"
    event.add("status", status)
    organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = settings.SITE_NAME
    event.add("organizer", organizer)
    event.add("attendee", vCalAddress(f"mailto:{attendee}"))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
