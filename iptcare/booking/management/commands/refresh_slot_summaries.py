from django.core.management.base import BaseCommand

from iptcare.booking.availability import refresh_all_summaries


class Command(BaseCommand):
    help = (
        "Recompute every therapist's open consultation slots (booking.SlotSummary). "
        "Run from cron, e.g. every 15 minutes: slots expire as time passes."
    )

    def handle(self, *args, **options):
        count = refresh_all_summaries()
        if options["verbosity"] > 0:
            self.stdout.write(f"Refreshed the open slots of {count} therapists.")
