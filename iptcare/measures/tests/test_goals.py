from django.urls import reverse

from iptcare.course.models import BetweenSessionGoal, Course
from iptcare.course.tests.helpers import hold_sessions, make_course
from iptcare.measures.models import GoalNote
from iptcare.test import BaseTestCase


class PortalGoalsTestCase(BaseTestCase):
    goal: BetweenSessionGoal
    dina_goal: BetweenSessionGoal
    course: Course

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.course = make_course(cls.cal, cls.tess)
        session = hold_sessions(cls.course, cls.tess, 1)[0]
        cls.goal = BetweenSessionGoal.objects.create(
            course=cls.course, set_in=session, text="Ask Sam for an evening off"
        )
        dina_course = make_course(cls.dina, cls.olga)
        dina_session = hold_sessions(dina_course, cls.olga, 1)[0]
        cls.dina_goal = BetweenSessionGoal.objects.create(
            course=dina_course, set_in=dina_session, text="Call my sister"
        )

    def setUp(self):
        self.client.force_login(self.cal_user)
        self.url = reverse("portal:goals")

    def test_the_client_notes_how_a_goal_went_and_the_therapist_sees_it(self):
        self.assertContains(self.client.get(self.url), "Ask Sam for an evening off")
        data = {"goal": str(self.goal.code), "text": "We talked; Friday is mine now"}
        self.assertRedirects(self.client.post(self.url, data), self.url)
        note = GoalNote.objects.get()
        self.assertEqual((note.goal, note.text), (self.goal, "We talked; Friday is mine now"))
        self.assertTrue(self.audit_rows(action="measures.goal_note.created").exists())
        self.client.force_login(self.tess)
        page = self.client.get(reverse("measures:course", args=[self.course.code]))
        self.assertContains(page, "We talked; Friday is mine now")

    def test_bad_input_changes_nothing(self):
        self.assertEqual(self.client.post(self.url, {"goal": str(self.goal.code)}).status_code, 400)
        foreign = {"goal": str(self.dina_goal.code), "text": "forged"}
        self.assertEqual(self.client.post(self.url, foreign).status_code, 404)
        self.assertEqual(self.client.post(self.url, {"goal": "1", "text": "x"}).status_code, 404)
        self.assertFalse(GoalNote.objects.exists())
        self.assertNotContains(self.client.get(self.url), "Call my sister")
