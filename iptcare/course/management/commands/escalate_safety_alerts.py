"""Escalate safety alerts nobody acknowledged in time: `manage.py escalate_safety_alerts`,
from cron every few minutes."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from iptcare.course.safety import escalate_overdue_alerts


class Command(BaseCommand):
    help = "Escalate unacknowledged safety alerts to the practice's admins."

    def handle(self, *args, **options):
        escalated = escalate_overdue_alerts(timezone.now())
        if escalated and options["verbosity"] > 1:
            self.stdout.write(f"Escalated {len(escalated)} alert(s).")
