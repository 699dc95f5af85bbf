"""The therapist's side: the inbox, answering a request, and editing availability.
Who may reach each page is in the permission matrix; this file checks what they do."""

from datetime import UTC, datetime, time, timedelta

import time_machine
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from iptcare.accounts.models import AuditEvent
from iptcare.booking.models import (
    AvailabilityException,
    Consultation,
    ConsultationSettings,
    SlotSummary,
    Status,
    WeeklyWindow,
)
from iptcare.booking.tests.helpers import make_consultation, offer_calls
from iptcare.directory.models import TherapistProfile
from iptcare.directory.tests.helpers import make_profile
from iptcare.test import BaseTestCase

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
TUESDAY_9 = datetime(2026, 6, 2, 16, 0, tzinfo=UTC)


class InboxTestCase(BaseTestCase):
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
        self.consultation = make_consultation(
            self.profile, TUESDAY_9, name="<b>Pat</b>", message="<script>alert(1)</script>"
        )
        self.url = reverse("booking:consultation", args=[self.consultation.code])

    def act(self, action: str, **data):
        return self.client.post(self.url, {"action": action, **data})

    def test_the_inbox_lists_requests_in_the_therapists_zone_and_is_audited(self):
        self.client.force_login(self.tess)
        response = self.client.get(reverse("booking:inbox"))
        self.assertContains(response, "Waiting for your answer")
        self.assertContains(response, "9:00 AM PDT (America/Los Angeles)")
        self.assertContains(response, "&lt;b&gt;Pat&lt;/b&gt;")
        self.assertNotContains(response, "<b>Pat</b>")
        event = AuditEvent.objects.get(action="booking.consultation.listed")
        self.assertEqual(event.actor, self.tess)

    def test_the_detail_shows_the_person_escaped_and_audits_the_view(self):
        self.client.force_login(self.tess)
        response = self.client.get(self.url)
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(response, "<script>alert")
        self.assertContains(response, "12:00 PM EDT (America/New York)")
        event = AuditEvent.objects.get(action="booking.consultation.viewed")
        self.assertEqual(event.object_code, str(self.consultation.code))
        self.assertEqual(event.practice, self.practice)

    def test_confirm_queues_emails_and_both_reminders(self):
        self.client.force_login(self.tess)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.act("confirm")
        self.assertRedirects(response, self.url)
        self.consultation.refresh_from_db()
        self.assertEqual(self.consultation.status, Status.CONFIRMED)
        self.assertEqual(self.consultation.responded_at, NOW)
        # The queue stores "no run_after" as the largest date.
        queued = {
            r.args_kwargs["args"][1]: r.run_after if r.run_after.year < 9999 else None
            for r in DBTaskResult.objects.all()
        }
        self.assertEqual(
            queued,
            {
                "confirmed": None,
                "reminder_24h": TUESDAY_9 - timedelta(hours=24),
                "reminder_1h": TUESDAY_9 - timedelta(hours=1),
            },
        )
        self.assertTrue(AuditEvent.objects.filter(action="booking.consultation.confirmed").exists())
        # Confirming twice is refused with a message.
        response = self.act("confirm")
        self.assertContains(response, "Only a request for a time still ahead")

    def test_decline_with_a_note_frees_the_time(self):
        self.client.force_login(self.tess)
        self.act("decline", **{"decline-note": "I'm full until autumn."})
        self.consultation.refresh_from_db()
        self.assertEqual(self.consultation.status, Status.DECLINED)
        self.assertEqual(self.consultation.decline_note, "I'm full until autumn.")
        self.assertEqual(SlotSummary.objects.get(profile=self.profile).next_free_at, TUESDAY_9)

    def test_propose_only_a_free_time(self):
        self.client.force_login(self.tess)
        response = self.act("propose", **{"propose-slot": "2026-06-02T09:10:00-07:00"})
        self.assertContains(response, "no longer free")
        response = self.act("propose", **{"propose-slot": "2026-06-03T09:00:00-07:00"})
        self.assertRedirects(response, self.url)
        self.consultation.refresh_from_db()
        self.assertEqual(self.consultation.proposed_starts_at, TUESDAY_9 + timedelta(days=1))
        self.assertEqual(self.consultation.status, Status.REQUESTED)

    def test_mark_done_only_after_the_call_started(self):
        self.client.force_login(self.tess)
        Consultation.objects.filter(pk=self.consultation.pk).update(status=Status.CONFIRMED)
        self.assertContains(self.act("complete"), "has started")
        with time_machine.travel(TUESDAY_9 + timedelta(minutes=25), tick=False):
            self.client.force_login(self.tess)
            self.act("complete")
        self.consultation.refresh_from_db()
        self.assertEqual(self.consultation.status, Status.COMPLETED)

    def test_others_cannot_act_on_tess_requests(self):
        before = list(Consultation.objects.values_list("status", "proposed_starts_at"))
        for user in (self.otto, self.olga, self.ada, self.oona, self.cal_user):
            self.client.force_login(user)
            for action in ("confirm", "decline", "complete"):
                with self.subTest(user=user.email, action=action):
                    self.assertIn(self.act(action).status_code, (403, 404))
        self.assertEqual(
            list(Consultation.objects.values_list("status", "proposed_starts_at")), before
        )
        self.assertFalse(AuditEvent.objects.filter(action__startswith="booking.").exists())


