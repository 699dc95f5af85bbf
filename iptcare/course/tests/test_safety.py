from datetime import timedelta
from io import StringIO

import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.models import AuditEvent
from iptcare.course import safety, tasks
from iptcare.course.models import AlertFollowUp, AlertSource, AlertStatus, SafetyAlert
from iptcare.course.services import Refused
from iptcare.course.tests.helpers import days_ago, make_course, record
from iptcare.test import BaseTestCase


class RaiseTestCase(BaseTestCase):
    def test_questionnaire_items_set_the_tier_never_the_total(self):
        cases = [
            (AlertSource.PHQ9_ITEM9, 1, "review"),
            (AlertSource.PHQ9_ITEM9, 2, "urgent"),
            (AlertSource.EPDS_ITEM10, 3, "urgent"),
            (AlertSource.EPDS_ITEM10, 1, "review"),
            (AlertSource.HELP_BUTTON, None, "urgent"),
        ]
        for source, score, tier in cases:
            with self.subTest(source=source, score=score):
                alert = safety.raise_safety_alert(
                    self.cal, source, "", item_score=score, source_ref="response 1 item 9"
                )
                self.assertEqual((alert.tier, alert.status), (tier, AlertStatus.OPEN))

    def test_it_routes_to_the_clients_clinician_or_the_safety_leads(self):
        course = make_course(self.cal, self.tess)
        alert = safety.raise_safety_alert(self.cal, AlertSource.HELP_BUTTON, "")
        self.assertEqual((alert.course, alert.assigned_to), (course, self.tess))
        self.cal.therapists.clear()
        course.delete()
        unassigned = safety.raise_safety_alert(self.cal, AlertSource.HELP_BUTTON, "")
        self.assertIsNone(unassigned.assigned_to)
        self.assertEqual(safety.safety_leads(self.cal), [self.ada])

    def test_it_refuses_calls_that_make_no_sense(self):
        with self.assertRaises(ValueError):
            safety.raise_safety_alert(self.cal, AlertSource.PHQ9_ITEM9, "", item_score=0)
        with self.assertRaises(ValueError):
            safety.raise_safety_alert(self.cal, "horoscope", "")
        other = make_course(self.dina, self.olga)
        with self.assertRaises(ValueError):
            safety.raise_safety_alert(self.cal, AlertSource.CLINICIAN, "", course=other)
        self.assertFalse(SafetyAlert.objects.exists())

    def test_the_email_names_nobody_and_says_nothing_clinical(self):
        alert = safety.raise_safety_alert(
            self.cal, AlertSource.CLINICIAN, "Talked about a plan", tier="urgent"
        )
        self.assertEqual(tasks.send_safety_alert_email.call(str(alert.code), "raised"), 1)
        self.assertEqual(tasks.send_safety_alert_email.call(str(alert.code), "raised"), 0)
        (message,) = mail.outbox
        self.assertEqual(message.to, ["tess@example.org"])
        self.assertEqual(message.subject, "[iptcare] A safety alert needs attention")
        for secret in ["Cal", "plan", "PHQ"]:
            self.assertNotIn(secret, f"{message.subject} {message.body}")
        self.assertIn(reverse("course:alert", args=[alert.code]), message.body)

    def test_a_clinician_raises_one_from_the_record(self):
        self.client.force_login(self.tess)
        url = reverse("course:alert-create", args=[self.cal.code])
        self.assertContains(self.client.post(url, {"tier": "urgent"}), "This field is required")
        response = self.client.post(url, {"tier": "urgent", "detail": "Said goodbye oddly"})
        alert = SafetyAlert.objects.get()
        self.assertRedirects(response, reverse("course:alert", args=[alert.code]))
        self.assertEqual((alert.source, alert.raised_by), (AlertSource.CLINICIAN, self.tess))
        self.assertTrue(AuditEvent.objects.filter(action="course.alert.raised", actor=self.tess))


