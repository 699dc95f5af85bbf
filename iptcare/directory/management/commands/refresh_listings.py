"""Rebuild the directory's Listing rows from the profiles.

Every save of a profile rewrites its own rows, so this is for repairs: after a bulk load
that bypassed the ORM, or to check that nothing drifted (--check changes nothing and
fails if any profile's rows differ from what it should have)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from iptcare.directory.listing import rebuild, stale_profiles
from iptcare.directory.models import TherapistProfile


class Command(BaseCommand):
    help = "Rebuild (or --check) the directory's listing rows from the therapist profiles."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare, change nothing.")

    def handle(self, *args, check: bool, **options):
        profiles = TherapistProfile.objects.defer("photo", "approach").order_by("pk")
        total = profiles.count()
        bar = tqdm(total=total, unit=" profiles", disable=not self.stdout.isatty())
        if check:
            stale = 0
            for done, found in stale_profiles(profiles.iterator(chunk_size=2000)):
                stale += found
                bar.n = done
                bar.refresh()
            bar.close()
            if stale:
                raise CommandError(f"{stale} of {total} profiles have stale listing rows.")
            self.stdout.write(f"All {total} profiles' listing rows are up to date.")
            return
        done = 0
        for done in rebuild(profiles.iterator(chunk_size=2000)):
            bar.n = done
            bar.refresh()
        bar.close()
        self.stdout.write(f"Rebuilt the listing rows of {done} profiles.")
