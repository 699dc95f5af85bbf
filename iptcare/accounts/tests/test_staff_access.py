from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.test import TransactionTestCase
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from iptcare.accounts import services
from iptcare.accounts.models import AuditEvent, Practice, Role, User
from iptcare.accounts.tasks import send_staff_invitation
from iptcare.test import BaseTestCase, make_user


class InviteStaffTestCase(BaseTestCase):
    def invite(self, **data):
        payload = {"name": "Nell Newcomer", "email": "nell@example.org", "role": "therapist"}
        payload.update(data)
        return self.client.post(reverse("practice:staff-invite"), payload)

    def test_an_admin_invites_a_therapist_who_sets_a_password_and_signs_in(self):
        self.client.force_login(self.ada)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.invite()
        self.assertRedirects(response, reverse("practice:home"))
        nell = User.objects.get(email="nell@example.org")
        self.assertEqual((nell.role, nell.practice), (Role.THERAPIST, self.practice))
        self.assertFalse(nell.has_usable_password())
        self.assertTrue(
            AuditEvent.objects.filter(
                action="accounts.user.invited", object_code=str(nell.code)
            ).exists()
        )
        # Nothing is sent until the task runs (QueuedInvitationTestCase runs the worker).
        self.assertEqual(len(mail.outbox), 0)
        queued = DBTaskResult.objects.get()
        self.assertEqual(queued.args_kwargs["args"], [str(nell.code)])
        self.assertTrue(send_staff_invitation.call(str(nell.code)))
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["nell@example.org"])
        self.assertNotIn("Nell", message.subject)
        link = next(word for word in message.body.split() if "/password/reset/key/" in word)
        assert isinstance(message, EmailMultiAlternatives)
        self.assertEqual(message.alternatives[0][1], "text/html")

        self.client.logout()
        response = self.client.get(link.replace("http://testserver", ""), follow=True)
        form_url = response.redirect_chain[-1][0]
        password = "a long and new password 42"
        response = self.client.post(form_url, {"password1": password, "password2": password})
        self.assertEqual(response.status_code, 302)
        nell.refresh_from_db()
        self.assertTrue(nell.check_password(password))
        self.assertTrue(EmailAddress.objects.get(user=nell).verified)
        response = self.client.post(
            reverse("account_login"), {"login": "nell@example.org", "password": password}
        )
        self.assertEqual(response.status_code, 302)
        # Signed in, but no client data until MFA is set up.
        response = self.client.get(reverse("care:client-list"))
        self.assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)
        # The link works once.
        self.assertFalse(send_staff_invitation.call(str(nell.code)))

    def test_bad_invitations_are_refused_with_a_message(self):
        self.client.force_login(self.ada)
        for data, message in [
            ({"email": "tess@example.org"}, "already an account"),
            ({"email": "TESS@example.org"}, "already an account"),
            ({"email": "not an email"}, "Enter a valid email address"),
            ({"role": "client"}, "Select a valid choice"),
            ({"role": "superuser"}, "Select a valid choice"),
            ({"name": ""}, "This field is required"),
        ]:
            with self.subTest(data=data):
                self.assertContains(self.invite(**data), message)
        self.assertFalse(User.objects.filter(email="nell@example.org").exists())
        self.assertEqual(len(mail.outbox), 0)

    def test_extra_fields_cannot_place_the_invitee_in_another_practice(self):
        self.client.force_login(self.ada)
        self.invite(practice=self.other_practice.pk, is_superuser="on", is_staff="on")
        nell = User.objects.get(email="nell@example.org")
        self.assertEqual(nell.practice, self.practice)
        self.assertFalse(nell.is_superuser or nell.is_staff)

    def test_invitations_are_rate_limited(self):
        self.client.force_login(self.ada)
        for i in range(services.INVITES_PER_HOUR):
            self.invite(email=f"person{i}@example.org")
        response = self.invite(email="one-too-many@example.org")
        self.assertContains(response, "Too many invitations")
        self.assertFalse(User.objects.filter(email="one-too-many@example.org").exists())


class DeactivateStaffTestCase(BaseTestCase):
    def set_active(self, user, active: bool):
        url = reverse("practice:staff-set-active", args=[user.code])
        return self.client.post(url, {"active": "1" if active else "0"})

    def test_deactivation_takes_effect_on_the_next_request(self):
        tess = self.client_class()
        tess.force_login(self.tess)
        self.assertEqual(tess.get(reverse("care:client-list")).status_code, 200)
        self.client.force_login(self.ada)
        self.assertRedirects(self.set_active(self.tess, False), reverse("practice:home"))
        self.tess.refresh_from_db()
        self.assertFalse(self.tess.is_active)
        self.assertIn("/accounts/login/", tess.get(reverse("care:client-list"))["Location"])
        self.assertTrue(AuditEvent.objects.filter(action="accounts.user.deactivated").exists())
        self.set_active(self.tess, True)
        self.tess.refresh_from_db()
        self.assertTrue(self.tess.is_active)

    def test_admins_reach_only_their_own_practices_staff(self):
        self.client.force_login(self.ada)
        self.assertEqual(self.set_active(self.olga, False).status_code, 404)
        self.assertEqual(self.set_active(self.cal_user, False).status_code, 404)
        self.client.force_login(self.tess)
        self.assertEqual(self.set_active(self.otto, False).status_code, 403)
        for user in (self.olga, self.cal_user, self.otto):
            user.refresh_from_db()
            self.assertTrue(user.is_active)

    def test_an_admin_cannot_lock_themselves_out(self):
        self.client.force_login(self.ada)
        response = self.set_active(self.ada, False)
        self.ada.refresh_from_db()
        self.assertTrue(self.ada.is_active)
        self.assertContains(self.client.get(response["Location"]), "your own account")


class QueuedInvitationTestCase(TransactionTestCase):
    """The invitation really goes through the database queue and `manage.py db_worker`
    (a TransactionTestCase, because the worker commits and reconnects as in production)."""

    def test_the_worker_sends_the_invitation(self):
        practice = Practice.objects.create(name="Queue Practice")
        admin = make_user("qa@example.org", Role.PRACTICE_ADMIN, practice)
        services.invite_staff(None, admin, name="Q", email="q@example.org", role="therapist")
        self.assertEqual(DBTaskResult.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 0)
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        self.assertEqual([m.to for m in mail.outbox], [["q@example.org"]])
        self.assertEqual(DBTaskResult.objects.get().status, "SUCCESSFUL")
