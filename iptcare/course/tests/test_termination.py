from django.urls import reverse

from iptcare.accounts.models import AuditEvent
from iptcare.course import services
from iptcare.course.models import AlertSource, Course, TerminationSummary
from iptcare.course.protocol import Kind, Move, Status
from iptcare.course.safety import raise_safety_alert
from iptcare.course.tests.helpers import (
    add_person,
    days_ago,
    hold_sessions,
    make_course,
    to_middle,
)
from iptcare.test import BaseTestCase

SUMMARY = {
    "gains": "Says what she needs at home; the night feeds are shared.",
    "remaining": "Still tense with her mother.",
    "warning_signs": "Sleeping badly, stopping texting friends.",
    "triggers": "The baby's first birthday; going back to work.",
    "what_helps": "Saying it early, a walk with J.",
    "supports": "Sam, J., Mum",
    "plan": "Call the practice; if in crisis call 988.",
    "next_step": "maintenance",
    "next_step_note": "Monthly sessions for six months.",
}


class TerminationTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.tess)
        self.course = make_course(self.cal, self.tess, planned=8, start=days_ago(70))
        hold_sessions(self.course, self.tess, 3, days_ago(70))
        add_person(self.course, self.tess, label="Sam", ring=1)
        to_middle(self.course, self.tess)
        hold_sessions(self.course, self.tess, 3, days_ago(49))  # sessions 4-6, middle
        self.move = reverse("course:course-move", args=[self.course.code])
        self.url = reverse("course:termination", args=[self.course.code])

    def status(self) -> str:
        self.course.refresh_from_db()
        return self.course.status

    def test_a_whole_ending(self):
        self.client.post(self.move, {"to": "termination"})
        self.assertEqual(self.status(), Status.TERMINATION)
        sessions_url = reverse("course:session-create", args=[self.course.code])
        page = self.client.get(sessions_url)
        self.assertContains(page, "Record session 7, termination phase")
        self.assertContains(page, "Ending named and the client&#x27;s feelings about it discussed")
        self.assertContains(page, "Relapse-prevention plan")
        self.assertContains(page, "Decided what comes next")

        page = self.client.get(self.url)
        self.assertContains(page, "Termination tasks")
        self.assertContains(page, "Sam")  # the inner circle offered as supports
        self.assertRedirects(self.client.post(self.url, SUMMARY), self.url)
        summary = TerminationSummary.objects.get(course=self.course)
        self.assertEqual(summary.next_step, "maintenance")

        # Completing needs each focal area's outcome first.
        self.assertContains(
            self.client.post(self.move, {"to": "completed"}), "Set the outcome of each focal area"
        )
        focus = self.course.focus_areas.get()
        self.client.post(
            reverse("course:focus-edit", args=[focus.code]),
            {"status": "resolved", "status_note": "Renegotiated the nights", "goals": focus.goals},
        )
        self.client.post(self.move, {"to": "completed"})
        self.assertEqual(self.status(), Status.COMPLETED)

        # The summary is part of the record now.
        summary.refresh_from_db()
        self.assertIsNotNone(summary.finalised_at)
        page = self.client.get(self.url)
        self.assertContains(page, "part of the record and no longer changes")
        self.assertNotContains(page, 'name="gains"')
        self.client.post(self.url, {**SUMMARY, "gains": "Rewritten later"})
        summary.refresh_from_db()
        self.assertEqual(summary.gains, SUMMARY["gains"])
        with self.assertRaisesMessage(services.Refused, "part of the record"):
            services.save_termination_summary(None, self.tess, self.course, SUMMARY)

        printable = self.client.get(reverse("course:termination-print", args=[self.course.code]))
        self.assertContains(printable, "Looking back and looking ahead")
        self.assertContains(printable, "Sleeping badly, stopping texting friends.")
        self.assertContains(printable, "Role dispute</strong>: resolved")
        self.assertContains(printable, "988")
        self.assertTrue(AuditEvent.objects.filter(action="course.termination_summary.printed"))

        # Maintenance follows, linked to this course, with the inventory carried over.
        self.client.post(
            reverse("course:course-create", args=[self.cal.code]),
            {"kind": "maintenance", "adaptation": "adult", "start_date": days_ago(0).isoformat()},
        )
        maintenance = Course.objects.get(client=self.cal, kind=Kind.MAINTENANCE)
        self.assertEqual(maintenance.predecessor, self.course)
        self.assertEqual((maintenance.planned_sessions, maintenance.frequency), (12, "monthly"))
        self.assertEqual([p.label for p in maintenance.people.all()], ["Sam"])

    def test_completing_without_a_summary_needs_the_reason(self):
        services.move_course(None, self.tess, self.course, Move(to="termination"))
        focus = self.course.focus_areas.get()
        services.update_focus_area(None, self.tess, focus, {"status": "partially_resolved"})
        response = self.client.post(self.move, {"to": "completed"})
        self.assertContains(response, "Write the termination summary, or give the reason")
        self.client.post(
            self.move, {"to": "completed", "reason": "Client moved abroad before the last session"}
        )
        self.assertEqual(self.status(), Status.COMPLETED)

    def test_closing_with_an_open_safety_alert_asks_who_follows_it_up(self):
        raise_safety_alert(self.cal, AlertSource.CLINICIAN, "Hopeless at the last session")
        response = self.client.post(self.move, {"to": "ended_early", "end_reason": "moved"})
        self.assertContains(response, "Say who will follow it up")
        self.assertEqual(self.status(), Status.MIDDLE)
        self.client.post(
            self.move,
            {"to": "ended_early", "end_reason": "moved", "follow_up_by": "Tess will call Friday"},
        )
        self.assertEqual(self.status(), Status.ENDED_EARLY)
        change = self.course.status_changes.last()
        assert change is not None
        self.assertEqual(change.follow_up_by, "Tess will call Friday")

    def test_bad_summaries_get_a_message(self):
        response = self.client.post(self.url, {**SUMMARY, "gains": "", "next_step": "cure"})
        self.assertContains(response, "This field is required")
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(TerminationSummary.objects.exists())
