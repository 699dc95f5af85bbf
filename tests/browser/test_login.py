"""Each demo role signs in through the real pages in Debian's Chromium, two-factor step
included, and lands on its home page, which must pass axe-core and keep to the CSP."""

import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import ConsoleMessage, expect

from iptcare.accounts.models import User
from iptcare.demo import data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@dataclass(frozen=True)
class Role:
    name: str
    email: str
    # How the second factor is given: "totp", "recovery" or "" for no second factor.
    mfa: str
    landing_path: str
    heading: str
    also_shows: str


ROLES = [
    Role(
        name="practice-admin",
        email="admin@example.org",
        mfa="recovery",
        landing_path="/practice/",
        heading="Lakeside Interpersonal Therapy",
        also_shows="Dr. Mira Okonkwo-Hale",
    ),
    Role(
        name="therapist",
        email="therapist@example.org",
        mfa="totp",
        landing_path="/app/clients/",
        heading="Your clients",
        also_shows="Casey Lindgren-Moss",
    ),
    Role(
        name="client",
        email="client@example.org",
        mfa="",
        landing_path="/portal/",
        heading="Hello, Casey",
        also_shows="Dr. Mira Okonkwo-Hale",
    ),
]


def totp_code(user: User) -> str:
    """The code an authenticator app shows now, waiting out the last seconds of a period
    so that the code is still current when the form reaches the server."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(totp.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def recovery_code(user: User) -> str:
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(codes).get_unused_codes()[0]


def csp_reports(messages: list[ConsoleMessage]) -> list[str]:
    return [
        f"{m.location.get('url', '')}: {m.text}"
        for m in messages
        if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
    ]


@pytest.fixture
def demo():
    call_command("demo", "--quiet")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_it_signs_in_and_lands_on_an_accessible_home(browser, live_server, demo, role, viewport):
    phone = viewport is PHONE
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    console: list[ConsoleMessage] = []
    page.on("console", lambda message: console.append(message))
    try:
        page.goto("/accounts/login/")
        page.locator("input[name=login]").fill(role.email)
        page.locator("input[name=password]").fill(data.PASSWORD)
        page.get_by_role("button", name="Sign In").click()

        user = User.objects.get(email=role.email)
        if role.mfa:
            page.wait_for_url("**/accounts/2fa/authenticate/")
            code = totp_code(user) if role.mfa == "totp" else recovery_code(user)
            page.locator("input[name=code]").fill(code)
            page.get_by_role("button", name="Sign In").click()

        page.wait_for_url(f"{live_server.url}{role.landing_path}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(role.heading)
        expect(page.locator("main")).to_contain_text(role.also_shows)

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(
            path=ARTIFACTS / f"home-{role.name}-{'phone' if phone else 'desktop'}.png",
            full_page=True,
        )

        # Before axe runs, so that only the app's own pages are judged here.
        violations = csp_reports(console)
        assert not violations, "Content Security Policy violations:\n" + "\n".join(violations)

        if phone:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"

        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()


def test_the_csp_check_sees_an_inline_script_being_blocked(browser, live_server):
    # Guards the check above: the app's CSP refuses inline script, and the console says so
    # in words that csp_reports() picks out.
    page = browser.new_page(base_url=live_server.url)
    try:
        page.goto("/accounts/login/")
        with page.expect_console_message(lambda m: bool(csp_reports([m]))):
            page.evaluate(
                """() => {
                    const script = document.createElement("script");
                    script.textContent = "document.body.dataset.inline = 'ran'";
                    document.body.append(script);
                }"""
            )
        assert page.locator("body").get_attribute("data-inline") is None
    finally:
        page.close()
