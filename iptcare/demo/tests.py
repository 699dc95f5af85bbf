from io import StringIO

from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.test import TestCase

from iptcare.accounts.models import AuditEvent, Practice, Role, User
from iptcare.care.models import Client, Note
from iptcare.demo import data
from iptcare.directory.models import License, TherapistProfile


def counts():
    return [
        m.objects.count()
        for m in (Practice, User, Client, Note, TherapistProfile, Authenticator, AuditEvent)
    ]


class DemoTestCase(TestCase):
    def test_it_builds_every_role_with_mfa_and_prints_sign_ins(self):
        out = StringIO()
        call_command("demo", stdout=out)
        self.assertEqual(Practice.objects.count(), 2)
        for role in Role.values:
            self.assertTrue(User.objects.filter(role=role).exists(), role)
        for user in User.objects.exclude(role=Role.CLIENT):
            self.assertTrue(user.has_mfa(), user.email)
        self.assertGreaterEqual(License.objects.values("state").distinct().count(), 5)
        self.assertEqual(
            TherapistProfile.objects.filter(is_published=True, training_mask__gt=0).count(), 6
        )
        printed = out.getvalue()
        self.assertIn(data.PASSWORD, printed)
        self.assertIn("therapist@example.org", printed)
        self.assertIn("recovery code", printed)
        # Clinical text is encrypted like any other.
        self.assertTrue(Note.objects.exists())

    def test_a_second_run_changes_nothing(self):
        call_command("demo", "--quiet")
        before = counts()
        call_command("demo", "--quiet")
        self.assertEqual(counts(), before)

    def test_it_scales_the_therapists_and_stays_idempotent(self):
        call_command("demo", "--quiet", "--therapists", "150")
        generated = User.objects.filter(email__endswith="@generated.example.org")
        self.assertEqual(generated.count(), 150)
        self.assertEqual(TherapistProfile.objects.filter(user__in=generated).count(), 150)
        call_command("demo", "--quiet", "--therapists", "150")
        self.assertEqual(generated.count(), 150)
        call_command("demo", "--quiet", "--therapists", "160")
        self.assertEqual(generated.count(), 160)
        self.assertFalse(generated.earliest("pk").has_usable_password())
