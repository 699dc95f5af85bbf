"""Email clients whose questionnaire is due: `manage.py remind_questionnaires`, from cron
once a day."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from iptcare.measures.services import remind_due_questionnaires


class Command(BaseCommand):
    help = "Email clients a link to questionnaires that are due."

    def handle(self, *args, **options):
        reminded = remind_due_questionnaires(timezone.now())
        if reminded and options["verbosity"] > 1:
            self.stdout.write(f"Reminded {len(reminded)} client(s).")
