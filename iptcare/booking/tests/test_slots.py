"""slots.py is pure: rules, windows, date changes and booked calls in, free slots out."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from iptcare.booking.slots import (
    Busy,
    DateChange,
    Rules,
    Slot,
    Window,
    add_business_days,
    exists_locally,
    free_slots,
    group_by_day,
    open_slots,
)

LA = ZoneInfo("America/Los_Angeles")
NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def rules(**fields) -> Rules:
    values: dict = {
        "time_zone": "America/Los_Angeles",
        "call_minutes": 20,
        "buffer_minutes": 10,
        "max_calls_per_day": 10,
        "min_notice_hours": 0,
        "horizon_days": 28,
    }
    values.update(fields)
    return Rules(**values)


def local(slots, zone) -> list[str]:
    return [s.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") for s in slots]


def on(day: date, slots, zone=LA):
    return [s for s in slots if s.starts_at.astimezone(zone).date() == day]


def test_it_lays_out_calls_with_their_buffer():
    now = datetime(2026, 6, 1, 0, tzinfo=UTC)  # a Monday evening before, in Los Angeles
    found = free_slots(rules(), [Window(0, time(9), time(10))], [], [], now)
    assert local(found, LA) == [
        "2026-06-01 09:00 PDT",
        "2026-06-01 09:30 PDT",
        "2026-06-08 09:00 PDT",
        "2026-06-08 09:30 PDT",
        "2026-06-15 09:00 PDT",
        "2026-06-15 09:30 PDT",
        "2026-06-22 09:00 PDT",
        "2026-06-22 09:30 PDT",
    ]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=20) for s in found)


def test_spring_forward_has_no_slot_in_the_missing_hour():
    # 2026-03-08: in Los Angeles 2:00 PST jumps to 3:00 PDT.
    now = datetime(2026, 3, 1, tzinfo=UTC)
    found = on(date(2026, 3, 8), free_slots(rules(), [Window(6, time(1), time(4))], [], [], now))
    assert local(found, LA) == [
        "2026-03-08 01:00 PST",
        "2026-03-08 01:30 PST",
        "2026-03-08 03:00 PDT",
        "2026-03-08 03:30 PDT",
    ]
    # Two real hours of window, so four 30-minute steps, each a real 20-minute call.
    assert found[-1].ends_at - found[0].starts_at == timedelta(minutes=110)


def test_fall_back_offers_the_repeated_hour_once_per_real_hour():
    # 2026-11-01: in Los Angeles 2:00 PDT falls back to 1:00 PST.
    now = datetime(2026, 10, 25, tzinfo=UTC)
    found = on(date(2026, 11, 1), free_slots(rules(), [Window(6, time(1), time(3))], [], [], now))
    assert local(found, LA) == [
        "2026-11-01 01:00 PDT",
        "2026-11-01 01:30 PDT",
        "2026-11-01 01:00 PST",
        "2026-11-01 01:30 PST",
        "2026-11-01 02:00 PST",
        "2026-11-01 02:30 PST",
    ]
    starts = [s.starts_at for s in found]
    assert starts == sorted(set(starts))


def test_a_window_keeps_its_wall_clock_across_the_change():
    # 9 am in Los Angeles is 17:00 UTC before the change and 16:00 UTC after it.
    now = datetime(2026, 3, 5, tzinfo=UTC)
    found = free_slots(rules(), [Window(4, time(9), time(9, 30))], [], [], now)
    assert [s.starts_at for s in found[:2]] == [
        datetime(2026, 3, 6, 17, tzinfo=UTC),
        datetime(2026, 3, 13, 16, tzinfo=UTC),
    ]


def test_a_person_in_london_sees_the_gap_between_the_two_changes():
    # The US moves on March 8, the UK on March 29: for three weeks New York is 4 hours
    # behind London instead of 5. A 10 am New York slot is 3 pm, then 2 pm, then 3 pm.
    now = datetime(2026, 3, 1, tzinfo=UTC)
    ny_rules = rules(time_zone="America/New_York", horizon_days=40)
    found = free_slots(ny_rules, [Window(1, time(10), time(10, 30))], [], [], now)
    in_london = {s.starts_at.astimezone(NY).date(): s.starts_at.astimezone(LONDON) for s in found}
    assert in_london[date(2026, 3, 3)].strftime("%H:%M %Z") == "15:00 GMT"
    assert in_london[date(2026, 3, 10)].strftime("%H:%M %Z") == "14:00 GMT"
    assert in_london[date(2026, 3, 31)].strftime("%H:%M %Z") == "15:00 BST"
    days = group_by_day(found, "Europe/London")
    assert [d for d, _ in days][:2] == [date(2026, 3, 3), date(2026, 3, 10)]


def test_grouping_by_the_persons_day_can_move_a_slot_to_the_next_date():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    found = free_slots(rules(horizon_days=7), [Window(0, time(20), time(20, 30))], [], [], now)
    days = group_by_day(found, "Europe/London")
    assert days[0][0] == date(2026, 6, 2)  # Monday 8 pm in LA is Tuesday 4 am in London
    assert days[0][1][0].strftime("%H:%M %Z") == "04:00 BST"


def test_booked_calls_and_their_buffers_block_neighbouring_slots():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    booked = datetime(2026, 6, 1, 16, 30, tzinfo=UTC)  # 9:30 PDT
    busy = [Busy(booked, booked + timedelta(minutes=30))]
    found = on(date(2026, 6, 1), free_slots(rules(), [Window(0, time(9), time(11))], [], busy, now))
    assert local(found, LA) == [
        "2026-06-01 09:00 PDT",
        "2026-06-01 10:00 PDT",
        "2026-06-01 10:30 PDT",
    ]


def test_a_longer_call_never_overlaps_an_earlier_booking():
    # Booked at 9:30 for 20 minutes with no buffer; the length later changes to 30.
    now = datetime(2026, 6, 1, tzinfo=UTC)
    booked = datetime(2026, 6, 1, 16, 30, tzinfo=UTC)
    busy = [Busy(booked, booked + timedelta(minutes=20))]
    found = free_slots(
        rules(call_minutes=30, buffer_minutes=0), [Window(0, time(9), time(11))], [], busy, now
    )
    for slot in on(date(2026, 6, 1), found):
        assert slot.ends_at <= booked or slot.starts_at >= booked + timedelta(minutes=20)


def test_minimum_notice_horizon_and_past_times():
    now = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)  # Monday 9:00 PDT
    found = free_slots(
        rules(min_notice_hours=24, horizon_days=7), [Window(0, time(9), time(12))], [], [], now
    )
    assert found[0].starts_at == datetime(2026, 6, 8, 16, tzinfo=UTC)
    assert all(s.starts_at >= now + timedelta(hours=24) for s in found)
    assert all(s.starts_at <= now + timedelta(days=7) for s in found)


def test_a_full_day_offers_nothing_more():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    first = datetime(2026, 6, 1, 16, tzinfo=UTC)
    busy = [Busy(first, first + timedelta(minutes=30))]
    found = free_slots(rules(max_calls_per_day=1), [Window(0, time(9), time(12))], [], busy, now)
    assert on(date(2026, 6, 1), found) == []
    assert on(date(2026, 6, 8), found)


def test_days_off_hours_off_and_extra_hours():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    changes = [
        DateChange(date(2026, 6, 1), extra=False),
        DateChange(date(2026, 6, 8), extra=False, start=time(9), end=time(10)),
        DateChange(date(2026, 6, 6), extra=True, start=time(14), end=time(15)),
    ]
    found = free_slots(rules(), [Window(0, time(9), time(11))], changes, [], now)
    assert on(date(2026, 6, 1), found) == []
    assert local(on(date(2026, 6, 8), found), LA) == [
        "2026-06-08 10:00 PDT",
        "2026-06-08 10:30 PDT",
    ]
    assert local(on(date(2026, 6, 6), found), LA) == [
        "2026-06-06 14:00 PDT",
        "2026-06-06 14:30 PDT",
    ]


def test_limit_stops_early():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    found = free_slots(rules(), [Window(0, time(9), time(12))], [], [], now, limit=1)
    assert len(found) == 1


@pytest.mark.parametrize(
    ("moment", "zone", "exists"),
    [
        (datetime(2026, 3, 8, 2, 30), LA, False),
        (datetime(2026, 3, 8, 3, 30), LA, True),
        (datetime(2026, 3, 8, 2, 30), NY, False),
        (datetime(2026, 3, 29, 1, 30), LONDON, False),
        (datetime(2026, 11, 1, 1, 30), LA, True),
    ],
)
def test_it_knows_daylight_saving_gaps(moment, zone, exists):
    assert exists_locally(moment, zone) is exists


def test_business_days_skip_the_weekend():
    friday = datetime(2026, 6, 5, 22, tzinfo=UTC)  # Friday 3 pm in Los Angeles
    assert add_business_days(friday, 1, "America/Los_Angeles") == datetime(
        2026, 6, 8, 22, tzinfo=UTC
    )
    assert add_business_days(friday, 2, "America/Los_Angeles") == datetime(
        2026, 6, 9, 22, tzinfo=UTC
    )


def test_a_long_earlier_block_still_counts_after_a_short_later_one():
    # Busy times need not be tidy: 9:00-11:00 holds even though 9:30-9:40 starts later.
    now = datetime(2026, 6, 1, tzinfo=UTC)
    nine = datetime(2026, 6, 1, 16, tzinfo=UTC)
    busy = [
        Busy(nine, nine + timedelta(hours=2)),
        Busy(nine + timedelta(minutes=30), nine + timedelta(minutes=40)),
    ]
    found = free_slots(rules(), [Window(0, time(9), time(12))], [], busy, now)
    assert local(on(date(2026, 6, 1), found), LA) == [
        "2026-06-01 11:00 PDT",
        "2026-06-01 11:30 PDT",
    ]


def plain_free_slots(rules, windows, changes, busy, now) -> list[Slot]:
    """The rules read literally, one candidate start at a time: what free_slots, which
    works in runs of slots, must agree with."""
    zone = ZoneInfo(rules.time_zone)
    earliest = now + timedelta(hours=rules.min_notice_hours)
    latest = now + timedelta(days=rules.horizon_days)
    call, step = rules.call, rules.call + rules.buffer
    found = set()
    day = earliest.astimezone(zone).date()
    while day <= latest.astimezone(zone).date():
        mine = [c for c in changes if c.on_date == day]
        on_day = sum(1 for b in busy if b.starts_at.astimezone(zone).date() == day)
        spans = [(w.start, w.end) for w in windows if w.weekday == day.weekday()]
        spans += [(c.start, c.end) for c in mine if c.extra]
        if on_day < rules.max_calls_per_day and not any(
            not c.extra and c.start is None for c in mine
        ):
            for start, end in spans:
                at = datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
                closes = datetime.combine(day, end, tzinfo=zone).astimezone(UTC)
                while at + call <= closes:
                    off = any(
                        not c.extra
                        and c.start is not None
                        and datetime.combine(day, c.start, tzinfo=zone) < at + call
                        and at < datetime.combine(day, c.end, tzinfo=zone)
                        for c in mine
                    )
                    taken = any(b.starts_at < at + step and at < b.blocked_until for b in busy)
                    if earliest <= at <= latest and not off and not taken:
                        found.add(Slot(at, at + call))
                    at += step
        day += timedelta(days=1)
    return sorted(found)


@pytest.mark.parametrize("seed", range(4))
def test_it_agrees_with_the_rules_read_literally(seed):
    """Random setups in zones with daylight saving (London, Lord Howe's half hour, Santiago
    and its midnight changes): overlapping windows, days and hours off, extra hours,
    calls of any length, notice and horizon, seconds in `now`."""
    import random

    rng = random.Random(seed)
    zones = ["America/Los_Angeles", "Europe/London", "Australia/Lord_Howe", "America/Santiago"]

    def wall() -> time:
        return time(rng.randrange(24), rng.choice([0, 15, 30, 45, 7]))

    for _ in range(25):
        r = rules(
            time_zone=rng.choice(zones),
            call_minutes=rng.choice([15, 20, 30]),
            buffer_minutes=rng.choice([0, 5, 10, 120]),
            max_calls_per_day=rng.randint(1, 10),
            min_notice_hours=rng.choice([0, 1, 12, 336]),
            horizon_days=rng.choice([1, 7, 28, 90]),
        )
        now = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(365 * 86400), microseconds=rng.choice([0, 123456])
        )
        windows = [Window(rng.randrange(7), *sorted((wall(), wall()))) for _ in range(8)]
        windows = [w for w in windows if w.start < w.end]
        changes = []
        for _ in range(rng.randint(0, 25)):
            day = (now + timedelta(days=rng.randrange(-1, 92))).date()
            a, b = sorted((wall(), wall()))
            kind = rng.random()
            if kind < 0.3:
                changes.append(DateChange(day, extra=False))
            elif a < b:
                changes.append(DateChange(day, extra=kind < 0.65, start=a, end=b))
        busy = []
        for _ in range(rng.randint(0, 50)):
            start = now + timedelta(minutes=rng.randrange(-1440, 92 * 1440))
            busy.append(Busy(start, start + timedelta(minutes=rng.choice([20, 30, 60, 300]))))
        want = plain_free_slots(r, windows, changes, busy, now)
        found = free_slots(r, windows, changes, busy, now)
        assert found == want
        assert open_slots(r, windows, changes, busy, now) == (
            want[0].starts_at if want else None,
            len(want),
        )
        assert free_slots(r, windows, changes, busy, now, limit=3) == want[:3]
        if want:
            pick = rng.choice(want).starts_at
            assert free_slots(r, windows, changes, busy, now, within=(pick, pick)) == [
                s for s in want if s.starts_at == pick
            ]
