import json
import time

from django.urls import reverse

from iptcare.accounts.models import AuditEvent
from iptcare.course.models import PsychotherapyNote
from iptcare.course.sessions import save_psychotherapy_note
from iptcare.course.tests.helpers import days_ago, make_course, record
from iptcare.test import BaseTestCase


class PsychotherapyNoteTestCase(BaseTestCase):
    def setUp(self):
        self.course = make_course(self.cal, self.tess, start=days_ago(30))
        self.session = record(self.course, self.tess, days_ago(2), progress_note="Progress")
        self.url = reverse("course:psychotherapy-note", args=[self.session.code])
        self.cal.therapists.add(self.otto)  # a co-therapist

    def test_only_the_author_ever_reads_it(self):
        self.client.force_login(self.tess)
        self.client.post(self.url, {"body": "My countertransference this week"})
        note = PsychotherapyNote.objects.get()
        self.assertEqual((note.author, note.body), (self.tess, "My countertransference this week"))
        self.assertContains(self.client.get(self.url), "My countertransference this week")

        # The co-therapist sees the session, and an empty note of their own, never Tess's.
        self.client.force_login(self.otto)
        session_page = self.client.get(reverse("course:session", args=[self.session.code]))
        self.assertContains(session_page, "Progress")
        self.assertNotContains(session_page, "countertransference")
        page = self.client.get(self.url)
        self.assertNotContains(page, "countertransference")
        self.client.post(self.url, {"body": "Otto's own"})
        self.assertEqual(PsychotherapyNote.objects.count(), 2)
        note.refresh_from_db()
        self.assertEqual(note.body, "My countertransference this week")

        # The practice admin may see the client record but no course content.
        self.client.force_login(self.ada)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_an_empty_note_is_refused(self):
        self.client.force_login(self.tess)
        self.assertContains(self.client.post(self.url, {"body": "  "}), "This field is required")
        self.assertFalse(PsychotherapyNote.objects.exists())


class ExportTestCase(BaseTestCase):
    def setUp(self):
        self.course = make_course(self.cal, self.tess, start=days_ago(30))
        self.session = record(self.course, self.tess, days_ago(2), progress_note="Progress note")
        self.cal.therapists.add(self.otto)
        save_psychotherapy_note(None, self.tess, self.session, "Tess's private note")
        save_psychotherapy_note(None, self.otto, self.session, "Otto's private note")
        self.url = reverse("course:course-export", args=[self.course.code])

    def recently_signed_in(self, user):
        self.client.force_login(user)
        session = self.client.session
        # What allauth records when the password is entered again ("sudo mode").
        session["account_authentication_methods"] = [
            {"method": "password", "at": time.time(), "reauthenticated": True}
        ]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()

    def test_the_download_asks_for_the_password_first(self):
        self.client.force_login(self.tess)
        response = self.client.post(self.url, {})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/reauthenticate/", response["Location"])
        self.assertFalse(AuditEvent.objects.filter(verb="export").exists())

    def test_psychotherapy_notes_are_left_out_unless_the_author_asks(self):
        self.recently_signed_in(self.tess)
        document = json.loads(self.client.post(self.url, {}).content)
        self.assertEqual(document["sessions"][0]["progress_note"], "Progress note")
        self.assertNotIn("psychotherapy_note", document["sessions"][0])
        self.assertFalse(document["psychotherapy_notes_included"])
        self.assertTrue(
            AuditEvent.objects.filter(verb="export", action="course.course.exported").exists()
        )

        response = self.client.post(self.url, {"include_psychotherapy_notes": "on"})
        self.assertIn("attachment", response["Content-Disposition"])
        text = response.content.decode()
        self.assertIn("Tess's private note", text)
        self.assertNotIn("Otto's private note", text)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="course.course.exported_with_psychotherapy_notes", actor=self.tess
            ).exists()
        )