class AvailabilityEditorTestCase(BaseTestCase):
    profile: TherapistProfile
    url: str

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.profile = make_profile(cls.tess, states=("NY",))
        cls.url = reverse("booking:availability")

    def form(self, **fields):
        data = {
            "time_zone": "America/New_York",
            "call_minutes": "15",
            "buffer_minutes": "5",
            "max_calls_per_day": "3",
            "min_notice_hours": "24",
            "horizon_days": "14",
            "windows-TOTAL_FORMS": "1",
            "windows-INITIAL_FORMS": "0",
            "windows-0-weekday": "2",
            "windows-0-start_time": "13:00",
            "windows-0-end_time": "15:00",
            "exceptions-TOTAL_FORMS": "1",
            "exceptions-INITIAL_FORMS": "0",
            "exceptions-0-kind": "off",
            "exceptions-0-on_date": "2026-06-10",
            "exceptions-0-start_time": "",
            "exceptions-0-end_time": "",
        }
        data.update(fields)
        return data

    def test_a_therapist_sets_availability_and_their_slots_open(self):
        self.client.force_login(self.tess)
        response = self.client.get(self.url)
        self.assertContains(response, 'value="America/New_York" selected')  # from the state
        self.assertFalse(ConsultationSettings.objects.exists())  # a look creates nothing
        with time_machine.travel(NOW, tick=False):
            response = self.client.post(self.url, self.form())
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        settings = ConsultationSettings.objects.get(profile=self.profile)
        self.assertEqual((settings.call_minutes, settings.horizon_days), (15, 14))
        window = WeeklyWindow.objects.get(profile=self.profile)
        self.assertEqual((window.weekday, window.start_time), (2, time(13)))
        self.assertTrue(AvailabilityException.objects.filter(kind="off").exists())
        summary = SlotSummary.objects.get(profile=self.profile)
        # Wednesday 3 June is the first; 10 June is a day off; 14 days ahead ends on 15 June.
        self.assertEqual(summary.next_free_at, datetime(2026, 6, 3, 17, tzinfo=UTC))
        self.assertEqual(summary.open_slots_in_horizon, 6)
        self.assertTrue(AuditEvent.objects.filter(action="booking.availability.changed").exists())

    def test_bad_settings_are_refused_and_nothing_is_saved(self):
        self.client.force_login(self.tess)
        cases = [
            ({"time_zone": "Atlantis/Capital"}, "is not a time zone we know"),
            ({"call_minutes": "45"}, "Select a valid choice"),
            ({"horizon_days": "365"}, "less than or equal to 90"),
            ({"windows-0-end_time": "12:00"}, "The end time must be after the start time"),
            ({"exceptions-0-kind": "extra"}, "Give a start and an end time"),
        ]
        for fields, message in cases:
            with self.subTest(fields=fields):
                self.assertContains(self.client.post(self.url, self.form(**fields)), message)
        self.assertFalse(ConsultationSettings.objects.exists())
        self.assertFalse(WeeklyWindow.objects.exists())

    def test_a_therapist_without_a_profile_is_pointed_to_it(self):
        self.client.force_login(self.otto)
        self.assertContains(self.client.get(self.url), "Set up your profile")
        self.assertContains(self.client.get(reverse("booking:inbox")), "Set up your profile")
