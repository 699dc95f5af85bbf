"""booking: free consultation slots (latency) and concurrent booking (throughput).

Therapists come from `manage.py demo --therapists N --quiet` in a child process (as in
match.py); their availability is then set with the booking app's own models and their
calls booked with its own services. Two measurements, each with its own lines:

    slots    8 weeks of free slots of one therapist, `availability.free_slots(profile, now)`
             as the booking page calls it (1 query and the computation). Three therapists
             with different setups, each in their own zone (America/Los_Angeles twice,
             America/New_York): weekday windows with a lunch gap (and two long afternoon
             days), 30+10, 20+10 and 15+5 minute calls plus buffers, a maximum per day of
             6, 8 and 10, 12 or 24 hours' notice, an 8-week horizon; holidays, a vacation
             week and other days off, afternoons off, extra Saturday mornings and evenings;
             and about 4 calls a week booked through `services.book_consultation` (one in
             ten then cancelled through `services.cancel_consultation`), so that every
             `now` sees 20-40 booked calls in its horizon. `now` is different in every
             round: spread over 2026, plus instants around the March and November changes
             of both zones; most horizons cross a DST change. Cases, timed in interleaved
             rounds:
                 free_slots     availability.free_slots(profile, now): the target line
                 booking_page   the same, then grouped by day in the person's zone
                                (slots.group_by_day, as views.book does; the person's zone
                                varies and must not change which slots there are)
                 compute_only   slots.free_slots over availability loaded beforehand: the
                                Python part alone
             Every round's slots are checked outside the timing against the setup (window
             grid in wall-clock time, days and hours off, booked calls with their buffers,
             notice, horizon, the daily maximum). Target: p95 <= 5 ms (free_slots).
    booking  PostgreSQL only (on SQLite the line is skipped: the target is PostgreSQL's).
             `services.book_consultation(request, profile, starts_at, person)`, the booking
             form's service, from 4 and then 8 worker processes, as an app server runs
             several (gunicorn workers): forked from this one, each with its own
             connection, released together by a barrier, taking the next attempt from a
             shared ticket counter until none are left. (Threads in one process would
             measure the GIL, not the app.) The attempts aim at free slots of the other
             therapists (call lengths 15/20/30 with buffers, weekday windows with a lunch
             gap, some days off, a daily maximum that the plan respects so that every
             refusal is a race lost). Deliberate contention: a fifth of the slots are each
             aimed at by 4 consecutive attempts, so 4 workers race for them. Every attempt
             has its own email address (the service allows 3 open requests per address)
             and its own client address (request.META["REMOTE_ADDR"], which the audit row
             records). The view's TokenBucket limits per address and per email are the
             view's, not the service's, and are not part of what is measured. Counted:
             successes, friendly "this time was just taken" refusals (SlotTaken), other
             refusals and errors. Afterwards SQL checks that no two holding calls of one
             therapist overlap ([starts_at, blocked_until), `double_bookings`, must be 0),
             that each slot aimed at was booked exactly once, and that refusals stored
             nothing (calls, audit rows and queued email tasks all equal the successes).
             bookings/s = successes per wall second from the barrier to the last worker's
             last attempt. The line also gives the CPU time per attempt of the workers and
             of their PostgreSQL backends (from /proc) and how busy the whole machine was.
             Target: >= 200 bookings/s with 0 double bookings.

n: generated therapists for the demo (200; 2,000 with --full); iterations: timed rounds of
the slots cases (500, after 50 warm-up rounds). The slots lines carry `"n": iterations`.
"""

import contextlib
import copy
import hashlib
import multiprocessing
import os
import queue
import random
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from zoneinfo import ZoneInfo

from bench.common import (
    ROOT,
    Context,
    count_queries,
    log,
    peak_rss_mb,
    reset_peak_rss,
    run_measured,
    summarize,
    tail,
    time_interleaved,
)

TARGET_P95_MS = 5.0
TARGET_BOOKINGS_PER_S = 200.0
HORIZON_DAYS = 56  # 8 weeks
WARMUP = 50
CLIENTS = (4, 8)  # worker processes
ATTEMPTS = 2000  # per client count
HOT_SHARE = 0.2  # of the slots aimed at
CONTENDERS = 4  # attempts per hot slot
PROGRESS_S = 5.0
# The code whose speed is measured (fingerprinted in every line, with the migrations).
CODE = [
    "iptcare/booking/availability.py",
    "iptcare/booking/slots.py",
    "iptcare/booking/services.py",
    "iptcare/booking/models.py",
    "iptcare/booking/tasks.py",
    "iptcare/accounts/audit.py",
    "iptcare/directory/services.py",
]

# The people's zones on the booking page: only the grouping by day may depend on them.
PERSON_ZONES = [
    "America/Los_Angeles",
    "America/New_York",
    "America/Chicago",
    "America/Phoenix",
    "Pacific/Honolulu",
    "Europe/London",
    "Asia/Kolkata",
]

