"""Free consultation slots, computed from a therapist's rules. Pure: values in, values out,
the time passed as `now`.

Windows are wall-clock times in the therapist's zone. Each day's window is turned into two
UTC instants and slots are laid out from its start in real (UTC) minutes, so a window that
spans a daylight-saving change yields the right number of real slots: no "2:30 am" on the
spring-forward day, and on the fall-back day the repeated hour is offered once per real hour.
"""

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate, pairwise, repeat
from operator import add, itemgetter
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


# Windows, date changes and calls are tuples, not dataclasses: every page load makes dozens.


class Window(NamedTuple):
    """Weekly: `weekday` 0 is Monday."""

    weekday: int
    start: time
    end: time


class DateChange(NamedTuple):
    """One local date: time off (`extra` False; no times means the whole day) or extra hours."""

    on_date: date
    extra: bool
    start: time | None = None
    end: time | None = None


class Busy(NamedTuple):
    """A booked call: from its start to the end of its buffer, in UTC."""

    starts_at: datetime
    blocked_until: datetime


class Slot(NamedTuple):
    """A free call time, in UTC. A tuple, not a dataclass: thousands are made per page."""

    starts_at: datetime
    ends_at: datetime


_start_of = itemgetter(0)


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


@lru_cache(maxsize=512)
def _days(first: date, last: date, weekdays: tuple[int, ...]) -> tuple[date, ...]:
    """The dates from `first` to `last` on these weekdays (sorted, no repeats)."""
    if not weekdays or last < first:
        return ()
    start = datetime.combine(first, time())
    until = datetime.combine(last, time())
    return tuple(d.date() for d in rrule(WEEKLY, byweekday=weekdays, dtstart=start, until=until))


def free_slots(
    rules: Rules,
    windows: Iterable[Window],
    changes: Iterable[DateChange],
    busy: Iterable[Busy],
    now: datetime,
    *,
    limit: int | None = None,
    within: tuple[datetime, datetime] | None = None,
) -> list[Slot]:
    """Bookable slots from `now` to the end of the horizon, soonest first; only those
    starting `within` these two instants (both included), if given."""
    step, call = rules.call + rules.buffer, rules.call
    found: list[Slot] = []
    for at, first, stop in _runs(rules, windows, changes, busy, now, within):
        found += _grid(at + step * first if first else at, step, call, stop - first)
        if limit is not None and len(found) >= limit:
            return found[:limit]
    return found


def open_slots(
    rules: Rules,
    windows: Iterable[Window],
    changes: Iterable[DateChange],
    busy: Iterable[Busy],
    now: datetime,
) -> tuple[datetime | None, int]:
    """When the first free slot starts (None without one) and how many there are: what
    free_slots would tell, without making the slots."""
    step = rules.call + rules.buffer
    first, count = None, 0
    for at, k, stop in _runs(rules, windows, changes, busy, now):
        if first is None:
            first = at + step * k if k else at
        count += stop - k
    return first, count


