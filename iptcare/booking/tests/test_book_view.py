"""The public booking page: slots in the person's zone, the form, and everything refused."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from iptcare.accounts.models import TokenBucket
from iptcare.booking.models import Consultation
from iptcare.booking.tests.helpers import offer_calls
from iptcare.directory.models import TherapistProfile
from iptcare.directory.tests.helpers import make_profile
from iptcare.test import BaseTestCase

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)  # Monday 8:00 in Los Angeles
TUESDAY_9 = datetime(2026, 6, 2, 16, 0, tzinfo=UTC)  # 9:00 PDT, 12:00 EDT, 17:00 BST


class BookViewTestCase(BaseTestCase):
    profile: TherapistProfile
    url: str

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.profile = make_profile(cls.tess, states=("CA",))
        offer_calls(cls.profile)
        cls.url = reverse("booking:book", args=[cls.profile.slug])

    def setUp(self):
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def post(self, **fields):
        data = {
            "slot": TUESDAY_9.astimezone().isoformat(),
            "tz": "America/New_York",
            "name": "Pat Example",
            "email": "pat@example.net",
            "phone": "",
            "state": "CA",
            "message": "Hello",
            "consent": "on",
            "website": "",
        }
        data.update(fields)
        return self.client.post(self.url, data)

    def test_it_shows_slots_in_the_therapists_zone_without_a_choice(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Times are shown in America/Los_Angeles")
        self.assertContains(response, "Tuesday, June 2")
        self.assertContains(response, "9:00 AM PDT")
        self.assertContains(response, 'value="2026-06-02T09:00:00-07:00"')
        self.assertContains(response, "js/booking.js")
        self.assertNotContains(response, "<script>")

    def test_it_shows_slots_in_the_persons_zone(self):
        response = self.client.get(self.url, {"tz": "Europe/London"})
        self.assertContains(response, "5:00 PM BST")
        self.assertContains(response, "works in America/Los_Angeles")
        response = self.client.get(self.url, {"tz": "Nowhere/Special"})
        self.assertContains(response, "Times are shown in America/Los_Angeles")

    def test_a_person_books_and_both_sides_are_told(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.post()
        self.assertContains(response, "Your request has been sent")
        self.assertContains(response, "12:00 PM EDT (America/New York)")
        consultation = Consultation.objects.get()
        self.assertEqual(consultation.starts_at, TUESDAY_9)
        self.assertEqual(consultation.person_time_zone, "America/New_York")
        self.assertEqual(DBTaskResult.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 0)  # the worker sends them (test_emails.py)

    def test_the_honeypot_pretends_and_keeps_nothing(self):
        response = self.post(website="http://spam.example")
        self.assertContains(response, "Your request has been sent")
        self.assertFalse(Consultation.objects.exists())
        self.assertFalse(DBTaskResult.objects.exists())

    def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(self):
        cases = [
            ({"tz": "Mars/Olympus_Mons"}, "We don&#x27;t know that time zone"),
            ({"slot": "2026-05-01T09:00:00-07:00"}, "already passed"),
            ({"slot": "2026-06-02T09:10:00-07:00"}, "not one this therapist offers"),
            ({"slot": "2026-07-14T09:00:00-07:00"}, "up to 28 days ahead"),
            ({"slot": "next tuesday"}, "Please choose one of the times shown"),
            ({"slot": ""}, "Please choose a time"),
            ({"message": "x" * 50_000}, "at most 1000 characters"),
            ({"name": "<script>alert(1)</script>"}, "without &lt; and &gt; signs"),
            ({"message": "hi <img src=x onerror=alert(1)>"}, "without HTML tags"),
            ({"email": "not-an-address"}, "Enter a valid email address"),
            ({"phone": "call me maybe"}, "digits only"),
            ({"state": "ZZ"}, "Select a valid choice"),
            ({"consent": ""}, "Please agree to be contacted"),
        ]
        for fields, message in cases:
            with self.subTest(fields=str(fields)[:60]):
                response = self.post(**fields)
                self.assertContains(response, message)
        self.assertFalse(Consultation.objects.exists())
        self.assertFalse(DBTaskResult.objects.exists())

    def test_a_wall_time_in_the_spring_forward_gap_is_refused(self):
        with time_machine.travel(datetime(2026, 3, 1, tzinfo=UTC), tick=False):
            response = self.post(slot="2026-03-08T02:30", tz="America/Los_Angeles")
        self.assertContains(response, "02:30 AM on March 8 doesn&#x27;t exist")
        self.assertFalse(Consultation.objects.exists())

    def test_a_taken_time_offers_others(self):
        self.post()
        response = self.post(email="sam@example.net")
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "this time was just taken", status_code=409)
        self.assertContains(response, "Other free times", status_code=409)
        self.assertEqual(Consultation.objects.count(), 1)

    @override_settings(BOOKING_ATTEMPTS_PER_IP_PER_HOUR=3)
    def test_one_address_is_rate_limited(self):
        for _ in range(3):
            self.post(consent="")
        response = self.post()
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many booking attempts", status_code=429)
        self.assertFalse(Consultation.objects.exists())
        # An hour later it may try again.
        with time_machine.travel(NOW + timedelta(hours=1), tick=False):
            self.assertContains(self.post(), "Your request has been sent")

    @override_settings(BOOKING_REQUESTS_PER_EMAIL_PER_DAY=2)
    def test_one_email_is_rate_limited(self):
        self.post()
        self.post(slot="2026-06-02T10:00:00-07:00")
        response = self.post(slot="2026-06-02T10:30:00-07:00", email="PAT@example.net")
        self.assertContains(response, "Too many requests from this email", status_code=429)
        self.assertEqual(Consultation.objects.count(), 2)
        self.assertEqual(TokenBucket.objects.count(), 2)  # one address, one email

    def test_an_unlisted_profile_has_no_booking_page(self):
        hidden = make_profile(self.otto, published=False)
        offer_calls(hidden)
        self.assertEqual(
            self.client.get(reverse("booking:book", args=[hidden.slug])).status_code, 404
        )

    def test_a_therapist_with_no_open_times_says_so(self):
        self.profile.weekly_windows.all().delete()
        self.assertContains(self.client.get(self.url), "has no free times in the coming weeks")
        self.profile.accepting_new_clients = False
        self.profile.save(update_fields=["accepting_new_clients"])
        self.assertContains(self.client.get(self.url), "not taking new clients")


class ZoneDetectionTestCase(BaseTestCase):
    def test_only_a_first_look_lets_the_script_pick_the_zone(self):
        profile = make_profile(self.tess)
        offer_calls(profile)
        url = reverse("booking:book", args=[profile.slug])
        self.assertContains(self.client.get(url), 'id="zone-form" data-detect>')
        self.assertNotContains(self.client.get(url, {"tz": "Asia/Tokyo"}), "data-detect>")
        self.assertNotContains(self.client.post(url, {"tz": "Asia/Tokyo"}), "data-detect>")
