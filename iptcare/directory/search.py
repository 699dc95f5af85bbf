"""The directory's database queries, on the Listing table (models.Listing): filters,
distances and a first ranking run in SQL on indexed columns and bit masks, over one
state's rows (or the national rows, or the offices in a box), so a search touches a
shortlist, never every profile."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.db.models.lookups import Exact, GreaterThan
from django.utils import timezone

from iptcare.directory.concerns import Concerns
from iptcare.directory.matching import (
    EITHER,
    IN_PERSON,
    MIN_SPECIALTY_CONFIDENCE,
    TELEHEALTH,
    Candidate,
    Wishes,
)
from iptcare.directory.models import Listing, TherapistProfile
from iptcare.directory.vocabulary import bit, keys
from iptcare.lib.geo import EARTH_RADIUS_MILES, STATE_CODES, Place, bounding_box, mask_states


def state_bit(state: str) -> int:
    return 1 << STATE_CODES.index(state)


def has_bit(field: str, value: int):
    return GreaterThan(ExpressionWrapper(F(field).bitand(value), BigIntegerField()), 0)


def has_all_bits(field: str, value: int):
    return Exact(ExpressionWrapper(F(field).bitand(value), BigIntegerField()), value)


def with_bit(qs: QuerySet, field: str, value: int) -> QuerySet:
    return qs.filter(has_bit(field, value))


def distance_expression(place: Place):
    """Great-circle distance in miles from `place` (haversine, in SQL)."""
    lat = Radians(F("latitude"))
    lon = Radians(F("longitude"))
    plat, plon = math.radians(place.latitude), math.radians(place.longitude)
    half_dlat = Sin((lat - Value(plat)) / 2)
    half_dlon = Sin((lon - Value(plon)) / 2)
    a = Power(half_dlat, 2) + Value(math.cos(plat)) * Cos(lat) * Power(half_dlon, 2)
    return ExpressionWrapper(
        Value(2 * EARTH_RADIUS_MILES) * ASin(Sqrt(a)), output_field=FloatField()
    )


def in_box(place: Place, radius_miles: float) -> Q:
    """An office in the bounding box of the circle: an index range scan, no trigonometry."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(place.latitude, place.longitude, radius_miles)
    return Q(
        offers_in_person=True,
        latitude__range=(min_lat, max_lat),
        longitude__range=(min_lon, max_lon),
    )


def ways_to_reach(
    rows: QuerySet[Listing], format: str, state: str, place: Place | None, radius_miles: float
) -> tuple[QuerySet[Listing], list[Q]]:
    """`rows` annotated with `distance`, and the conditions, one per way of reaching a
    therapist, that pick disjoint sets of rows, one row per therapist. The office's exact
    distance is computed only for offices in the bounding box."""
    by_visit = place is not None and format in (IN_PERSON, EITHER)
    by_video = bool(state) and format in (TELEHEALTH, EITHER)
    if place is None or not by_visit:
        rows = rows.annotate(distance=Value(None, output_field=FloatField()))
        return rows, [Q(state=state, telehealth_here=True)] if by_video else []
    box = in_box(place, radius_miles)
    rows = rows.annotate(
        distance=Case(
            When(box, then=distance_expression(place)),
            default=Value(None),
            output_field=FloatField(),
        )
    )
    near = Q(office_here=True) & box & Q(distance__lte=radius_miles)
    if not by_video:
        return rows, [near]
    return rows, [
        # The row of `state` if the therapist is licensed there or has an office there
        # in reach ...
        Q(state=state) & (Q(telehealth_here=True) | near),
        # ... else the row of the office's state, if that office is in reach.
        near & ~Q(state=state) & ~Q(has_bit("telehealth_mask", state_bit(state))),
    ]


def _column(name: str) -> str:
    return f"{connection.ops.quote_name(Listing._meta.db_table)}.{connection.ops.quote_name(name)}"


class Score:
    """A sum of weighted SQL conditions on Listing columns, as one raw SQL expression with
    parameters: built from vocabulary bits and numbers only, never from text a person
    typed. (The same as Case/When expressions, which cost more to compile than the query
    takes to run, on every match.)"""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list[Any] = []

    def when_bits(self, column: str, bits: int, weight: float, *, all_of: bool = False):
        test = "= %s" if all_of else "<> 0"
        self.parts.append(f"CASE WHEN ({_column(column)} & %s) {test} THEN %s ELSE 0 END")
        self.params += [bits, bits, weight] if all_of else [bits, weight]

    def when(self, sql: str, params: list[Any], weight: float):
        self.parts.append(f"CASE WHEN {sql} THEN %s ELSE 0 END")
        self.params += [*params, weight]

    def constant(self, weight: float):
        self.parts.append("%s")
        self.params.append(weight)

    def expression(self, output_field):
        sql = " + ".join(self.parts) if self.parts else "0"
        # Column names and placeholders from this module only; every value is a parameter.
        return RawSQL(f"({sql})", tuple(self.params), output_field=output_field)  # noqa: S611