def _runs(
    rules: Rules,
    windows: Iterable[Window],
    changes: Iterable[DateChange],
    busy: Iterable[Busy],
    now: datetime,
    within: tuple[datetime, datetime] | None = None,
) -> Iterator[tuple[datetime, int, int]]:
    """The free slots as runs `(at, first, stop)`, soonest first: slots start at `at + k *
    step` for k from `first` up to `stop` (excluded), step being a call plus its buffer."""
    zone = ZoneInfo(rules.time_zone)
    earliest = now + timedelta(hours=rules.min_notice_hours)
    latest = now + timedelta(days=rules.horizon_days)
    if within is not None:
        earliest, latest = max(earliest, within[0]), min(latest, within[1])
    first_day = earliest.astimezone(zone).date()
    last_day = latest.astimezone(zone).date()

    by_weekday: dict[int, list[tuple[time, time]]] = {}
    for window in windows:
        by_weekday.setdefault(window.weekday, []).append((window.start, window.end))
    day_off: set[date] = set()
    hours_off: dict[date, list[tuple[datetime, datetime]]] = {}
    extra: dict[date, list[tuple[time, time]]] = {}
    for change in changes:
        on_date = change.on_date
        if on_date < first_day or on_date > last_day:
            continue
        if change.extra and change.start and change.end:
            extra.setdefault(on_date, []).append((change.start, change.end))
        elif not change.extra and change.start is None:
            day_off.add(on_date)
        elif not change.extra and change.start and change.end:
            hours_off.setdefault(on_date, []).append(
                (
                    local_instant(on_date, change.start, zone),
                    local_instant(on_date, change.end, zone),
                )
            )
    calls = sorted(busy, key=_start_of)
    calls_per_day = Counter(b.starts_at.astimezone(zone).date() for b in calls)
    # With calls sorted by start, the running maximum of their ends tells which calls can
    # matter for a day at all (few do).
    busy_starts = [b.starts_at for b in calls]
    blocking_until = list(accumulate((b.blocked_until for b in calls), max))
    call, step = rules.call, rules.call + rules.buffer
    combine = datetime.combine
    step_s = 60 * (rules.call_minutes + rules.buffer_minutes)
    most = rules.max_calls_per_day

    days = _days(first_day, last_day, tuple(sorted(by_weekday)))
    if extra:
        days = tuple(sorted(set(days).union(d for d in extra if d not in day_off)))
    for day in days:
        if day in day_off or calls_per_day[day] >= most:
            continue
        # Each window's slots start at its start, a call plus the buffer apart, while a
        # whole call fits: in real (UTC) minutes, so a window that spans a clock change
        # keeps its real length. A window is its first start, its number of slots and the
        # latest a slot may start.
        grids = []
        for start, end in by_weekday.get(day.weekday(), []) + extra.get(day, []):
            # local_instant, inlined: this loop runs for every window of every day.
            at = combine(day, start, zone).astimezone(UTC)
            last = combine(day, end, zone).astimezone(UTC) - call
            if last >= at:
                grids.append((at, _floor(last - at, step_s) + 1, last))
        if not grids:
            continue
        # The last moment a call can start on this day, and whether windows overlap.
        latest_start, overlapping = grids[0][2], False
        if len(grids) > 1:
            grids.sort()
            for (_, _, before), (after, _, last) in pairwise(grids):
                overlapping = overlapping or after <= before
                latest_start = max(latest_start, before, last)
        # Where no slot may start (open intervals): a call blocks a slot that starts less
        # than a call plus the buffer before it, or before its buffer ends; hours off block
        # a slot that would still run at their start.
        blocked = [(a - call, b) for a, b in hours_off[day]] if day in hours_off else []
        lo = bisect_right(blocking_until, grids[0][0])
        hi = bisect_left(busy_starts, latest_start + step, lo)
        if hi > lo:
            blocked += [(b.starts_at - step, b.blocked_until) for b in calls[lo:hi]]
        runs = []
        for at, count, last in grids:
            # Keep k from the notice to the horizon, less the runs of k that fall in a
            # blocked interval.
            k = 0 if at >= earliest else _ceil(earliest - at, step_s)
            stop = count if last <= latest else min(count, _floor(latest - at, step_s) + 1)
            if blocked:
                cuts = [
                    (_floor(a - at, step_s) + 1, _ceil(b - at, step_s))
                    for a, b in blocked
                    if a < last and b > at
                ]
                for cut_from, cut_to in sorted(cuts):
                    if cut_from > k and k < stop:
                        runs.append((at, k, min(cut_from, stop)))
                    k = max(k, cut_to)
            if k < stop:
                runs.append((at, k, stop))
        if overlapping:  # one run per start, each once
            starts = {at + step * k for at, first, stop in runs for k in range(first, stop)}
            runs = [(at, 0, 1) for at in sorted(starts)]
        yield from runs


def _floor(span: timedelta, seconds: int) -> int:
    """floor(span / seconds), exactly (`seconds` whole)."""
    return (span.days * 86_400 + span.seconds) // seconds


def _ceil(span: timedelta, seconds: int) -> int:
    """ceil(span / seconds), exactly (`seconds` whole)."""
    whole = span.days * 86_400 + span.seconds
    return whole // seconds + 1 if span.microseconds else -(-whole // seconds)


def _grid(at: datetime, step: timedelta, call: timedelta, count: int) -> Iterable[Slot]:
    """`count` slots, starting at `at` and a step apart."""
    if count < 1:
        return ()
    starts = accumulate(repeat(step, count - 1), add, initial=at)
    ends = accumulate(repeat(step, count - 1), add, initial=at + call)
    return map(Slot, starts, ends)


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
