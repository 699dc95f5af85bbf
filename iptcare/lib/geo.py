"""Places: US states, ZIP codes and great-circle distances. No network: ZIP coordinates come
from the `zipcodes` package, which ships the data set inside the wheel."""

import math
import re
from dataclasses import dataclass
from functools import lru_cache

US_STATES = [
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
    ("PR", "Puerto Rico"),
]
STATE_NAMES = dict(US_STATES)
STATE_CODES = [code for code, _ in US_STATES]  # fixed order: bit i is STATE_CODES[i]


def state_mask(states) -> int:
    """A bit per state, for filtering on one integer column."""
    return sum(1 << STATE_CODES.index(s) for s in set(states) if s in STATE_CODES)


def mask_states(mask: int) -> list[str]:
    """The states of a state_mask, in STATE_CODES order."""
    return [code for i, code in enumerate(STATE_CODES) if mask >> i & 1]


EARTH_RADIUS_MILES = 3958.8
ZIP_RE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Place:
    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float
    time_zone: str


@lru_cache(maxsize=4096)
def zip_place(zip_code: str) -> Place | None:
    """The place of a 5-digit US ZIP code, or None for a malformed or unknown one."""
    zip_code = (zip_code or "").strip()[:5]
    if not ZIP_RE.match(zip_code):
        return None
    import zipcodes

    try:
        found = zipcodes.matching(zip_code)
    except (TypeError, ValueError):
        return None
    for row in found:
        if row.get("lat") and row.get("long"):
            return Place(
                zip_code,
                row["city"],
                row["state"],
                float(row["lat"]),
                float(row["long"]),
                row.get("timezone") or "",
            )
    return None


@lru_cache(maxsize=2048)
def city_place(city: str, state: str) -> Place | None:
    """The first ZIP code's place of a city in a state ("Oakland", "CA")."""
    city = " ".join((city or "").split()).title()
    state = (state or "").upper()
    if not city or state not in STATE_NAMES:
        return None
    import zipcodes

    for row in zipcodes.filter_by(city=city, state=state):
        if row.get("lat") and row.get("long"):
            return Place(
                row["zip_code"],
                row["city"],
                state,
                float(row["lat"]),
                float(row["long"]),
                row.get("timezone") or "",
            )
    return None


def distance_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in miles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, miles: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle, for an index range scan."""
    dlat = math.degrees(miles / EARTH_RADIUS_MILES)
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    dlon = min(180.0, math.degrees(miles / (EARTH_RADIUS_MILES * cos_lat)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


# The zone most of each state's people live in; a therapist can choose another.
STATE_TIME_ZONES = {
    "AL": "America/Chicago",
    "AK": "America/Anchorage",
    "AZ": "America/Phoenix",
    "AR": "America/Chicago",
    "CA": "America/Los_Angeles",
    "CO": "America/Denver",
    "CT": "America/New_York",
    "DE": "America/New_York",
    "DC": "America/New_York",
    "FL": "America/New_York",
    "GA": "America/New_York",
    "HI": "Pacific/Honolulu",
    "ID": "America/Boise",
    "IL": "America/Chicago",
    "IN": "America/Indiana/Indianapolis",
    "IA": "America/Chicago",
    "KS": "America/Chicago",
    "KY": "America/New_York",
    "LA": "America/Chicago",
    "ME": "America/New_York",
    "MD": "America/New_York",
    "MA": "America/New_York",
    "MI": "America/Detroit",
    "MN": "America/Chicago",
    "MS": "America/Chicago",
    "MO": "America/Chicago",
    "MT": "America/Denver",
    "NE": "America/Chicago",
    "NV": "America/Los_Angeles",
    "NH": "America/New_York",
    "NJ": "America/New_York",
    "NM": "America/Denver",
    "NY": "America/New_York",
    "NC": "America/New_York",
    "ND": "America/Chicago",
    "OH": "America/New_York",
    "OK": "America/Chicago",
    "OR": "America/Los_Angeles",
    "PA": "America/New_York",
    "PR": "America/Puerto_Rico",
    "RI": "America/New_York",
    "SC": "America/New_York",
    "SD": "America/Chicago",
    "TN": "America/Chicago",
    "TX": "America/Chicago",
    "UT": "America/Denver",
    "VT": "America/New_York",
    "VA": "America/New_York",
    "WA": "America/Los_Angeles",
    "WV": "America/New_York",
    "WI": "America/Chicago",
    "WY": "America/Denver",
}


def state_time_zone(state: str, fallback: str = "America/New_York") -> str:
    """The IANA zone most of a state's people live in."""
    return STATE_TIME_ZONES.get(state, fallback)