def first_score(concerns: Concerns, wishes: Wishes):
    """A SQL score close to matching.score, to shortlist before the exact ranking."""
    score = Score()
    for finding in concerns.ipt_areas:
        score.when_bits("area_mask", bit("ipt_areas", finding.key), 3.0 * finding.confidence)
    wanted = {
        f.key: f.confidence
        for f in concerns.specialties
        if f.confidence >= MIN_SPECIALTY_CONFIDENCE
    }
    for key in wishes.preferences:
        wanted[key] = wanted.get(key, 0.0) + 0.75
    for key, confidence in wanted.items():
        score.when_bits("specialty_mask", bit("specialties", key), 2.0 * confidence)
    score.when(_column("is_certified"), [], 1.0)
    if wishes.insurance:
        score.when_bits("insurance_mask", bit("insurers", wishes.insurance), 1.0)
    return score.expression(FloatField())


def _decode(mask: int, vocabulary_name: str) -> tuple[str, ...]:
    return tuple(key for i, key in enumerate(keys(vocabulary_name)) if mask >> i & 1)


SOFT_WISHES = ("preferences", "insurance", "budget")  # the order they are given up in


def soft_rank(wishes: Wishes):
    """4 x budget met + 2 x insurance met + 1 x chosen specialties met (a wish not made
    counts as met). Ordering by it puts, first, whoever meets the most of the wishes that
    find_matches gives up last, so one shortlist serves every step of relaxing."""
    score = Score()
    if wishes.max_fee is not None:
        fee, sliding = _column("fee_usd"), _column("sliding_scale")
        score.when(f"({fee} <= %s OR {sliding})", [wishes.max_fee], 4)
    else:
        score.constant(4)
    if wishes.insurance:
        score.when_bits("insurance_mask", bit("insurers", wishes.insurance), 2)
    else:
        score.constant(2)
    if wishes.preferences:
        wanted = 0
        for key in wishes.preferences:
            wanted |= bit("specialties", key)
        score.when_bits("specialty_mask", wanted, 1, all_of=True)
    else:
        score.constant(1)
    return score.expression(BigIntegerField())


def candidates(
    concerns: Concerns, wishes: Wishes, place: Place | None, shortlist: int = 60
) -> list[Candidate]:
    """The shortlist for matching.rank: reachable, accepting and speaking the language,
    those meeting most soft wishes first (see soft_rank), then by a first score."""
    rows = Listing.objects.filter(accepting_new_clients=True)
    if wishes.language:
        rows = with_bit(rows, "language_mask", bit("languages", wishes.language))
    rows, ways = ways_to_reach(rows, wishes.format, wishes.state, place, wishes.radius_miles)
    rows = rows.annotate(soft_rank=soft_rank(wishes), first_score=first_score(concerns, wishes))
    # The best of each way (disjoint, each read from its own index), then the best of those.
    best: list[tuple[int, float, int, float | None]] = []
    for way in ways:
        best.extend(
            rows.filter(way)
            .order_by("-soft_rank", "-first_score", "profile_id")
            .values_list("soft_rank", "first_score", "profile_id", "distance")[:shortlist]
        )
    best.sort(key=lambda row: (-row[0], -row[1], row[2]))
    distances = {pid: distance for _, _, pid, distance in best[:shortlist]}
    # Plain values, not model instances: a shortlist is read on every match.
    loaded = {
        row["id"]: row
        for row in TherapistProfile.objects.filter(pk__in=list(distances)).values(
            "id", *CANDIDATE_FIELDS
        )
    }
    return [to_candidate(loaded[pid], distances[pid]) for pid in distances]


WIDE_FIELDS = ("photo", "approach", "other_modalities", "address_line")


CANDIDATE_FIELDS = (
    "code",
    "slug",
    "display_name",
    "license_type",
    "city",
    "state",
    "offers_in_person",
    "offers_telehealth",
    "specialties",
    "ipt_areas",
    "languages",
    "insurance",
    "fee_usd",
    "sliding_scale",
    "accepting_new_clients",
    "training_mask",
    "verified_training_mask",
    "licensed_mask",
    "next_free_call_at",
)


def to_candidate(row: dict[str, Any], distance: float | None) -> Candidate:
    """A Candidate from a profile's CANDIDATE_FIELDS values."""
    fields = {
        name: row[name]
        for name in CANDIDATE_FIELDS
        if name not in ("code", "training_mask", "verified_training_mask", "licensed_mask")
    }
    free_at = row["next_free_call_at"]
    # Taking new clients: said so, and with a free consultation call to book.
    fields["accepting_new_clients"] = row["accepting_new_clients"] and free_at is not None
    if free_at is not None:
        fields["days_to_free_call"] = max(0.0, (free_at - timezone.now()).total_seconds() / 86400)
    for name in ("specialties", "ipt_areas", "languages", "insurance"):
        fields[name] = tuple(fields[name])
    return Candidate(
        code=str(row["code"]),
        training=_decode(row["training_mask"], "ipt_training"),
        verified_training=_decode(row["verified_training_mask"], "ipt_training"),
        licensed_states=tuple(mask_states(row["licensed_mask"])),  # verified ones only
        distance_miles=distance,
        **fields,
    )


