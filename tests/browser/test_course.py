"""A therapist runs a whole 16-session IPT course in Debian's Chromium, through the real
pages: plans it, builds the inventory and moves a person on the closeness circle, adds
to the timeline, chooses the focus, writes the formulation, agrees the contract, records
sessions in every phase, writes the termination summary and completes the course.

Key pages must pass axe-core, keep to the CSP and never scroll sideways on a phone. The
printable contract and termination summary are saved as PDF and screenshots under
test-artifacts/course/ (docs/course.md says so).
"""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from iptcare.accounts.models import User
from iptcare.course.models import Course, Session
from iptcare.demo import data
from iptcare.lib.timezones import users_zone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "course"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
THERAPIST = "therapist@example.org"
CLIENT = "Quinn Example-Hart"


def totp_code(user: User) -> str:
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(totp.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


class Checker:
    """Screenshot, then: no CSP report or script error, no sideways scroll on a phone,
    and axe-core finds no violation."""

    def __init__(self, page: Page):
        self.page = page
        self.console: list[ConsoleMessage] = []
        self.errors: list[str] = []
        page.on("console", lambda message: self.console.append(message))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def __call__(self, name: str, phone: bool = False) -> None:
        page = self.page
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
        csp = [m.text for m in self.console if "Content Security Policy" in m.text]
        assert not csp, f"{name}: CSP violations: {csp}"
        assert not self.errors, f"{name}: script errors: {self.errors}"
        if phone:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name}: scrolls sideways by {overflow}px on a phone"
        results = Axe().run(page)
        assert results.violations_count == 0, f"{name}: " + results.generate_report()


@pytest.fixture
def demo():
    call_command("demo", "--quiet")


def sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(THERAPIST)
    page.locator("input[name=password]").fill(data.PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(totp_code(User.objects.get(email=THERAPIST)))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/app/clients/")


def submit(page: Page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def record_session(page: Page, course: Course, day, mood: int, tasks=(), **extra) -> None:
    page.goto(f"/app/courses/{course.code}/sessions/new/")
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Mood rating (0-10)").fill(str(mood))
    for task in tasks:
        page.get_by_label(task).check()
    for label, value in extra.items():
        page.get_by_label(label.replace("_", " ")).fill(value)
    submit(page, "Save the session")
    expect(page.locator(".message-success")).to_contain_text("Saved:")


def move(page: Page, course: Course, choice: str) -> None:
    page.goto(f"/app/courses/{course.code}/move/")
    page.get_by_label(choice).check()
    submit(page, "Move the course")
    expect(page.locator(".message-success")).to_contain_text("The course is now")


def test_a_therapist_runs_a_whole_16_session_course(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    check = Checker(page)
    therapist = User.objects.get(email=THERAPIST)
    today = timezone.localdate(timezone=users_zone(therapist))
    start = today - timedelta(weeks=16)
    try:
        sign_in(page)
        expect(page.locator(".safety-panel")).to_contain_text("Open safety alerts")
        check("caseload")

        # A new client, and a course planned with the protocol's defaults.
        page.get_by_role("link", name="Add a client").click()
        page.get_by_role("group", name="Who they are").get_by_label("Name").fill(CLIENT)
        page.get_by_label("Pronouns").fill("she/her")
        page.get_by_label("Date of birth").fill("1990-05-06")
        submit(page, "Save")
        page.get_by_role("link", name="Plan a course").click()
        page.get_by_label("Start date").fill(start.isoformat())
        check("course-plan")
        submit(page, "Plan the course")
        expect(page.locator("#course-position")).to_contain_text("Not started: 16 sessions")
        course = Course.objects.get(client__name=CLIENT)

        # Session 1: initial phase, with its checklist.
        record_session(
            page,
            course,
            start,
            3,
            tasks=["Psychoeducation: depression explained", "Sick role given"],
        )
        expect(page.get_by_role("heading", level=1)).to_have_text("Week 1 of 16, initial phase")
        check("session-initial")

        # The inventory: two people, one moved between circles with the plain form.
        people = [
            ("Sam", "Partner or spouse", "Middle circle"),
            ("Mum", "Parent or carer", "Inner circle: closest"),
        ]
        for label, relationship, ring in people:
            page.goto(f"/app/courses/{course.code}/inventory/new/")
            page.get_by_label("Name or label").fill(label)
            page.get_by_label("Relationship", exact=True).select_option(label=relationship)
            page.get_by_label(ring).check()
            page.get_by_label("Contact frequency").select_option(label="Daily")
            page.get_by_label("What is difficult or unsatisfying").fill("We argue about money")
            submit(page, "Save")
        page.get_by_label("Move Sam to").select_option(label="Inner circle: closest")
        page.get_by_role("button", name="Move").first.click()
        expect(page.locator(".message-success")).to_contain_text("Moved to the inner circle")
        page.get_by_role("button", name="Save today's circle").click()
        expect(page.locator("svg.circle-svg")).to_contain_text("Sam")
        check("inventory-circle")
        page.goto(f"/app/courses/{course.code}/circle/")
        check("circle-print")

        # The timeline.
        page.goto(f"/app/courses/{course.code}/timeline/new/")
        page.get_by_label("When").fill((start - timedelta(days=120)).isoformat())
        page.get_by_label("What happened").fill("Sam lost his job; rows about money began")
        page.get_by_label("Category").select_option(label="Conflict")
        page.get_by_label("Mood at the time (0-10)").fill("3")
        page.get_by_label("Sam").check()
        page.get_by_label("A depressive episode started around then").check()
        submit(page, "Save")
        check("timeline")

        # Focus, formulation and contract.
        page.goto(f"/app/courses/{course.code}/focus/new/")
        page.get_by_role("radio", name="Role dispute").check()
        page.get_by_label("Goals").fill("Talk about money without a row\nAgree a budget")
        page.get_by_label("Stage of the dispute (role disputes only)").select_option(
            label="Impasse"
        )
        submit(page, "Save")
        page.get_by_role("textbox", name="Interpersonal formulation").fill(
            "Quinn has been depressed since the rows about money began when Sam lost his job. "
            "Over 16 weeks we will work on the dispute with Sam."
        )
        page.get_by_label("Client agreed on").fill(start.isoformat())
        submit(page, "Save the formulation")
        check("formulation")
        page.goto(f"/app/courses/{course.code}/contract/new/")
        page.get_by_label("Agreed on").fill((start + timedelta(weeks=2)).isoformat())
        submit(page, "Record the contract")
        expect(page.get_by_role("heading", name="Version 1")).to_be_visible()

        # Sessions 2 and 3 finish the initial phase; then the middle phase.
        for week, mood in [(1, 3), (2, 4)]:
            record_session(page, course, start + timedelta(weeks=week), mood)
        move(page, course, "Move to the middle phase")
        record_session(
            page,
            course,
            start + timedelta(weeks=3),
            4,
            tasks=["Communication analysis of a recent argument"],
        )
        expect(page.get_by_role("heading", level=1)).to_have_text("Week 4 of 16, middle phase")
        check("session-middle")
        for week in range(4, 13):
            record_session(page, course, start + timedelta(weeks=week), min(4 + week // 2, 8))

        # Termination: the last three sessions, then the summary.
        move(page, course, "Move to the termination phase")
        for week in range(13, 16):
            record_session(
                page,
                course,
                start + timedelta(weeks=week),
                8,
                tasks=["Ending named and the client's feelings about it discussed"],
            )
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Week 16 of 16, termination phase"
        )
        check("session-termination")
        page.goto(f"/app/courses/{course.code}/termination/")
        page.get_by_label("Gains").fill("Talks about money calmly; a budget agreed with Sam.")
        page.get_by_label("Early warning signs").fill("Sleeping badly; avoiding Sam.")
        page.get_by_label("Plan if signs return").fill("Call the practice; in a crisis 988.")
        page.get_by_label("End of treatment").check()
        submit(page, "Save the summary")
        check("termination")

        focus = course.focus_areas.get()
        page.goto(f"/app/focus/{focus.code}/")
        page.get_by_label("Status").select_option(label="Resolved")
        submit(page, "Save")
        move(page, course, "Complete the course")
        expect(page.locator("#course-position")).to_contain_text("Completed after 16 of 16")
        check("course-completed")
        course.refresh_from_db()
        assert course.status == "completed"
        assert Session.objects.filter(course=course, number__isnull=False).count() == 16
        phases = list(course.sessions.order_by("number").values_list("phase", flat=True))
        assert phases == ["initial"] * 3 + ["middle"] * 10 + ["termination"] * 3

        # The printable documents, saved as PDF and as screenshots of print layout.
        for name, path in [
            ("contract", f"/app/courses/{course.code}/contract/print/"),
            ("termination-summary", f"/app/courses/{course.code}/termination/print/"),
        ]:
            page.goto(path)
            check(f"{name}-print")
            page.emulate_media(media="print")
            page.screenshot(path=ARTIFACTS / f"{name}-print-media.png", full_page=True)
            page.pdf(path=ARTIFACTS / f"{name}.pdf", format="Letter", print_background=True)
            page.emulate_media(media="screen")
            assert (ARTIFACTS / f"{name}.pdf").stat().st_size > 5_000
        expect(page.locator("main")).to_contain_text("Part of the record since")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["caseload", "session", "inventory"])
def test_key_course_pages_work_on_a_phone(browser, live_server, demo, path):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    check = Checker(page)
    try:
        sign_in(page)
        course = Course.objects.get(client__name="Casey Lindgren-Moss")
        url = {
            "caseload": "/app/clients/",
            "session": f"/app/sessions/{course.sessions.last().code}/",  # type: ignore[union-attr]
            "inventory": f"/app/courses/{course.code}/inventory/",
        }[path]
        page.goto(url)
        check(f"{path}-phone", phone=True)
    finally:
        context.close()
