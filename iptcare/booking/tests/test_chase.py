"""No ghost listings: unanswered requests are chased, and the response record is measured
from real requests."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.core import mail
from django.core.management import call_command

from iptcare.booking import availability, services
from iptcare.booking.models import Consultation
from iptcare.booking.tests.helpers import make_consultation, offer_calls
from iptcare.directory.models import TherapistProfile
from iptcare.directory.tests.helpers import make_profile
from iptcare.test import BaseTestCase

# A request made on Friday 5 June 2026 at 15:00 in Los Angeles, for a call two weeks on.
FRIDAY = datetime(2026, 6, 5, 22, 0, tzinfo=UTC)
CALL = datetime(2026, 6, 19, 16, 0, tzinfo=UTC)


class ChaseTestCase(BaseTestCase):
    profile: TherapistProfile
    otto_profile: TherapistProfile

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.profile = make_profile(cls.tess)
        offer_calls(cls.profile)
        cls.otto_profile = make_profile(cls.otto, display_name="Otto Other")
        offer_calls(cls.otto_profile, time_zone="America/New_York")
        make_profile(cls.olga, display_name="Olga Elsewhere", states=("TX",))
        offer_calls(cls.olga.therapist_profile)

    def setUp(self):
        self.request = make_consultation(self.profile, CALL, created_at=FRIDAY)

    def chase_at(self, moment: datetime) -> services.ChaseReport:
        with time_machine.travel(moment, tick=False):
            availability.refresh_all_summaries()
            return services.chase_unanswered()

    def test_the_therapist_after_one_business_day_and_the_person_after_two(self):
        # Saturday, Sunday and Monday morning: not yet a business day.
        self.assertEqual(self.chase_at(FRIDAY + timedelta(days=3, hours=-1)).therapists_reminded, 0)
        report = self.chase_at(FRIDAY + timedelta(days=3))  # Monday 15:00
        self.assertEqual((report.therapists_reminded, report.people_told), (1, 0))
        (reminder,) = mail.outbox
        self.assertEqual(reminder.to, ["tess@example.org"])
        self.assertIn("still waiting for your answer", reminder.body)
        self.assertNotIn("Pat", reminder.body)
        # Running again (cron runs hourly) sends nothing new.
        self.assertEqual(self.chase_at(FRIDAY + timedelta(days=3, hours=1)).therapists_reminded, 0)

        report = self.chase_at(FRIDAY + timedelta(days=4))  # Tuesday 15:00
        self.assertEqual((report.therapists_reminded, report.people_told), (0, 1))
        told = mail.outbox[-1]
        self.assertEqual(told.to, ["pat@example.net"])
        self.assertIn("has not answered", told.body)
        self.assertIn("/find/", told.body)
        # Other therapists licensed in the person's state (CA) with open times; not Olga (TX).
        self.assertIn("Otto Other", told.body)
        self.assertIn(f"/therapists/{self.otto_profile.slug}/book/", told.body)
        self.assertNotIn("Olga", told.body)
        self.assertEqual(self.chase_at(FRIDAY + timedelta(days=5)).people_told, 0)
        self.assertEqual(len(mail.outbox), 2)

    def test_an_answered_request_is_not_chased(self):
        Consultation.objects.filter(pk=self.request.pk).update(
            responded_at=FRIDAY + timedelta(hours=2)
        )
        report = self.chase_at(FRIDAY + timedelta(days=6))
        self.assertEqual((report.therapists_reminded, report.people_told), (0, 0))

    def test_the_command_runs_it(self):
        with time_machine.travel(FRIDAY + timedelta(days=4), tick=False):
            call_command("chase_unanswered", verbosity=0)
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["pat@example.net", "tess@example.org"]
        )


class ResponseRecordTestCase(BaseTestCase):
    profile: TherapistProfile

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.profile = make_profile(cls.tess)

    def answered(self, n: int, hours: float, **fields) -> Consultation:
        created = FRIDAY + timedelta(days=n)
        return make_consultation(
            self.profile,
            CALL + timedelta(days=n),
            created_at=created,
            responded_at=created + timedelta(hours=hours),
            uid=f"answered-{n}@iptcare",
            **fields,
        )

    def test_no_phrase_until_three_real_answers(self):
        stats = services.response_stats(self.profile)
        self.assertEqual((stats.answered, stats.median_hours, stats.phrase), (0, None, ""))
        self.answered(0, 2)
        self.answered(1, 30)
        # The row a move makes is not a new request; an unanswered one has no time yet.
        moved = self.answered(2, 0.1, status="rescheduled")
        self.answered(3, 0.1, replaces=moved)
        make_consultation(self.profile, CALL + timedelta(days=9), uid="open@iptcare")
        stats = services.response_stats(self.profile)
        self.assertEqual(stats.answered, 3)
        self.assertEqual(stats.phrase, "usually replies within a few hours")
        self.assertEqual(stats.median_hours, 2)

    def test_phrases(self):
        self.assertEqual(services.phrase_for(20), "usually replies within a day")
        self.assertEqual(services.phrase_for(40), "usually replies within two days")
        self.assertEqual(services.phrase_for(80), "usually replies within 4 days")
