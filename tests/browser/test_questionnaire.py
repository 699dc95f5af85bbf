"""Issue 6, done when: in Debian's Chromium a client signs in, fills a PHQ-9 with item 9
above zero, and sees crisis resources at once; their therapist signs in and finds the
flag at the top of the caseload. The client also keeps her mood diary, the therapist's
charts render, and so does the practice admin's outcomes page. Every page passes
axe-core and keeps to the CSP, and the client's pages fit a phone."""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page, expect

from iptcare.accounts.models import Practice, Role
from iptcare.course.models import AlertSource, BetweenSessionGoal, SafetyAlert
from iptcare.course.tests.helpers import add_person, hold_sessions, make_course
from iptcare.measures.models import Response
from iptcare.measures.tests.helpers import assign
from iptcare.test import PASSWORD, make_client, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def totp_code(secret: str) -> str:
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def check_page(page: Page, console: list[ConsoleMessage], *, phone: bool = False) -> None:
    blocked = [m.text for m in console if "Content Security Policy" in m.text]
    assert not blocked, blocked
    if phone:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_a_client_answers_item_9_and_the_therapist_sees_the_flag(browser, live_server):
    practice = Practice.objects.create(name="Harbour IPT")
    therapist = make_user("tara@example.org", Role.THERAPIST, practice, name="Tara")
    admin = make_user("abe@example.org", Role.PRACTICE_ADMIN, practice, name="Abe")
    client_user = make_user("kim@example.org", Role.CLIENT, practice, name="Kim")
    client = make_client(practice, "Kim", [therapist], client_user)
    course = make_course(client, therapist)
    session = hold_sessions(course, therapist, 1)[0]
    BetweenSessionGoal.objects.create(course=course, set_in=session, text="Call an old friend")
    assign(course, therapist, "phq9")
    add_person(course, therapist, label="Mum")

    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    console: list[ConsoleMessage] = []
    page.on("console", lambda message: console.append(message))
    try:
        sign_in(page, "kim@example.org")
        page.wait_for_url(f"{live_server.url}/portal/")
        expect(page.locator("#course-position")).to_contain_text("Week 1 of 16")
        expect(page.get_by_role("link", name="Get help now").first).to_be_visible()
        check_page(page, console, phone=True)

        page.get_by_role("link", name="PHQ-9 questionnaire").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("PHQ-9")
        check_page(page, console, phone=True)
        for number in range(1, 9):
            page.get_by_role("group", name=f"{number}.", exact=False).first.get_by_label(
                "Not at all"
            ).check()
        page.get_by_role("group", name="9. Thoughts").get_by_label("Several days").check()
        page.get_by_role("button", name="Send my answers").click()

        crisis = page.locator("#crisis")
        expect(crisis).to_contain_text("988 Suicide & Crisis Lifeline")
        expect(crisis).to_contain_text(re.compile("emergency services", re.IGNORECASE))
        expect(crisis).to_contain_text("Your therapist will be informed")
        check_page(page, console, phone=True)
        response = Response.objects.get(course=course)
        assert (response.status, response.total) == ("submitted", 1)
        alert = SafetyAlert.objects.get(client=client)
        assert (alert.source, alert.assigned_to) == (AlertSource.PHQ9_ITEM9, therapist)

        page.goto("/portal/diary/")
        check_page(page, console, phone=True)
        page.get_by_label("7", exact=True).check()
        page.get_by_label("Interaction 1: with whom").select_option(label="Mum")
        page.get_by_label("Interaction 1: how was it").select_option("positive")
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".messages")).to_contain_text("Saved")
        check_page(page, console, phone=True)
        page.goto("/portal/goals/")
        page.get_by_label("How did it go?").fill("We had coffee")
        page.get_by_role("button", name="Save my note").click()
        expect(page.locator("main")).to_contain_text("We had coffee")
        check_page(page, console, phone=True)
        page.goto("/portal/progress/")
        expect(page.locator("#chart-phq9-title")).to_have_count(1)
        check_page(page, console, phone=True)

        page.get_by_role("button", name="Sign out").click()
        sign_in(page, "tara@example.org")
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.locator("input[name=code]").fill(totp_code(therapist.totp_secret))  # type: ignore[attr-defined]
        page.get_by_role("button", name="Sign In").click()
        page.goto("/app/clients/")
        flags = page.locator(".safety-panel")
        expect(flags).to_contain_text("Kim")
        expect(flags).to_contain_text("1 open alert")
        check_page(page, console)
        page.goto(f"/app/courses/{course.code}/questionnaires/")
        expect(page.locator("#chart-phq9-title")).to_have_count(1)
        expect(page.locator("#chart-mood-title")).to_have_count(1)
        check_page(page, console)

        page.get_by_role("button", name="Sign out").click()
        sign_in(page, "abe@example.org")
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.locator("input[name=code]").fill(totp_code(admin.totp_secret))  # type: ignore[attr-defined]
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url("**/practice/")
        page.get_by_role("link", name="Outcomes").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Practice outcomes")
        expect(page.locator("main")).to_contain_text("Tara")
        check_page(page, console)
    finally:
        context.close()
