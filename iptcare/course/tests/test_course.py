from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from iptcare.course import services
from iptcare.course.models import Course, StatusChange
from iptcare.course.protocol import Move, Status
from iptcare.course.tests.helpers import (
    add_focus,
    days_ago,
    hold_sessions,
    make_course,
    record,
    to_middle,
)
from iptcare.lib.timezones import users_zone
from iptcare.test import BaseTestCase


class CourseTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.tess)

    def test_it_plans_a_course_with_the_protocols_defaults(self):
        url = reverse("course:course-create", args=[self.cal.code])
        response = self.client.post(
            url, {"kind": "ipt", "adaptation": "adult", "start_date": "2026-01-05"}
        )
        course = Course.objects.get(client=self.cal)
        self.assertRedirects(response, reverse("course:course", args=[course.code]))
        self.assertEqual(
            (course.planned_sessions, course.frequency, course.session_minutes), (16, "weekly", 50)
        )
        self.assertEqual((course.status, course.therapist), (Status.DRAFT, self.tess))
        self.assertTrue(self.audit_rows(action="course.course.created", object_code=course.code))

        response = self.client.get(reverse("course:course", args=[course.code]))
        self.assertContains(response, "Not started: 16 sessions planned")
        self.assertContains(response, "Initial phase: sessions 1-3")
        self.assertContains(response, "Termination phase: sessions 14-16")
        self.assertContains(response, "Record session 1")

    def test_ipc_and_adolescents_get_their_own_defaults(self):
        self.cal.age_group = "adolescent"
        self.cal.save(update_fields=["age_group"])
        url = reverse("course:course-create", args=[self.cal.code])
        page = self.client.get(url)
        self.assertContains(page, 'value="adolescent" required id="id_adaptation_1" checked')
        self.client.post(
            url, {"kind": "ipt", "adaptation": "adolescent", "start_date": "2026-01-05"}
        )
        course = Course.objects.get(client=self.cal)
        self.assertEqual((course.planned_sessions, course.kind_label), (12, "IPT-A"))
        course.delete()
        self.client.post(url, {"kind": "ipc", "adaptation": "adult", "start_date": "2026-01-05"})
        ipc = Course.objects.get(client=self.cal)
        self.assertEqual((ipc.planned_sessions, ipc.session_minutes), (4, 30))

    def test_bad_plans_get_a_message_and_create_nothing(self):
        url = reverse("course:course-create", args=[self.cal.code])
        plan = {"kind": "ipt", "adaptation": "adult", "start_date": "2026-01-05"}
        cases = [
            ({**plan, "planned_sessions": 24}, "usually has 8 to 20"),
            ({**plan, "kind": "ipc", "planned_sessions": 2}, "3 to 52"),
            ({**plan, "kind": "group"}, "Select a valid choice"),
            ({**plan, "start_date": "soon"}, "Enter a valid date"),
            ({**plan, "session_minutes": 500}, "15 to 180"),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = self.client.post(url, data)
                self.assertContains(response, message)
        self.assertFalse(Course.objects.exists())
        # With its reason, a longer course is allowed.
        self.client.post(
            url,
            {
                "kind": "ipt",
                "adaptation": "adult",
                "start_date": "2026-01-05",
                "planned_sessions": 24,
                "sessions_reason": "Two focal areas and a slow start, agreed with the client",
            },
        )
        self.assertEqual(Course.objects.get().planned_sessions, 24)

    def test_one_course_under_way_per_client(self):
        make_course(self.cal, self.tess)
        response = self.client.post(
            reverse("course:course-create", args=[self.cal.code]),
            {"kind": "ipt", "adaptation": "adult", "start_date": "2026-01-05"},
        )
        self.assertContains(response, "already has a course under way")
        self.assertEqual(Course.objects.count(), 1)

    def test_the_plan_changes_only_while_a_draft(self):
        course = make_course(self.cal, self.tess)
        url = reverse("course:course-edit", args=[course.code])
        data = {
            "plan-kind": "ipt",
            "plan-adaptation": "adult",
            "plan-planned_sessions": 12,
            "plan-start_date": course.start_date.isoformat(),
            "records-diagnosis_system": "icd11",
            "records-diagnosis_code": "6A70",
            "records-diagnosis_label": "Single episode depressive disorder",
            "records-psychoeducation_date": days_ago(1).isoformat(),
        }
        self.assertRedirects(
            self.client.post(url, data), reverse("course:course", args=[course.code])
        )
        course.refresh_from_db()
        self.assertEqual(course.planned_sessions, 12)
        self.assertEqual(course.diagnosis_label, "Single episode depressive disorder")

        hold_sessions(course, self.tess, 1)
        page = self.client.get(url)
        self.assertContains(page, "agree a new version of the contract")
        self.assertNotContains(page, "plan-planned_sessions")
        data["plan-planned_sessions"] = 8
        self.client.post(url, data)
        course.refresh_from_db()
        self.assertEqual(course.planned_sessions, 12)

    def test_records_in_the_future_or_without_a_system_are_refused(self):
        course = make_course(self.cal, self.tess)
        hold_sessions(course, self.tess, 1)
        url = reverse("course:course-edit", args=[course.code])
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        for data, message in [
            ({"records-sick_role_date": tomorrow}, "can&#x27;t be in the future"),
            ({"records-diagnosis_code": "F32.1"}, "Say which system"),
        ]:
            with self.subTest(data=data):
                self.assertContains(self.client.post(url, data), message)
        course.refresh_from_db()
        self.assertIsNone(course.sick_role_date)
        self.assertEqual(course.diagnosis_code, "")

    def test_the_first_session_starts_the_course(self):
        course = make_course(self.cal, self.tess)
        record(course, self.tess, days_ago(190))
        course.refresh_from_db()
        self.assertEqual(course.status, Status.INITIAL)
        change = StatusChange.objects.get(course=course)
        self.assertEqual((change.from_status, change.to_status), (Status.DRAFT, Status.INITIAL))
        page = self.client.get(reverse("course:course", args=[course.code]))
        self.assertContains(page, "Week 1 of 16, initial phase")


class MoveTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.tess)
        self.course = make_course(self.cal, self.tess)
        hold_sessions(self.course, self.tess, 3)
        self.url = reverse("course:course-move", args=[self.course.code])

    def status(self) -> str:
        self.course.refresh_from_db()
        return self.course.status

    def test_moving_on_without_formulation_and_contract_asks_for_confirmation(self):
        response = self.client.post(self.url, {"to": "middle"})
        self.assertContains(response, "Before moving on, the protocol expects")
        self.assertContains(response, "There is no interpersonal formulation yet.")
        self.assertContains(response, "No treatment contract has been agreed yet.")
        self.assertEqual(self.status(), Status.INITIAL)

        response = self.client.post(self.url, {"to": "middle", "confirmed": "on"})
        self.assertContains(response, "Before moving on")  # a reason is still needed
        self.assertEqual(self.status(), Status.INITIAL)

        reason = "Acute crisis: the contract is agreed next week"
        response = self.client.post(self.url, {"to": "middle", "confirmed": "on", "reason": reason})
        self.assertRedirects(response, reverse("course:course", args=[self.course.code]))
        self.assertEqual(self.status(), Status.MIDDLE)
        change = self.course.status_changes.last()
        assert change is not None
        self.assertEqual(change.reason, reason)
        self.assertIn("no interpersonal formulation", change.reminders_overridden)
        self.assertTrue(self.audit_rows(action="course.course.middle"))

    def test_termination_before_any_middle_phase_session_is_refused(self):
        add_focus(self.course, self.tess)
        services.save_formulation(None, self.tess, self.course, "Linked to the birth", None)
        services.move_course(
            None, self.tess, self.course, Move(to="middle", confirmed=True, reason="no contract")
        )
        response = self.client.post(self.url, {"to": "termination"})
        self.assertContains(response, "No middle-phase session has been held yet")
        self.assertEqual(self.status(), Status.MIDDLE)
        hold_sessions(self.course, self.tess, 1, days_ago(100))
        self.client.post(self.url, {"to": "termination"})
        self.assertEqual(self.status(), Status.TERMINATION)

    def test_a_move_the_protocol_does_not_have_is_refused(self):
        for to in ["completed", "termination", "draft", "maintenance"]:
            with self.subTest(to=to):
                response = self.client.post(self.url, {"to": to})
                self.assertContains(response, "Select a valid choice")
        self.assertEqual(self.status(), Status.INITIAL)

    def test_pause_and_resume_where_it_was(self):
        to_middle(self.course, self.tess)
        self.assertContains(self.client.post(self.url, {"to": "on_hold"}), "Say why")
        self.client.post(self.url, {"to": "on_hold", "reason": "Client in hospital for surgery"})
        self.assertEqual(self.status(), Status.ON_HOLD)
        page = self.client.get(reverse("course:course", args=[self.course.code]))
        self.assertContains(page, "(on hold)")
        self.assertNotContains(page, "Record session")
        refused = self.client.post(self.url, {"to": "initial", "reason": "x"})
        self.assertContains(refused, "Select a valid choice")
        self.client.post(self.url, {"to": "middle"})
        self.assertEqual(self.status(), Status.MIDDLE)

    def test_ending_early_needs_a_reason_and_closes_the_course(self):
        response = self.client.post(self.url, {"to": "ended_early"})
        self.assertContains(response, "Choose why the course ended early")
        self.client.post(self.url, {"to": "ended_early", "end_reason": "lost_to_follow_up"})
        self.assertEqual(self.status(), Status.ENDED_EARLY)
        self.assertEqual(self.course.ended_on, timezone.localdate(timezone=users_zone(self.tess)))
        page = self.client.get(reverse("course:course", args=[self.course.code]))
        self.assertContains(page, "Ended early after 3 of 16")
        self.assertContains(page, "lost to follow-up")
        # A new course can now be planned for the client.
        self.assertTrue(make_course(self.cal, self.tess).pk)

    def test_going_back_a_phase_is_recorded_with_its_reason(self):
        to_middle(self.course, self.tess)
        self.assertContains(
            self.client.post(self.url, {"to": "initial"}), "Going back a phase needs a reason"
        )
        self.client.post(self.url, {"to": "initial", "reason": "Re-contracting after a crisis"})
        self.assertEqual(self.status(), Status.INITIAL)

    def test_referral_out_names_the_service(self):
        self.client.post(
            self.url,
            {"to": "referred_out", "referred_to": "Community psychiatry", "reason": "Psychosis"},
        )
        self.assertEqual(self.status(), Status.REFERRED_OUT)
        change = self.course.status_changes.last()
        assert change is not None
        self.assertEqual(change.referred_to, "Community psychiatry")
