from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from iptcare.accounts import audit
from iptcare.accounts.admin import AuditEventAdmin
from iptcare.accounts.models import AuditEvent
from iptcare.test import BaseTestCase


class AuditTrailTestCase(BaseTestCase):
    """Every clinical view writes a row naming who, what, which record, when and where."""

    def assert_one_row(self, action: str, code, client_code=None, actor=None):
        rows = AuditEvent.objects.filter(action=action, object_code=str(code))
        self.assertEqual(rows.count(), 1, action)
        event = rows.get()
        self.assertEqual(event.actor, actor or self.tess)
        self.assertEqual(event.ip_address, "127.0.0.1")
        self.assertEqual(event.client_code, str(client_code or self.cal.code))
        self.assertEqual(event.practice, self.practice)
        return event

    def test_it_audits_client_views(self):
        self.client.force_login(self.tess)
        for name in ["care:client-detail", "care:client-edit", "care:note-create"]:
            AuditEvent.objects.all()  # rows are never deleted; count per action below
            self.client.get(reverse(name, args=[self.cal.code]))
        rows = AuditEvent.objects.filter(
            action="care.client.viewed", object_code=str(self.cal.code)
        )
        self.assertEqual(rows.count(), 3)
        self.assertEqual(
            set(rows.values_list("view_name", flat=True)),
            {"care:client-detail", "care:client-edit", "care:note-create"},
        )

    def test_it_audits_note_views(self):
        self.client.force_login(self.tess)
        self.client.get(reverse("care:note-detail", args=[self.note.code]))
        event = self.assert_one_row("care.note.viewed", self.note.code)
        self.assertEqual(event.verb, AuditEvent.Verb.VIEW)
        self.assertEqual(event.object_type, "note")

    def test_it_audits_the_api(self):
        self.client.force_login(self.tess)
        response = self.client.get(f"/api/v1/clients/{self.cal.code}")
        self.assertEqual(response.status_code, 200)
        self.assert_one_row("care.client.viewed", self.cal.code)

    def test_it_audits_the_portal(self):
        self.client.force_login(self.cal_user)
        self.client.get(reverse("portal:home"))
        self.assert_one_row("portal.client.viewed", self.cal.code, actor=self.cal_user)

    def test_it_audits_changes(self):
        self.client.force_login(self.tess)
        self.client.post(
            reverse("care:client-edit", args=[self.cal.code]),
            {"name": "Cal B", "therapists": [self.tess.code]},
        )
        self.client.post(reverse("care:note-create", args=[self.cal.code]), {"body": "Session 2"})
        self.client.post(reverse("care:note-edit", args=[self.note.code]), {"body": "Edited"})
        self.client.post(reverse("care:client-create"), {"name": "New Person"})
        self.cal.refresh_from_db()
        self.assertEqual(self.cal.name, "Cal B")
        self.assert_one_row("care.client.changed", self.cal.code)
        self.assert_one_row("care.note.changed", self.note.code)
        created = AuditEvent.objects.get(action="care.note.created")
        self.assertEqual(created.verb, AuditEvent.Verb.CREATE)
        self.assertEqual(created.client_code, str(self.cal.code))
        self.assertTrue(AuditEvent.objects.filter(action="care.client.created").exists())

    def test_denied_requests_write_no_read_row(self):
        self.client.force_login(self.otto)
        self.client.get(reverse("care:client-detail", args=[self.cal.code]))
        self.assertFalse(AuditEvent.objects.filter(object_code=str(self.cal.code)).exists())

    def test_it_records_the_forwarded_address_behind_a_trusted_proxy(self):
        request = RequestFactory().get(
            "/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="10.0.0.2"
        )
        request.user = self.tess
        with self.settings(TRUSTED_PROXY_COUNT=1):
            event = audit.record(request, audit.Verb.VIEW, "care.client.viewed", self.cal)
        self.assertEqual(event.ip_address, "198.51.100.7")

    def test_it_stores_no_clinical_content(self):
        self.client.force_login(self.tess)
        self.client.post(
            reverse("care:note-create", args=[self.cal.code]), {"body": "CANARY-NOTE-TEXT"}
        )
        for event in AuditEvent.objects.all():
            self.assertNotIn("CANARY", str(event.__dict__))


