import csv
import io

from django.urls import reverse

from iptcare.course.tests.helpers import add_focus, hold_sessions, make_course
from iptcare.measures.tests.helpers import assign, submit
from iptcare.test import BaseTestCase


class PracticeOutcomesTestCase(BaseTestCase):
    url = reverse("measures:outcomes")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        course = make_course(cls.cal, cls.tess)
        hold_sessions(course, cls.tess, 1)
        add_focus(course, cls.tess, is_primary=True)
        phq9 = assign(course, cls.tess)
        for scores in ([2] * 8 + [0], [1] * 8 + [0], [1] * 4 + [0] * 5):
            submit(phq9, scores)
        dina_course = make_course(cls.dina, cls.olga)
        hold_sessions(dina_course, cls.olga, 1)
        dina_phq9 = assign(dina_course, cls.olga)
        for scores in ([0] * 9, [3] * 8 + [0]):
            submit(dina_phq9, scores)

    def test_the_admin_sees_the_practice_figures(self):
        self.client.force_login(self.ada)
        with self.assertNumQueries(
            11
        ):  # session, user, MFA, practice; 3 reads; audit; session save
            response = self.client.get(self.url)
        self.assertContains(response, "Tess")
        self.assertContains(response, "Role dispute")
        self.assertContains(response, "100.0% of 1")  # 16 -> 4: recovered
        self.assertNotContains(response, "Olga")
        self.assertTrue(self.audit_rows(action="measures.outcomes.viewed", actor=self.ada).exists())

    def test_csv_export(self):
        self.client.force_login(self.ada)
        response = self.client.get(self.url, {"format": "csv"})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        table = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual(table[0][:3], ["group", "name", "courses_started"])
        practice = table[1]
        self.assertEqual(practice[:2], ["practice", "Whole practice"])
        self.assertEqual(practice[5:], ["phq9", "1", "100.0", "0.0", "1", "100.0", "-12.0"])

    def test_therapists_and_clients_are_refused(self):
        for user in (self.tess, self.cal_user):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
