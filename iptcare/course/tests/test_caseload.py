from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iptcare.course.models import AlertSource
from iptcare.course.safety import raise_safety_alert
from iptcare.course.tests.helpers import days_ago, hold_sessions, make_course, record
from iptcare.test import BaseTestCase, make_client


class CaseloadTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.tess)

    def test_it_shows_where_each_client_is_and_the_next_session(self):
        course = make_course(self.cal, self.tess, start=days_ago(60))
        hold_sessions(course, self.tess, 6, days_ago(60))
        next_at = timezone.now() + timedelta(days=2)
        record(course, self.tess, days_ago(1), next_appointment_at=next_at)
        quinn = make_client(self.practice, "Quinn", [self.tess])
        make_course(quinn, self.tess, start=days_ago(3))
        make_client(self.practice, "Robin", [self.tess])

        response = self.client.get(reverse("care:client-list"))
        self.assertContains(response, "Your clients")
        self.assertContains(response, "IPT: Week 7 of 16, initial phase")
        self.assertContains(response, reverse("course:course", args=[course.code]))
        self.assertContains(response, "IPT: Not started: 16 sessions planned")
        self.assertContains(response, "Record the first session")
        self.assertContains(response, "No course yet")
        self.assertContains(response, "Initial phase running long")  # 7 held, still initial

    def test_safety_flags_come_first(self):
        for name in ["Aaron", "Bea", "Zed"]:
            make_client(self.practice, name, [self.tess])
        zed = self.tess.caseload.get(name="Zed")
        raise_safety_alert(zed, AlertSource.HELP_BUTTON, "")
        response = self.client.get(reverse("care:client-list"))
        names = [row[0].name for row in response.context["page"].object_list]
        self.assertEqual(names[0], "Zed")
        self.assertContains(response, "Open safety alerts")
        self.assertContains(response, "1 urgent")

    def test_an_admin_sees_positions_but_no_links_into_the_workspace(self):
        course = make_course(self.cal, self.tess, start=days_ago(60))
        hold_sessions(course, self.tess, 2, days_ago(60))
        self.client.force_login(self.ada)
        response = self.client.get(reverse("care:client-list"))
        self.assertContains(response, "Week 2 of 16, initial phase")
        self.assertNotContains(response, reverse("course:course", args=[course.code]))
        record_page = self.client.get(reverse("care:client-detail", args=[self.cal.code]))
        self.assertContains(record_page, "Week 2 of 16, initial phase")
        self.assertContains(record_page, "sessions and notes are for the client's therapists")

    def test_the_query_count_does_not_grow_with_the_caseload(self):
        def count() -> int:
            with CaptureQueriesContext(connection) as context:
                self.client.get(reverse("care:client-list"))
            return len(context)

        course = make_course(self.cal, self.tess, start=days_ago(30))
        hold_sessions(course, self.tess, 2, days_ago(30))
        before = count()
        for n in range(5):
            client = make_client(self.practice, f"Client {n}", [self.tess])
            other = make_course(client, self.tess, start=days_ago(30))
            hold_sessions(other, self.tess, 2, days_ago(30))
        self.assertEqual(count(), before)
