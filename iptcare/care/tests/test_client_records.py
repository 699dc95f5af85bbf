from django.urls import reverse

from iptcare.care.models import Client
from iptcare.test import BaseTestCase


class ClientRecordTestCase(BaseTestCase):
    def test_a_therapist_adds_a_client_to_their_own_caseload(self):
        self.client.force_login(self.tess)
        response = self.client.post(
            reverse("care:client-create"),
            {
                "name": "Quinn",
                "state": "CA",
                "date_of_birth": "1990-02-03",
                "presenting_concerns": "New baby, low mood",
            },
        )
        quinn = Client.objects.get(name="Quinn")
        self.assertRedirects(response, reverse("care:client-detail", args=[quinn.code]))
        self.assertEqual(quinn.practice, self.practice)
        self.assertEqual(list(quinn.therapists.all()), [self.tess])
        self.assertEqual(quinn.presenting_concerns, "New baby, low mood")

    def test_an_admin_assigns_therapists(self):
        self.client.force_login(self.ada)
        self.client.post(
            reverse("care:client-create"), {"name": "Quinn", "therapists": [self.otto.code]}
        )
        self.assertEqual(list(Client.objects.get(name="Quinn").therapists.all()), [self.otto])

    def test_another_practices_therapist_cannot_be_assigned(self):
        self.client.force_login(self.ada)
        response = self.client.post(
            reverse("care:client-create"), {"name": "Quinn", "therapists": [self.olga.code]}
        )
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(Client.objects.filter(name="Quinn").exists())

    def test_extra_fields_cannot_move_a_client_to_another_practice(self):
        self.client.force_login(self.tess)
        self.client.post(
            reverse("care:client-edit", args=[self.cal.code]),
            {
                "name": "Cal",
                "practice": self.other_practice.pk,
                "code": self.dina.code,
                "user": self.dina_user.pk,
            },
        )
        self.cal.refresh_from_db()
        self.assertEqual(self.cal.practice, self.practice)
        self.assertEqual(self.cal.user, self.cal_user)

    def test_bad_input_gets_a_message_and_changes_nothing(self):
        self.client.force_login(self.tess)
        cases: list[dict[str, str | list[str]]] = [
            {"name": ""},
            {"name": "x" * 201},
            {"name": "Cal", "date_of_birth": "31/31/1990"},
            {"name": "Cal", "state": "ZZ"},
            {"name": "Cal", "email": "not-an-email"},
            {"name": "Cal", "presenting_concerns": "x" * 20_001},
            {"name": "Cal", "therapists": ["not-a-uuid"]},
        ]
        for data in cases:
            with self.subTest(fields=sorted(data)):
                response = self.client.post(reverse("care:client-edit", args=[self.cal.code]), data)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "errorlist")
        self.cal.refresh_from_db()
        self.assertEqual(self.cal.name, "Cal")
        self.assertEqual(self.cal.presenting_concerns, "Cal's concerns")

    def test_an_admin_sees_the_record_but_not_the_notes(self):
        self.client.force_login(self.ada)
        response = self.client.get(reverse("care:client-detail", args=[self.cal.code]))
        self.assertContains(response, "Cal&#x27;s concerns")
        self.assertNotContains(response, reverse("care:note-detail", args=[self.note.code]))
        self.assertContains(response, "visible to the client's therapists only")

    def test_the_therapist_sees_their_notes_and_can_write_one(self):
        self.client.force_login(self.tess)
        response = self.client.get(reverse("care:client-detail", args=[self.cal.code]))
        self.assertContains(response, reverse("care:note-detail", args=[self.note.code]))
        response = self.client.post(
            reverse("care:note-create", args=[self.cal.code]),
            {"body": "  Session 2: talked about the move.  "},
        )
        note = self.cal.notes.exclude(pk=self.note.pk).get()
        self.assertRedirects(response, reverse("care:note-detail", args=[note.code]))
        self.assertEqual(note.body, "Session 2: talked about the move.")
        self.assertEqual(note.author, self.tess)

    def test_lists_show_only_the_caseload(self):
        self.client.force_login(self.tess)
        response = self.client.get(reverse("care:client-list"))
        self.assertContains(response, "Cal")
        self.assertNotContains(response, "Cleo")
        self.assertNotContains(response, "Dina")
        self.client.force_login(self.ada)
        response = self.client.get(reverse("care:client-list"))
        self.assertContains(response, "Cleo")
        self.assertNotContains(response, "Dina")
        response = self.client.get("/api/v1/clients")
        self.assertEqual({c["name"] for c in response.json()}, {"Cal", "Cleo"})

    def test_the_portal_shows_the_clients_own_record(self):
        self.client.force_login(self.cal_user)
        response = self.client.get(reverse("portal:home"))
        self.assertContains(response, "Hello, Cal")
        self.assertContains(response, "Tess")
        self.assertContains(response, reverse("get-help"))
        self.assertNotContains(response, "Cal's concerns")
