"""The crisis resource table (protocol 13.5): seeded per practice, kept by its admins, and
shown to clients for their country with a fallback that never shows less than 988/911."""

from datetime import timedelta
from importlib import import_module

from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.models import CrisisResource, Practice
from iptcare.course.tests.helpers import hold_sessions, make_course
from iptcare.measures.models import Response
from iptcare.measures.tests.helpers import answers_for, assign
from iptcare.test import BaseTestCase

VALID = {
    "country": "ca",
    "region": "",
    "service_name": "Talk Suicide Canada",
    "phone": "988",
    "text_number": "988",
    "chat_url": "",
    "languages": "English, French",
    "hours": "24/7",
    "audience": "all",
    "notes": "",
    "emergency_number": "911",
}


def snapshot():
    return list(CrisisResource.objects.order_by("pk").values())


class SeedTestCase(BaseTestCase):
    def test_every_practice_is_seeded_with_us_and_uk_ireland(self):
        for practice in (self.practice, self.other_practice):
            rows = {r.country: r for r in practice.crisis_resources.all()}
            self.assertEqual(set(rows), {"US", "GB", "IE"})
            us = rows["US"]
            self.assertEqual((us.phone, us.text_number, us.emergency_number), ("988", "988", "911"))
            self.assertIn("988lifeline.org", us.chat_url)
            self.assertEqual((rows["GB"].service_name, rows["GB"].phone), ("Samaritans", "116 123"))
            self.assertEqual(rows["GB"].emergency_number, "999")
            self.assertEqual(rows["IE"].emergency_number, "112")

    def test_a_new_practice_is_seeded(self):
        practice = Practice.objects.create(name="Practice Three")
        self.assertEqual(practice.crisis_resources.count(), 3)

    def test_the_data_migration_seeds_existing_practices_once(self):
        practice = Practice.objects.create(name="Practice Three")
        practice.crisis_resources.filter(country="GB").delete()
        migration = import_module("iptcare.accounts.migrations.0005_seed_crisis_resources")
        migration.seed(django_apps, None)
        self.assertEqual(practice.crisis_resources.count(), 3)
        self.assertEqual(self.practice.crisis_resources.count(), 3)


class AdminTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.ada)
        self.us = self.practice.crisis_resources.get(country="US")

    def test_the_page_lists_the_practice_entries_only(self):
        page = self.client.get(reverse("practice:crisis-resources"))
        self.assertContains(page, "988 Suicide &amp; Crisis Lifeline")
        self.assertContains(page, "Samaritans")
        other = self.other_practice.crisis_resources.get(country="US")
        self.assertNotContains(page, str(other.code))
        self.assertContains(page, 'for="id_contact_details"')

    def test_add_an_entry(self):
        response = self.client.post(reverse("practice:crisis-resource-add"), VALID)
        self.assertRedirects(response, reverse("practice:crisis-resources"))
        entry = self.practice.crisis_resources.get(country="CA")
        self.assertEqual(entry.service_name, "Talk Suicide Canada")
        self.assertIsNone(entry.verified_at)
        self.assertTrue(self.audit_rows(action="accounts.crisis_resource.created").exists())

    def test_edit_an_entry(self):
        url = reverse("practice:crisis-resource-edit", args=[self.us.code])
        self.assertContains(self.client.get(url), 'value="988"')
        data = {**VALID, "country": "US", "service_name": "988 Lifeline", "chat_url": ""}
        self.assertRedirects(self.client.post(url, data), reverse("practice:crisis-resources"))
        self.us.refresh_from_db()
        self.assertEqual(self.us.service_name, "988 Lifeline")
        self.assertTrue(self.audit_rows(action="accounts.crisis_resource.changed").exists())

    def test_verify_an_entry(self):
        url = reverse("practice:crisis-resource-verify", args=[self.us.code])
        self.assertRedirects(self.client.post(url), reverse("practice:crisis-resources"))
        self.us.refresh_from_db()
        self.assertEqual(self.us.verified_at, timezone.localdate())
        self.assertEqual(self.us.verified_by, self.ada)
        self.assertTrue(self.audit_rows(action="accounts.crisis_resource.verified").exists())

    def test_entries_not_verified_in_12_months_are_listed_for_review(self):
        today = timezone.localdate()
        self.practice.crisis_resources.filter(country="US").update(verified_at=today)
        self.practice.crisis_resources.filter(country="GB").update(
            verified_at=today - timedelta(days=400)
        )
        self.practice.crisis_resources.filter(country="IE").update(
            verified_at=today - timedelta(days=30)
        )
        page = self.client.get(reverse("practice:crisis-resources"))
        review = page.content.decode().split('id="crisis-review"')[1].split("</section>")[0]
        self.assertIn("Samaritans (GB)", review)
        self.assertIn("last verified", review)
        self.assertNotIn("(IE", review)
        self.assertNotIn("988", review)

    def test_never_verified_entries_need_review(self):
        page = self.client.get(reverse("practice:crisis-resources"))
        review = page.content.decode().split('id="crisis-review"')[1].split("</section>")[0]
        self.assertIn("988 Suicide", review)
        self.assertIn("never verified", review)

    def test_another_practice_entries_are_404(self):
        other = self.other_practice.crisis_resources.get(country="US")
        before = snapshot()
        edit = reverse("practice:crisis-resource-edit", args=[other.code])
        verify = reverse("practice:crisis-resource-verify", args=[other.code])
        self.assertEqual(self.client.get(edit).status_code, 404)
        self.assertEqual(self.client.post(edit, {**VALID, "country": "US"}).status_code, 404)
        self.assertEqual(self.client.post(verify).status_code, 404)
        self.assertEqual(snapshot(), before)

    def test_a_bad_country_code_is_refused_clearly(self):
        before = snapshot()
        for code, message in [
            ("UK", "Use GB for the United Kingdom"),
            ("XX", "not an ISO 3166-1 two-letter country code"),
            ("U1", "not an ISO 3166-1 two-letter country code"),
        ]:
            with self.subTest(code=code):
                page = self.client.post(
                    reverse("practice:crisis-resource-add"), {**VALID, "country": code}
                )
                self.assertEqual(page.status_code, 200)
                self.assertContains(page, message)
        self.assertEqual(snapshot(), before)

    def test_an_entry_needs_a_contact_method(self):
        before = snapshot()
        data = {**VALID, "phone": "", "text_number": "", "chat_url": ""}
        page = self.client.post(reverse("practice:crisis-resource-add"), data)
        self.assertContains(page, "Give at least one way to reach the service")
        edit = reverse("practice:crisis-resource-edit", args=[self.us.code])
        page = self.client.post(edit, {**data, "country": "US"})
        self.assertContains(page, "Give at least one way to reach the service")
        self.assertEqual(snapshot(), before)

    def test_the_practice_contact_details_are_saved(self):
        url = reverse("practice:crisis-resources")
        response = self.client.post(url, {"contact_details": "Call 555-0100, Mon-Fri 9-5"})
        self.assertRedirects(response, url)
        self.practice.refresh_from_db()
        self.assertEqual(self.practice.contact_details, "Call 555-0100, Mon-Fri 9-5")

    def test_a_missing_country_is_flagged(self):
        url = reverse("practice:crisis-resources")
        self.assertNotContains(self.client.get(url), 'id="crisis-gaps"')
        self.practice.crisis_resources.filter(country="US").delete()
        self.assertContains(self.client.get(url), 'id="crisis-gaps"')

    def test_therapists_and_clients_cannot_reach_it(self):
        for user in (self.tess, self.cal_user):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("practice:crisis-resources")).status_code, 403)
            self.assertEqual(
                self.client.post(reverse("practice:crisis-resource-add"), VALID).status_code, 403
            )
        self.assertFalse(CrisisResource.objects.filter(country="CA").exists())


class ClientPanelTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.cal_user)

    def test_help_shows_the_practice_entries_for_the_client_country(self):
        self.practice.crisis_resources.filter(country="US").update(
            service_name="Our town's 988 line", notes="Spanish: press 2."
        )
        page = self.client.get(reverse("get-help"))
        self.assertContains(page, "Our town&#x27;s 988 line")
        self.assertContains(page, "Spanish: press 2.")
        self.assertContains(page, 'href="tel:911"')
        self.assertNotContains(page, "Samaritans")
        self.assertNotContains(page, 'id="crisis-local-emergency"')

    def test_without_an_entry_the_fallback_keeps_988_and_gives_the_practice(self):
        self.practice.contact_details = "Call 555-0100, weekdays 9 to 5"
        self.practice.save()
        self.practice.crisis_resources.filter(country="US").delete()
        page = self.client.get(reverse("get-help"))
        self.assertContains(page, "988 Suicide &amp; Crisis Lifeline")
        self.assertContains(page, 'href="tel:911"')
        self.assertContains(page, 'id="crisis-local-emergency"')
        self.assertContains(page, "Call 555-0100, weekdays 9 to 5")
        gap = self.audit_rows(action="accounts.crisis_resources.gap")
        self.assertEqual(gap.get().practice, self.practice)

    def test_anyone_else_sees_the_us_numbers(self):
        self.client.logout()
        page = self.client.get(reverse("get-help"))
        self.assertContains(page, "988 Suicide &amp; Crisis Lifeline")
        self.assertContains(page, 'href="tel:911"')

    def test_the_questionnaire_crisis_panel_reads_the_table(self):
        course = make_course(self.cal, self.tess)
        hold_sessions(course, self.tess, 1)
        phq9 = assign(course, self.tess)
        self.practice.crisis_resources.filter(country="US").update(hours="Day and night")
        url = reverse("portal:questionnaire", args=[phq9.code])
        self.client.get(url)
        draft = Response.objects.get(assignment=phq9, status="draft")
        raw = answers_for("phq9", [0] * 8 + [1])
        response = self.client.post(url, {**raw, "response": str(draft.code), "action": "send"})
        page = self.client.get(response["Location"])
        self.assertContains(page, 'id="crisis-resources"')
        self.assertContains(page, "Day and night")
        self.assertContains(page, "988 Suicide &amp; Crisis Lifeline")
        self.assertContains(page, 'href="tel:911"')
