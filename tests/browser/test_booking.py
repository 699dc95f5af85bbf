"""A person in London finds a therapist on the match page and books a free call from the
result in Debian's Chromium, on a phone: the booking page switches to the browser's time
zone by itself, the request goes through, and both sides' emails carry a calendar file
that parses with the right time and zone."""

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar
from playwright.sync_api import expect

from iptcare.booking.models import Consultation, Status
from iptcare.booking.services import email_digest
from iptcare.booking.tests.helpers import run_due_tasks
from iptcare.directory.models import TherapistProfile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def london_phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        timezone_id="Europe/London",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page, problems
    context.close()


def check_page(page, problems: list[str], name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    assert not problems, problems
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"
    results = Axe().run(page)
    assert results.violations_count == 0, f"{name}: " + results.generate_report()


def test_a_person_in_london_books_a_free_call(london_phone):
    call_command("demo", "--quiet")
    page, problems = london_phone
    # From a match result: a Californian abroad looks for a therapist by video.
    page.goto("/find/")
    page.get_by_label("State you live in").select_option(label="California")
    page.get_by_label("Telehealth (video)").check()
    page.get_by_label("In your own words, what is going on?").fill(
        "Since my mother died I can't stop crying and I feel so alone."
    )
    page.get_by_role("button", name="Show therapists").click()
    first_match = page.locator("article.therapist-card").first
    expect(first_match).to_contain_text("Next free call:")
    check_page(page, problems, "booking-match-results-phone")
    first_match.get_by_role("link", name=re.compile("^Book a free call")).click()
    # The script picked the browser's zone and reloaded the times in it.
    expect(page).to_have_url(re.compile(r"/therapists/[^/]+/book/\?tz=Europe%2FLondon$"))
    profile = TherapistProfile.objects.get(slug=page.url.split("/therapists/")[1].split("/")[0])
    expect(page.get_by_text("Times are shown in Europe/London")).to_be_visible()
    check_page(page, problems, "booking-london-phone")

    first = page.locator("input[name=slot]").first
    chosen = first.get_attribute("value")
    assert chosen is not None
    label = page.locator("label.slot").first.inner_text()
    assert label.endswith(("GMT", "BST")), label
    first.check()
    page.get_by_label("Your name").fill("Robin Synthetic")
    page.get_by_label("Email").fill("robin@example.net")
    page.get_by_label("State you live in").select_option(label="California")
    page.get_by_label("I agree to be contacted").check()
    page.get_by_role("button", name="Request this call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your request has been sent")
    check_page(page, problems, "booking-sent-phone")

    consultation = Consultation.objects.get(email_digest=email_digest("robin@example.net"))
    assert consultation.status == Status.REQUESTED
    assert consultation.person_time_zone == "Europe/London"
    run_due_tasks()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    for address, zone in [
        ("robin@example.net", "Europe/London"),
        (profile.user.email, consultation.profile.consultation_settings.time_zone),
    ]:
        (attachment,) = [a for a in by_recipient[address].attachments if a[0].endswith(".ics")]
        calendar = Calendar.from_ical(attachment[1])
        assert calendar["METHOD"] == "REQUEST"
        event = next(iter(calendar.walk("VEVENT")))
        assert str(event["UID"]) == consultation.uid
        assert event["DTSTART"].params["TZID"] == zone
        start = event.decoded("DTSTART")
        assert start == consultation.starts_at
        assert start.tzinfo == ZoneInfo(zone)
        if zone == "Europe/London":
            assert start.isoformat() == chosen
