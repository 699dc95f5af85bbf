from django.urls import reverse

from iptcare.course.models import Course, SafetyAlert
from iptcare.course.tests.helpers import hold_sessions, make_course
from iptcare.measures.models import Assignment, Response
from iptcare.measures.tests.helpers import answers_for, assign, submit
from iptcare.test import BaseTestCase


class PortalQuestionnaireTestCase(BaseTestCase):
    course: Course
    dina_course: Course
    phq9: Assignment
    dina_phq9: Assignment

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.course = make_course(cls.cal, cls.tess)
        hold_sessions(cls.course, cls.tess, 1)
        cls.phq9 = assign(cls.course, cls.tess)
        cls.dina_course = make_course(cls.dina, cls.olga)
        hold_sessions(cls.dina_course, cls.olga, 1)
        cls.dina_phq9 = assign(cls.dina_course, cls.olga)

    def setUp(self):
        self.client.force_login(self.cal_user)
        self.url = reverse("portal:questionnaire", args=[self.phq9.code])

    def post(self, raw: dict, action: str = "send"):
        self.client.get(self.url)
        draft = Response.objects.get(assignment=self.phq9, status="draft")
        return self.client.post(self.url, {**raw, "response": str(draft.code), "action": action})

    def test_home_shows_what_is_due_and_where_the_course_is(self):
        response = self.client.get(reverse("portal:home"))
        self.assertContains(response, self.url)
        self.assertContains(response, "Week 1 of 16")

    def test_it_shows_every_question_without_scores(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Thoughts that you would be better off dead")
        self.assertContains(response, 'type="radio"', count=9 * 4 + 4)
        self.assertTrue(
            self.audit_rows(action="measures.assignment.viewed", actor=self.cal_user).exists()
        )

    def test_a_full_form_is_sent_with_kind_words(self):
        response = self.post(answers_for("phq9", [1] * 8 + [0]))
        sent = Response.objects.get(assignment=self.phq9)
        self.assertRedirects(response, reverse("portal:questionnaire-done", args=[sent.code]))
        page = self.client.get(response["Location"])
        self.assertContains(page, "Thank you for your answers")
        self.assertNotContains(page, "Mild")
        self.assertNotContains(page, 'id="crisis"')
        self.assertFalse(SafetyAlert.objects.filter(client=self.cal).exists())

    def test_item_9_shows_crisis_resources_and_tells_the_client_the_therapist_will_know(self):
        response = self.post(answers_for("phq9", [0] * 8 + [1]))
        page = self.client.get(response["Location"])
        self.assertContains(page, "988 Suicide &amp; Crisis Lifeline")
        self.assertContains(page, 'href="tel:911"')
        self.assertContains(page, "Your therapist will be informed")
        self.assertEqual(SafetyAlert.objects.filter(client=self.cal).count(), 1)

    def test_a_partial_form_is_saved_as_a_draft_with_a_clear_message(self):
        raw = answers_for("phq9", [1] * 8 + [0])
        del raw["phq9_q3"]
        response = self.post(raw)
        self.assertContains(
            response, "Please answer every question to send it (still open: 3)", status_code=400
        )
        draft = Response.objects.get(assignment=self.phq9)
        self.assertEqual((draft.status, draft.total), ("draft", None))
        self.assertContains(response, 'value="LA6569-3" checked', status_code=400)

    def test_save_for_later(self):
        response = self.post({"phq9_q1": ["LA6569-3"]}, action="save")
        self.assertRedirects(response, reverse("portal:home"))
        self.assertEqual(
            Response.objects.get(assignment=self.phq9).answers, {"phq9_q1": "LA6569-3"}
        )

    def test_repeated_and_out_of_range_answers_change_nothing(self):
        for raw, message in [
            ({"phq9_q1": ["LA6568-5", "LA6571-9"]}, "Question 1 was answered more than once."),
            ({"phq9_q2": ["4"]}, "Question 2 has no such answer."),
        ]:
            with self.subTest(message=message):
                response = self.post({**answers_for("phq9", [1] * 9), **raw})
                self.assertContains(response, message, status_code=400)
        self.assertEqual(Response.objects.get(assignment=self.phq9).answers, {})

    def test_a_replayed_form_changes_nothing(self):
        self.client.get(self.url)
        code = str(Response.objects.get(assignment=self.phq9).code)
        data = {**answers_for("phq9", [1] * 9), "response": code, "action": "send"}
        self.client.post(self.url, data)
        replay = self.client.post(self.url, {**data, **answers_for("phq9", [3] * 9)})
        self.assertRedirects(replay, reverse("portal:home"))
        self.assertEqual(
            list(
                Response.objects.filter(assignment=self.phq9)
                .order_by("id")
                .values_list("total", flat=True)
            ),
            [9, None],
        )

    def test_a_finished_course_takes_no_answers(self):
        self.client.get(self.url)
        code = str(Response.objects.get(assignment=self.phq9).code)
        Course.objects.filter(pk=self.course.pk).update(status="completed")
        data = {**answers_for("phq9", [1] * 9), "response": code, "action": "send"}
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, "This course has ended")
        self.assertIsNone(Response.objects.get(assignment=self.phq9).total)

    def test_another_clients_questionnaire_is_404(self):
        other = reverse("portal:questionnaire", args=[self.dina_phq9.code])
        self.assertEqual(self.client.get(other).status_code, 404)
        self.assertEqual(self.client.post(other, answers_for("phq9", [1] * 9)).status_code, 404)
        dina_response = submit(self.dina_phq9, [1] * 9)
        done = reverse("portal:questionnaire-done", args=[dina_response.code])
        self.assertEqual(self.client.get(done).status_code, 404)
        self.client.force_login(self.cleo_user)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_staff_cannot_fill_a_clients_questionnaire(self):
        self.client.force_login(self.tess)
        self.assertEqual(self.client.get(self.url).status_code, 403)


class PortalProgressTestCase(BaseTestCase):
    def test_the_client_sees_their_scores_in_kind_words_without_band_labels(self):
        course = make_course(self.cal, self.tess)
        hold_sessions(course, self.tess, 1)
        phq9 = assign(course, self.tess)
        for scores in ([3] * 8 + [0], [1] * 8 + [0]):
            submit(phq9, scores)
        self.client.force_login(self.cal_user)
        response = self.client.get(reverse("portal:progress"))
        self.assertContains(response, "a real change for the better")
        self.assertContains(response, "24 of 27")
        self.assertContains(response, 'id="chart-phq9-title"')
        for label in ("Severe", "severe", "Mild", "Reliable"):
            self.assertNotContains(response, label)

    def test_nothing_sent_yet(self):
        self.client.force_login(self.cleo_user)
        response = self.client.get(reverse("portal:progress"))
        self.assertContains(response, "Once you have sent a questionnaire")
