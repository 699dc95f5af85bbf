from django.urls import reverse

from iptcare.course.models import Course
from iptcare.course.tests.helpers import hold_sessions, make_course
from iptcare.measures.models import Assignment
from iptcare.measures.tests.helpers import assign, submit
from iptcare.test import BaseTestCase


class CourseMeasuresTestCase(BaseTestCase):
    course: Course
    url: str

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.course = make_course(cls.cal, cls.tess)
        hold_sessions(cls.course, cls.tess, 1)
        cls.url = reverse("measures:course", args=[cls.course.code])

    def setUp(self):
        self.client.force_login(self.tess)

    def test_a_therapist_assigns_a_questionnaire(self):
        response = self.client.post(
            self.url, {"instrument": "gad7", "schedule": "start_middle_end"}
        )
        self.assertRedirects(response, self.url)
        assignment = Assignment.objects.get(course=self.course)
        self.assertEqual((assignment.instrument, assignment.assigned_by), ("gad7", self.tess))

    def test_a_second_assignment_of_the_same_questionnaire_is_refused(self):
        assign(self.course, self.tess, "gad7")
        response = self.client.post(self.url, {"instrument": "gad7", "schedule": "once"})
        self.assertContains(response, "already assigned")
        self.assertEqual(Assignment.objects.filter(course=self.course).count(), 1)

    def test_progress_chart_with_bands_and_a_table(self):
        phq9 = assign(self.course, self.tess)
        for scores in ([2] * 8 + [0], [1] * 8 + [0]):
            submit(phq9, scores)
        response = self.client.get(self.url)
        self.assertContains(response, "<svg", count=1)
        self.assertContains(response, 'class="band band-4"')
        self.assertContains(response, "Moderately severe")
        self.assertContains(response, "S1")  # session marker
        self.assertContains(response, '<td data-label="Since the first">-8</td>', html=False)
        self.assertContains(response, "Reliable recovery; response (50% lower)")
        self.assertNotContains(response, "style=")

    def test_the_client_record_links_to_the_page(self):
        response = self.client.get(reverse("care:client-detail", args=[self.cal.code]))
        self.assertContains(response, self.url)

    def test_other_therapists_get_404_and_admins_403(self):
        self.client.force_login(self.otto)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.client.force_login(self.olga)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.client.force_login(self.ada)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertFalse(Assignment.objects.exists())
