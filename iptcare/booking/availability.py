"""Reading availability from the database for slots.py, for one therapist or many at once.

One statement loads everything slots.py needs, whatever the number of profiles (chunked
for SQLite's variable limit): each profile's settings row with its weekly windows, date
changes and booked calls aggregated as JSON arrays in correlated subqueries (PostgreSQL
and SQLite spell them differently; the rest is the same SQL, named from the models). On
request it also reads what the listings say now (the SlotSummary row and the profile's
next free call), so that a refresh writes only what changed. A booking takes the same
statement with FOR UPDATE on the settings row, the lock that serialises bookings of one
therapist, and has it count the person's open requests too.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from iptcare.booking import slots
from iptcare.booking.models import (
    HOLDING_VALUES,
    AvailabilityException,
    Consultation,
    ConsultationSettings,
    SlotSummary,
    Status,
    WeeklyWindow,
)
from iptcare.directory import services as directory_services
from iptcare.directory.models import TherapistProfile

CHUNK = 1000
MAX_HORIZON = timedelta(days=92)
EXTRA = str(AvailabilityException.Kind.EXTRA)
OPEN = [str(Status.REQUESTED), str(Status.CONFIRMED)]


class Listed(NamedTuple):
    """What the listings say about a profile when it was loaded: its SlotSummary row (no
    id without one) and the next free call the directory has on the profile."""

    summary_id: int | None
    next_free_at: datetime | None
    open_slots: int
    refreshed_at: datetime | None
    profile_next_free: datetime | None


@dataclass
class Availability:
    rules: slots.Rules
    windows: list[slots.Window] = field(default_factory=list)
    changes: list[slots.DateChange] = field(default_factory=list)
    busy: list[slots.Busy] = field(default_factory=list)
    listed: Listed | None = None
    # load_one(open_requests_of=digest): that address's open requests, with any therapist.
    open_requests: int | None = None

    def free(
        self,
        now: datetime,
        limit: int | None = None,
        within: tuple[datetime, datetime] | None = None,
    ) -> list[slots.Slot]:
        return slots.free_slots(
            self.rules, self.windows, self.changes, self.busy, now, limit=limit, within=within
        )

    def free_ignoring_bookings(
        self, now: datetime, within: tuple[datetime, datetime] | None = None
    ) -> list[slots.Slot]:
        return slots.free_slots(self.rules, self.windows, self.changes, [], now, within=within)

    def open_slots(self, now: datetime) -> tuple[datetime | None, int]:
        """The first free slot's start (None without one) and how many there are: what the
        summary stores, without making every slot."""
        return slots.open_slots(self.rules, self.windows, self.changes, self.busy, now)


def rules_of(settings: ConsultationSettings) -> slots.Rules:
    return slots.Rules(
        time_zone=settings.time_zone,
        call_minutes=settings.call_minutes,
        buffer_minutes=settings.buffer_minutes,
        max_calls_per_day=settings.max_calls_per_day,
        min_notice_hours=settings.min_notice_hours,
        horizon_days=settings.horizon_days,
    )


def load(profile_ids: Iterable[int], now: datetime) -> dict[int, Availability]:
    """Availability of every given profile that offers consultation calls."""
    ids = list(dict.fromkeys(profile_ids))
    found: dict[int, Availability] = {}
    for start in range(0, len(ids), CHUNK):
        found.update(_load_chunk(ids[start : start + CHUNK], now))
    return found


def load_one(
    profile_id: int,
    now: datetime,
    *,
    listed: bool = False,
    for_update: bool = False,
    open_requests_of: str | None = None,
) -> Availability | None:
    """One profile's availability (None if it offers no calls). `listed` also reads what
    the listings say (Availability.listed). `for_update` locks the settings row until the
    transaction ends (call it inside one); SQLite's IMMEDIATE transactions hold the
    database's write lock already. `open_requests_of`, an email digest, also counts that
    address's open requests (requested or confirmed, not over; Availability.open_requests)."""
    found = _load_chunk(
        [profile_id], now, listed=listed, for_update=for_update, digest=open_requests_of
    )
    return found.get(profile_id)


