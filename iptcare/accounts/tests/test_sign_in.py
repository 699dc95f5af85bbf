import time
from datetime import timedelta

import time_machine
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from iptcare.accounts.models import AuditEvent, Role
from iptcare.test import PASSWORD, BaseTestCase, make_user


def current_code(user) -> str:
    return format_hotp_value(hotp_value(user.totp_secret, int(time.time()) // 30))


class SignInTestCase(BaseTestCase):
    def sign_in(self, email, password=PASSWORD):
        return self.client.post(reverse("account_login"), {"login": email, "password": password})

    def test_a_client_signs_in_with_a_password_and_lands_in_the_portal(self):
        response = self.sign_in("cal@example.org")
        self.assertRedirects(response, reverse("dashboard"), fetch_redirect_response=False)
        response = self.client.get(reverse("dashboard"))
        self.assertRedirects(response, reverse("portal:home"))
        self.assertTrue(
            AuditEvent.objects.filter(
                action="accounts.session.started", actor=self.cal_user
            ).exists()
        )

    def test_staff_must_pass_the_second_factor(self):
        response = self.sign_in("tess@example.org")
        self.assertRedirects(response, reverse("mfa_authenticate"), fetch_redirect_response=False)
        # Not signed in yet: client data is out of reach.
        response = self.client.get(reverse("care:client-list"))
        self.assertIn("/accounts/login/", response["Location"])
        response = self.client.post(reverse("mfa_authenticate"), {"code": "000000"})
        self.assertEqual(response.status_code, 200)
        response = self.client.post(reverse("mfa_authenticate"), {"code": current_code(self.tess)})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get(reverse("care:client-list")).status_code, 200)

    def test_staff_without_mfa_are_sent_to_set_it_up_before_any_client_data(self):
        newcomer = make_user("nina@example.org", Role.THERAPIST, self.practice, mfa=False)
        self.cal.therapists.add(newcomer)
        self.client.force_login(newcomer)
        for url in [
            reverse("care:client-list"),
            reverse("care:client-detail", args=[self.cal.code]),
        ]:
            response = self.client.get(url)
            self.assertRedirects(
                response, reverse("mfa_activate_totp"), fetch_redirect_response=False
            )
        self.assertEqual(self.client.get(f"/api/v1/clients/{self.cal.code}").status_code, 403)
        self.assertFalse(AuditEvent.objects.filter(object_code=str(self.cal.code)).exists())

    def test_repeated_failures_lock_the_account(self):
        for _ in range(5):
            response = self.sign_in("tess@example.org", "wrong password")
            self.assertEqual(response.status_code, 200)
        # Even the right password is refused while locked, and nothing says whether it was right.
        response = self.sign_in("tess@example.org")
        self.assertContains(response, "Too many failed login attempts")
        self.assertNotIn("_auth_user_id", self.client.session)
        # Other accounts are unaffected.
        self.assertEqual(self.sign_in("cal@example.org").status_code, 302)

    def test_the_lock_lifts_after_fifteen_minutes(self):
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            for _ in range(5):
                self.sign_in("cal@example.org", "wrong password")
            self.assertContains(self.sign_in("cal@example.org"), "Too many failed login attempts")
            traveller.shift(timedelta(minutes=14))
            self.assertContains(self.sign_in("cal@example.org"), "Too many failed login attempts")
            traveller.shift(timedelta(minutes=1, seconds=5))
            self.assertEqual(self.sign_in("cal@example.org").status_code, 302)

    def test_nobody_can_sign_themselves_up(self):
        response = self.client.post(
            reverse("account_signup"),
            {"email": "stranger@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
        self.assertContains(response, "Sign Up Closed")
        self.assertFalse(
            self.cal_user.__class__.objects.filter(email="stranger@example.org").exists()
        )

    def test_password_reset_mails_a_link_without_personal_data_in_the_subject(self):
        self.client.post(reverse("account_reset_password"), {"email": "cal@example.org"})
        self.assertEqual(len(mail.outbox), 1)
        self.assertNotIn("Cal", mail.outbox[0].subject)
        self.assertIn("/accounts/password/reset/key/", mail.outbox[0].body)

    def test_posts_without_a_csrf_token_are_refused(self):
        browser = HttpClient(enforce_csrf_checks=True)
        browser.force_login(self.tess)
        response = browser.post(reverse("care:note-create", args=[self.cal.code]), {"body": "x"})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "This form has expired", status_code=403)
        self.assertEqual(self.cal.notes.count(), 1)

    def test_each_role_lands_on_its_own_page(self):
        for user, target in [
            (self.cal_user, "portal:home"),
            (self.tess, "care:client-list"),
            (self.ada, "practice:home"),
            (self.opal, "admin:index"),
        ]:
            self.client.force_login(user)
            response = self.client.get(reverse("dashboard"))
            self.assertRedirects(response, reverse(target), fetch_redirect_response=False)


class SessionTimeoutTestCase(BaseTestCase):
    def test_staff_are_signed_out_after_fifteen_idle_minutes(self):
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            self.client.force_login(self.tess)
            self.assertEqual(self.client.get(reverse("care:client-list")).status_code, 200)
            traveller.shift(timedelta(minutes=14))
            self.assertEqual(self.client.get(reverse("care:client-list")).status_code, 200)
            traveller.shift(timedelta(minutes=15, seconds=1))
            response = self.client.get(reverse("care:client-list"))
            self.assertEqual(response.status_code, 302)
            self.assertIn("/accounts/login/", response["Location"])
            # Signed out for good, not only redirected once.
            response = self.client.get(reverse("care:client-list"))
            self.assertIn("/accounts/login/", response["Location"])

    def test_clients_have_thirty_minutes(self):
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            self.client.force_login(self.cal_user)
            self.client.get(reverse("portal:home"))
            traveller.shift(timedelta(minutes=20))
            self.assertEqual(self.client.get(reverse("portal:home")).status_code, 200)
            traveller.shift(timedelta(minutes=31))
            self.assertEqual(self.client.get(reverse("portal:home")).status_code, 302)

    def test_every_session_ends_after_twelve_hours_however_busy(self):
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            self.client.force_login(self.cal_user)
            for _ in range(30):  # a request every 29 minutes keeps the idle timer happy
                traveller.shift(timedelta(minutes=29))
                response = self.client.get(reverse("portal:home"))
                if response.status_code != 200:
                    break
            self.assertEqual(response.status_code, 302)
            self.assertIn("/accounts/login/", response["Location"])

    def test_the_api_answers_401_after_the_timeout(self):
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            self.client.force_login(self.tess)
            self.client.get("/api/v1/clients")
            traveller.shift(timedelta(minutes=16))
            self.assertEqual(self.client.get("/api/v1/clients").status_code, 401)

    def test_deactivating_a_user_ends_their_access_on_the_next_request(self):
        self.client.force_login(self.tess)
        self.assertEqual(self.client.get(reverse("care:client-list")).status_code, 200)
        self.tess.is_active = False
        self.tess.save(update_fields=["is_active"])
        response = self.client.get(reverse("care:client-list"))
        self.assertIn("/accounts/login/", response["Location"])

    def test_removing_a_therapist_from_a_client_takes_effect_at_once(self):
        self.client.force_login(self.tess)
        url = reverse("care:client-detail", args=[self.cal.code])
        self.assertEqual(self.client.get(url).status_code, 200)
        self.cal.therapists.remove(self.tess)
        self.assertEqual(self.client.get(url).status_code, 404)


class OperatorTestCase(BaseTestCase):
    def test_operators_need_mfa_for_the_admin(self):
        operator = make_user("ops@example.org", mfa=False)
        self.client.force_login(operator)
        response = self.client.get(reverse("admin:index"))
        self.assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)


class ApiErrorsTestCase(BaseTestCase):
    def test_the_api_answers_in_json(self):
        for user, path, status in [
            (self.cal_user, "/api/v1/clients", 403),
            (self.otto, f"/api/v1/clients/{self.cal.code}", 404),
            (self.tess, f"/api/v1/clients/{self.dina.code}", 404),
        ]:
            self.client.force_login(user)
            with self.settings(DEBUG=True):
                response = self.client.get(path)
            self.assertEqual(response.status_code, status)
            self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
            self.assertNotIn("Cal", response.content.decode())