class AppendOnlyTestCase(BaseTestCase):
    def setUp(self):
        self.event = audit.record(
            None, audit.Verb.VIEW, "care.client.viewed", self.cal, actor=self.tess
        )

    def test_rows_cannot_be_changed_or_deleted_through_the_orm(self):
        self.event.action = "tampered"
        with self.assertRaises(PermissionError):
            self.event.save()
        with self.assertRaises(PermissionError):
            self.event.delete()
        with self.assertRaises(PermissionError):
            AuditEvent.objects.filter(pk=self.event.pk).update(action="tampered")
        with self.assertRaises(PermissionError):
            AuditEvent.objects.filter(pk=self.event.pk).delete()
        self.assertEqual(AuditEvent.objects.get(pk=self.event.pk).action, "care.client.viewed")

    def test_the_admin_is_read_only_for_operators(self):
        model_admin = AuditEventAdmin(AuditEvent, admin.site)
        request = RequestFactory().get("/")
        request.user = self.opal
        self.assertFalse(model_admin.has_add_permission(request))
        self.assertFalse(model_admin.has_change_permission(request, self.event))
        self.assertFalse(model_admin.has_delete_permission(request, self.event))
        self.client.force_login(self.opal)
        url = reverse("admin:accounts_auditevent_delete", args=[self.event.pk])
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 403)
        self.assertTrue(AuditEvent.objects.filter(pk=self.event.pk).exists())

    def test_postgresql_refuses_raw_updates_and_deletes(self):
        if connection.vendor != "postgresql":
            self.skipTest("the database trigger exists on PostgreSQL only")
        for sql in [
            "UPDATE accounts_auditevent SET action = 'x'",
            "DELETE FROM accounts_auditevent",
        ]:
            with (
                self.subTest(sql=sql),
                self.assertRaises(DatabaseError),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        self.assertTrue(AuditEvent.objects.filter(pk=self.event.pk).exists())


class AuditLogPageTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.ada)
        self.cal_view = audit.record(
            None, audit.Verb.VIEW, "care.client.viewed", self.cal, actor=self.tess
        )
        self.cleo_change = audit.record(
            None, audit.Verb.CHANGE, "care.client.changed", self.cleo, actor=self.otto
        )
        self.foreign_view = audit.record(
            None, audit.Verb.VIEW, "care.client.viewed", self.dina, actor=self.olga
        )

    def get(self, **params):
        return self.client.get(reverse("practice:audit-log"), params)

    def test_it_lists_only_its_own_practice(self):
        response = self.get()
        self.assertContains(response, str(self.cal.code))
        self.assertContains(response, str(self.cleo.code))
        self.assertNotContains(response, str(self.dina.code))
        self.assertNotContains(response, "olga@example.org")

    def test_it_filters(self):
        response = self.get(actor=self.otto.code)
        self.assertContains(response, str(self.cleo.code))
        self.assertNotContains(response, str(self.cal.code))
        response = self.get(verb="view")
        self.assertContains(response, str(self.cal.code))
        self.assertNotContains(response, str(self.cleo.code))
        response = self.get(record=str(self.cleo.code))
        self.assertContains(response, str(self.cleo.code))
        self.assertNotContains(response, str(self.cal.code))

    def test_bad_filters_get_a_message_not_a_500(self):
        cases: list[dict[str, str]] = [
            {"verb": "drop table"},
            {"record": "1 OR 1=1"},
            {"since": "yesterday"},
            {"actor": "00000000-0000-0000-0000-000000000000"},
            {"actor": str(self.olga.code)},
            {"since": "2026-02-01", "until": "2026-01-01"},
            {"page": "999999"},
            {"page": "-1"},
        ]
        for params in cases:
            with self.subTest(params=params):
                response = self.client.get(reverse("practice:audit-log"), params)
                self.assertEqual(response.status_code, 200)
        response = self.get(actor=self.olga.code)
        self.assertContains(response, "Select a valid choice")
        self.assertNotContains(response, str(self.dina.code))


class ListAuditTestCase(BaseTestCase):
    def test_client_lists_are_audited(self):
        self.client.force_login(self.tess)
        self.client.get(reverse("care:client-list"))
        self.client.get("/api/v1/clients")
        rows = AuditEvent.objects.filter(action="care.client.listed", actor=self.tess)
        self.assertEqual(
            sorted(rows.values_list("view_name", flat=True)),
            ["api:client-list", "care:client-list"],
        )


class TokenBucketTestCase(BaseTestCase):
    def test_it_allows_the_capacity_then_refills(self):
        import time_machine
        from django.utils import timezone

        from iptcare.accounts.models import TokenBucket

        per = __import__("datetime").timedelta(minutes=10)
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            results = [TokenBucket.authorize("invite-tess", 3, per) for _ in range(4)]
            self.assertEqual(results, [True, True, True, False])
            self.assertTrue(TokenBucket.authorize("invite-ada", 3, per))
            traveller.shift(per / 3)
            self.assertTrue(TokenBucket.authorize("invite-tess", 3, per))
            self.assertFalse(TokenBucket.authorize("invite-tess", 3, per))
