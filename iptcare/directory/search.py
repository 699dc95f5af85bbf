"""The directory's database queries. Filters, distances and a first ranking run in SQL on
indexed columns and bit masks, so a search touches a shortlist, never every profile."""

from dataclasses import dataclass
from typing import Any

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
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.db.models.lookups import Exact, GreaterThan

from iptcare.directory.concerns import Concerns
from iptcare.directory.matching import (
    EITHER,
    IN_PERSON,
    MIN_SPECIALTY_CONFIDENCE,
    TELEHEALTH,
    Candidate,
    Wishes,
)
from iptcare.directory.models import License, TherapistProfile, Verification
from iptcare.directory.vocabulary import bit, keys
from iptcare.lib.geo import EARTH_RADIUS_MILES, STATE_CODES, Place, bounding_box

CERTIFICATION_BITS = bit("ipt_training", "isipt_certified") | bit(
    "ipt_training", "ipt_institute_certified"
)


def state_bit(state: str) -> int:
    return 1 << STATE_CODES.index(state)


def listed() -> QuerySet[TherapistProfile]:
    """Profiles the public may see: published, with IPT training on record."""
    return TherapistProfile.objects.filter(is_published=True, training_mask__gt=0)


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
    import math

    plat, plon = math.radians(place.latitude), math.radians(place.longitude)
    half_dlat = Sin((lat - Value(plat)) / 2)
    half_dlon = Sin((lon - Value(plon)) / 2)
    a = Power(half_dlat, 2) + Value(math.cos(plat)) * Cos(lat) * Power(half_dlon, 2)
    return ExpressionWrapper(
        Value(2 * EARTH_RADIUS_MILES) * ASin(Sqrt(a)), output_field=FloatField()
    )


