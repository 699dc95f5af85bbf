from io import StringIO

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from iptcare.care.models import Client, Note
from iptcare.lib import crypto
from iptcare.test import BaseTestCase

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
# The cast was written under the default test key; it stays configured until rotation.
DEFAULT_KEYS = list(settings.FIELD_ENCRYPTION_KEYS)


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


class EncryptedFieldTestCase(BaseTestCase):
    def test_clinical_text_is_not_stored_in_plaintext(self):
        note = Note.objects.create(client=self.cal, author=self.tess, body="CANARY-7f3a grief")
        stored = raw("care_note", "body", note.pk)
        self.assertNotIn("CANARY", stored)
        self.assertTrue(stored.startswith("gAAAA"))  # a Fernet token
        self.assertEqual(Note.objects.get(pk=note.pk).body, "CANARY-7f3a grief")
        stored = raw("care_client", "presenting_concerns", self.cal.pk)
        self.assertNotIn("Cal's concerns", stored)

    def test_non_ascii_text_round_trips(self):
        note = Note.objects.create(client=self.cal, author=self.tess, body="Ñandú — 失眠 😔")
        self.assertEqual(Note.objects.get(pk=note.pk).body, "Ñandú — 失眠 😔")

    def test_it_refuses_to_search_encrypted_text(self):
        with self.assertRaises(Exception):  # noqa: B017 - FieldError, from Django
            list(Note.objects.filter(body="anything"))
        self.assertEqual(Note.objects.filter(body__isnull=False).count(), 2)


class KeyRotationTestCase(BaseTestCase):
    def test_old_rows_stay_readable_and_reencrypt_moves_them_to_the_new_key(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY, *DEFAULT_KEYS]):
            note = Note.objects.create(client=self.cal, author=self.tess, body="written under old")
            self.cal.presenting_concerns = "concerns under old"
            self.cal.save(update_fields=["presenting_concerns"])
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY, *DEFAULT_KEYS]):
            # A new key in front: old rows still read, new rows use the new key.
            self.assertEqual(Note.objects.get(pk=note.pk).body, "written under old")
            self.assertFalse(crypto.is_under_primary_key(raw("care_note", "body", note.pk)))
            out = StringIO()
            call_command("reencrypt", "--dry-run", stdout=out)
            self.assertIn("care.Note.body: 3 need re-encrypting", out.getvalue())
            self.assertFalse(crypto.is_under_primary_key(raw("care_note", "body", note.pk)))
            call_command("reencrypt", stdout=out)
            self.assertIn("care.Note.body: 3 re-encrypted", out.getvalue())
            self.assertTrue(crypto.is_under_primary_key(raw("care_note", "body", note.pk)))
            out = StringIO()
            call_command("reencrypt", stdout=out)  # a second run has nothing to do
            self.assertIn("Done: 0 values", out.getvalue())
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            # The old key is gone and everything still reads.
            self.assertEqual(Note.objects.get(pk=note.pk).body, "written under old")
            self.assertEqual(
                Client.objects.get(pk=self.cal.pk).presenting_concerns, "concerns under old"
            )
            self.assertEqual(Note.objects.get(pk=self.note.pk).body, "Tess's note on Cal")

    def test_reencrypt_stops_with_a_clear_message_when_a_key_is_missing(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
            note = Note.objects.create(client=self.cal, author=self.tess, body="old")
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            with self.assertRaisesMessage(CommandError, "no configured key opens it"):
                call_command("reencrypt", stdout=StringIO())
            with self.assertRaises(crypto.DecryptionError):
                Note.objects.get(pk=note.pk)

    def test_generate_encryption_key_prints_a_usable_key(self):
        out = StringIO()
        call_command("generate_encryption_key", stdout=out)
        Fernet(out.getvalue().strip())
