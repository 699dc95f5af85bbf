import json
import sys

from django.core.management.base import BaseCommand

from iptcare.directory.concerns import understand


class Command(BaseCommand):
    help = (
        "Read one person's description on standard input and print the IPT areas and "
        'specialties it suggests as JSON: {"ipt_areas": [...], "specialties": [...]}, '
        "best first (docs/matching.md)."
    )

    def handle(self, *args, **options):
        concerns = understand(sys.stdin.read())
        reply = {
            "ipt_areas": [finding.key for finding in concerns.ipt_areas],
            "specialties": [finding.key for finding in concerns.specialties],
        }
        self.stdout.write(json.dumps(reply))
