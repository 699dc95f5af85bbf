from django.core import mail

from iptcare.course import tasks
from iptcare.course.models import AlertSource, Course, SafetyAlert
from iptcare.course.services import Refused
from iptcare.course.tests.helpers import hold_sessions, make_course
from iptcare.measures import scoring, services
from iptcare.measures.models import Assignment, Response, ResponseStatus
from iptcare.measures.tests.helpers import answers_for, assign, submit
from iptcare.test import BaseTestCase


class MeasuresServicesTestCase(BaseTestCase):
    course: Course
    phq9: Assignment

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.course = make_course(cls.cal, cls.tess)
        hold_sessions(cls.course, cls.tess, 1)
        cls.phq9 = assign(cls.course, cls.tess)

    def test_it_assigns_and_audits(self):
        gad7 = assign(self.course, self.tess, "gad7", "start_middle_end")
        self.assertEqual(gad7.schedule, "start_middle_end")
        self.assertTrue(
            self.audit_rows(
                action="measures.assignment.created", object_code=str(gad7.code)
            ).exists()
        )

    def test_it_refuses_a_second_active_assignment(self):
        with self.assertRaises(Refused):
            assign(self.course, self.tess)

    def test_it_refuses_an_unknown_instrument(self):
        with self.assertRaises(Refused):
            assign(self.course, self.tess, "beck")

    def test_it_refuses_a_finished_course(self):
        Course.objects.filter(pk=self.course.pk).update(status="completed")
        self.course.refresh_from_db()
        with self.assertRaises(Refused):
            assign(self.course, self.tess, "gad7")
        with self.assertRaises(Refused):
            services.open_draft(self.phq9)

    def test_a_complete_response_is_scored(self):
        response = submit(self.phq9, [2, 2, 2, 2, 2, 0, 0, 0, 0])
        response.refresh_from_db()
        self.assertEqual(
            (response.status, response.total, response.band), ("submitted", 10, "moderate")
        )
        self.assertEqual(response.schema_version, "1.0")
        self.assertEqual(response.answers["phq9_q1"], "LA6570-1")
        self.assertTrue(self.audit_rows(action="measures.response.submitted").exists())
        self.assertFalse(SafetyAlert.objects.filter(client=self.cal).exists())

    def test_answers_are_encrypted_at_rest(self):
        response = submit(self.phq9, [1] * 9)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT answers_json FROM measures_response WHERE id = %s", [response.pk]
            )
            stored = cursor.fetchone()[0]
        self.assertNotIn("LA6569", stored)

    def test_a_partial_response_stays_a_draft_and_is_not_scored(self):
        draft = services.open_draft(self.phq9)
        raw = answers_for("phq9", [1] * 9)
        del raw["phq9_q5"]
        saved = services.save_answers(None, self.cal_user, draft, raw, submit=True)
        self.assertEqual(saved.missing, [5])
        draft.refresh_from_db()
        self.assertEqual((draft.status, draft.total, draft.band), ("draft", None, ""))
        self.assertEqual(len(draft.answers), 8)
        self.assertEqual(services.open_draft(self.phq9), draft)  # resumed, not a new one

    def test_invalid_answers_change_nothing(self):
        draft = services.open_draft(self.phq9)
        with self.assertRaises(scoring.InvalidAnswers):
            services.save_answers(
                None, self.cal_user, draft, {"phq9_q1": ["LA6568-5", "LA6569-3"]}, submit=True
            )
        draft.refresh_from_db()
        self.assertEqual(draft.answers, {})

    def test_a_sent_response_cannot_be_sent_again(self):
        response = submit(self.phq9, [1] * 9)
        with self.assertRaises(Refused):
            services.save_answers(
                None, self.cal_user, response, answers_for("phq9", [0] * 9), submit=True
            )
        response.refresh_from_db()
        self.assertEqual(response.total, 9)

    def test_item_9_above_zero_raises_an_alert_and_the_response_is_still_sent(self):
        response = submit(self.phq9, [0] * 8 + [1])
        self.assertEqual(response.status, ResponseStatus.SUBMITTED)
        alert = SafetyAlert.objects.get(client=self.cal)
        self.assertEqual(
            (alert.source, alert.tier, alert.item_score), (AlertSource.PHQ9_ITEM9, "review", 1)
        )
        self.assertEqual(alert.assigned_to, self.tess)
        self.assertEqual(alert.course, self.course)
        self.assertIn(str(response.code), alert.source_ref)
        # The therapist's email names nobody and carries nothing clinical.
        self.assertEqual(tasks.send_safety_alert_email.call(str(alert.code), "raised"), 1)
        message = mail.outbox[-1]
        self.assertEqual(message.to, ["tess@example.org"])
        for clinical in ("Cal", "PHQ", "question 9", "score"):
            self.assertNotIn(clinical, str(message.subject) + str(message.body))

    def test_item_9_of_two_is_urgent(self):
        submit(self.phq9, [0] * 8 + [2])
        self.assertEqual(SafetyAlert.objects.get(client=self.cal).tier, "urgent")

    def test_a_critical_answer_in_a_draft_raises_one_alert(self):
        draft = services.open_draft(self.phq9)
        services.save_answers(None, self.cal_user, draft, {"phq9_q9": ["LA6569-3"]}, submit=False)
        self.assertEqual(SafetyAlert.objects.filter(client=self.cal).count(), 1)
        services.save_answers(
            None, self.cal_user, draft, answers_for("phq9", [0] * 8 + [1]), submit=True
        )
        self.assertEqual(SafetyAlert.objects.filter(client=self.cal).count(), 1)
        self.assertEqual(Response.objects.get(pk=draft.pk).status, "submitted")

    def test_epds_item_10_raises_an_alert(self):
        epds = assign(self.course, self.tess, "epds")
        submit(epds, [0] * 9 + [1])
        self.assertEqual(SafetyAlert.objects.get(client=self.cal).source, AlertSource.EPDS_ITEM10)

    def test_history_against_baseline_and_last_time(self):
        for scores in ([2] * 9, [2] * 6 + [0] * 3, [1] * 9):
            submit(self.phq9, scores)
            hold_sessions(self.course, self.tess, 1, first=None)
        points = services.history(self.course, "phq9")
        self.assertEqual([p.total for p in points], [18, 12, 9])
        self.assertIsNone(points[0].change)
        assert points[1].change is not None and points[2].change is not None
        self.assertEqual((points[2].change.from_baseline, points[2].change.from_previous), (-9, -3))
        self.assertTrue(points[1].change.reliable_improvement)
        self.assertTrue(points[2].change.response)

    def test_due_before_every_session(self):
        self.assertEqual(services.due_assignments(self.course), [self.phq9])
        submit(self.phq9, [1] * 9)
        self.assertEqual(services.due_assignments(self.course), [])