MORNING_AFTERNOON = [("09:00", "12:00"), ("13:00", "17:00")]
# The slots therapists: name, zone, call, buffer, most per day, notice (h), weekly windows.
SLOT_SETUPS = [
    {
        "name": "la-30+10",
        "zone": "America/Los_Angeles",
        "call": 30,
        "buffer": 10,
        "max_per_day": 6,
        "notice": 12,
        "windows": {0: MORNING_AFTERNOON, 1: MORNING_AFTERNOON, 2: MORNING_AFTERNOON}
        | {3: MORNING_AFTERNOON, 4: [("09:00", "13:00")]},
    },
    {
        "name": "la-20+10",
        "zone": "America/Los_Angeles",
        "call": 20,
        "buffer": 10,
        "max_per_day": 8,
        "notice": 24,
        "windows": {
            0: [("08:30", "12:00"), ("13:00", "16:30")],
            1: [("12:00", "19:30")],
            2: [("08:30", "12:00"), ("13:00", "16:30")],
            3: [("12:00", "19:30")],
            4: [("08:30", "12:00")],
        },
    },
    {
        "name": "ny-15+5",
        "zone": "America/New_York",
        "call": 15,
        "buffer": 5,
        "max_per_day": 10,
        "notice": 12,
        "windows": dict.fromkeys(range(5), MORNING_AFTERNOON),
    },
]
# Whole days off for everyone (US holidays and the days around them), 2025-12 to 2027-03.
HOLIDAYS = [
    "2025-12-24",
    "2025-12-25",
    "2026-01-01",
    "2026-01-19",
    "2026-02-16",
    "2026-05-25",
    "2026-06-19",
    "2026-07-03",
    "2026-09-07",
    "2026-11-11",
    "2026-11-26",
    "2026-11-27",
    "2026-12-24",
    "2026-12-25",
    "2026-12-31",
    "2027-01-01",
    "2027-01-18",
    "2027-02-15",
]
SEED_FROM = date(2025, 12, 29)  # a Monday: booked calls and exceptions from here ...
SEED_UNTIL = date(2027, 3, 8)  # ... to here
NOW_FROM = datetime(2026, 1, 5, tzinfo=UTC)  # the timed `now`s: NOW_FROM + 56 days ...
NOW_UNTIL = datetime(2026, 12, 31, tzinfo=UTC)  # ... up to NOW_UNTIL + 56 days < SEED_UNTIL
# DST changes of 2026 (UTC instants): America/Los_Angeles and America/New_York.
DST_CHANGES = {
    "America/Los_Angeles": [
        datetime(2026, 3, 8, 10, tzinfo=UTC),
        datetime(2026, 11, 1, 9, tzinfo=UTC),
    ],
    "America/New_York": [datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC)],
}
# The booking therapists: (call, buffer, most per day), in turn.
BOOKING_SETUPS = [(15, 5, 10), (20, 10, 8), (30, 10, 6)]
BOOKING_WINDOWS = [("09:00", "12:30"), ("13:30", "17:00")]


def _t(text: str) -> wall:
    return wall.fromisoformat(text)


def _d(text: str) -> date:
    return date.fromisoformat(text)


