"""The demo gives every demo therapist bookable times and the first a few calls."""

from datetime import UTC, datetime

import time_machine
from django.core.management import call_command
from django.test import TestCase

from iptcare.booking import services
from iptcare.booking.models import Consultation, ConsultationSettings, SlotSummary, WeeklyWindow
from iptcare.demo import data
from iptcare.directory.models import TherapistProfile


@time_machine.travel(datetime(2026, 6, 1, 15, 0, tzinfo=UTC), tick=False)
class DemoAvailabilityTestCase(TestCase):
    def test_every_demo_therapist_has_open_times_and_a_rerun_changes_nothing(self):
        call_command("demo", "--quiet")
        profiles = TherapistProfile.objects.filter(
            user__email__in=[t["email"] for t in data.THERAPISTS]
        )
        self.assertEqual(profiles.count(), len(data.THERAPISTS))
        found = services.next_free_slots(profiles.values_list("pk", flat=True))
        self.assertEqual(set(found), set(profiles.values_list("pk", flat=True)))
        self.assertEqual(
            SlotSummary.objects.filter(open_slots_in_horizon__gt=0).count(), profiles.count()
        )
        first = profiles.get(user__email=data.THERAPISTS[0]["email"])
        self.assertEqual(Consultation.objects.filter(profile=first).count(), 3)
        before = [m.objects.count() for m in (ConsultationSettings, WeeklyWindow, Consultation)]
        call_command("demo", "--quiet")
        after = [m.objects.count() for m in (ConsultationSettings, WeeklyWindow, Consultation)]
        self.assertEqual(after, before)

    def test_generated_therapists_get_availability_in_bulk(self):
        call_command("demo", "--quiet", "--therapists", "120")
        generated = TherapistProfile.objects.filter(user__email__endswith="@generated.example.org")
        self.assertEqual(ConsultationSettings.objects.filter(profile__in=generated).count(), 120)
        summaries = SlotSummary.objects.filter(profile__in=generated)
        self.assertEqual(summaries.filter(open_slots_in_horizon__gt=0).count(), 120)
        # The copied summaries agree with computing each one.
        sample = generated.order_by("pk")[:5]
        expected = services.next_free_slots([p.pk for p in sample])
        for profile in sample:
            summary = summaries.get(profile=profile)
            self.assertEqual(summary.next_free_at, expected[profile.pk])
