"""Free consultation slots, computed from a therapist's rules. Pure: values in, values out,
the time passed as `now`.

Windows are wall-clock times in the therapist's zone. Each day's window is turned into two
UTC instants and slots are laid out from its start in real (UTC) minutes, so a window that
spans a daylight-saving change yields the right number of real slots: no "2:30 am" on the
spring-forward day, and on the fall-back day the repeated hour is offered once per real hour.
"""

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import NamedTuple
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule


@dataclass(frozen=True)
class Rules:
    time_zone: str
    call_minutes: int
    buffer_minutes: int
    max_calls_per_day: int
    min_notice_hours: int
    horizon_days: int

    @property
    def call(self) -> timedelta:
        return timedelta(minutes=self.call_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)


@dataclass(frozen=True)
class Window:
    """Weekly: `weekday` 0 is Monday."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class DateChange:
    """One local date: time off (`extra` False; no times means the whole day) or extra hours."""

    on_date: date
    extra: bool
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True)
class Busy:
    """A booked call: from its start to the end of its buffer, in UTC."""

    starts_at: datetime
    blocked_until: datetime


class Slot(NamedTuple):
    """A free call time, in UTC. A tuple, not a dataclass: thousands are made per page."""

    starts_at: datetime
    ends_at: datetime


def local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time. A time in a spring-forward gap moves forward
    by the gap (2:30 becomes 3:30); an ambiguous fall-back time is its first occurrence."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def exists_locally(moment: datetime, zone: ZoneInfo) -> bool:
    """False for a naive wall time that falls in a daylight-saving gap."""
    aware = moment.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == moment.replace(
        tzinfo=None
    )


def _days(first: date, last: date, weekdays: Iterable[int]) -> Iterator[date]:
    weekdays = sorted(set(weekdays))
    if not weekdays or last < first:
        return iter(())
    start = datetime.combine(first, time())
    until = datetime.combine(last, time())
    return (d.date() for d in rrule(WEEKLY, byweekday=weekdays, dtstart=start, until=until))


def free_slots(
    rules: Rules,
    windows: Iterable[Window],
    changes: Iterable[DateChange],
    busy: Iterable[Busy],
    now: datetime,
    *,
    limit: int | None = None,
) -> list[Slot]:
    """Bookable slots from `now` to the end of the horizon, soonest first."""
    zone = ZoneInfo(rules.time_zone)
    earliest = now + timedelta(hours=rules.min_notice_hours)
    latest = now + timedelta(days=rules.horizon_days)
    first_day = earliest.astimezone(zone).date()
    last_day = latest.astimezone(zone).date()

    windows = list(windows)
    by_weekday: dict[int, list[Window]] = {}
    for window in windows:
        by_weekday.setdefault(window.weekday, []).append(window)
    day_off: set[date] = set()
    hours_off: dict[date, list[tuple[datetime, datetime]]] = {}
    extra: dict[date, list[tuple[time, time]]] = {}
    for change in changes:
        if change.extra and change.start and change.end:
            extra.setdefault(change.on_date, []).append((change.start, change.end))
        elif not change.extra and change.start is None:
            day_off.add(change.on_date)
        elif not change.extra and change.start and change.end:
            hours_off.setdefault(change.on_date, []).append(
                (
                    local_instant(change.on_date, change.start, zone),
                    local_instant(change.on_date, change.end, zone),
                )
            )
    busy = sorted(busy, key=lambda b: b.starts_at)
    calls_per_day = Counter(b.starts_at.astimezone(zone).date() for b in busy)
    # A slot [start, blocked) is taken when some call starting before `blocked` is still
    # blocking at `start`: with calls sorted by start, that is the running maximum of
    # their ends up to the last one starting before `blocked`.
    busy_starts = [b.starts_at for b in busy]
    blocking_until = list(accumulate((b.blocked_until for b in busy), max))
    call, buffer, step = rules.call, rules.buffer, rules.call + rules.buffer

    days = set(_days(first_day, last_day, by_weekday)) | {
        d for d in extra if first_day <= d <= last_day
    }
    found: list[Slot] = []
    for day in sorted(days):
        if day in day_off or calls_per_day[day] >= rules.max_calls_per_day:
            continue
        spans = [(w.start, w.end) for w in by_weekday.get(day.weekday(), [])] + extra.get(day, [])
        starts: set[datetime] = set()
        for start, end in spans:
            at, closes = local_instant(day, start, zone), local_instant(day, end, zone)
            while at + call <= closes:
                starts.add(at)
                at += step
        off = hours_off.get(day, ())
        for at in sorted(starts):
            if at < earliest or at > latest:
                continue
            ends = at + call
            if off and any(a < ends and at < b for a, b in off):
                continue
            before = bisect_left(busy_starts, ends + buffer)
            if before and blocking_until[before - 1] > at:
                continue
            found.append(Slot(at, ends))
            if limit is not None and len(found) >= limit:
                return found
    return found


def group_by_day(slots: Iterable[Slot], zone_name: str) -> list[tuple[date, list[datetime]]]:
    """Slots as local start times in `zone_name`, grouped by local date."""
    zone = ZoneInfo(zone_name)
    days: dict[date, list[datetime]] = {}
    for slot in slots:
        local = slot.starts_at.astimezone(zone)
        days.setdefault(local.date(), []).append(local)
    return sorted(days.items())


def is_offered(slots: Iterable[Slot], starts_at: datetime) -> Slot | None:
    for slot in slots:
        if slot.starts_at == starts_at:
            return slot
    return None


def add_business_days(moment: datetime, days: int, zone_name: str) -> datetime:
    """The same wall-clock time `days` working days (Monday to Friday) later in the zone."""
    zone = ZoneInfo(zone_name)
    local = moment.astimezone(zone).replace(tzinfo=None)
    day = local.date()
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return datetime.combine(day, local.time(), tzinfo=zone).astimezone(UTC)
