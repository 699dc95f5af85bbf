import json
import logging

from django.urls import reverse

from iptcare.accounts.models import AuditEvent
from iptcare.directory.models import TherapistProfile
from iptcare.directory.tests.helpers import make_profile
from iptcare.test import BaseTestCase

INTAKE = {
    "state": "CA",
    "zip_code": "",
    "format": "either",
    "radius": "25",
    "language": "",
    "insurance": "",
    "max_fee": "",
    "story": "",
}


class MatchTestCase(BaseTestCase):
    perinatal: TherapistProfile
    grief: TherapistProfile
    unverified: TherapistProfile

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.perinatal = make_profile(
            cls.tess,
            states=("CA",),
            training=("perinatal_ipt", "ipt_institute_certified"),
            specialties=["perinatal", "depression"],
            ipt_areas=["role_transition"],
            offers_in_person=True,
            zip_code="94612",
            city="Oakland",
            state="CA",
            insurance=["aetna"],
            fee_usd=160,
        )
        cls.grief = make_profile(
            cls.otto, states=("CA", "NY"), specialties=["grief"], ipt_areas=["grief"], fee_usd=90
        )
        cls.unverified = make_profile(
            cls.olga,
            states=("CA",),
            verified=False,
            specialties=["perinatal"],
            ipt_areas=["role_transition"],
        )

    def match(self, **fields):
        return self.client.post(reverse("directory:match"), {**INTAKE, **fields})

    def names(self, response) -> list[str]:
        html = response.content.decode()
        found = [name for name in ("Tess", "Otto", "Olga") if f">{name}</a>" in html]
        return sorted(found, key=lambda name: html.index(f">{name}</a>"))

    def test_the_intake_page_is_gentle_and_short(self):
        response = self.client.get(reverse("directory:match"))
        self.assertContains(response, "In your own words, what is going on?")
        self.assertContains(response, reverse("get-help"))

    def test_a_new_parent_is_matched_to_perinatal_ipt_with_reasons(self):
        response = self.match(story="We just had a baby and I cry every day. I feel lost.")
        self.assertEqual(self.names(response)[0], "Tess")
        self.assertContains(response, "works with new and expecting parents")
        self.assertContains(response, "trained in perinatal IPT")
        self.assertContains(response, "licensed in California")
        self.assertContains(response, "Licensed Clinical Social Worker ·")  # not "LCSW"

    def test_grief_ranks_the_grief_therapist_first(self):
        response = self.match(story="My mom passed away in the spring and I can't stop crying.")
        self.assertEqual(self.names(response)[0], "Otto")
        self.assertContains(response, "works with grief and loss")

    def test_never_an_unverified_or_unlicensed_match(self):
        response = self.match(story="We just had a baby.")
        self.assertNotIn("Olga", self.names(response))
        response = self.match(state="TX", story="We just had a baby.")
        self.assertEqual(self.names(response), [])
        self.assertContains(response, "couldn't find an IPT therapist")
        self.assertContains(response, "Browse the whole directory")

    def test_in_person_needs_a_zip_and_respects_the_radius(self):
        response = self.match(format="in_person")
        self.assertContains(response, "Give your ZIP code")
        response = self.match(format="in_person", zip_code="94704", radius="10")
        self.assertEqual(self.names(response), ["Tess"])
        self.assertContains(response, "miles away in Oakland")
        response = self.match(format="in_person", zip_code="90012", radius="25")
        self.assertEqual(self.names(response), [])
        self.assertContains(response, "Include telehealth")

    def test_soft_wishes_are_relaxed_and_said_so(self):
        response = self.match(insurance="cigna", story="We just had a baby.")
        self.assertContains(response, "leave out your insurance")
        self.assertTrue(self.names(response))
        response = self.match(insurance="aetna", story="")
        self.assertEqual(self.names(response), ["Tess"])
        self.assertNotContains(response, "leave out")

    def test_risk_words_open_with_crisis_resources_before_any_match(self):
        response = self.match(story="I want to kill myself since my wife left.")
        html = response.content.decode()
        self.assertIn("988", html)
        self.assertLess(html.index("crisis-title"), html.index('id="results"'))

    def test_bad_input_gets_a_message(self):
        for fields, message in [
            ({"state": ""}, "This field is required"),
            ({"state": "ZZ"}, "Select a valid choice"),
            ({"zip_code": "1234"}, "five digits"),
            ({"zip_code": "00000"}, "We don&#x27;t know this ZIP code"),
            ({"radius": "-5"}, "Select a valid choice"),
            ({"radius": "10000"}, "Select a valid choice"),
            ({"story": "x" * 50_000}, "under 5,000 characters"),
            ({"format": "carrier pigeon"}, "Select a valid choice"),
        ]:
            with self.subTest(fields=list(fields)):
                response = self.match(**fields)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)

    def test_html_and_emoji_are_just_text(self):
        response = self.match(story='<script>alert(1)</script> "><img src=x onerror=alert(1)> 😢')
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertNotContains(response, "<img src=x")

    def test_the_story_is_not_stored_or_logged(self):
        story = "CANARY-STORY my partner and I fight every night"
        with self.assertLogs(level="DEBUG") as logs:
            logging.getLogger("iptcare").debug("marker")
            self.match(story=story)
        self.assertNotIn("CANARY", "\n".join(logs.output))
        self.assertFalse(AuditEvent.objects.exists())
        from django.db import connection

        with connection.cursor() as cursor:
            for table in connection.introspection.table_names():
                cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
                self.assertNotIn("CANARY", repr(cursor.fetchall()), table)


class MatchApiTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_profile(
            cls.tess,
            states=("CA",),
            specialties=["perinatal"],
            ipt_areas=["role_transition"],
            training=("perinatal_ipt",),
        )

    def post(self, path, body):
        return self.client.post(path, json.dumps(body), content_type="application/json")

    def test_concerns(self):
        response = self.post("/api/v1/concerns", {"text": "We just had a baby and I'm lost"})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertIn("perinatal", body["specialties"])
        self.assertFalse(body["risk"])
        self.assertTrue(body["details"]["specialties"][0]["evidence"])

    def test_match(self):
        response = self.post("/api/v1/match", {"state": "CA", "text": "new baby, exhausted"})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["therapists"][0]["name"], "Tess")
        self.assertIn("licensed in California", body["therapists"][0]["reasons"])

    def test_bad_input_is_a_clear_4xx(self):
        for path, body in [
            ("/api/v1/concerns", {"text": "x" * 5001}),
            ("/api/v1/concerns", {}),
            ("/api/v1/match", {"state": "ZZ"}),
            ("/api/v1/match", {"state": "CA", "radius": -5}),
            ("/api/v1/match", {"state": "CA", "zip_code": "00000"}),
        ]:
            with self.subTest(path=path, body=body):
                response = self.post(path, body)
                self.assertIn(response.status_code, (400, 422))
                self.assertIn("detail", response.json())

    def test_it_is_rate_limited(self):
        from iptcare.directory.api import REQUESTS_PER_MINUTE

        for _ in range(REQUESTS_PER_MINUTE):
            self.assertEqual(self.post("/api/v1/concerns", {"text": "hi"}).status_code, 200)
        self.assertEqual(self.post("/api/v1/concerns", {"text": "hi"}).status_code, 429)