@dataclass(frozen=True)
class DirectoryQuery:
    """A directory search, already validated by DirectorySearchForm."""

    place: Place | None = None
    radius_miles: int = 25
    state: str = ""
    format: str = EITHER
    specialty: str = ""
    area: str = ""
    verified_certification: bool = False
    insurance: str = ""
    language: str = ""
    max_fee: int | None = None
    accepting_only: bool = True
    sort: str = "relevance"


def directory(query: DirectoryQuery) -> "Found":
    """A directory search, whose `page` gives the profiles in order. Every path reads one
    state's stretch of an index (or the national one, or the offices in a box), never
    every profile, and a page stops reading at its end."""
    rows = Listing.objects.all()
    if query.accepting_only:
        rows = rows.filter(accepting_new_clients=True)
    if query.specialty:
        rows = with_bit(rows, "specialty_mask", bit("specialties", query.specialty))
    if query.area:
        rows = with_bit(rows, "area_mask", bit("ipt_areas", query.area))
    if query.verified_certification:
        rows = rows.filter(is_certified=True)
    if query.insurance:
        rows = with_bit(rows, "insurance_mask", bit("insurers", query.insurance))
    if query.language:
        rows = with_bit(rows, "language_mask", bit("languages", query.language))
    if query.max_fee is not None:
        rows = rows.filter(Q(fee_usd__lte=query.max_fee) | Q(sliding_scale=True))

    nearest = query.sort == "distance" and query.place is not None and query.format != TELEHEALTH
    ways: list[Q] = []
    if query.place is not None:
        # Near the place in person, or (unless in person only) licensed for telehealth there.
        # Nearest first lists offices in reach, which have a distance, and only those.
        fmt = IN_PERSON if nearest else query.format
        rows, ways = ways_to_reach(rows, fmt, query.place.state, query.place, query.radius_miles)
    else:
        rows = rows.annotate(distance=Value(None, output_field=FloatField()))
        if query.state:
            # In the state: licensed there for telehealth, or with an office there.
            ways = [Q(state=query.state)]
            if query.format == IN_PERSON:
                ways = [Q(state=query.state, office_here=True)]
            elif query.format == TELEHEALTH:
                ways = [Q(state=query.state, telehealth_here=True)]
        else:
            ways = [Q(state="")]
            if query.format == IN_PERSON:
                ways = [Q(state="", offers_in_person=True)]
            elif query.format == TELEHEALTH:
                ways = [Q(state="", offers_telehealth=True)]

    order: tuple[str, ...]
    if query.sort == "fee":
        # Therapists who list a fee, cheapest first (the listing_fee index).
        rows, order = rows.filter(fee_usd__isnull=False), ("fee_usd", "display_name", "profile_id")
    elif nearest:
        order = ("distance", "display_name", "profile_id")
    elif query.place is not None and query.format == IN_PERSON:
        order = ("-is_certified", "distance", "display_name", "profile_id")
    else:
        # The listing_order index serves this: a first page reads a few rows, not all.
        order = ("-is_certified", "display_name", "profile_id")
    return Found([rows.filter(way).order_by(*order) for way in ways], order)


@dataclass(frozen=True)
class Found:
    """A directory search: one ordered query per way of reaching the therapists (disjoint,
    see ways_to_reach). With one, a page is a slice of it; with two, each gives its first
    rows up to the page's end, and a last query orders the few picked."""

    parts: list[QuerySet[Listing]]
    order: tuple[str, ...]

    def page(self, start: int, stop: int) -> list[TherapistProfile]:
        """The profiles from `start` to `stop` (exclusive) in order, with `distance`."""
        if not self.parts:
            return []
        if len(self.parts) == 1:
            rows = self.parts[0].values_list("profile_id", "distance")  # type: ignore[misc]
            return profiles(rows[start:stop])
        picked: dict[int, float | None] = {}
        for part in self.parts:
            picked.update(part.values_list("pk", "distance")[:stop])  # type: ignore[misc]
        # (Two ways only with "either" and an order without distance: see directory.)
        ids = Listing.objects.filter(pk__in=list(picked)).order_by(*self.order)
        return profiles(
            (profile_id, picked[pk])
            for pk, profile_id in ids.values_list("pk", "profile_id")[start:stop]
        )


def profiles(rows: Iterable[tuple[int, float | None]]) -> list[TherapistProfile]:
    """The profiles of (profile id, distance) pairs, in their order, each with its
    `distance` (miles, or None). Loaded in a second query, by primary key: joining the
    profiles into the search would join every row the search sorts, not only the page."""
    distances = dict(rows)
    loaded = TherapistProfile.objects.defer(*WIDE_FIELDS).in_bulk(list(distances))
    found = []
    for profile_id, distance in distances.items():
        profile = loaded[profile_id]
        profile.distance = distance  # type: ignore[attr-defined]
        found.append(profile)
    return found
