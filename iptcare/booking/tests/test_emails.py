"""Emails to both sides with an .ics that calendar apps can follow: the test parses each
attachment back with icalendar and checks method, UID, SEQUENCE, times and zone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from icalendar import Calendar

from iptcare.booking import services, tasks
from iptcare.booking.models import Consultation, Status
from iptcare.booking.tests.helpers import a_person, offer_calls, run_due_tasks
from iptcare.directory.models import TherapistProfile
from iptcare.directory.tests.helpers import make_profile
from iptcare.test import BaseTestCase

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
TUESDAY_9 = datetime(2026, 6, 2, 16, 0, tzinfo=UTC)  # 9:00 in Los Angeles, 12:00 in New York


def ics_of(message) -> Calendar:
    attachments = [a for a in message.attachments if a[0] == "consultation.ics"]
    assert len(attachments) == 1, message.attachments
    _, content, mimetype = attachments[0]
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def event_of(calendar: Calendar):
    return next(iter(calendar.walk("VEVENT")))


class EmailTestCase(BaseTestCase):
    profile: TherapistProfile

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.profile = make_profile(cls.tess, display_name="Tess Therapist")
        offer_calls(cls.profile)

    def setUp(self):
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def book(self, starts_at=TUESDAY_9) -> Consultation:
        person = a_person(message="Secret: my sister and I stopped talking")
        return services.book_consultation(None, self.profile, starts_at, person)

    def run_tasks(self, consultation: Consultation, event: str, key: str = "") -> int:
        return tasks.send_consultation_emails.call(str(consultation.code), event, key)

    def by_recipient(self) -> dict:
        return {m.to[0]: m for m in mail.outbox}

    def test_a_request_emails_both_sides_with_a_tentative_event(self):
        consultation = self.book()
        self.assertEqual(self.run_tasks(consultation, "requested"), 2)
        messages = self.by_recipient()
        person, therapist = messages["pat@example.net"], messages["tess@example.org"]
        for message in (person, therapist):
            self.assertNotIn("Pat", message.subject)
            self.assertNotIn("Tess", message.subject)
            self.assertNotIn("sister", message.subject + message.body)
            assert isinstance(message, EmailMultiAlternatives)
            self.assertEqual(message.alternatives[0][1], "text/html")
        self.assertIn("12:00 PM EDT (America/New York)", person.body)
        self.assertIn("/book/cancel/", person.body)
        self.assertIn("/book/reschedule/", person.body)
        # The therapist's email says only that a request came, with a link to sign in.
        self.assertIn("9:00 AM PDT (America/Los Angeles)", therapist.body)
        self.assertIn("/app/consultations/", therapist.body)
        self.assertNotIn("Pat", therapist.body)
        self.assertNotIn("pat@example.net", therapist.body)

        calendar = ics_of(person)
        self.assertEqual(calendar["METHOD"], "REQUEST")
        event = event_of(calendar)
        self.assertEqual(str(event["UID"]), consultation.uid)
        self.assertEqual(event["SEQUENCE"], 0)
        self.assertEqual(event["STATUS"], "TENTATIVE")
        start = event.decoded("DTSTART")
        self.assertEqual(start, TUESDAY_9)
        self.assertEqual(start.tzinfo, ZoneInfo("America/New_York"))
        self.assertEqual(event["DTSTART"].params["TZID"], "America/New_York")
        self.assertEqual(event.decoded("DTEND") - start, timedelta(minutes=20))
        self.assertEqual([c["TZID"] for c in calendar.walk("VTIMEZONE")], ["America/New_York"])
        self.assertEqual(str(event["ATTENDEE"]), "mailto:pat@example.net")
        therapist_event = event_of(ics_of(therapist))
        self.assertEqual(therapist_event["DTSTART"].params["TZID"], "America/Los_Angeles")
        self.assertEqual(therapist_event.decoded("DTSTART"), TUESDAY_9)
        self.assertNotIn("Pat", str(therapist_event["SUMMARY"]))

        # Running the task again sends nothing more.
        self.assertEqual(self.run_tasks(consultation, "requested"), 0)
        self.assertEqual(len(mail.outbox), 2)

    def test_confirm_move_and_cancel_keep_one_uid(self):
        consultation = self.book()
        with self.captureOnCommitCallbacks(execute=True):
            services.confirm_consultation(None, self.tess, consultation)
        run_due_tasks()
        confirmed = event_of(ics_of(self.by_recipient()["pat@example.net"]))
        self.assertEqual(confirmed["STATUS"], "CONFIRMED")
        self.assertEqual(confirmed["SEQUENCE"], 0)

        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            moved = services.move_consultation(None, consultation, TUESDAY_9 + timedelta(days=1))
        run_due_tasks()
        self.assertEqual((moved.uid, moved.sequence), (consultation.uid, 1))
        person_mail = self.by_recipient()["pat@example.net"]
        self.assertIn("has moved", person_mail.subject)
        event = event_of(ics_of(person_mail))
        self.assertEqual((str(event["UID"]), event["SEQUENCE"]), (consultation.uid, 1))
        self.assertEqual(event.decoded("DTSTART"), TUESDAY_9 + timedelta(days=1))
        self.assertEqual(event_of(ics_of(self.by_recipient()["tess@example.org"]))["SEQUENCE"], 1)

        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            services.cancel_consultation(None, moved)
        run_due_tasks()
        for message in mail.outbox:
            calendar = ics_of(message)
            self.assertEqual(calendar["METHOD"], "CANCEL")
            event = event_of(calendar)
            self.assertEqual((str(event["UID"]), event["SEQUENCE"]), (consultation.uid, 1))
            self.assertEqual(event["STATUS"], "CANCELLED")
        self.assertEqual(len(mail.outbox), 2)

    def test_a_decline_tells_the_person_with_the_note_and_other_therapists(self):
        consultation = self.book()
        with self.captureOnCommitCallbacks(execute=True):
            services.decline_consultation(None, self.tess, consultation, "Try Otto, he's great.")
        run_due_tasks()
        (message,) = mail.outbox
        self.assertEqual(message.to, ["pat@example.net"])
        self.assertIn("Try Otto", message.body)
        self.assertIn("/find/", message.body)
        self.assertNotIn("/book/cancel/", message.body)
        self.assertEqual(ics_of(message)["METHOD"], "CANCEL")
        consultation.refresh_from_db()
        self.assertEqual(consultation.status, Status.DECLINED)
        self.assertEqual(consultation.responded_at, NOW)
