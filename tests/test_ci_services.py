"""CI runs the suite against real services; a missing one must fail the run, not skip."""

import os

import dj_database_url
import pytest
from django.db import connection

CI = os.environ.get("CI", "").lower() == "true"
pytestmark = pytest.mark.skipif(not CI, reason="checks CI's own set-up (CI=true)")


@pytest.mark.django_db
def test_it_runs_on_the_database_it_was_given():
    url = os.environ.get("DATABASE_URL")
    if url:
        expected = dj_database_url.parse(url)
        assert connection.vendor == "postgresql", (
            f"DATABASE_URL is set, yet ran on {connection.vendor}"
        )
        assert connection.settings_dict["HOST"] == expected["HOST"]
        # pytest-django's own database, made from the one DATABASE_URL names.
        assert connection.settings_dict["NAME"] == f"test_{expected['NAME']}"
    else:
        assert connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_chromium_is_installed(chromium_path):
    assert os.access(chromium_path, os.X_OK)
