from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from iptcare.course.models import Course, InventoryPerson
from iptcare.course.tests.helpers import add_person, hold_sessions, make_course
from iptcare.measures.models import DiaryEntry
from iptcare.test import BaseTestCase


class DiaryTestCase(BaseTestCase):
    course: Course
    mum: InventoryPerson
    dina_person: InventoryPerson

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.course = make_course(cls.cal, cls.tess)
        hold_sessions(cls.course, cls.tess, 1)
        cls.mum = add_person(cls.course, cls.tess, label="Mum")
        dina_course = make_course(cls.dina, cls.olga)
        cls.dina_person = add_person(dina_course, cls.olga, label="Sam")

    def setUp(self):
        self.client.force_login(self.cal_user)
        self.url = reverse("portal:diary")
        self.today = timezone.localdate()

    def test_it_offers_the_clients_own_people(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Mum")
        self.assertNotContains(response, "Sam")
        self.assertTrue(
            self.audit_rows(action="portal.client.viewed", actor=self.cal_user).exists()
        )

    def test_a_day_with_mood_and_an_interaction(self):
        data = {
            "entry_date": self.today.isoformat(),
            "mood": "6",
            "person_1": str(self.mum.code),
            "kind_1": "positive",
            "note_1": "Walk together",
        }
        self.assertRedirects(self.client.post(self.url, data), self.url)
        entry = DiaryEntry.objects.get(client=self.cal)
        self.assertEqual((entry.mood, entry.course), (6, self.course))
        interaction = entry.interactions.get()
        self.assertEqual((interaction.person, interaction.is_positive), (self.mum, True))
        self.assertEqual(interaction.note, "Walk together")
        self.assertTrue(self.audit_rows(action="measures.diary_entry.saved").exists())
        # Saving the day again replaces it.
        self.client.post(self.url, {"entry_date": self.today.isoformat(), "mood": "3"})
        entry.refresh_from_db()
        self.assertEqual((entry.mood, entry.interactions.count()), (3, 0))

    def test_bad_input_changes_nothing(self):
        cases = [
            {"entry_date": self.today.isoformat(), "mood": "11"},
            {"entry_date": (self.today + timedelta(days=1)).isoformat(), "mood": "5"},
            {"entry_date": (self.today - timedelta(days=30)).isoformat(), "mood": "5"},
            {"entry_date": self.today.isoformat(), "mood": "5", "person_1": str(self.mum.code)},
            {
                "entry_date": self.today.isoformat(),
                "mood": "5",
                "person_1": str(self.dina_person.code),
                "kind_1": "negative",
            },
        ]
        for data in cases:
            with self.subTest(data=data):
                self.assertEqual(self.client.post(self.url, data).status_code, 400)
        self.assertFalse(DiaryEntry.objects.exists())

    def test_a_client_without_a_course_keeps_a_mood_only_diary(self):
        self.client.force_login(self.cleo_user)
        data = {"entry_date": self.today.isoformat(), "mood": "4"}
        self.assertRedirects(self.client.post(self.url, data), self.url)
        self.assertEqual(DiaryEntry.objects.get(client=self.cleo).course, None)

    def test_staff_have_no_diary(self):
        self.client.force_login(self.tess)
        self.assertEqual(self.client.get(self.url).status_code, 403)