def in_box(place: Place, radius_miles: float) -> Q:
    """Offices in the bounding box of the circle: an index range scan, no trigonometry."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(place.latitude, place.longitude, radius_miles)
    return Q(
        offers_in_person=True,
        latitude__range=(min_lat, max_lat),
        longitude__range=(min_lon, max_lon),
    )


def licensed_q(state: str) -> Q:
    """Telehealth with a verified license in the state, from `licensed_mask` (a bit per
    state, kept in step with the License rows by services.refresh_training): one integer
    test per row, so a page of results can walk an ordering index and stop early.
    (Driving from the License index instead measured slower at 100k on SQLite.)"""
    return Q(offers_telehealth=True) & Q(has_bit("licensed_mask", state_bit(state)))


def reachable(
    qs: QuerySet, format: str, state: str, place: Place | None, radius_miles: float
) -> QuerySet:
    """Profiles the person can see in the format asked for, in one query, with `distance`
    (miles to an office in reach, else None). The exact distance is computed only for
    offices in the bounding box."""
    by_visit = place is not None and format in (IN_PERSON, EITHER)
    by_video = bool(state) and format in (TELEHEALTH, EITHER)
    visit = Q()
    if place is not None and by_visit:
        box = in_box(place, radius_miles)
        qs = qs.annotate(
            distance=Case(
                When(box, then=distance_expression(place)),
                default=Value(None),
                output_field=FloatField(),
            )
        )
        visit = box & Q(distance__lte=radius_miles)
    else:
        qs = qs.annotate(distance=Value(None, output_field=FloatField()))
    if by_visit and by_video:
        return qs.filter(visit | licensed_q(state))
    if by_visit:
        return qs.filter(visit)
    if by_video:
        return qs.filter(licensed_q(state))
    return qs.none()


def first_score(concerns: Concerns, wishes: Wishes):
    """A SQL score close to matching.score, to shortlist before the exact ranking."""
    terms: list[Any] = [Value(0.0)]
    for finding in concerns.ipt_areas:
        terms.append(
            Case(
                When(
                    has_bit("area_mask", bit("ipt_areas", finding.key)),
                    then=Value(3.0 * finding.confidence),
                ),
                default=Value(0.0),
            )
        )
    wanted = {
        f.key: f.confidence
        for f in concerns.specialties
        if f.confidence >= MIN_SPECIALTY_CONFIDENCE
    }
    for key in wishes.preferences:
        wanted[key] = wanted.get(key, 0.0) + 0.75
    for key, confidence in wanted.items():
        terms.append(
            Case(
                When(
                    has_bit("specialty_mask", bit("specialties", key)), then=Value(2.0 * confidence)
                ),
                default=Value(0.0),
            )
        )
    terms.append(
        Case(
            When(has_bit("verified_training_mask", CERTIFICATION_BITS), then=Value(1.0)),
            default=Value(0.0),
        )
    )
    if wishes.insurance:
        terms.append(
            Case(
                When(has_bit("insurance_mask", bit("insurers", wishes.insurance)), then=Value(1.0)),
                default=Value(0.0),
            )
        )
    total: Any = terms[0]
    for term in terms[1:]:
        total = total + term
    return ExpressionWrapper(total, output_field=FloatField())


def _decode(mask: int, vocabulary_name: str) -> tuple[str, ...]:
    return tuple(key for i, key in enumerate(keys(vocabulary_name)) if mask >> i & 1)


SOFT_WISHES = ("preferences", "insurance", "budget")  # the order they are given up in


def soft_rank(wishes: Wishes):
    """4 x budget met + 2 x insurance met + 1 x chosen specialties met (a wish not made
    counts as met). Ordering by it puts, first, whoever meets the most of the wishes that
    find_matches gives up last, so one shortlist serves every step of relaxing."""

    def term(condition: Q, weight: int):
        return Case(When(condition, then=Value(weight)), default=Value(0))

    terms: list[Any] = [Value(0)]
    if wishes.max_fee is not None:
        terms.append(term(Q(fee_usd__lte=wishes.max_fee) | Q(sliding_scale=True), 4))
    else:
        terms.append(Value(4))
    if wishes.insurance:
        terms.append(term(Q(has_bit("insurance_mask", bit("insurers", wishes.insurance))), 2))
    else:
        terms.append(Value(2))
    if wishes.preferences:
        wanted = 0
        for key in wishes.preferences:
            wanted |= bit("specialties", key)
        terms.append(term(Q(has_all_bits("specialty_mask", wanted)), 1))
    else:
        terms.append(Value(1))
    total: Any = terms[0]
    for item in terms[1:]:
        total = total + item
    return ExpressionWrapper(total, output_field=BigIntegerField())


def candidates(
    concerns: Concerns, wishes: Wishes, place: Place | None, shortlist: int = 60
) -> list[Candidate]:
    """The shortlist for matching.rank: reachable, accepting and speaking the language,
    those meeting most soft wishes first (see soft_rank), then by a first score."""
    qs = listed().filter(accepting_new_clients=True)
    if wishes.language:
        qs = with_bit(qs, "language_mask", bit("languages", wishes.language))
    rows = (
        reachable(qs, wishes.format, wishes.state, place, wishes.radius_miles)
        .defer("photo", "approach", "other_modalities")
        .annotate(soft_rank=soft_rank(wishes), first_score=first_score(concerns, wishes))
        .order_by("-soft_rank", "-first_score", "pk")
    )
    profiles = list(rows[:shortlist])
    states: dict[int, list[str]] = {}
    for profile_id, state in License.objects.filter(
        profile_id__in=[p.pk for p in profiles], status=Verification.VERIFIED
    ).values_list("profile_id", "state"):
        states.setdefault(profile_id, []).append(state)
    return [to_candidate(p, tuple(states.get(p.pk, ()))) for p in profiles]


def to_candidate(profile: TherapistProfile, licensed_states: tuple[str, ...]) -> Candidate:
    return Candidate(
        code=str(profile.code),
        slug=profile.slug,
        display_name=profile.display_name,
        license_type=profile.license_type,
        city=profile.city,
        state=profile.state,
        offers_in_person=profile.offers_in_person,
        offers_telehealth=profile.offers_telehealth,
        specialties=tuple(profile.specialties),
        ipt_areas=tuple(profile.ipt_areas),
        languages=tuple(profile.languages),
        insurance=tuple(profile.insurance),
        training=_decode(profile.training_mask, "ipt_training"),
        verified_training=_decode(profile.verified_training_mask, "ipt_training"),
        fee_usd=profile.fee_usd,
        sliding_scale=profile.sliding_scale,
        accepting_new_clients=profile.accepting_new_clients,
        licensed_states=licensed_states,
        distance_miles=getattr(profile, "distance", None),
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


def directory(query: DirectoryQuery) -> QuerySet[TherapistProfile]:
    qs = listed()
    if query.accepting_only:
        qs = qs.filter(accepting_new_clients=True)
    if query.specialty:
        qs = with_bit(qs, "specialty_mask", bit("specialties", query.specialty))
    if query.area:
        qs = with_bit(qs, "area_mask", bit("ipt_areas", query.area))
    if query.verified_certification:
        qs = qs.filter(is_certified=True)
    if query.insurance:
        qs = with_bit(qs, "insurance_mask", bit("insurers", query.insurance))
    if query.language:
        qs = with_bit(qs, "language_mask", bit("languages", query.language))
    if query.max_fee is not None:
        qs = qs.filter(Q(fee_usd__lte=query.max_fee) | Q(sliding_scale=True))
    if query.format == IN_PERSON:
        qs = qs.filter(offers_in_person=True)
    elif query.format == TELEHEALTH:
        qs = qs.filter(offers_telehealth=True)

    if query.place is not None:
        # Near the place in person, or (unless in person only) licensed for telehealth there.
        qs = reachable(qs, query.format, query.place.state, query.place, query.radius_miles)
    elif query.state:
        qs = reachable(qs, TELEHEALTH, query.state, None, 0)
    else:
        qs = qs.annotate(distance=Value(None, output_field=FloatField()))

    if query.sort == "fee":
        # Therapists who list a fee, cheapest first (the listed_fee index).
        return qs.filter(fee_usd__isnull=False).order_by("fee_usd", "display_name", "pk")
    if query.sort == "distance" and query.place is not None and query.format != TELEHEALTH:
        # Nearest offices: only those in reach in person have a distance.
        nearby = qs.filter(in_box(query.place, query.radius_miles))
        return nearby.filter(Q(distance__isnull=False)).order_by("distance", "display_name", "pk")  # type: ignore[misc]
    if query.place is not None and query.format == IN_PERSON:
        return qs.order_by(
            "-is_certified", F("distance").asc(nulls_last=True), "display_name", "pk"
        )
    # The listed_order index serves this: a first page reads a few rows, not all of them.
    return qs.order_by("-is_certified", "display_name", "pk")