# The status tests are aggregate FILTERs, not WHERE conditions: the same rows, but the
# planner then doesn't try them against every partial index of the calls' table, which
# was close to half the planning time of the statement.
STATEMENT = """
SELECT s.{s_profile}, s.{time_zone}, s.{call_minutes}, s.{buffer_minutes},
       s.{max_calls_per_day}, s.{min_notice_hours}, s.{horizon_days},
       (SELECT {agg}({array}(w.{weekday}, w.{w_start}, w.{w_end}))
          FROM {windows} w WHERE w.{w_profile} = s.{s_profile}),
       (SELECT {agg}({array}(e.{kind}, e.{on_date}, e.{e_start}, e.{e_end}))
          FROM {changes} e WHERE e.{e_profile} = s.{s_profile}
           AND e.{on_date} >= %s AND e.{on_date} <= %s),
       (SELECT {agg}({array}(c.{starts_at}, c.{blocked_until}))
               FILTER (WHERE c.{status} IN ({holding}))
          FROM {calls} c WHERE c.{c_profile} = s.{s_profile}
           AND c.{starts_at} >= %s AND c.{starts_at} < %s){listed}{open_requests}
  FROM {settings} s{joins}
 WHERE s.{s_profile} IN ({ids})"""
LISTED = """,
       m.{m_id}, m.{next_free_at}, m.{open_slots}, m.{refreshed_at}, p.{next_free_call_at}"""
LISTED_JOINS = """
  JOIN {profiles} p ON p.{p_id} = s.{s_profile}
  LEFT JOIN {summaries} m ON m.{m_profile} = s.{s_profile}"""
OPEN_REQUESTS = """,
       (SELECT COUNT(*) FILTER (WHERE r.{status} IN (%s, %s))
          FROM {calls} r WHERE r.{email_digest} = %s AND r.{ends_at} > %s)"""


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return field.column


@lru_cache(maxsize=64)
def _statement(vendor: str, count: int, listed: bool, for_update: bool, open_requests: bool) -> str:
    """The SQL, with the models' own table and column names. Every value is a parameter."""
    if vendor == "postgresql":
        agg, array = "json_agg", "json_build_array"
    elif vendor == "sqlite":
        agg, array = "json_group_array", "json_array"
    else:
        raise NotImplementedError(f"booking availability needs PostgreSQL or SQLite, not {vendor}")
    quote = connection.ops.quote_name
    s, w, e, c, m, p = (
        ConsultationSettings,
        WeeklyWindow,
        AvailabilityException,
        Consultation,
        SlotSummary,
        TherapistProfile,
    )
    columns = {
        "s_profile": (s, "profile"),
        "time_zone": (s, "time_zone"),
        "call_minutes": (s, "call_minutes"),
        "buffer_minutes": (s, "buffer_minutes"),
        "max_calls_per_day": (s, "max_calls_per_day"),
        "min_notice_hours": (s, "min_notice_hours"),
        "horizon_days": (s, "horizon_days"),
        "w_profile": (w, "profile"),
        "weekday": (w, "weekday"),
        "w_start": (w, "start_time"),
        "w_end": (w, "end_time"),
        "e_profile": (e, "profile"),
        "kind": (e, "kind"),
        "on_date": (e, "on_date"),
        "e_start": (e, "start_time"),
        "e_end": (e, "end_time"),
        "c_profile": (c, "profile"),
        "status": (c, "status"),
        "starts_at": (c, "starts_at"),
        "blocked_until": (c, "blocked_until"),
        "ends_at": (c, "ends_at"),
        "email_digest": (c, "email_digest"),
        "m_id": (m, "id"),
        "m_profile": (m, "profile"),
        "next_free_at": (m, "next_free_at"),
        "open_slots": (m, "open_slots_in_horizon"),
        "refreshed_at": (m, "refreshed_at"),
        "p_id": (p, "id"),
        "next_free_call_at": (p, "next_free_call_at"),
    }
    names = {key: quote(_column(model, name)) for key, (model, name) in columns.items()}
    tables = {"settings": s, "windows": w, "changes": e, "calls": c, "summaries": m, "profiles": p}
    names |= {key: quote(model._meta.db_table) for key, model in tables.items()}
    names |= {"agg": agg, "array": array}
    names["holding"] = ", ".join(["%s"] * len(HOLDING_VALUES))
    names["ids"] = ", ".join(["%s"] * count)
    names["listed"] = LISTED.format_map(names) if listed else ""
    names["joins"] = LISTED_JOINS.format_map(names) if listed else ""
    names["open_requests"] = OPEN_REQUESTS.format_map(names) if open_requests else ""
    sql = STATEMENT.format_map(names)
    if for_update and vendor == "postgresql":
        sql += " FOR UPDATE OF s"  # the settings row only, not the joined ones
    return sql


