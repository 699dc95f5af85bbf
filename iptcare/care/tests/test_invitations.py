"""From a completed free call to a client, with one action: the record in the therapist's
practice and caseload, and an emailed invitation to the portal. Only for the therapist's
own completed calls; nothing is created otherwise."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.models import AuditEvent, Role, User
from iptcare.booking.models import Status
from iptcare.booking.tests.helpers import make_consultation, run_due_tasks
from iptcare.care.models import Client
from iptcare.directory.tests.helpers import make_profile
from iptcare.test import BaseTestCase


class InviteFromCallTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.profile = make_profile(self.tess)
        self.call = make_consultation(
            self.profile,
            timezone.now() - timedelta(hours=2),
            status=Status.COMPLETED,
            name="Quinn Synthetic",
            email="Quinn@Example.net",
            phone="555-0100",
            state="CA",
        )
        self.url = reverse("care:invite-from-consultation", args=[self.call.code])

    def counts(self) -> tuple[int, int]:
        return Client.objects.count(), User.objects.count()

    def test_one_action_makes_the_client_and_sends_the_invitation(self):
        self.client.force_login(self.tess)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url)
        client = Client.objects.get(name="Quinn Synthetic")
        self.assertRedirects(response, reverse("care:client-detail", args=[client.code]))
        self.assertEqual(
            (client.practice, client.email, client.state, client.phone),
            (self.practice, "quinn@example.net", "CA", "555-0100"),
        )
        self.assertEqual(list(client.therapists.all()), [self.tess])
        account = client.user
        assert account is not None
        self.assertEqual((account.role, account.practice), (Role.CLIENT, self.practice))
        self.assertFalse(account.has_usable_password())
        self.assertTrue(
            AuditEvent.objects.filter(action="care.client.invited_from_call", actor=self.tess)
        )
        run_due_tasks()
        (message,) = mail.outbox
        self.assertEqual(message.to, ["quinn@example.net"])
        self.assertIn("/accounts/password/reset/key/", message.body)
        self.assertNotIn("A synthetic message", message.body)  # what they wrote stays out
        # A second try is refused plainly; nothing more is created.
        before = self.counts()
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "already an account with this email address")
        self.assertEqual(self.counts(), before)

    def test_only_after_the_call_is_done(self):
        self.call.status = Status.CONFIRMED
        self.call.save(update_fields=["status"])
        self.client.force_login(self.tess)
        before = self.counts()
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "Mark the call as done first")
        self.assertEqual(self.counts(), before)

    def test_nobody_else_may(self):
        before = self.counts()
        for user, status in [
            (self.otto, 404),  # another therapist of the practice
            (self.olga, 404),  # another practice's therapist
            (self.ada, 403),  # an admin has no consultation inbox
            (self.cal_user, 403),
        ]:
            with self.subTest(user=user.email):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.url).status_code, status)
        self.client.logout()
        self.assertIn("/accounts/login/", self.client.post(self.url)["Location"])
        self.assertEqual(self.counts(), before)

    def test_the_consultation_page_offers_it_once_the_call_is_done(self):
        self.client.force_login(self.tess)
        page = self.client.get(reverse("booking:consultation", args=[self.call.code]))
        self.assertContains(page, "Invite Quinn Synthetic to become a client")
        self.assertContains(page, f'action="{self.url}"')
