from django.test import override_settings
from django.urls import reverse

from iptcare.test import BaseTestCase


class SecurityHeadersTestCase(BaseTestCase):
    def test_pages_carry_a_strict_csp_and_frame_protection(self):
        for url in [reverse("index"), reverse("account_login"), reverse("get-help")]:
            response = self.client.get(url)
            csp = response["Content-Security-Policy"]
            self.assertIn("default-src 'self'", csp)
            self.assertIn("script-src 'self'", csp)
            self.assertNotIn("unsafe-inline", csp)
            self.assertIn("frame-ancestors 'none'", csp)
            self.assertEqual(response["X-Frame-Options"], "DENY")
            self.assertEqual(response["X-Content-Type-Options"], "nosniff")
            self.assertEqual(response["Referrer-Policy"], "same-origin")
            self.assertNotIn(b"<script>", response.content)

    @override_settings(
        SECURE_SSL_REDIRECT=True,
        SECURE_HSTS_SECONDS=31_536_000,
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
    )
    def test_production_sends_hsts_and_secure_cookies(self):
        self.assertEqual(self.client.get("/").status_code, 301)
        response = self.client.get(reverse("account_login"), secure=True)
        self.assertIn("max-age=31536000", response["Strict-Transport-Security"])
        self.assertTrue(response.cookies["csrftoken"]["secure"])

    def test_error_pages_show_no_details(self):
        response = self.client.get("/no/such/page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Page not found", status_code=404)
        self.assertNotContains(response, "Traceback", status_code=404)
        self.assertNotContains(response, "urlpatterns", status_code=404)

    def test_a_server_error_shows_the_plain_500_page(self):
        from django.test import Client as HttpClient

        from iptcare.care import views

        browser = HttpClient(raise_request_exception=False)
        browser.force_login(self.tess)
        original = views.access.visible_clients

        def broken(user):
            raise RuntimeError("secret detail CANARY")

        views.access.visible_clients = broken
        try:
            response = browser.get(reverse("care:client-list"))
        finally:
            views.access.visible_clients = original
        self.assertEqual(response.status_code, 500)
        self.assertNotIn(b"CANARY", response.content)
        self.assertIn(b"Something went wrong", response.content)

    def test_oversized_posts_are_refused_cleanly(self):
        self.client.force_login(self.tess)
        fields = {f"f{i}": "x" for i in range(600)}
        response = self.client.post(reverse("care:note-create", args=[self.cal.code]), fields)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.cal.notes.count(), 1)

    def test_health_check(self):
        response = self.client.get(reverse("healthz"))
        self.assertEqual(response.json(), {"status": "ok"})
