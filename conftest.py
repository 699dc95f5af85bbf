import os
import shutil
from collections.abc import Iterator

import pytest

CI = os.environ.get("CI", "").lower() == "true"

# Flags for Debian's Chromium in a container run as root, with no display and no network
# beyond the live server: nothing phones home, nothing waits for a GPU.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_or_skip(available: bool, reason: str) -> None:
    """Skip a test whose service is missing here; under CI=true a missing service fails."""
    if available:
        return
    if CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    require_or_skip(
        os.path.exists(path), "Debian's Chromium is not installed (apt-get install chromium)"
    )
    return path


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator:
    """Debian's Chromium driven by Playwright's sync API, one per test module.

    Never `playwright install`: Playwright only drives the Chromium that apt installed.
    """
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running on this thread, so Django's ORM
    # would refuse to run here. Allow it only while the browser is up: the module scope
    # keeps the rest of the suite under Django's normal check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def pytest_runtest_setup(item: pytest.Item) -> None:
    # `@pytest.mark.postgresql` tests run in .ci/run's PostgreSQL pass; its SQLite pass skips
    # them on purpose, and tests/test_ci_services.py makes sure that pass really is PostgreSQL.
    if item.get_closest_marker("postgresql"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
