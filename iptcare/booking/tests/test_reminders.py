"""Reminders 24 hours and 1 hour before a confirmed call, queued with run_after and checked
again when they run: a cancelled or moved call sends none."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import TransactionTestCase
from django_tasks_db.models import DBTaskResult

from iptcare.accounts.models import Practice, Role
from iptcare.booking import services, tasks
from iptcare.booking.models import Status
from iptcare.booking.tests.helpers import a_person, offer_calls, run_due_tasks
from iptcare.directory.models import TherapistProfile
from iptcare.directory.tests.helpers import make_profile
from iptcare.test import BaseTestCase, make_user

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
TUESDAY_9 = datetime(2026, 6, 2, 16, 0, tzinfo=UTC)


class ReminderTestCase(BaseTestCase):
    profile: TherapistProfile

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.profile = make_profile(cls.tess)
        offer_calls(cls.profile)

    def setUp(self):
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)
        self.consultation = services.book_consultation(None, self.profile, TUESDAY_9, a_person())
        with self.captureOnCommitCallbacks(execute=True):
            services.confirm_consultation(None, self.tess, self.consultation)
        run_due_tasks()  # the confirmation
        mail.outbox.clear()

    def reminders_at(self, moment: datetime) -> list[str]:
        with time_machine.travel(moment, tick=False):
            run_due_tasks()
        return [str(m.subject) for m in mail.outbox]

    def test_both_reminders_arrive_on_time_and_once(self):
        self.assertEqual(self.reminders_at(TUESDAY_9 - timedelta(hours=25)), [])
        self.assertEqual(
            self.reminders_at(TUESDAY_9 - timedelta(hours=24)),
            ["[iptcare] Reminder: your free consultation call is tomorrow"],
        )
        (message,) = mail.outbox
        self.assertEqual(message.to, ["pat@example.net"])
        self.assertIn("12:00 PM EDT", message.body)
        self.assertIn("/book/cancel/", message.body)
        self.reminders_at(TUESDAY_9 - timedelta(minutes=59))
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("starts in an hour", mail.outbox[1].subject)
        # A retried task sends nothing more.
        code = str(self.consultation.code)
        with time_machine.travel(TUESDAY_9 - timedelta(minutes=30), tick=False):
            self.assertFalse(tasks.send_reminder.call(code, "reminder_1h"))
        self.assertEqual(len(mail.outbox), 2)

    def test_a_cancelled_call_sends_no_reminder(self):
        services.cancel_consultation(None, self.consultation)
        self.reminders_at(TUESDAY_9 - timedelta(minutes=30))
        self.assertEqual(mail.outbox, [])
        # Both reminder tasks ran and found nothing to send.
        reminders = DBTaskResult.objects.filter(task_path__endswith="send_reminder")
        self.assertEqual(reminders.count(), 2)
        self.assertEqual(set(reminders.values_list("status", flat=True)), {"SUCCESSFUL"})
        self.assertEqual({r.return_value for r in reminders}, {False})

    def test_a_moved_call_is_reminded_at_its_new_time_only(self):
        new_time = TUESDAY_9 + timedelta(days=2)
        with self.captureOnCommitCallbacks(execute=True):
            services.propose_time(None, self.tess, self.consultation, new_time)
            services.move_consultation(None, self.consultation, new_time, accepted_proposal=True)
        self.consultation.refresh_from_db()
        self.assertEqual(self.consultation.status, Status.RESCHEDULED)
        run_due_tasks()  # the proposal's and the acceptance's emails
        mail.outbox.clear()
        self.assertEqual(self.reminders_at(TUESDAY_9 - timedelta(minutes=30)), [])
        # The new row's reminders were queued when the proposal was accepted.
        self.assertEqual(len(self.reminders_at(new_time - timedelta(hours=23))), 1)
        self.assertEqual(len(self.reminders_at(new_time - timedelta(minutes=30))), 2)

    def test_a_call_confirmed_late_gets_only_the_reminders_still_ahead(self):
        late = services.book_consultation(
            None,
            self.profile,
            TUESDAY_9 + timedelta(minutes=30),
            a_person(email="sam@example.net"),
        )
        with (
            time_machine.travel(TUESDAY_9 - timedelta(hours=2), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            services.confirm_consultation(None, self.tess, late)
        kinds = [
            r.args_kwargs["args"][1]
            for r in DBTaskResult.objects.all()
            if r.args_kwargs["args"][0] == str(late.code)
        ]
        self.assertEqual(sorted(kinds), ["confirmed", "reminder_1h"])


class QueuedReminderTestCase(TransactionTestCase):
    """The reminder goes through the real database queue and `manage.py db_worker`."""

    def test_the_worker_sends_due_reminders_and_skips_cancelled_calls(self):
        practice = Practice.objects.create(name="Queue Practice")
        therapist = make_user("q-therapist@example.org", Role.THERAPIST, practice, name="Q")
        profile = make_profile(therapist)
        offer_calls(profile)
        with time_machine.travel(NOW, tick=False):
            kept = services.book_consultation(None, profile, TUESDAY_9, a_person())
            dropped = services.book_consultation(
                None, profile, TUESDAY_9 + timedelta(hours=1), a_person(email="sam@example.net")
            )
            for consultation in (kept, dropped):
                services.confirm_consultation(None, therapist, consultation)
            services.cancel_consultation(None, dropped)
        with time_machine.travel(TUESDAY_9 - timedelta(hours=23), tick=False):
            call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        reminders = [m for m in mail.outbox if "Reminder" in m.subject]
        self.assertEqual([m.to for m in reminders], [["pat@example.net"]])
        self.assertIn("tomorrow", reminders[0].subject)
