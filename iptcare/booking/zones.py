"""Time zones: validation of IANA names and the usual zone of each US state."""

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError

from iptcare.lib.geo import STATE_TIME_ZONES

# Shown first in the pickers, in this order: the zones most of our people are in.
COMMON_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
]


@cache
def all_zones() -> tuple[str, ...]:
    """Every IANA zone name this machine knows (from tzdata), sorted."""
    return tuple(sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/")))


def is_time_zone(name: str) -> bool:
    if not name or name not in all_zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def validate_time_zone(name: str) -> None:
    if not is_time_zone(name):
        raise ValidationError(f"“{name}” is not a time zone we know. Choose one from the list.")


def zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a <select>: the common US zones, then every other zone."""
    common = [(z, z.replace("_", " ")) for z in COMMON_ZONES]
    rest = [(z, z.replace("_", " ")) for z in all_zones() if z not in COMMON_ZONES]
    return [("United States", common), ("Everywhere", rest)]


def default_zone(state: str, fallback: str = "America/New_York") -> str:
    return STATE_TIME_ZONES.get(state, fallback)
