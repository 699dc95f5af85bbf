"""book_consultation and the database's guarantees, on whichever database the suite runs."""

from datetime import UTC, datetime, time, timedelta

import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from iptcare.accounts.models import AuditEvent
from iptcare.booking import services
from iptcare.booking.models import Claim, Consultation, ConsultationSettings, SlotSummary, Status
from iptcare.booking.tests.helpers import a_person, offer_calls
from iptcare.directory.models import TherapistProfile
from iptcare.directory.tests.helpers import make_profile
from iptcare.test import BaseTestCase

# Monday 1 June 2026, 8:00 in Los Angeles. Tess offers weekdays 9:00-12:00 there.
NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
TUESDAY_9 = datetime(2026, 6, 2, 16, 0, tzinfo=UTC)


class BookingTestCase(BaseTestCase):
    profile: TherapistProfile
    call_settings: ConsultationSettings

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.profile = make_profile(cls.tess, states=("CA", "NY"))
        cls.call_settings = offer_calls(cls.profile)

    def setUp(self):
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def book(self, starts_at=TUESDAY_9, **person):
        return services.book_consultation(None, self.profile, starts_at, a_person(**person))

    def counts(self):
        return [m.objects.count() for m in (Consultation, Claim, AuditEvent, DBTaskResult)]

    def test_it_books_a_free_slot(self):
        with self.captureOnCommitCallbacks(execute=True):
            consultation = self.book()
        self.assertEqual(consultation.status, Status.REQUESTED)
        self.assertEqual(consultation.starts_at, TUESDAY_9)
        self.assertEqual(consultation.ends_at - consultation.starts_at, timedelta(minutes=20))
        self.assertEqual(consultation.blocked_until - consultation.ends_at, timedelta(minutes=10))
        self.assertEqual(consultation.sequence, 0)
        self.assertTrue(consultation.uid.endswith("@iptcare"))
        self.assertEqual(consultation.consented_at, NOW)
        # The person's data is encrypted at rest.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, email, message FROM booking_consultation WHERE id = %s",
                [consultation.pk],
            )
            raw = cursor.fetchone()
        self.assertNotIn("Pat", raw[0])
        self.assertNotIn("pat@example.net", raw[1])
        self.assertNotIn("move", raw[2])
        consultation.refresh_from_db()
        self.assertEqual(consultation.message, "I'd like to talk about a move.")
        event = AuditEvent.objects.get(action="booking.consultation.requested")
        self.assertEqual(
            (event.object_code, event.practice), (str(consultation.code), self.practice)
        )
        self.assertIsNone(event.actor)
        queued = DBTaskResult.objects.get()
        self.assertEqual(queued.args_kwargs["args"], [str(consultation.code), "requested", ""])
        # The booked slot is gone, and the summary knows.
        self.assertNotIn(TUESDAY_9, [s.starts_at for s in services.alternatives(self.profile, NOW)])
        summary = SlotSummary.objects.get(profile=self.profile)
        self.assertEqual(summary.refreshed_at, NOW)

    def test_a_booking_reads_availability_once_and_writes_only_what_changed(self):
        services.refresh_open_slots(self.profile, NOW)
        second = TUESDAY_9 + timedelta(minutes=30)  # the next free call stays Tuesday 9:00
        # As the booking view loads it (directory.access.listed_profile).
        profile = TherapistProfile.objects.select_related("user__practice").get(pk=self.profile.pk)
        with CaptureQueriesContext(connection) as queries:
            services.book_consultation(None, profile, second, a_person())
        sql = [q["sql"] for q in queries.captured_queries]
        # The savepoint, one read (availability, the listing and the address's open
        # requests, the settings row locked), the call, its audit row, the summary.
        self.assertEqual(len(sql), 6, "\n".join(sql))
        self.assertEqual(sum("booking_weeklywindow" in q for q in sql), 1)
        self.assertFalse(any("directory_therapistprofile" in q for q in sql[2:]), sql)
        # What it wrote is what a fresh computation says.
        summary = SlotSummary.objects.get(profile=self.profile)
        fresh = services.availability.free_slots(self.profile, NOW)
        self.assertEqual(summary.open_slots_in_horizon, len(fresh))
        self.assertEqual(summary.next_free_at, fresh[0].starts_at)
        self.assertEqual(summary.next_free_at, TUESDAY_9)
        self.profile.refresh_from_db()
        self.assertEqual(self.profile.next_free_call_at, TUESDAY_9)
        # Booking the first free call moves the next free call, on the profile too.
        self.book(email="sam@example.net")
        fresh = services.availability.free_slots(self.profile, NOW)
        summary.refresh_from_db()
        self.profile.refresh_from_db()
        self.assertEqual(summary.open_slots_in_horizon, len(fresh))
        self.assertEqual(summary.next_free_at, fresh[0].starts_at)
        self.assertEqual(self.profile.next_free_call_at, fresh[0].starts_at)

    def test_a_taken_time_is_refused_with_other_times(self):
        self.book()
        before = self.counts()
        with self.assertRaises(services.SlotTaken) as caught:
            self.book(email="sam@example.net")
        self.assertIn("just taken", str(caught.exception))
        self.assertTrue(caught.exception.alternatives)
        self.assertNotIn(TUESDAY_9, [s.starts_at for s in caught.exception.alternatives])
        self.assertEqual(self.counts(), before)

    def test_an_overlapping_time_is_refused_too(self):
        self.book()
        # 9:20 overlaps the 9:00 call's buffer; it isn't offered at all now.
        with self.assertRaises(services.SlotUnavailable):
            self.book(TUESDAY_9 + timedelta(minutes=20), email="sam@example.net")
        self.assertEqual(Consultation.objects.count(), 1)

    def test_bad_times_are_refused_with_a_reason(self):
        cases = [
            (NOW - timedelta(hours=1), "already passed"),
            (NOW + timedelta(hours=2), "at least 12 hours ahead"),
            (TUESDAY_9 + timedelta(days=35), "up to 28 days ahead"),
            (TUESDAY_9 + timedelta(minutes=7), "not one this therapist offers"),
            (datetime(2026, 6, 6, 16, tzinfo=UTC), "not one this therapist offers"),
        ]
        before = self.counts()
        for starts_at, reason in cases:
            with (
                self.subTest(starts_at=starts_at),
                self.assertRaises(services.SlotUnavailable) as caught,
            ):
                self.book(starts_at)
            self.assertIn(reason, str(caught.exception))
        self.assertEqual(self.counts(), before)

    def test_an_unknown_time_zone_is_refused(self):
        with self.assertRaises(services.BookingRefused) as caught:
            self.book(time_zone="Mars/Olympus_Mons")
        self.assertIn("time zone", str(caught.exception))
        self.assertFalse(Consultation.objects.exists())

    def test_one_address_has_at_most_three_open_requests(self):
        for day in range(3):
            self.book(TUESDAY_9 + timedelta(days=day), email="Pat@Example.net")
        with self.assertRaises(services.BookingRefused) as caught:
            self.book(TUESDAY_9 + timedelta(days=3), email="pat@example.net ")
        self.assertIn("3 open requests", str(caught.exception))
        self.assertEqual(Consultation.objects.count(), 3)

    def test_a_therapist_not_taking_clients_is_not_booked(self):
        self.profile.accepting_new_clients = False
        self.profile.save(update_fields=["accepting_new_clients"])
        with self.assertRaises(services.BookingRefused):
            self.book()
        self.assertFalse(Consultation.objects.exists())

    def test_the_most_calls_in_a_day(self):
        ConsultationSettings.objects.filter(pk=self.call_settings.pk).update(max_calls_per_day=1)
        self.book()
        with self.assertRaises(services.SlotUnavailable):
            self.book(TUESDAY_9 + timedelta(hours=1), email="sam@example.net")

    def test_the_database_refuses_two_calls_at_one_start(self):
        self.book()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Consultation.objects.create(
                profile=self.profile,
                starts_at=TUESDAY_9,
                ends_at=TUESDAY_9 + timedelta(minutes=15),
                blocked_until=TUESDAY_9 + timedelta(minutes=15),
                uid="another@iptcare",
                name="X",
                email="x@example.net",
                email_digest="x",
                state="CA",
                person_time_zone="UTC",
                consented_at=NOW,
            )
        # A cancelled call frees its start for someone else.
        Consultation.objects.update(status=Status.CANCELLED)
        self.book(email="sam@example.net")

    def test_a_longer_call_length_never_overlaps_what_is_booked(self):
        self.book()
        ConsultationSettings.objects.filter(pk=self.call_settings.pk).update(
            call_minutes=30, buffer_minutes=0
        )
        free = services.alternatives(self.profile, NOW)
        booked = Consultation.objects.get()
        for slot in free:
            self.assertTrue(
                slot.ends_at <= booked.starts_at or slot.starts_at >= booked.blocked_until
            )

    def test_next_free_slots_for_many_profiles_in_one_query(self):
        profiles = [self.profile]
        for n, user in enumerate([self.otto, self.olga]):
            profile = make_profile(user)
            if n == 0:
                offer_calls(profile, time_zone="America/New_York")
            profiles.append(profile)
        with self.assertNumQueries(1):
            found = services.next_free_slots([p.pk for p in profiles], NOW)
        self.assertEqual(found[self.profile.pk], TUESDAY_9)
        # Otto works in New York: 9:00 there on Tuesday.
        self.assertEqual(found[profiles[1].pk], datetime(2026, 6, 2, 13, tzinfo=UTC))
        self.assertNotIn(profiles[2].pk, found)  # Olga offers no calls
        self.assertTrue(services.has_open_slots(self.profile, NOW))
        self.assertFalse(services.has_open_slots(profiles[2], NOW))

    def test_summaries_follow_time_and_changes(self):
        summary = services.refresh_open_slots(self.profile, NOW)
        # Tuesday 2 to Friday 26 June (Monday is within the 12 hours of notice, Monday 29
        # past the 28 days): 19 weekdays of 6 calls (9:00 to 12:00 in 30-minute steps).
        self.assertEqual(summary.open_slots_in_horizon, 19 * 6)
        self.assertEqual(summary.next_free_at, TUESDAY_9)
        self.profile.weekly_windows.all().delete()
        services.refresh_open_slots(self.profile, NOW)
        summary.refresh_from_db()
        self.assertFalse(summary.has_open_slots)
        self.assertIsNone(summary.next_free_at)

    def test_the_refresh_command_covers_everyone(self):
        other = make_profile(self.olga)
        SlotSummary.objects.create(profile=other, open_slots_in_horizon=5, next_free_at=NOW)
        call_command("refresh_slot_summaries", verbosity=0)
        self.assertTrue(SlotSummary.objects.get(profile=self.profile).has_open_slots)
        self.assertFalse(SlotSummary.objects.get(profile=other).has_open_slots)
        # A month later with nothing changed, the horizon moved on but the slots remain.
        with time_machine.travel(NOW + timedelta(days=60), tick=False):
            call_command("refresh_slot_summaries", verbosity=0)
        next_free_at = SlotSummary.objects.get(profile=self.profile).next_free_at
        assert next_free_at is not None
        self.assertGreater(next_free_at, NOW + timedelta(days=59))

    def test_a_window_through_a_dst_change_books_real_times(self):
        ConsultationSettings.objects.filter(pk=self.call_settings.pk).update(horizon_days=60)
        self.profile.weekly_windows.create(weekday=6, start_time=time(1), end_time=time(4))
        with time_machine.travel(datetime(2026, 10, 20, tzinfo=UTC), tick=False):
            # 1:30 on 1 November happens twice in Los Angeles; both are bookable.
            first = services.book_consultation(
                None, self.profile, datetime(2026, 11, 1, 8, 30, tzinfo=UTC), a_person()
            )
            second = services.book_consultation(
                None,
                self.profile,
                datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
                a_person(email="sam@example.net"),
            )
        self.assertEqual(second.starts_at - first.starts_at, timedelta(hours=1))
