import io

from django.urls import reverse
from PIL import Image

from iptcare.accounts.models import AuditEvent
from iptcare.directory.models import License, TherapistProfile, Verification
from iptcare.directory.tests.helpers import make_profile
from iptcare.test import BaseTestCase


def jpeg(size=(1200, 900), fmt="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 80)).save(out, fmt)
    return out.getvalue()


class DirectoryTestCase(BaseTestCase):
    tess_profile: TherapistProfile
    otto_profile: TherapistProfile
    hidden: TherapistProfile

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Tess: perinatal, in person in Oakland and telehealth in CA. Otto: grief, NY only.
        cls.tess_profile = make_profile(
            cls.tess,
            states=("CA",),
            training=("perinatal_ipt", "ipt_institute_certified"),
            specialties=["perinatal", "depression"],
            ipt_areas=["role_transition"],
            offers_in_person=True,
            zip_code="94612",
            city="Oakland",
            state="CA",
            languages=["en", "es"],
            insurance=["aetna"],
            fee_usd=150,
        )
        cls.otto_profile = make_profile(
            cls.otto, states=("NY",), specialties=["grief"], ipt_areas=["grief"], fee_usd=90
        )
        cls.hidden = make_profile(cls.olga, states=("CA",), published=False)

    def search(self, **params):
        return self.client.get(reverse("directory:search"), params)

    def test_the_directory_lists_only_published_profiles_with_ipt_training(self):
        response = self.search()
        self.assertContains(response, "Tess")
        self.assertContains(response, "Otto")
        self.assertNotContains(response, "Olga")
        self.otto_profile.credentials.all().delete()
        self.otto_profile.refresh_training_masks()
        self.otto_profile.save()
        self.assertNotContains(self.search(), "Otto")
        self.assertEqual(
            self.client.get(reverse("directory:profile", args=[self.hidden.slug])).status_code, 404
        )

    def test_checkbox_labels_read_as_sentences(self):
        self.assertContains(
            self.search(), '<label for="id_certified">Verified IPT certification only</label>'
        )

    def test_filters(self):
        self.assertNotContains(self.search(specialty="grief"), "Tess")
        self.assertContains(self.search(specialty="grief"), "Otto")
        self.assertContains(self.search(area="role_transition"), "Tess")
        self.assertNotContains(self.search(certified="on"), "Otto")
        self.assertContains(self.search(certified="on"), "Tess")
        self.assertNotContains(self.search(language="es"), "Otto")
        self.assertContains(self.search(insurance="aetna"), "Tess")
        self.assertNotContains(self.search(max_fee="100"), "Tess")
        self.assertContains(self.search(state="NY"), "Otto")
        self.assertNotContains(self.search(state="NY"), "Tess")

    def test_near_a_zip_code_with_real_distances(self):
        response = self.search(zip_code="94704", radius="10", format="in_person")  # Berkeley
        self.assertContains(response, "Tess")
        self.assertContains(response, "miles away")
        self.assertNotContains(
            self.search(zip_code="90012", radius="25", format="in_person"), "Tess"
        )  # Los Angeles
        # "Nearest" with telehealth only has no distances to sort by: the list still shows.
        self.assertContains(
            self.search(zip_code="90012", format="telehealth", sort="distance"), "Tess"
        )
        # The distance box shows the radius actually used.
        self.assertContains(self.search(), '<option value="25" selected>')
        # Telehealth from Los Angeles: licensed in California counts.
        self.assertContains(self.search(zip_code="90012", radius="25"), "Tess")

    def test_readable_state_urls(self):
        response = self.client.get(reverse("directory:search-state", args=["ny"]))
        self.assertContains(response, "IPT therapists in New York")
        self.assertContains(response, "Otto")
        self.assertEqual(self.client.get("/therapists/in/zz/").status_code, 404)

    def test_bad_search_input_gets_a_message(self):
        for params, message in [
            ({"zip_code": "00000"}, "We don&#x27;t know this ZIP code"),
            ({"zip_code": "abc"}, "A ZIP code has five digits"),
            ({"radius": "-5"}, "Select a valid choice"),
            ({"radius": "10000"}, "Select a valid choice"),
            ({"state": "ZZ"}, "Select a valid choice"),
            ({"sort": "name; DROP TABLE"}, "Select a valid choice"),
            ({"max_fee": "-1"}, "greater than or equal to 0"),
            ({"city": "Nowhere", "state": "CA"}, "couldn&#x27;t find this city"),
            ({"specialty": "<script>alert(1)</script>"}, "Select a valid choice"),
        ]:
            with self.subTest(params=params):
                response = self.search(**params)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
                self.assertNotContains(response, "<script>alert(1)</script>")

    def test_the_profile_page_shows_verification(self):
        License.objects.filter(profile=self.otto_profile).update(status=Verification.PENDING)
        response = self.client.get(reverse("directory:profile", args=[self.otto_profile.slug]))
        self.assertContains(response, "not yet verified")
        self.assertContains(response, "Otto")


class ProfileEditingTestCase(BaseTestCase):
    def test_a_therapist_edits_their_profile_and_changes_reset_verification(self):
        profile = make_profile(self.tess, states=("CA",))
        self.client.force_login(self.tess)
        page = self.client.get(reverse("directory:profile-edit"))
        self.assertContains(page, "Your directory profile")
        license_ = profile.licenses.get()
        credential = profile.credentials.get()
        data = {
            "display_name": "Tess T",
            "license_type": "LMFT",
            "zip_code": "94612",
            "offers_in_person": "on",
            "offers_telehealth": "on",
            "specialties": ["grief"],
            "ipt_areas": ["grief"],
            "languages": ["en"],
            "fee_usd": "130",
            "accepting_new_clients": "on",
            "approach": "Warm and direct.",
            "licenses-TOTAL_FORMS": "2",
            "licenses-INITIAL_FORMS": "1",
            "licenses-0-id": license_.pk,
            "licenses-0-state": "CA",
            "licenses-0-number": "NEW1",
            "licenses-1-state": "OR",
            "licenses-1-number": "OR-9",
            "credentials-TOTAL_FORMS": "1",
            "credentials-INITIAL_FORMS": "1",
            "credentials-0-id": credential.pk,
            "credentials-0-kind": "ipt_course",
            "credentials-0-detail": "",
        }
        response = self.client.post(reverse("directory:profile-edit"), data)
        self.assertRedirects(response, reverse("directory:profile-edit"))
        profile.refresh_from_db()
        self.assertEqual(profile.display_name, "Tess T")
        self.assertAlmostEqual(profile.latitude or 0, 37.8085, places=3)
        self.assertEqual(
            dict(profile.licenses.values_list("state", "status")),
            {"CA": Verification.PENDING, "OR": Verification.PENDING},
        )
        # The unchanged credential keeps its verification.
        self.assertEqual(profile.credentials.get().status, Verification.VERIFIED)
        self.assertTrue(AuditEvent.objects.filter(action="directory.profile.changed").exists())

    def test_bad_profile_input_changes_nothing(self):
        profile = make_profile(self.tess)
        self.client.force_login(self.tess)
        base = {
            "licenses-TOTAL_FORMS": "0",
            "licenses-INITIAL_FORMS": "0",
            "credentials-TOTAL_FORMS": "0",
            "credentials-INITIAL_FORMS": "0",
            "display_name": "X",
            "license_type": "LCSW",
            "offers_telehealth": "on",
        }
        cases: list[tuple[dict[str, str | list[str]], str]] = [
            ({"zip_code": "00000"}, "We don&#x27;t know this ZIP code"),
            ({"offers_in_person": "on", "zip_code": ""}, "need the office ZIP code"),
            ({"offers_telehealth": ""}, "Offer in-person sessions, telehealth, or both"),
            ({"specialties": ["astrology"]}, "Select a valid choice"),
            ({"license_type": "Guru"}, "Select a valid choice"),
            ({"approach": "x" * 3001}, "under 3,000 characters"),
        ]
        for extra, message in cases:
            with self.subTest(extra=list(extra)):
                data = {**base, **extra}
                response = self.client.post(reverse("directory:profile-edit"), data)
                self.assertContains(response, message)
        profile.refresh_from_db()
        self.assertEqual(profile.display_name, "Tess")

    def test_photos_are_checked_and_re_encoded(self):
        profile = make_profile(self.tess)
        self.client.force_login(self.tess)
        url = reverse("directory:profile-photo")
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.client.post(url, {"photo": SimpleUploadedFile("me.png", jpeg(fmt="PNG"))})
        profile.refresh_from_db()
        assert profile.photo is not None
        stored = bytes(profile.photo)
        with Image.open(io.BytesIO(stored)) as image:
            self.assertEqual(image.format, "JPEG")
            self.assertLessEqual(max(image.size), 800)
        response = self.client.get(reverse("directory:photo", args=[profile.slug]))
        self.assertEqual(response["Content-Type"], "image/jpeg")
        for name, data, message in [
            (
                "evil.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                "could not be read as a photo",
            ),
            ("big.jpg", b"\xff" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
            ("../../etc/passwd.jpg", b"not an image", "could not be read as a photo"),
            ("anim.gif", jpeg(fmt="GIF"), "Upload a JPEG, PNG or WebP photo"),
        ]:
            with self.subTest(name=name):
                response = self.client.post(
                    url, {"photo": SimpleUploadedFile(name, data)}, follow=True
                )
                self.assertContains(response, message)
        profile.refresh_from_db()
        self.assertEqual(bytes(profile.photo or b""), stored)

    def test_a_decompression_bomb_is_refused(self):
        profile = make_profile(self.tess)
        self.client.force_login(self.tess)
        from django.core.files.uploadedfile import SimpleUploadedFile

        out = io.BytesIO()
        Image.new("1", (20000, 20000)).save(out, "PNG")  # small file, 400 M pixels
        response = self.client.post(
            reverse("directory:profile-photo"),
            {"photo": SimpleUploadedFile("bomb.png", out.getvalue())},
            follow=True,
        )
        self.assertContains(response, "too many pixels")
        profile.refresh_from_db()
        self.assertIsNone(profile.photo)


class PublishingTestCase(BaseTestCase):
    def test_an_admin_verifies_and_publishes(self):
        profile = make_profile(self.tess, verified=False, published=False)
        self.client.force_login(self.ada)
        self.assertContains(self.client.get(reverse("directory:practice-profiles")), "Tess")
        license_ = profile.licenses.get()
        credential = profile.credentials.get()
        self.client.post(
            reverse("directory:practice-verify-license", args=[license_.code]),
            {"status": "verified"},
        )
        self.client.post(
            reverse("directory:practice-verify-credential", args=[credential.code]),
            {"status": "verified"},
        )
        self.client.post(
            reverse("directory:practice-publish", args=[profile.code]), {"publish": "1"}
        )
        profile.refresh_from_db()
        license_.refresh_from_db()
        self.assertTrue(profile.is_listed)
        self.assertEqual(license_.status, Verification.VERIFIED)
        self.assertEqual(license_.verified_by, self.ada)
        self.assertTrue(profile.verified_training_mask)

    def test_other_practices_and_roles_cannot(self):
        profile = make_profile(self.tess, verified=False, published=False)
        license_ = profile.licenses.get()
        for user, status in [(self.oona, 404), (self.otto, 403), (self.tess, 403)]:
            self.client.force_login(user)
            self.assertEqual(
                self.client.post(
                    reverse("directory:practice-publish", args=[profile.code]), {"publish": "1"}
                ).status_code,
                status,
            )
            self.assertEqual(
                self.client.post(
                    reverse("directory:practice-verify-license", args=[license_.code]),
                    {"status": "verified"},
                ).status_code,
                status,
            )
        profile.refresh_from_db()
        license_.refresh_from_db()
        self.assertFalse(profile.is_published)
        self.assertEqual(license_.status, Verification.PENDING)
        self.client.force_login(self.ada)
        response = self.client.post(
            reverse("directory:practice-verify-license", args=[license_.code]), {"status": "bogus"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(TherapistProfile.objects.filter(is_published=True).exists())


class PagesTestCase(BaseTestCase):
    def test_pages_without_counting(self):
        from iptcare.directory import views

        make_profile(self.tess)
        make_profile(self.otto)
        self.assertContains(self.client.get(reverse("directory:search")), "2 therapists found")
        original = views.PAGE_SIZE
        views.PAGE_SIZE = 1
        try:
            first = self.client.get(reverse("directory:search"))
            second = self.client.get(reverse("directory:search"), {"page": "2"})
            beyond = self.client.get(reverse("directory:search"), {"page": "99"})
            junk = self.client.get(reverse("directory:search"), {"page": "x"})
        finally:
            views.PAGE_SIZE = original
        self.assertContains(first, "page=2")
        self.assertContains(first, "Otto")
        self.assertContains(second, "Tess")
        self.assertContains(second, "page=1")
        self.assertNotContains(second, "page=3")
        self.assertContains(beyond, "No therapists match")
        self.assertContains(junk, "Otto")
