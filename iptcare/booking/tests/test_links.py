"""The person's emailed links: cancel, reschedule, accept. Signed, one action each, once,
and only until the call is over."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.core import mail
from django.urls import reverse

from iptcare.accounts.models import AuditEvent
from iptcare.booking import links, services
from iptcare.booking.models import Claim, Consultation, Status
from iptcare.booking.tests.helpers import a_person, offer_calls, run_due_tasks
from iptcare.directory.models import TherapistProfile
from iptcare.directory.tests.helpers import make_profile
from iptcare.test import BaseTestCase

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
TUESDAY_9 = datetime(2026, 6, 2, 16, 0, tzinfo=UTC)
WEDNESDAY_9 = TUESDAY_9 + timedelta(days=1)


def path_of(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


class LinkTestCase(BaseTestCase):
    profile: TherapistProfile

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.profile = make_profile(cls.tess)
        offer_calls(cls.profile)

    def setUp(self):
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)
        self.consultation = services.book_consultation(None, self.profile, TUESDAY_9, a_person())

    def link(self, action: str, consultation: Consultation | None = None) -> str:
        return path_of(links.link(consultation or self.consultation, action))

    def test_the_person_cancels_once(self):
        url = self.link("cancel")
        response = self.client.get(url)
        self.assertContains(response, "Cancel your free call?")
        self.assertContains(response, "12:00 PM EDT")
        # Looking at the page (or a mail scanner fetching it) changes nothing.
        self.consultation.refresh_from_db()
        self.assertEqual(self.consultation.status, Status.REQUESTED)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url)
        self.assertContains(response, "Your call is cancelled")
        self.consultation.refresh_from_db()
        self.assertEqual(self.consultation.status, Status.CANCELLED)
        self.assertEqual(self.consultation.cancelled_at, NOW)
        self.assertTrue(AuditEvent.objects.filter(action="booking.consultation.cancelled").exists())
        run_due_tasks()
        self.assertEqual(len(mail.outbox), 2)
        # The time is free again.
        self.assertIn(TUESDAY_9, [s.starts_at for s in services.alternatives(self.profile, NOW)])
        response = self.client.post(url)
        self.assertContains(response, "already been used", status_code=410)

    def test_forged_and_swapped_links_are_refused(self):
        good = self.link("cancel")
        token = good.split("/")[-2]
        for path in [
            good.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB")),
            reverse("booking:cancel", args=["not-a-token"]),
            # A reschedule token does not open the cancel page: each action has its salt.
            reverse("booking:cancel", args=[links.make_token(self.consultation, "reschedule")]),
        ]:
            with self.subTest(path=path):
                response = self.client.post(path)
                self.assertContains(response, "This link is not valid", status_code=404)
        self.consultation.refresh_from_db()
        self.assertEqual(self.consultation.status, Status.REQUESTED)
        self.assertFalse(Claim.objects.exists())

    def test_links_expire_when_the_call_is_over(self):
        url = self.link("cancel")
        with time_machine.travel(TUESDAY_9 + timedelta(minutes=21), tick=False):
            response = self.client.post(url)
        self.assertContains(response, "expired", status_code=410)
        self.consultation.refresh_from_db()
        self.assertEqual(self.consultation.status, Status.REQUESTED)

    def test_the_person_reschedules_keeping_uid_and_raising_sequence(self):
        url = self.link("reschedule")
        response = self.client.get(url)
        self.assertContains(response, "Move your free call")
        self.assertContains(response, 'value="2026-06-03T12:00:00-04:00"')
        response = self.client.post(url, {"slot": "2026-06-03T12:00:00-04:00"})
        self.assertContains(response, "Your call has moved")
        old = Consultation.objects.get(pk=self.consultation.pk)
        new = Consultation.objects.get(replaces=old)
        self.assertEqual(old.status, Status.RESCHEDULED)
        self.assertEqual((new.status, new.starts_at), (Status.REQUESTED, WEDNESDAY_9))
        self.assertEqual((new.uid, new.sequence), (old.uid, 1))
        self.assertEqual((new.name, new.email), ("Pat Example", "pat@example.net"))
        # The old link is spent; the old time is free.
        response = self.client.post(url, {"slot": "2026-06-04T12:00:00-04:00"})
        self.assertContains(response, "already been used", status_code=410)
        self.assertContains(
            self.client.get(self.link("cancel", old)), "This call has moved", status_code=410
        )
        self.assertIn(TUESDAY_9, [s.starts_at for s in services.alternatives(self.profile, NOW)])

    def test_a_reschedule_to_a_taken_time_changes_nothing(self):
        services.book_consultation(
            None, self.profile, WEDNESDAY_9, a_person(email="sam@example.net")
        )
        url = self.link("reschedule")
        response = self.client.post(url, {"slot": "2026-06-03T12:00:00-04:00"})
        self.assertContains(response, "no longer free")
        self.consultation.refresh_from_db()
        self.assertEqual(self.consultation.status, Status.REQUESTED)
        self.assertFalse(Claim.objects.exists())
        self.assertEqual(Consultation.objects.count(), 2)

    def test_the_person_accepts_a_proposed_time(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.propose_time(None, self.tess, self.consultation, WEDNESDAY_9)
        run_due_tasks()
        (message,) = mail.outbox
        accept = next(w for w in message.body.split() if "/book/accept/" in w)
        response = self.client.get(path_of(accept))
        self.assertContains(response, "Wednesday, June 3, 2026 at 12:00 PM EDT")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(path_of(accept))
        self.assertContains(response, "Your call is confirmed")
        new = Consultation.objects.get(replaces=self.consultation)
        self.assertEqual(
            (new.status, new.starts_at, new.sequence), (Status.CONFIRMED, WEDNESDAY_9, 1)
        )
        self.assertContains(self.client.post(path_of(accept)), "already", status_code=410)
