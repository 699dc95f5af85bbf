"""Exactly once under concurrency, on PostgreSQL: 20 people on 20 connections try to book
one slot at the same instant. The SQLite pass skips these (conftest.py); CI runs them."""

import threading
from datetime import time, timedelta

import pytest
from django.db import IntegrityError, connection
from django.test import TransactionTestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from iptcare.accounts.models import AuditEvent, Practice, Role, TokenBucket
from iptcare.booking import availability, services
from iptcare.booking.models import Claim, Consultation, SlotSummary
from iptcare.booking.tests.helpers import a_person, make_consultation, offer_calls
from iptcare.directory.tests.helpers import make_profile
from iptcare.test import make_user

PEOPLE = 20

pytestmark = pytest.mark.postgresql


def race(work, count: int = PEOPLE) -> list:
    """Run work(i) on `count` threads, each with its own database connection, released
    together by a barrier; return what each returned or raised."""
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[i] = work(i)
        except Exception as error:  # collected and asserted on by the test
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


class ConcurrentBookingTestCase(TransactionTestCase):
    def setUp(self):
        practice = Practice.objects.create(name="Race Practice")
        therapist = make_user("race@example.org", Role.THERAPIST, practice, name="Race")
        self.profile = make_profile(therapist)
        offer_calls(
            self.profile, weekdays=range(7), start=time(0), end=time(23, 30), min_notice_hours=0
        )
        self.slot = availability.free_slots(self.profile)[5]

    def counts(self) -> list[int]:
        return [
            m.objects.count()
            for m in (Consultation, Claim, AuditEvent, DBTaskResult, SlotSummary, TokenBucket)
        ]

    def test_twenty_bookings_of_one_slot_give_one_call(self):
        before = self.counts()

        def book(i: int):
            person = a_person(email=f"person{i}@example.net")
            return services.book_consultation(None, self.profile, self.slot.starts_at, person)

        outcomes = race(book)
        booked = [o for o in outcomes if isinstance(o, Consultation)]
        taken = [o for o in outcomes if isinstance(o, services.SlotTaken)]
        self.assertEqual(len(booked), 1, outcomes)
        self.assertEqual(len(taken), PEOPLE - 1, outcomes)
        for refusal in taken:
            self.assertIn("this time was just taken", str(refusal))
            self.assertTrue(refusal.alternatives)
            self.assertNotIn(self.slot.starts_at, [s.starts_at for s in refusal.alternatives])
        # One call, its audit row, its queued emails and the summary; nothing else.
        expected = [before[0] + 1, before[1], before[2] + 1, before[3] + 1, 1, before[5]]
        self.assertEqual(self.counts(), expected)
        self.assertEqual(Consultation.objects.get().starts_at, self.slot.starts_at)

    def test_the_database_alone_refuses_overlapping_calls(self):
        """Straight inserts, no lock and no check in Python: the exclusion constraint lets
        exactly one of 20 overlapping calls (each starting a minute later) in."""
        start = self.slot.starts_at

        def insert(i: int):
            return make_consultation(
                self.profile,
                start + timedelta(minutes=i),
                uid=f"race-{i}@iptcare",
                consented_at=timezone.now(),
            )

        outcomes = race(insert)
        self.assertEqual(sum(isinstance(o, Consultation) for o in outcomes), 1, outcomes)
        self.assertEqual(sum(isinstance(o, IntegrityError) for o in outcomes), PEOPLE - 1)
        self.assertEqual(Consultation.objects.count(), 1)

    def test_a_call_that_starts_inside_anothers_buffer_is_refused(self):
        make_consultation(self.profile, self.slot.starts_at)  # blocks 30 minutes
        with self.assertRaises(IntegrityError):
            make_consultation(
                self.profile, self.slot.starts_at + timedelta(minutes=25), uid="late@iptcare"
            )
        # Right after the buffer is fine.
        make_consultation(
            self.profile, self.slot.starts_at + timedelta(minutes=30), uid="next@iptcare"
        )
