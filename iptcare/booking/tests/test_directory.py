"""No ghost listings: the directory and matching follow real open consultation slots, show
the next free call and a measured response record, and link to booking."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.models import Role
from iptcare.booking import availability, services
from iptcare.booking.models import WeeklyWindow
from iptcare.booking.tests.helpers import a_person, offer_calls
from iptcare.directory.models import Listing, TherapistProfile
from iptcare.directory.tests.helpers import make_profile
from iptcare.test import BaseTestCase, make_user

# A Monday morning, Pacific time; the profiles' windows are 9-12 on weekdays.
MONDAY = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)

INTAKE = {"state": "CA", "format": "either", "radius": "25", "story": "my mom passed away"}


@time_machine.travel(MONDAY, tick=False)
class OpenSlotsTestCase(BaseTestCase):
    profile: TherapistProfile

    def setUp(self):
        super().setUp()
        # No free call recorded: what a profile is before its therapist sets availability.
        self.profile = make_profile(
            self.tess, states=("CA",), ipt_areas=["grief"], free_call_in=None
        )

    def match_names(self) -> str:
        return self.client.post(reverse("directory:match"), INTAKE).content.decode()

    def test_without_open_slots_a_therapist_is_not_taking_clients(self):
        self.assertNotIn(">Tess</a>", self.match_names())
        page = self.client.get(reverse("directory:profile", args=[self.profile.slug]))
        self.assertContains(page, "No free consultation times in the coming weeks")
        self.assertNotContains(page, reverse("booking:book", args=[self.profile.slug]))
        search = self.client.get(reverse("directory:search"), {"all": "on"})
        self.assertContains(search, "Not taking new clients")
        self.assertNotContains(self.client.get(reverse("directory:search")), ">Tess</a>")

    def test_availability_opens_them_and_fully_booked_closes_them_again(self):
        offer_calls(self.profile, max_calls_per_day=1)
        availability.refresh_open_slots(self.profile)
        self.profile.refresh_from_db()
        self.assertIsNotNone(self.profile.next_free_call_at)
        html = self.match_names()
        self.assertIn(">Tess</a>", html)
        # 12 hours' notice from midnight Pacific: Monday's 9-12 window has gone by then.
        self.assertIn("Next free call: Tue, Nov 17, 9:00 AM PST", html)
        self.assertIn(reverse("booking:book", args=[self.profile.slug]), html)
        self.assertTrue(
            Listing.objects.filter(profile=self.profile, accepting_new_clients=True).exists()
        )
        # The therapist removes every window: no free call, out of matching at once.
        WeeklyWindow.objects.filter(profile=self.profile).delete()
        availability.refresh_open_slots(self.profile)
        self.assertNotIn(">Tess</a>", self.match_names())
        self.assertFalse(
            Listing.objects.filter(profile=self.profile, accepting_new_clients=True).exists()
        )

    def test_the_periodic_refresh_notices_slots_running_out(self):
        offer_calls(self.profile, horizon_days=1, min_notice_hours=1)
        availability.refresh_all_summaries()
        self.assertIn(">Tess</a>", self.match_names())
        with time_machine.travel(MONDAY + timedelta(days=6), tick=False):
            # Saturday: the one-day horizon holds no weekday window.
            availability.refresh_all_summaries()
            self.assertNotIn(">Tess</a>", self.match_names())

    def test_the_sooner_free_call_ranks_first_among_equals(self):
        otto = make_profile(
            self.otto, states=("CA",), ipt_areas=["grief"], free_call_in=timedelta(days=12)
        )
        soon = make_user("soon@example.org", Role.THERAPIST, self.practice, name="Sunny")
        make_profile(
            soon,
            display_name="Sunny",
            states=("CA",),
            ipt_areas=["grief"],
            free_call_in=timedelta(hours=20),
        )
        html = self.match_names()
        self.assertLess(html.index(">Sunny</a>"), html.index(f">{otto.display_name}</a>"))

    def test_the_response_record_is_measured_from_real_requests(self):
        offer_calls(self.profile, max_calls_per_day=4)
        availability.refresh_open_slots(self.profile)
        page = reverse("directory:profile", args=[self.profile.slug])
        for n in range(3):
            with self.captureOnCommitCallbacks(execute=True):
                slot = availability.free_slots(self.profile, timezone.now())[0]
                call = services.book_consultation(
                    None, self.profile, slot.starts_at, a_person(email=f"p{n}@example.net")
                )
            self.assertNotContains(self.client.get(page), "replies within")
            with (
                time_machine.travel(timezone.now() + timedelta(hours=2), tick=False),
                self.captureOnCommitCallbacks(execute=True),
            ):
                services.confirm_consultation(None, self.tess, call)
        self.assertContains(self.client.get(page), "Usually replies within a few hours")