class StateMachineTestCase(BaseTestCase):
    def setUp(self):
        self.alert = safety.raise_safety_alert(self.cal, AlertSource.PHQ9_ITEM9, "", item_score=2)
        self.client.force_login(self.tess)
        self.url = reverse("course:alert", args=[self.alert.code])

    def act(self, name: str, data=None):
        return self.client.post(reverse(f"course:alert-{name}", args=[self.alert.code]), data or {})

    def status(self) -> str:
        self.alert.refresh_from_db()
        return self.alert.status

    def test_acknowledge_follow_up_close_reopen(self):
        # Nothing can be recorded or closed before it is acknowledged.
        page = self.act("follow-up", {"action": "contact_made", "text": "Phoned"})
        self.assertContains(page, "Acknowledge the alert first")
        self.assertContains(
            self.act("close", {"outcome": "other", "note": "x"}), "Record what was done"
        )
        self.assertEqual(self.status(), AlertStatus.OPEN)

        self.assertRedirects(self.act("acknowledge"), self.url)
        self.assertEqual(self.status(), AlertStatus.ACKNOWLEDGED)
        self.assertEqual(self.alert.acknowledged_by, self.tess)
        self.act("acknowledge")  # twice changes nothing
        self.assertEqual(self.alert.acknowledged_by, self.tess)

        self.assertContains(
            self.act("follow-up", {"action": "contact_made"}), "This field is required"
        )
        self.act(
            "follow-up", {"action": "contact_made", "text": "Phoned at 14:10, safe plan agreed"}
        )
        self.assertEqual(self.status(), AlertStatus.IN_FOLLOW_UP)

        self.assertContains(
            self.act("close", {"outcome": "safety_plan_updated"}), "This field is required"
        )
        self.act(
            "close", {"outcome": "safety_plan_updated", "note": "Safety plan reviewed with Cal"}
        )
        self.assertEqual(self.status(), AlertStatus.CLOSED)
        self.assertEqual(
            (self.alert.outcome, self.alert.closed_by), ("safety_plan_updated", self.tess)
        )

        self.assertContains(self.act("reopen", {"reason": ""}), "This field is required")
        self.act("reopen", {"reason": "Item 9 again at the next session"})
        self.assertEqual(self.status(), AlertStatus.IN_FOLLOW_UP)
        reopened = AlertFollowUp.objects.filter(alert=self.alert, action="reopened").get()
        self.assertEqual(reopened.text, "Item 9 again at the next session")
        actions = set(
            AuditEvent.objects.filter(object_code=self.alert.code).values_list("action", flat=True)
        )
        self.assertTrue(
            {
                "course.alert.raised",
                "course.alert.acknowledged",
                "course.alert.followed_up",
                "course.alert.closed",
                "course.alert.reopened",
            }
            <= actions
        )

    def test_services_refuse_out_of_order_steps(self):
        with self.assertRaisesMessage(Refused, "Only a closed alert"):
            safety.reopen_alert(None, self.tess, self.alert, "why")
        safety.acknowledge_alert(None, self.tess, self.alert)
        with self.assertRaisesMessage(Refused, "from the list"):
            safety.add_follow_up(None, self.tess, self.alert, "reopened", "sneaky")

    def test_the_practice_admin_acts_as_safety_lead_but_others_cannot(self):
        self.client.force_login(self.ada)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.act("acknowledge")
        self.assertEqual(self.status(), AlertStatus.ACKNOWLEDGED)
        for user, expected in [(self.otto, 404), (self.oona, 404), (self.cal_user, 403)]:
            self.client.force_login(user)
            with self.subTest(user=user):
                self.assertEqual(
                    self.act("follow-up", {"action": "other", "text": "x"}).status_code, expected
                )
        self.assertEqual(self.status(), AlertStatus.ACKNOWLEDGED)

    def test_open_alerts_sit_at_the_top_until_closed(self):
        course = make_course(self.cal, self.tess, start=days_ago(30))
        session = record(course, self.tess, days_ago(1))
        pages = [
            reverse("care:client-list"),
            reverse("care:client-detail", args=[self.cal.code]),
            reverse("course:session", args=[session.code]),
            reverse("course:course", args=[course.code]),
        ]
        for url in pages:
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), "Open safety alert")
        safety.acknowledge_alert(None, self.tess, self.alert)
        safety.add_follow_up(None, self.tess, self.alert, "contact_made", "Phoned")
        safety.close_alert(None, self.tess, self.alert, "contacted_no_further_action", "Fine")
        for url in pages:
            with self.subTest(url=url, closed=True):
                self.assertNotContains(self.client.get(url), "Open safety alert")


class EscalationTestCase(BaseTestCase):
    def test_unacknowledged_alerts_escalate_to_the_safety_leads_once(self):
        urgent = safety.raise_safety_alert(self.cal, AlertSource.HELP_BUTTON, "")
        review = safety.raise_safety_alert(self.cal, AlertSource.PHQ9_ITEM9, "", item_score=1)
        acknowledged = safety.raise_safety_alert(self.cal, AlertSource.HELP_BUTTON, "")
        safety.acknowledge_alert(None, self.tess, acknowledged)

        with time_machine.travel(timezone.now() + timedelta(hours=5)):
            call_command("escalate_safety_alerts", stdout=StringIO())
        urgent.refresh_from_db()
        review.refresh_from_db()
        self.assertEqual(urgent.status, AlertStatus.ESCALATED)
        self.assertEqual(list(urgent.escalated_to.all()), [self.ada])
        self.assertEqual(review.status, AlertStatus.OPEN)  # a review alert waits a working day

        with time_machine.travel(timezone.now() + timedelta(hours=25)):
            escalated = safety.escalate_overdue_alerts(timezone.now())
        self.assertEqual(escalated, [review])
        acknowledged.refresh_from_db()
        self.assertEqual(acknowledged.status, AlertStatus.ACKNOWLEDGED)
        self.assertEqual(safety.escalate_overdue_alerts(timezone.now() + timedelta(days=3)), [])

        self.assertEqual(tasks.send_safety_alert_email.call(str(urgent.code), "escalated"), 2)
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["ada@example.org", "tess@example.org"]
        )
        self.assertIn("escalated to you", mail.outbox[0].body)

        # An escalated alert is acknowledged like any other.
        safety.acknowledge_alert(None, self.ada, urgent)
        self.assertEqual(urgent.status, AlertStatus.ACKNOWLEDGED)
