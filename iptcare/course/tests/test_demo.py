from django.core.management import call_command
from django.test import TestCase

from iptcare.course.models import Course, SafetyAlert, TerminationSummary


class DemoCoursesTestCase(TestCase):
    def test_the_demo_has_a_client_at_every_stage_of_a_course(self):
        call_command("demo", "--quiet")
        statuses = set(Course.objects.values_list("status", flat=True))
        self.assertLessEqual(
            {"draft", "initial", "middle", "termination", "completed", "ended_early"}, statuses
        )
        for course in Course.objects.exclude(status="draft").exclude(kind="ipc"):
            with self.subTest(client=course.client.name):
                self.assertTrue(course.sessions.exists())
                self.assertTrue(course.people.exists())
                self.assertTrue(course.timeline.exists())
        self.assertTrue(Course.objects.filter(adaptation="adolescent").exists())
        self.assertTrue(Course.objects.filter(kind="ipc").exists())
        completed = Course.objects.get(status="completed")
        self.assertIsNotNone(TerminationSummary.objects.get(course=completed).finalised_at)
        self.assertTrue(SafetyAlert.objects.filter(status="open").exists())
        before = Course.objects.count()
        call_command("demo", "--quiet")
        self.assertEqual(Course.objects.count(), before)