def _load_chunk(
    ids: list[int],
    now: datetime,
    *,
    listed: bool = False,
    for_update: bool = False,
    digest: str | None = None,
) -> dict[int, Availability]:
    ops = connection.ops
    # Date changes a day either side of the range, since local dates straddle UTC ones.
    # Calls from a day back count towards today's limit; later ones block their times.
    params: list[Any] = [
        ops.adapt_datefield_value((now - timedelta(days=1)).date()),
        ops.adapt_datefield_value((now + MAX_HORIZON).date()),
        *HOLDING_VALUES,
        ops.adapt_datetimefield_value(now - timedelta(days=1)),
        ops.adapt_datetimefield_value(now + MAX_HORIZON),
    ]
    if digest is not None:
        params += [*OPEN, digest, ops.adapt_datetimefield_value(now)]
    params += ids
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute(_statement(vendor, len(ids), listed, for_update, digest is not None), params)
        rows = cursor.fetchall()
    # Instants inside the JSON: ISO text with an offset from PostgreSQL, naive UTC text
    # from SQLite (as Django stores them there).
    if vendor == "postgresql":
        instant = datetime.fromisoformat
    else:

        def instant(text: str) -> datetime:
            return datetime.fromisoformat(text).replace(tzinfo=UTC)

    to_time, to_date = time.fromisoformat, date.fromisoformat
    Window, DateChange, Busy = slots.Window, slots.DateChange, slots.Busy
    found = {}
    for row in rows:
        profile_id, zone, call, buffer, most, notice, horizon, windows, changes, calls = row[:10]
        availability = found[profile_id] = Availability(
            slots.Rules(zone, call, buffer, most, notice, horizon),
            [Window(day, to_time(a), to_time(b)) for day, a, b in _array(windows)],
            [
                DateChange(to_date(on), kind == EXTRA, a and to_time(a), b and to_time(b))
                for kind, on, a, b in _array(changes)
            ],
            [Busy(instant(a), instant(b)) for a, b in _array(calls)],
        )
        if listed:
            summary_id, next_free_at, open_slots, refreshed_at, profile_next_free = row[10:15]
            availability.listed = Listed(
                summary_id,
                _instant(next_free_at),
                open_slots or 0,
                _instant(refreshed_at),
                _instant(profile_next_free),
            )
        if digest is not None:
            availability.open_requests = row[-1]
    return found


def _instant(value: Any) -> datetime | None:
    """A UTC instant from a column: aware from PostgreSQL, naive (UTC) from SQLite."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _array(value: Any) -> list:
    """A JSON array: parsed already by psycopg, text from SQLite; NULL for no rows."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


def free_slots(
    profile: TherapistProfile, now: datetime | None = None, limit: int | None = None
) -> list[slots.Slot]:
    now = now or timezone.now()
    availability = load_one(profile.pk, now)
    return availability.free(now, limit) if availability else []


def next_free_slots(profile_ids: Iterable[int], now: datetime | None = None) -> dict[int, datetime]:
    """The soonest free slot (UTC) of each profile that has one; others are left out."""
    now = now or timezone.now()
    result = {}
    for profile_id, availability in load(profile_ids, now).items():
        first = availability.free(now, limit=1)
        if first:
            result[profile_id] = first[0].starts_at
    return result


def has_open_slots(profile: TherapistProfile, now: datetime | None = None) -> bool:
    return bool(free_slots(profile, now, limit=1))