def code_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in CODE:
        digest.update(path.encode())
        digest.update((ROOT / path).read_bytes())
    for path in sorted((ROOT / "iptcare/booking/migrations").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# --- Therapists ----------------------------------------------------------------------------


def build(ctx: Context) -> dict:
    """Generated therapists with the demo command (a child process), as match.py does."""
    from django.db import connection

    from iptcare.booking.models import ConsultationSettings

    connection.close()  # the child writes to this database
    cmd = [sys.executable, str(ROOT / "manage.py"), "demo", "--therapists", str(ctx.n), "--quiet"]
    log_path = ctx.workdir / f"demo-{ctx.n}.log"
    log(f"demo --therapists {ctx.n:,} (child process) ...")
    wall_s, child_rss, code = run_measured(cmd, log_path=log_path)
    if code != 0:
        raise RuntimeError(f"`{' '.join(cmd[1:])}` exited {code}:\n{tail(log_path)}")
    offering = ConsultationSettings.objects.count()
    log(f"demo {wall_s:.1f} s (peak RSS {child_rss} MB); {offering:,} therapists offer calls")
    return {"build_s": round(wall_s, 2)}


def therapists(count: int):
    """Generated, listed profiles taking new clients, as the booking view loads them."""
    from iptcare.demo.management.commands.demo import GENERATED_DOMAIN
    from iptcare.directory.models import TherapistProfile

    return list(
        TherapistProfile.objects.filter(
            user__email__endswith=f"@{GENERATED_DOMAIN}",
            accepting_new_clients=True,
            is_published=True,
            training_mask__gt=0,
            consultation_settings__isnull=False,
        )
        .select_related("user__practice")
        .order_by("pk")[:count]
    )


def _person(tag: str, i: int, state: str, rng: random.Random):
    from iptcare.booking.services import Person

    return Person(
        name=f"Bench Person {tag}-{i}",
        email=f"bench.{tag}.{i}@example.net",
        phone=f"+1 555 01{i % 100:02d}" if i % 3 == 0 else "",
        state=state or "CA",
        message="Hoping to talk about a recent move." if i % 4 == 0 else "",
        time_zone=rng.choice(PERSON_ZONES),
    )


def _set_rules(profile, setup: dict, windows: dict) -> None:
    from iptcare.booking.models import ConsultationSettings, WeeklyWindow

    ConsultationSettings.objects.filter(profile=profile).update(
        time_zone=setup["zone"],
        call_minutes=setup["call"],
        buffer_minutes=setup["buffer"],
        max_calls_per_day=setup["max_per_day"],
        min_notice_hours=setup["notice"],
        horizon_days=setup["horizon"],
    )
    WeeklyWindow.objects.filter(profile=profile).delete()
    WeeklyWindow.objects.bulk_create(
        WeeklyWindow(profile=profile, weekday=day, start_time=_t(a), end_time=_t(b))
        for day, spans in windows.items()
        for a, b in spans
    )


def _exceptions(profile, rng: random.Random) -> list:
    """Holidays, a vacation week, a day off or an afternoon off now and then, extra hours on
    some Saturday mornings and weekday evenings, over the seeded range."""
    from iptcare.booking.models import AvailabilityException

    off, extra = AvailabilityException.Kind.OFF, AvailabilityException.Kind.EXTRA
    rows = [AvailabilityException(profile=profile, kind=off, on_date=_d(d)) for d in HOLIDAYS]
    vacation = SEED_FROM + timedelta(weeks=rng.randrange(20, 40))
    rows += [
        AvailabilityException(profile=profile, kind=off, on_date=vacation + timedelta(days=k))
        for k in range(5)
    ]
    day = SEED_FROM
    taken = {r.on_date for r in rows}
    while day < SEED_UNTIL:
        roll = rng.random()
        if day not in taken:
            if day.weekday() < 5 and roll < 0.03:
                rows.append(AvailabilityException(profile=profile, kind=off, on_date=day))
            elif day.weekday() < 5 and roll < 0.07:
                rows.append(
                    AvailabilityException(
                        profile=profile,
                        kind=off,
                        on_date=day,
                        start_time=_t("13:00"),
                        end_time=_t("17:00"),
                    )
                )
            elif day.weekday() < 5 and roll < 0.10:
                rows.append(
                    AvailabilityException(
                        profile=profile,
                        kind=extra,
                        on_date=day,
                        start_time=_t("17:30"),
                        end_time=_t("19:30"),
                    )
                )
            elif day.weekday() == 5 and roll < 0.3:
                rows.append(
                    AvailabilityException(
                        profile=profile,
                        kind=extra,
                        on_date=day,
                        start_time=_t("10:00"),
                        end_time=_t("13:00"),
                    )
                )
        day += timedelta(days=1)
    AvailabilityException.objects.bulk_create(rows)
    return rows


def _book_history(profile, setup: dict, rng: random.Random) -> tuple[int, int]:
    """About 4 calls a week over the seeded range, each booked through the service a few
    days ahead (its `now`); one in ten then cancelled through the service."""
    from iptcare.booking import availability, services

    zone = ZoneInfo(setup["zone"])
    booked = cancelled = 0
    week = SEED_FROM
    i = 0
    while week < SEED_UNTIL:
        week_start = datetime.combine(week, wall(), tzinfo=zone).astimezone(UTC)
        week_end = datetime.combine(week + timedelta(days=7), wall(), tzinfo=zone).astimezone(UTC)
        now = week_start - timedelta(days=3, hours=rng.randrange(0, 12))
        free = [
            s for s in availability.free_slots(profile, now) if week_start <= s.starts_at < week_end
        ]
        for slot in sorted(rng.sample(free, min(len(free), rng.randint(2, 6)))):
            i += 1
            person = _person(setup["name"], i, profile.state, rng)
            try:
                consultation = services.book_consultation(
                    None, profile, slot.starts_at, person, now=now
                )
            except services.BookingRefused:
                continue  # that day reached its maximum with an earlier pick
            booked += 1
            if rng.random() < 0.1:
                services.cancel_consultation(None, consultation, now=now + timedelta(hours=1))
                cancelled += 1
        week += timedelta(days=7)
    return booked, cancelled


# --- Slots ---------------------------------------------------------------------------------


@dataclass
class SlotRound:
    setup: int  # index into SLOT_SETUPS
    now: datetime
    person_zone: str


def slot_rounds(count: int, rng: random.Random) -> list[SlotRound]:
    """`count` rounds, each with its own now: instants around the DST changes of both zones
    for every setup of that zone, the rest spread over 2026 at any time of day."""
    special = []
    for index, setup in enumerate(SLOT_SETUPS):
        for change in DST_CHANGES[setup["zone"]]:
            for shift in (-56 * 24, -30 * 24, -13, -1, 0, 1, 11, 25):
                special.append((index, change + timedelta(hours=shift, minutes=rng.randrange(60))))
    span = (NOW_UNTIL - NOW_FROM).total_seconds()
    rounds = []
    for i in range(count):
        if i < len(special):
            index, now = special[i]
        else:
            index = i % len(SLOT_SETUPS)
            now = NOW_FROM + timedelta(seconds=rng.random() * span)
        rounds.append(SlotRound(index, now, rng.choice(PERSON_ZONES)))
    rng.shuffle(rounds)
    return rounds


def crosses_dst(now: datetime, zone_name: str) -> bool:
    zone = ZoneInfo(zone_name)
    return (
        now.astimezone(zone).utcoffset()
        != (now + timedelta(days=HORIZON_DAYS)).astimezone(zone).utcoffset()
    )


def check_slots(setup: dict, now: datetime, found, loaded) -> list[str]:
    """What is wrong with these slots, judged from the setup itself (not from slots.py's
    own logic): empty if nothing. `loaded` gives the exceptions and calls as stored."""
    zone = ZoneInfo(setup["zone"])
    call = timedelta(minutes=setup["call"])
    buffer = timedelta(minutes=setup["buffer"])
    step = setup["call"] + setup["buffer"]
    earliest = now + timedelta(hours=setup["notice"])
    latest = now + timedelta(days=HORIZON_DAYS)
    day_off = {c.on_date for c in loaded.changes if not c.extra and c.start is None}
    hours_off = defaultdict(list)
    extra = defaultdict(list)
    for c in loaded.changes:
        if c.extra:
            extra[c.on_date].append((c.start, c.end))
        elif c.start is not None:
            hours_off[c.on_date].append((c.start, c.end))
    per_day = Counter(b.starts_at.astimezone(zone).date() for b in loaded.busy)
    problems = []
    previous = None
    for slot in found:
        where = slot.starts_at.isoformat()
        if previous is not None and slot.starts_at <= previous:
            problems.append(f"{where}: not in order")
        previous = slot.starts_at
        if slot.ends_at - slot.starts_at != call:
            problems.append(f"{where}: wrong length")
        if not earliest <= slot.starts_at <= latest:
            problems.append(f"{where}: outside notice/horizon")
        local = slot.starts_at.astimezone(zone)
        naive = local.replace(tzinfo=None)
        day = naive.date()
        # The wall time must exist (not in a spring-forward gap) ...
        if datetime.combine(day, naive.time(), tzinfo=zone).astimezone(UTC) != slot.starts_at:
            problems.append(f"{where}: wall time {naive} does not round-trip")
        if day in day_off:
            problems.append(f"{where}: on a day off")
        if per_day[day] >= setup["max_per_day"]:
            problems.append(f"{where}: the day already has its maximum of calls")
        # ... on the grid of one of the day's windows (a call plus buffer apart from its start,
        # in wall-clock minutes: no window here spans a DST change) and inside it.
        spans = [(_t(a), _t(b)) for a, b in setup["windows"].get(day.weekday(), [])] + extra[day]
        minute = naive.hour * 60 + naive.minute
        if (
            naive.second
            or naive.microsecond
            or not any(
                (minute - (a.hour * 60 + a.minute)) % step == 0
                and a.hour * 60 + a.minute <= minute
                and minute + setup["call"] <= b.hour * 60 + b.minute
                for a, b in spans
            )
        ):
            problems.append(f"{where}: not on a window's grid ({naive:%a %H:%M})")
        end_wall = (naive + call).time()
        if any(a < end_wall and naive.time() < b for a, b in hours_off[day]):
            problems.append(f"{where}: in hours off")
        for b in loaded.busy:
            if b.starts_at < slot.ends_at + buffer and slot.starts_at < b.blocked_until:
                problems.append(f"{where}: overlaps a booked call at {b.starts_at.isoformat()}")
    return problems


def run_slots(ctx: Context, profiles: list, rng: random.Random, code: str) -> None:
    from django.db import connection

    from iptcare.booking import availability, slots

    log(f"slots: {len(SLOT_SETUPS)} therapists, {HORIZON_DAYS}-day horizon; seeding ...")
    seeded = []
    for profile, setup in zip(profiles, SLOT_SETUPS, strict=True):
        start = time.perf_counter()
        _set_rules(profile, {**setup, "horizon": HORIZON_DAYS}, setup["windows"])
        exceptions = _exceptions(profile, rng)
        booked, cancelled = _book_history(profile, setup, rng)
        seeded.append({"exceptions": len(exceptions), "booked": booked, "cancelled": cancelled})
        log(
            f"  {setup['name']} ({setup['zone']}): {len(exceptions)} exceptions, {booked} calls "
            f"booked through the service, {cancelled} cancelled "
            f"({time.perf_counter() - start:.1f} s)"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    count = max(ctx.iterations, 1)
    rounds = slot_rounds(count, rng)
    loaded = [
        availability.load([profiles[r.setup].pk], r.now)[profiles[r.setup].pk] for r in rounds
    ]

    # Every round's answer, checked once outside the timing (this is also a warm-up).
    counts, in_horizon, problems = [], [], []
    for r, avail in zip(rounds, loaded, strict=True):
        setup = SLOT_SETUPS[r.setup]
        found = availability.free_slots(profiles[r.setup], r.now)
        if found != avail.free(r.now):
            problems.append(f"{setup['name']} at {r.now}: free_slots differs from compute")
        problems += [
            f"{setup['name']} at {r.now}: {p}" for p in check_slots(setup, r.now, found, avail)
        ]
        grouped = slots.group_by_day(found, r.person_zone)
        if sum(len(times) for _, times in grouped) != len(found):
            problems.append(f"{setup['name']} at {r.now}: grouping in {r.person_zone} lost slots")
        counts.append(len(found))
        end = r.now + timedelta(days=HORIZON_DAYS)
        in_horizon.append(sum(1 for b in avail.busy if r.now <= b.starts_at < end))
    if problems:
        raise AssertionError(f"{len(problems)} wrong slots, e.g.:\n" + "\n".join(problems[:10]))
    dst_share = sum(crosses_dst(r.now, SLOT_SETUPS[r.setup]["zone"]) for r in rounds) / count
    log(
        f"checked {count} rounds: {sum(counts):,} slots, all right; "
        f"{min(counts)}-{max(counts)} free slots and {min(in_horizon)}-{max(in_horizon)} booked "
        f"calls per horizon; {dst_share:.0%} of horizons cross a DST change"
    )

    def free_slots(i):
        r = rounds[i]
        return availability.free_slots(profiles[r.setup], r.now)

    def booking_page(i):
        r = rounds[i]
        return slots.group_by_day(availability.free_slots(profiles[r.setup], r.now), r.person_zone)

    def compute_only(i):
        return loaded[i].free(rounds[i].now)

    cases = {"free_slots": free_slots, "booking_page": booking_page, "compute_only": compute_only}
    queries = {name: count_queries(lambda fn=fn: fn(0)) for name, fn in cases.items()}
    warmup = min(WARMUP, count)
    log(f"timing {count} interleaved rounds of {len(cases)} cases ({warmup} warm-up rounds)")
    reset_peak_rss()
    samples = time_interleaved(cases, count, warmup=warmup)
    rss = peak_rss_mb()

    for name in cases:
        stats = summarize(samples[name])
        by_setup = {}
        for index, setup in enumerate(SLOT_SETUPS):
            mine = [s for s, r in zip(samples[name], rounds, strict=True) if r.setup == index]
            part = summarize(mine)
            by_setup[setup["name"]] = {
                "count": len(mine),
                "p50_ms": part["p50_ms"],
                "p95_ms": part["p95_ms"],
                "mean_slots": round(
                    sum(c for c, r in zip(counts, rounds, strict=True) if r.setup == index)
                    / max(len(mine), 1),
                    1,
                ),
            }
        record = {
            "bench": "slots",
            "case": name,
            "n": count,
            **stats,
            "rss_mb": rss,
            "queries_per_op": queries[name],
            "horizon_days": HORIZON_DAYS,
            "therapists": len(SLOT_SETUPS),
            "mean_slots": round(sum(counts) / count, 1),
            "min_slots": min(counts),
            "max_slots": max(counts),
            "mean_booked_in_horizon": round(sum(in_horizon) / count, 1),
            "min_booked_in_horizon": min(in_horizon),
            "max_booked_in_horizon": max(in_horizon),
            "dst_share": round(dst_share, 3),
            "rounds_checked": count,
            "setups": [
                {k: s[k] for k in ("name", "zone", "call", "buffer", "max_per_day", "notice")}
                | seed
                for s, seed in zip(SLOT_SETUPS, seeded, strict=True)
            ],
            "by_setup": by_setup,
            "code": code,
        }
        if code_fingerprint() != code:
            record["code_changed"] = True
        if name == "free_slots":
            record["target_p95_ms"] = TARGET_P95_MS
            record["meets_target"] = stats["p95_ms"] <= TARGET_P95_MS
        ctx.emit(record)
        log(
            f"{name:<13} p50 {stats['p50_ms']:.3f} ms  p95 {stats['p95_ms']:.3f} ms  "
            f"p99 {stats['p99_ms']:.3f} ms  queries {queries[name]}  RSS {rss} MB"
        )


# --- Booking -------------------------------------------------------------------------------


@dataclass
class Attempt:
    request: object
    profile: object
    starts_at: datetime
    person: object
    hot: bool


@dataclass
class Outcome:
    kind: str  # succeeded, taken, refused, error
    ns: int
    key: tuple[int, datetime]
    detail: str = ""


def setup_booking_therapists(profiles: list, rng: random.Random) -> None:
    """Call lengths 15/20/30 with buffers and a daily maximum, weekdays 9:00-12:30 and
    13:30-17:00 in the therapist's own zone, some Saturday mornings, a day off here and
    there; a 28-day horizon and 12 hours' notice."""
    from django.db import transaction
    from django.utils import timezone

    from iptcare.booking import availability
    from iptcare.booking.models import AvailabilityException, ConsultationSettings, WeeklyWindow

    today = timezone.now().date()
    ids = [p.pk for p in profiles]
    settings = {s.profile_id: s for s in ConsultationSettings.objects.filter(profile_id__in=ids)}
    windows, exceptions = [], []
    for i, profile in enumerate(profiles):
        call, buffer, most = BOOKING_SETUPS[i % len(BOOKING_SETUPS)]
        s = settings[profile.pk]
        s.call_minutes, s.buffer_minutes, s.max_calls_per_day = call, buffer, most
        s.min_notice_hours, s.horizon_days = 12, 28
        for day in range(5):
            windows += [
                WeeklyWindow(profile_id=profile.pk, weekday=day, start_time=_t(a), end_time=_t(b))
                for a, b in BOOKING_WINDOWS
            ]
        if i % 4 == 0:
            windows.append(
                WeeklyWindow(
                    profile_id=profile.pk, weekday=5, start_time=_t("10:00"), end_time=_t("13:00")
                )
            )
        for _ in range(rng.randint(0, 3)):
            exceptions.append(
                AvailabilityException(
                    profile_id=profile.pk, on_date=today + timedelta(days=rng.randrange(1, 28))
                )
            )
    with transaction.atomic():
        ConsultationSettings.objects.bulk_update(
            settings.values(),
            ["call_minutes", "buffer_minutes", "max_calls_per_day", "min_notice_hours"]
            + ["horizon_days"],
            batch_size=500,
        )
        WeeklyWindow.objects.filter(profile_id__in=ids).delete()
        WeeklyWindow.objects.bulk_create(windows, batch_size=2000)
        AvailabilityException.objects.bulk_create(exceptions, batch_size=2000)
    availability.refresh_all_summaries()


def plan(profiles: list, attempts: int, tag: str, rng: random.Random) -> tuple[list, int, int]:
    """Attempts at currently free slots, spread over the therapists, within each day's
    remaining maximum; hot slots come CONTENDERS times in a row. Returns (attempts, distinct
    slots, hot slots)."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from django.utils import timezone

    from iptcare.booking import availability

    distinct = max(1, round(attempts / (1 + HOT_SHARE * (CONTENDERS - 1))))
    now = timezone.now()
    loaded = availability.load([p.pk for p in profiles], now)
    pools = {}
    for profile in profiles:
        avail = loaded[profile.pk]
        zone = ZoneInfo(avail.rules.time_zone)
        # Leave a margin at both ends: the attempts come a little later than this plan.
        first = now + timedelta(hours=avail.rules.min_notice_hours, minutes=30)
        last = now + timedelta(days=avail.rules.horizon_days, minutes=-30)
        free = [s for s in avail.free(now) if first <= s.starts_at <= last]
        room = Counter()
        for b in avail.busy:
            room[b.starts_at.astimezone(zone).date()] -= 1
        rng.shuffle(free)
        pools[profile.pk] = (free, room, avail.rules.max_calls_per_day, zone)
    chosen = []
    order = list(profiles)
    while len(chosen) < distinct and order:
        rng.shuffle(order)
        for profile in list(order):
            free, room, most, zone = pools[profile.pk]
            while free:
                slot = free.pop()
                day = slot.starts_at.astimezone(zone).date()
                if room[day] + most > 0:
                    room[day] -= 1
                    chosen.append((profile, slot.starts_at))
                    break
            else:
                order.remove(profile)
            if len(chosen) >= distinct:
                break
    if len(chosen) < distinct:
        raise RuntimeError(f"only {len(chosen)} free slots left for {distinct} wanted")
    rng.shuffle(chosen)
    hot = round(len(chosen) * HOT_SHARE)
    factory = RequestFactory()
    out = []
    for index, (profile, starts_at) in enumerate(chosen):
        for _ in range(CONTENDERS if index < hot else 1):
            i = len(out)
            request = factory.post(
                f"/therapists/{profile.slug}/book/",
                REMOTE_ADDR=f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}",
            )
            request.user = AnonymousUser()
            # Each attempt its own profile object, as each request loads its own.
            person = _person(tag, i, profile.state, rng)
            out.append(Attempt(request, copy.copy(profile), starts_at, person, index < hot))
    # Hot slots stay in runs of CONTENDERS (taken by different threads at once); the runs
    # and the single attempts are mixed.
    runs, k = [], 0
    while k < len(out):
        size = CONTENDERS if out[k].hot else 1
        runs.append(out[k : k + size])
        k += size
    rng.shuffle(runs)
    return [a for run in runs for a in run], len(chosen), hot


def _backend_cpu_s(pid: int | None) -> float | None:
    """CPU seconds (user + system) a PostgreSQL backend process has used, from /proc (the
    server runs on this machine); None if it can't be read."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_s() -> float:
    """CPU seconds all cores of the machine have spent running anything since boot (user,
    nice, system, irq, softirq in /proc/stat), or -inf if unknown."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            ticks = [int(v) for v in fh.readline().split()[1:8]]
    except (OSError, ValueError):
        return float("-inf")
    user, nice, system, _idle, _iowait, irq, softirq = ticks
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


@dataclass
class WorkerReport:
    outcomes: list  # (kind, ns, key, detail)
    ended: float  # perf_counter: CLOCK_MONOTONIC, comparable across processes
    cpu_s: float  # this worker process's own CPU time during the race
    db_cpu_s: float | None  # its PostgreSQL backend's, if readable
    rss_mb: float  # its peak RSS during the race
    error: str = ""


def worker(attempts: list, ticket, done, barrier, results) -> None:
    """One client, a separate process (forked, like an app server's worker) with its own
    connection: takes the next attempt by ticket until none are left, then reports."""
    from django.db import connection

    from iptcare.booking import services

    clock = time.perf_counter_ns
    outcomes: list = []
    report = WorkerReport(outcomes, 0.0, 0.0, None, 0.0)
    try:
        connection.ensure_connection()
        pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
        reset_peak_rss()
        barrier.wait(timeout=60)
        cpu, db_cpu = time.process_time(), _backend_cpu_s(pid)
        while True:
            with ticket.get_lock():
                i = ticket.value
                ticket.value += 1
            if i >= len(attempts):
                break
            a = attempts[i]
            kind, detail = "succeeded", ""
            start = clock()
            try:
                services.book_consultation(a.request, a.profile, a.starts_at, a.person)
            except services.SlotTaken:
                kind = "taken"
            except services.BookingRefused as refusal:
                kind, detail = "refused", str(refusal)
            except Exception as error:  # noqa: BLE001 - counted and reported
                kind, detail = "error", repr(error)[:300]
            outcomes.append((kind, clock() - start, (a.profile.pk, a.starts_at), detail))
            with done.get_lock():
                done.value += 1
        report.ended = time.perf_counter()
        report.cpu_s = time.process_time() - cpu
        db_end = _backend_cpu_s(pid)
        report.db_cpu_s = db_end - db_cpu if db_end is not None and db_cpu is not None else None
        report.rss_mb = peak_rss_mb()
    except threading.BrokenBarrierError:
        report.error = "barrier broken"
    except Exception as error:  # noqa: BLE001 - reported by the parent
        report.error = repr(error)[:300]
        barrier.abort()
    finally:
        connection.close()
        results.put(report)


def race(attempts: list, clients: int) -> tuple[list[Outcome], float, dict]:
    """Run the attempts on `clients` worker processes, forked from this one (which holds
    no connection then) and released together by a barrier: (outcomes, wall seconds from
    the barrier to the last worker's last attempt, the workers' CPU and memory)."""
    fork = multiprocessing.get_context("fork")
    ticket, done = fork.Value("l", 0), fork.Value("l", 0)
    barrier = fork.Barrier(clients + 1)
    results = fork.Queue()
    workers = [
        fork.Process(
            target=worker, args=(attempts, ticket, done, barrier, results), name=f"client-{i}"
        )
        for i in range(clients)
    ]
    for process in workers:
        process.start()
    barrier.wait(timeout=120)
    start = time.perf_counter()
    next_report = start + PROGRESS_S
    reports: list[WorkerReport] = []
    while len(reports) < clients:
        try:
            reports.append(results.get(timeout=0.25))
        except queue.Empty:
            if not any(p.is_alive() for p in workers) and results.empty():
                break  # a worker died without reporting
        if time.perf_counter() >= next_report:
            rate = done.value / (time.perf_counter() - start)
            log(f"  {done.value:,}/{len(attempts):,} attempts, {rate:.0f} attempts/s so far")
            next_report += PROGRESS_S
    for process in workers:
        process.join(timeout=30)
    ended = max((r.ended for r in reports if r.ended), default=time.perf_counter())
    outcomes = [Outcome(*o) for r in reports for o in r.outcomes]
    db_cpu = [r.db_cpu_s for r in reports if r.db_cpu_s is not None]
    usage = {
        "cpu_s": sum(r.cpu_s for r in reports),
        "db_cpu_s": sum(db_cpu) if reports and len(db_cpu) == len(reports) else None,
        "rss_mb": max((r.rss_mb for r in reports), default=0.0),
        "errors": [f"worker {i}: {r.error}" for i, r in enumerate(reports) if r.error]
        + [f"{clients - len(reports)} workers did not report"] * (len(reports) < clients),
    }
    return outcomes, ended - start, usage


def double_bookings() -> int:
    """Pairs of holding calls of one therapist whose [starts_at, blocked_until) overlap."""
    from django.db import connection

    from iptcare.booking.models import HOLDING_VALUES, Consultation

    table = connection.ops.quote_name(Consultation._meta.db_table)
    holding = ", ".join(["%s"] * len(HOLDING_VALUES))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {table} a JOIN {table} b ON a.profile_id = b.profile_id"
            " AND a.id < b.id AND a.starts_at < b.blocked_until"
            " AND b.starts_at < a.blocked_until"
            f" WHERE a.status IN ({holding}) AND b.status IN ({holding})",
            HOLDING_VALUES + HOLDING_VALUES,
        )
        return cursor.fetchone()[0]


def run_booking(ctx: Context, profiles: list, rng: random.Random, code: str) -> None:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from iptcare.accounts.models import AuditEvent
    from iptcare.booking import services
    from iptcare.booking.models import Consultation

    log(f"booking: {len(profiles)} therapists; setting their availability ...")
    setup_booking_therapists(profiles, rng)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    # A short warm-up in this process, before the workers are forked from it (its calls
    # stay, and are checked with the rest).
    warm, _, _ = plan(profiles, 20, "warm", rng)
    for a in warm:
        with contextlib.suppress(services.BookingRefused):
            services.book_consultation(a.request, a.profile, a.starts_at, a.person)
    for clients in CLIENTS:
        tag = f"c{clients}"
        attempts, distinct, hot = plan(profiles, ATTEMPTS, tag, rng)
        before = Consultation.objects.count()
        audit_before = AuditEvent.objects.count()
        tasks_before = DBTaskResult.objects.count()
        connection.close()  # no connection to share with the forked workers
        log(
            f"{clients} worker processes: {len(attempts):,} attempts at {distinct:,} slots "
            f"({hot} of them by {CONTENDERS} attempts in a row)"
        )
        machine = _machine_busy_s()
        outcomes, wall_s, usage = race(attempts, clients)
        machine_s = _machine_busy_s() - machine
        cpu_s, db_cpu_s = usage["cpu_s"], usage["db_cpu_s"]
        kinds = Counter(o.kind for o in outcomes)
        wins = Counter(o.key for o in outcomes if o.kind == "succeeded")
        aimed = {(a.profile.pk, a.starts_at) for a in attempts}
        doubles = double_bookings()
        stored = Consultation.objects.count() - before
        audited = AuditEvent.objects.count() - audit_before
        queued = DBTaskResult.objects.count() - tasks_before
        problems = list(usage["errors"])
        if len(outcomes) != len(attempts):
            problems.append(f"{len(attempts) - len(outcomes)} attempts never ran")
        if any(count > 1 for count in wins.values()):
            problems.append("a slot was booked more than once")
        if len(wins) != len(aimed):
            problems.append(f"{len(aimed) - len(wins)} slots aimed at were not booked")
        if stored != kinds["succeeded"]:
            problems.append(f"{stored} calls stored for {kinds['succeeded']} successes")
        if audited != kinds["succeeded"]:
            problems.append(f"{audited} audit rows for {kinds['succeeded']} successes")
        if queued != kinds["succeeded"]:
            problems.append(f"{queued} email tasks queued for {kinds['succeeded']} successes")
        details = Counter(o.detail for o in outcomes if o.kind in ("refused", "error"))
        stats = summarize([o.ns for o in outcomes])
        per_s = round(kinds["succeeded"] / wall_s, 1)
        record = {
            "bench": "booking",
            "case": f"{clients} workers",
            "clients": clients,
            "client_model": "processes",
            "bookings_per_s": per_s,
            "double_bookings": doubles,
            "attempts": len(attempts),
            "succeeded": kinds["succeeded"],
            "taken": kinds["taken"],
            "refused": kinds["refused"],
            "errors": kinds["error"],
            "distinct_slots": distinct,
            "hot_slots": hot,
            "contenders": CONTENDERS,
            "exactly_once": not problems,
            "problems": problems,
            "refusals": dict(details.most_common(5)),
            "attempts_per_s": round(len(outcomes) / wall_s, 1),
            # CPU time per attempt of the app (all worker processes) and of their
            # PostgreSQL backends (None if /proc didn't tell), how many cores' worth the app
            # used, and how busy the whole machine was (other work included) in the race.
            "cpu_ms_per_attempt": round(cpu_s * 1000 / max(len(outcomes), 1), 2),
            "db_cpu_ms_per_attempt": (
                round(db_cpu_s * 1000 / max(len(outcomes), 1), 2) if db_cpu_s is not None else None
            ),
            "cpu_cores_used": round(cpu_s / wall_s, 2),
            "machine_cores_busy": round(machine_s / wall_s, 2) if machine_s >= 0 else None,
            "wall_s": round(wall_s, 2),
            **stats,
            "succeeded_p50_ms": summarize([o.ns for o in outcomes if o.kind == "succeeded"] or [0])[
                "p50_ms"
            ],
            "taken_p50_ms": summarize([o.ns for o in outcomes if o.kind == "taken"] or [0])[
                "p50_ms"
            ],
            "rss_mb": usage["rss_mb"],  # the largest worker's peak
            "therapists": len(profiles),
            "target_bookings_per_s": TARGET_BOOKINGS_PER_S,
            "meets_target": per_s >= TARGET_BOOKINGS_PER_S and doubles == 0 and not problems,
            "code": code,
        }
        if code_fingerprint() != code:
            record["code_changed"] = True
        ctx.emit(record)
        log(
            f"{clients} workers: {per_s:.0f} bookings/s ({kinds['succeeded']:,} booked, "
            f"{kinds['taken']:,} taken, {kinds['refused']} refused, {kinds['error']} errors "
            f"in {wall_s:.1f} s); p50 {stats['p50_ms']:.1f} ms p95 {stats['p95_ms']:.1f} ms "
            f"p99 {stats['p99_ms']:.1f} ms; double bookings {doubles}; "
            f"RSS {record['rss_mb']} MB per worker; CPU per attempt: app "
            f"{record['cpu_ms_per_attempt']} ms, PostgreSQL {record['db_cpu_ms_per_attempt']} ms; "
            f"machine {record['machine_cores_busy']} cores busy"
        )
        for problem in problems:
            log(f"  PROBLEM: {problem}")
        for detail, count in details.most_common(3):
            log(f"  {count} x {detail}")


def run(ctx: Context) -> None:
    from django.db import connection

    code = code_fingerprint()
    rng = random.Random(20261124)
    built = build(ctx)
    found = therapists(ctx.n)
    if len(found) < len(SLOT_SETUPS) + 8:
        raise RuntimeError(f"only {len(found)} generated therapists take new clients")
    log(f"{len(found)} generated therapists take new clients ({built['build_s']} s to build)")
    run_slots(ctx, found[: len(SLOT_SETUPS)], rng, code)
    if connection.vendor != "postgresql":
        log("booking: skipped on SQLite (the throughput target is PostgreSQL's)")
    else:
        run_booking(ctx, found[len(SLOT_SETUPS) :], rng, code)
    if code_fingerprint() != code:
        log("WARNING: the booking code changed during this run; rerun to measure it")
