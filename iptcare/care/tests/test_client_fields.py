from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.models import AuditEvent
from iptcare.care.models import Client
from iptcare.test import BaseTestCase

FULL = {
    "name": "Cal",
    "pronouns": "they/them",
    "date_of_birth": "1991-06-02",
    "age_group": "adult",
    "state": "CA",
    "email": "cal@example.org",
    "phone": "+1 555 0100",
    "address": "1 Example Way\nOakland",
    "emergency_contact_name": "Pat",
    "emergency_contact_relationship": "sister",
    "emergency_contact_phone": "+1 555 0101",
    "perinatal_status": "postpartum",
    "childbirth_date": "2026-08-01",
}


class ClientFieldsTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.tess)
        self.url = reverse("care:client-edit", args=[self.cal.code])

    def test_the_record_keeps_contact_emergency_and_perinatal_details(self):
        self.assertRedirects(
            self.client.post(self.url, FULL), reverse("care:client-detail", args=[self.cal.code])
        )
        self.cal.refresh_from_db()
        self.assertEqual(self.cal.pronouns, "they/them")
        self.assertEqual(self.cal.emergency_contact_name, "Pat")
        self.assertEqual(self.cal.childbirth_date, date(2026, 8, 1))
        self.assertTrue(self.cal.is_perinatal_on(date(2026, 9, 1)))
        self.assertFalse(self.cal.is_perinatal_on(date(2027, 8, 1)))  # 12 months on
        self.assertTrue(AuditEvent.objects.filter(action="care.client.changed").exists())
        page = self.client.get(reverse("care:client-detail", args=[self.cal.code]))
        self.assertContains(page, "Pat (sister), +1 555 0101")
        self.assertContains(page, "Postpartum (within a year of a birth), birth on")

    def test_free_text_is_encrypted_at_rest(self):
        self.client.post(self.url, FULL)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT address, emergency_contact_name FROM care_client WHERE id = %s",
                [self.cal.pk],
            )
            address, contact = cursor.fetchone()
        self.assertNotIn("Oakland", address)
        self.assertNotIn("Pat", contact)

    def test_bad_details_get_a_message_and_change_nothing(self):
        today = timezone.localdate()
        cases = [
            ({"perinatal_status": "pregnant", "childbirth_date": ""}, "Give the due date"),
            (
                {"perinatal_status": "postpartum", "childbirth_date": ""},
                "Give the date of the birth",
            ),
            (
                {"childbirth_date": (today + timedelta(days=3)).isoformat()},
                "can&#x27;t be in the future",
            ),
            (
                {"date_of_birth": (today + timedelta(days=3)).isoformat()},
                "can&#x27;t be in the future",
            ),
            ({"age_group": "adolescent"}, "IPT-A is for adolescents"),
            ({"date_of_birth": "2014-01-01", "age_group": "adult"}, "choose adolescent"),
            ({"perinatal_status": "expecting"}, "Select a valid choice"),
            ({"emergency_contact_name": "x" * 201}, "at most 200 characters"),
        ]
        for changes, message in cases:
            with self.subTest(message=message):
                self.assertContains(self.client.post(self.url, {**FULL, **changes}), message)
        self.cal.refresh_from_db()
        self.assertEqual((self.cal.pronouns, self.cal.perinatal_status), ("", "not_applicable"))

    def test_a_pregnancy_keeps_only_the_due_date(self):
        due = (timezone.localdate() + timedelta(days=90)).isoformat()
        self.client.post(self.url, {**FULL, "perinatal_status": "pregnant", "due_date": due})
        cal = Client.objects.get(pk=self.cal.pk)
        self.assertEqual((cal.perinatal_status, cal.childbirth_date), ("pregnant", None))
        self.assertTrue(cal.is_perinatal_on(timezone.localdate()))
