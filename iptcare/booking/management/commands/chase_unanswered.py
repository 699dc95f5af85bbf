from django.core.management.base import BaseCommand

from iptcare.booking.services import chase_unanswered


class Command(BaseCommand):
    help = (
        "Remind therapists of consultation requests unanswered after one business day, and "
        "tell the person after two. Run from cron, e.g. hourly; each email goes out once."
    )

    def handle(self, *args, **options):
        report = chase_unanswered()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Reminded {report.therapists_reminded} therapists, "
                f"told {report.people_told} people."
            )
