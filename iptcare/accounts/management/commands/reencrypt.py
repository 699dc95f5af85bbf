"""Re-encrypt every encrypted column under the newest key of FIELD_ENCRYPTION_KEYS.

Key rotation: put a new key first in FIELD_ENCRYPTION_KEYS (old keys after it), restart
the app, run this command, then drop the old keys. Rows are rewritten in batches, each in
its own transaction; a second run finds nothing to do.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import TextField, Value
from django.db.models.functions import Cast
from tqdm import tqdm

from iptcare.lib import crypto

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt clinical free text under the newest encryption key."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, dry_run: bool, **options):
        total_rewritten = 0
        for model, field in crypto.encrypted_fields():
            label = f"{model._meta.label}.{field.name}"
            # Cast() reads the stored token without the field decrypting it.
            rows = (
                model._default_manager.exclude(**{f"{field.name}__isnull": True})
                .annotate(_token=Cast(field.name, TextField()))
                .values_list("pk", "_token")
                .order_by("pk")
            )
            rewritten = 0
            with tqdm(
                total=rows.count(), desc=label, unit=" rows", disable=not self.stdout.isatty()
            ) as bar:
                last_pk = None
                while True:
                    page = rows if last_pk is None else rows.filter(pk__gt=last_pk)
                    batch = list(page[:BATCH])
                    if not batch:
                        break
                    last_pk = batch[-1][0]
                    stale = [(pk, tok) for pk, tok in batch if not crypto.is_under_primary_key(tok)]
                    if stale and not dry_run:
                        with transaction.atomic():
                            for pk, token in stale:
                                try:
                                    fresh = crypto.rotate(token)
                                except crypto.DecryptionError:
                                    raise CommandError(
                                        f"{label} row {pk}: no configured key opens it. "
                                        "Put the old key back in FIELD_ENCRYPTION_KEYS."
                                    ) from None
                                model._default_manager.filter(pk=pk).update(
                                    **{field.name: Value(fresh, output_field=TextField())}
                                )
                    rewritten += len(stale)
                    bar.update(len(batch))
            verb = "need re-encrypting" if dry_run else "re-encrypted"
            self.stdout.write(f"{label}: {rewritten} {verb}")
            total_rewritten += rewritten
        self.stdout.write(self.style.SUCCESS(f"Done: {total_rewritten} values"))
