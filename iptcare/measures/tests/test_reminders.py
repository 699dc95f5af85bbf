from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from iptcare.course.models import Course
from iptcare.course.tests.helpers import hold_sessions, make_course
from iptcare.measures import services, tasks
from iptcare.measures.models import Assignment
from iptcare.measures.tests.helpers import assign, submit
from iptcare.test import BaseTestCase


class RemindersTestCase(BaseTestCase):
    course: Course
    phq9: Assignment

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.course = make_course(cls.cal, cls.tess)
        hold_sessions(cls.course, cls.tess, 1)
        cls.phq9 = assign(cls.course, cls.tess)

    def test_a_due_questionnaire_is_reminded_once(self):
        now = timezone.now()
        with self.captureOnCommitCallbacks(execute=False):
            self.assertEqual(services.remind_due_questionnaires(now), [self.phq9])
            self.assertEqual(services.remind_due_questionnaires(now + timedelta(hours=1)), [])
        self.phq9.refresh_from_db()
        self.assertEqual(self.phq9.reminded_at, now)
        self.assertEqual(tasks.send_questionnaire_reminder.call(str(self.phq9.code)), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["cal@example.org"])
        self.assertIn("/portal/", message.body)
        for clinical in ("PHQ", "Cal", "depress"):
            self.assertNotIn(clinical, str(message.subject) + str(message.body))

    def test_a_week_later_it_is_reminded_again(self):
        now = timezone.now()
        services.remind_due_questionnaires(now)
        self.assertEqual(services.remind_due_questionnaires(now + timedelta(days=6)), [self.phq9])

    def test_nothing_when_nothing_is_due(self):
        submit(self.phq9, [0] * 9)
        self.assertEqual(services.remind_due_questionnaires(timezone.now()), [])

    def test_the_command_runs_quietly(self):
        call_command("remind_questionnaires")
        self.phq9.refresh_from_db()
        self.assertIsNotNone(self.phq9.reminded_at)
