from datetime import timedelta

from django.urls import reverse

from iptcare.course.models import Course
from iptcare.course.tests.helpers import add_person, hold_sessions, make_course
from iptcare.measures.models import Assignment, DiaryEntry
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
        self.assertContains(response, "<svg", count=2)  # PHQ-9, and mood from the session
        self.assertContains(response, 'class="band band-4"')
        self.assertContains(response, "Moderately severe")
        self.assertContains(response, "S1")  # session marker
        self.assertContains(response, '<td data-label="Since the first">-8</td>', html=False)
        self.assertContains(response, "Reliable recovery; response (50% lower)")
        self.assertNotContains(response, "style=")

    def test_mood_from_diary_and_sessions_on_one_chart(self):
        DiaryEntry.objects.create(
            client=self.cal, course=self.course, entry_date=self.course.start_date, mood=3
        )
        response = self.client.get(self.url)
        self.assertContains(response, 'id="chart-mood-title"')
        self.assertContains(response, 'class="second-dot"')  # the session's rating of 5
        self.assertContains(response, '<td data-label="From">Diary</td>', html=False)
        self.assertContains(response, '<td data-label="From">Session</td>', html=False)

    def test_mood_and_relationships(self):
        mum = add_person(self.course, self.tess, label="Mum")
        for offset, mood in enumerate([2, 3, 8, 7, 4, 9, 6]):
            entry = DiaryEntry.objects.create(
                client=self.cal,
                course=self.course,
                entry_date=self.course.start_date + timedelta(days=offset),
                mood=mood,
            )
            if mood <= 4:
                entry.interactions.create(person=mum, is_positive=False)
            else:
                entry.interactions.create(person=mum, is_positive=True)
        response = self.client.get(self.url)
        self.assertContains(response, "From 7 diary days.")
        self.assertContains(response, "r = 0.9")
        self.assertContains(response, "<li>Mum: 3 days</li>", html=True)
        self.assertContains(response, "which causes which")

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