def refresh_open_slots(profile: TherapistProfile, now: datetime | None = None) -> SlotSummary:
    """Store whether the profile has open slots in its horizon (SlotSummary)."""
    now = now or timezone.now()
    return record_open_slots(profile, load_one(profile.pk, now, listed=True), now)


def record_open_slots(
    profile: TherapistProfile, loaded: Availability | None, now: datetime
) -> SlotSummary:
    """Store the profile's open slots at `now`, from `loaded` (None: it offers no calls), as
    its SlotSummary and its next free call on the profile (directory_services.
    record_free_calls). Each is written only if it changes what `loaded` found listed."""
    next_free_at, count = loaded.open_slots(now) if loaded else (None, 0)
    listed = loaded.listed if loaded else None
    summary_id = listed.summary_id if listed else None
    summary = SlotSummary(
        pk=summary_id,
        profile=profile,
        next_free_at=next_free_at,
        open_slots_in_horizon=count,
        refreshed_at=now,
    )
    if summary_id is None:
        # No row yet (or no settings): insert, or update one a concurrent refresh inserted.
        SlotSummary.objects.bulk_create(
            [summary],
            update_conflicts=True,
            unique_fields=["profile"],
            update_fields=["next_free_at", "open_slots_in_horizon", "refreshed_at"],
        )
    elif listed is not None and (listed.next_free_at, listed.open_slots) != (next_free_at, count):
        _update_summary(summary_id, next_free_at, count, now)
    elif listed is not None:
        summary.refreshed_at = listed.refreshed_at or now  # nothing changed, nothing written
    if listed is None or listed.profile_next_free != next_free_at:
        directory_services.record_free_calls({profile.pk: next_free_at})
    profile.next_free_call_at = next_free_at
    return summary


def _update_summary(summary_id: int, next_free_at: datetime | None, count: int, now: datetime):
    """SlotSummary.objects.filter(pk=...).update(...), in a statement made once: it runs on
    every booking."""
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            _update_statement(),
            [
                ops.adapt_datetimefield_value(next_free_at),
                count,
                ops.adapt_datetimefield_value(now),
                summary_id,
            ],
        )


UPDATE_SUMMARY = (
    "UPDATE {table} SET {next_free_at} = %s, {count} = %s, {refreshed_at} = %s WHERE {id} = %s"
)


@lru_cache(maxsize=1)
def _update_statement() -> str:
    quote = connection.ops.quote_name
    names = {
        key: quote(_column(SlotSummary, name))
        for key, name in [
            ("next_free_at", "next_free_at"),
            ("count", "open_slots_in_horizon"),
            ("refreshed_at", "refreshed_at"),
            ("id", "id"),
        ]
    }
    return UPDATE_SUMMARY.format_map({"table": quote(SlotSummary._meta.db_table), **names})


def refresh_all_summaries(now: datetime | None = None, batch: int = 500) -> int:
    """Refresh every profile's summary; profiles without settings get none open."""
    now = now or timezone.now()
    ids = list(
        ConsultationSettings.objects.order_by("profile_id").values_list("profile_id", flat=True)
    )
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        loaded = load(chunk, now)
        rows = []
        for profile_id in chunk:
            next_free_at, count = (
                loaded[profile_id].open_slots(now) if profile_id in loaded else (None, 0)
            )
            rows.append(
                SlotSummary(
                    profile_id=profile_id,
                    next_free_at=next_free_at,
                    open_slots_in_horizon=count,
                    refreshed_at=now,
                )
            )
        with transaction.atomic():
            SlotSummary.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["profile"],
                update_fields=["next_free_at", "open_slots_in_horizon", "refreshed_at"],
            )
            directory_services.record_free_calls({r.profile_id: r.next_free_at for r in rows})
    SlotSummary.objects.exclude(
        profile_id__in=ConsultationSettings.objects.values("profile_id")
    ).update(next_free_at=None, open_slots_in_horizon=0, refreshed_at=now)
    without = TherapistProfile.objects.filter(
        next_free_call_at__isnull=False, consultation_settings__isnull=True
    ).values_list("pk", flat=True)
    directory_services.record_free_calls(dict.fromkeys(without))
    return len(ids)
