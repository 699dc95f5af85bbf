"""The Listing rows the directory searches: kept in step with profiles, one row per way to
reach a therapist, and searches that read them give each therapist once, in order."""

from io import StringIO

from django.core.management import CommandError, call_command

from iptcare.accounts.models import Role
from iptcare.directory import services
from iptcare.directory.concerns import understand
from iptcare.directory.matching import EITHER, IN_PERSON, TELEHEALTH, Wishes
from iptcare.directory.models import License, Listing, TherapistProfile, Verification
from iptcare.directory.search import DirectoryQuery, candidates, directory
from iptcare.directory.tests.helpers import make_profile
from iptcare.lib.geo import Place, zip_place
from iptcare.test import BaseTestCase, make_user


def rows_of(profile: TherapistProfile) -> dict[str, tuple[bool, bool]]:
    return {
        row.state: (row.telehealth_here, row.office_here)
        for row in Listing.objects.filter(profile=profile)
    }


def names(found) -> list[str]:
    return [p.display_name for p in found]


class ListingRowsTestCase(BaseTestCase):
    def test_a_national_row_and_one_per_state_where_the_therapist_can_be_reached(self):
        profile = make_profile(
            self.tess, states=("CA", "OR"), offers_in_person=True, zip_code="10001", state="NY"
        )
        self.assertEqual(
            rows_of(profile),
            {"": (False, False), "CA": (True, False), "OR": (True, False), "NY": (False, True)},
        )
        row = Listing.objects.get(profile=profile, state="CA")
        self.assertEqual(
            (row.display_name, row.fee_usd, row.specialty_mask),
            (profile.display_name, profile.fee_usd, profile.specialty_mask),
        )

    def test_every_save_keeps_them_in_step(self):
        profile = make_profile(self.tess, states=("CA",))
        # No telehealth: the license no longer reaches anyone in California.
        profile.offers_telehealth = False
        profile.save()
        self.assertEqual(rows_of(profile), {"": (False, False)})
        profile.offers_telehealth = True
        profile.fee_usd = 95
        profile.save()
        self.assertEqual(Listing.objects.get(profile=profile, state="CA").fee_usd, 95)
        # A license an admin un-verifies stops counting at once.
        license_ = profile.licenses.get()
        services.set_verification(None, self.ada, license_, Verification.REJECTED)
        self.assertEqual(rows_of(profile), {"": (False, False)})
        # Unpublished or without IPT training: no rows at all.
        services.set_published(None, self.ada, profile, False)
        self.assertEqual(rows_of(profile), {})
        services.set_published(None, self.ada, profile, True)
        profile.credentials.all().delete()
        services.refresh_training(profile)
        self.assertEqual(rows_of(profile), {})

    def test_the_command_checks_and_rebuilds(self):
        profile = make_profile(self.tess, states=("CA",))
        call_command("refresh_listings", "--check", stdout=StringIO())
        Listing.objects.filter(profile=profile, state="CA").update(fee_usd=1)
        with self.assertRaisesMessage(CommandError, "1 of 1 profiles have stale listing rows"):
            call_command("refresh_listings", "--check", stdout=StringIO())
        out = StringIO()
        call_command("refresh_listings", stdout=out)
        self.assertIn("Rebuilt the listing rows of 1 profiles", out.getvalue())
        call_command("refresh_listings", "--check", stdout=StringIO())


class ReachTestCase(BaseTestCase):
    """A person in Manhattan (NY). Nina: licensed in NY, office across the river in Jersey
    City. Jay: office in Jersey City, licensed only in NJ. Val: NY telehealth only. Far:
    office in Buffalo, licensed in NY with telehealth off."""

    place: Place
    nina: TherapistProfile
    jay: TherapistProfile
    val: TherapistProfile
    far: TherapistProfile

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        place = zip_place("10001")
        assert place is not None
        cls.place = place

        def therapist(name, **fields):
            user = make_user(f"{name.lower()}@example.org", Role.THERAPIST, cls.practice)
            return make_profile(user, display_name=name, **fields)

        cls.nina = therapist(
            "Nina", states=("NY", "NJ"), offers_in_person=True, zip_code="07302", state="NJ"
        )
        cls.jay = therapist(
            "Jay", states=("NJ",), offers_in_person=True, zip_code="07302", state="NJ"
        )
        cls.val = therapist("Val", states=("NY",))
        cls.far = therapist(
            "Far",
            states=("NY",),
            offers_in_person=True,
            offers_telehealth=False,
            zip_code="14201",
            state="NY",
        )

    def search(self, **fields) -> list[str]:
        query = DirectoryQuery(place=self.place, radius_miles=25, **fields)
        return names(directory(query).page(0, 20))

    def test_either_way_finds_each_therapist_once(self):
        self.assertEqual(self.search(), ["Jay", "Nina", "Val"])

    def test_in_person_only_offices_in_reach(self):
        self.assertEqual(self.search(format=IN_PERSON), ["Jay", "Nina"])
        found = directory(DirectoryQuery(place=self.place, format=IN_PERSON)).page(0, 20)
        self.assertTrue(all(3 < p.distance < 6 for p in found))  # type: ignore[attr-defined]

    def test_telehealth_only_licensed_in_the_state(self):
        self.assertEqual(self.search(format=TELEHEALTH), ["Nina", "Val"])

    def test_nearest_first_lists_offices_in_reach(self):
        self.assertEqual(self.search(sort="distance"), ["Jay", "Nina"])

    def test_pages_of_the_merged_ways_follow_one_order(self):
        # Nina and Val (NY rows) and Jay (his NJ office row), cheapest first, a page of 1.
        self.nina.fee_usd, self.jay.fee_usd, self.val.fee_usd = 150, 100, 120
        for profile in (self.nina, self.jay, self.val):
            profile.save()
        found = directory(DirectoryQuery(place=self.place, radius_miles=25, sort="fee"))
        pages = [names(found.page(n, n + 1)) for n in range(4)]
        self.assertEqual(pages, [["Jay"], ["Val"], ["Nina"], []])

    def test_the_state_alone(self):
        by_state = directory(DirectoryQuery(state="NY"))
        self.assertEqual(names(by_state.page(0, 20)), ["Far", "Nina", "Val"])
        offices = directory(DirectoryQuery(state="NJ", format=IN_PERSON))
        self.assertEqual(names(offices.page(0, 20)), ["Jay", "Nina"])

    def test_matching_reads_both_ways(self):
        wishes = Wishes(state="NY", format=EITHER, radius_miles=25)
        found = candidates(understand("my mom passed"), wishes, self.place)
        self.assertEqual(sorted(c.display_name for c in found), ["Jay", "Nina", "Val"])
        by_name = {c.display_name: c for c in found}
        self.assertIsNone(by_name["Val"].distance_miles)
        self.assertLess(by_name["Jay"].distance_miles or 99, 6)
        self.assertEqual(by_name["Nina"].licensed_states, ("NJ", "NY"))
        # A license still waiting for verification reaches no one.
        License.objects.filter(profile=self.val).update(status=Verification.PENDING)
        services.refresh_training(self.val)
        found = candidates(understand(""), Wishes(state="NY", format=TELEHEALTH), None)
        self.assertEqual([c.display_name for c in found], ["Nina"])
