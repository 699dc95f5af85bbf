"""Rebuilding Listing rows in bulk (`manage.py refresh_listings`). A profile's own rows are
rewritten by TherapistProfile.save; this is for repairs and bulk loads."""

from collections.abc import Iterable, Iterator

from django.db import transaction

from iptcare.directory.models import Listing, TherapistProfile, listing_rows


def rebuild(profiles: Iterable[TherapistProfile], batch: int = 2000) -> Iterator[int]:
    """Rewrite the rows of many profiles, yielding how many are done after each batch."""
    done = 0
    chunk: list[TherapistProfile] = []
    for profile in profiles:
        chunk.append(profile)
        if len(chunk) == batch:
            done += _rebuild(chunk)
            yield done
            chunk = []
    if chunk:
        done += _rebuild(chunk)
        yield done


@transaction.atomic
def _rebuild(profiles: list[TherapistProfile]) -> int:
    Listing.objects.filter(profile_id__in=[p.pk for p in profiles]).delete()
    Listing.objects.bulk_create([row for p in profiles for row in listing_rows(p)], batch_size=1000)
    return len(profiles)


def row_values(row: Listing) -> tuple:
    return tuple(getattr(row, f.attname) for f in Listing._meta.concrete_fields if f.name != "id")


def stale_profiles(
    profiles: Iterable[TherapistProfile], batch: int = 2000
) -> Iterator[tuple[int, int]]:
    """(profiles compared so far, how many of the last batch have rows that differ from
    what they should be), batch by batch."""
    done = 0
    chunk: list[TherapistProfile] = []

    def compare() -> int:
        stored: dict[int, set] = {}
        for row in Listing.objects.filter(profile_id__in=[p.pk for p in chunk]):
            stored.setdefault(row.profile_id, set()).add(row_values(row))
        return sum(
            {row_values(row) for row in listing_rows(p)} != stored.get(p.pk, set()) for p in chunk
        )

    for profile in profiles:
        chunk.append(profile)
        if len(chunk) == batch:
            done += len(chunk)
            yield done, compare()
            chunk = []
    if chunk:
        done += len(chunk)
        yield done, compare()
