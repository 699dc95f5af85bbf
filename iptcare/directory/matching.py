"""Ranking therapists for a person, with reasons in plain words. Pure: values in, values out.

The database (iptcare/directory/search.py) has already applied the hard constraints and
picked a shortlist; this module checks the hard constraints again, scores the shortlist
against what the person said (iptcare/directory/concerns.py) and what they asked for, and
explains each place in the list.
"""

from dataclasses import dataclass, field
from datetime import datetime

from iptcare.directory.concerns import Concerns
from iptcare.directory.vocabulary import INSURERS, LANGUAGES, labels
from iptcare.lib.geo import STATE_NAMES

IN_PERSON = "in_person"
TELEHEALTH = "telehealth"
EITHER = "either"

SPECIALTY_PHRASES = {
    "depression": "works with depression",
    "anxiety": "works with anxiety",
    "perinatal": "works with new and expecting parents",
    "adolescents": "works with teens",
    "couples": "works with couples and partners",
    "family": "works with family relationships",
    "lgbtq": "LGBTQ+ affirming",
    "trauma": "works with trauma",
    "substance_use": "works with alcohol, drugs and other addictions",
    "eating_disorders": "works with eating disorders",
    "grief": "works with grief and loss",
    "self_esteem": "works with self-esteem",
    "anger": "works with anger",
    "sleep": "works with sleep problems",
    "parenting": "works with parenting",
    "workplace": "works with work and career stress",
}
AREA_PHRASES = {
    "grief": "experienced with grief in IPT",
    "role_dispute": "experienced with conflict in relationships",
    "role_transition": "experienced with big life changes",
    "interpersonal_deficits": "experienced with loneliness and connecting with people",
}
TRAINING_PHRASES = {
    "isipt_certified": "IPT certified by ISIPT",
    "ipt_institute_certified": "IPT certified by the IPT Institute",
    "perinatal_ipt": "trained in perinatal IPT",
    "ipt_a": "trained in IPT for adolescents",
    "group_ipt": "trained in group IPT",
    "pmh_c": "perinatal mental health certified (PMH-C)",
    "ipt_supervised": "supervised IPT experience",
    "ipt_course": "completed IPT training",
}
CERTIFICATIONS = ("isipt_certified", "ipt_institute_certified")
# Specialties inferred more weakly than this are too shaky to rank on or to give as reasons.
MIN_SPECIALTY_CONFIDENCE = 0.25


@dataclass(frozen=True)
class Candidate:
    code: str
    slug: str
    display_name: str
    license_type: str
    city: str
    state: str
    offers_in_person: bool
    offers_telehealth: bool
    specialties: tuple[str, ...]
    ipt_areas: tuple[str, ...]
    languages: tuple[str, ...]
    insurance: tuple[str, ...]
    training: tuple[str, ...]
    verified_training: tuple[str, ...]
    fee_usd: int | None
    sliding_scale: bool
    accepting_new_clients: bool
    licensed_states: tuple[str, ...]  # verified licenses only
    distance_miles: float | None = None
    next_free_call_at: datetime | None = None  # the soonest free consultation call
    days_to_free_call: float | None = None  # from the moment of matching

    @property
    def license_label(self) -> str:
        return label("license_types", self.license_type)


@dataclass(frozen=True)
class Wishes:
    """What the person asked for. Hard: state, format, radius, language. Soft: the rest."""

    state: str
    format: str = EITHER
    radius_miles: int = 25
    language: str = ""
    insurance: str = ""
    max_fee: int | None = None
    preferences: tuple[str, ...] = ()  # specialty keys the person chose themselves


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    score: float
    reasons: tuple[str, ...]
    how: str  # "telehealth", "in person" or "in person or telehealth"
    over_budget: bool = False
    notes: tuple[str, ...] = field(default=())


def can_see_in_person(candidate: Candidate, wishes: Wishes) -> bool:
    return (
        candidate.offers_in_person
        and candidate.distance_miles is not None
        and candidate.distance_miles <= wishes.radius_miles
    )


def can_see_by_telehealth(candidate: Candidate, wishes: Wishes) -> bool:
    return candidate.offers_telehealth and wishes.state in candidate.licensed_states


def fits(candidate: Candidate, wishes: Wishes) -> bool:
    """The hard constraints. Never present a therapist who fails them."""
    if not candidate.accepting_new_clients or not candidate.training:
        return False
    if wishes.language and wishes.language not in candidate.languages:
        return False
    if wishes.format == IN_PERSON:
        return can_see_in_person(candidate, wishes)
    if wishes.format == TELEHEALTH:
        return can_see_by_telehealth(candidate, wishes)
    return can_see_in_person(candidate, wishes) or can_see_by_telehealth(candidate, wishes)


def meets(candidate: Candidate, wishes: Wishes, required: set[str]) -> bool:
    """Whether the candidate meets the soft wishes named in `required`."""
    if "preferences" in required and not set(wishes.preferences) <= set(candidate.specialties):
        return False
    if "insurance" in required and wishes.insurance not in candidate.insurance:
        return False
    if "budget" in required and wishes.max_fee is not None:
        within = candidate.fee_usd is not None and candidate.fee_usd <= wishes.max_fee
        if not (within or candidate.sliding_scale):
            return False
    return True


def score(candidate: Candidate, concerns: Concerns, wishes: Wishes) -> Match:
    points = 0.0
    reasons: list[str] = []
    notes: list[str] = []
    areas = set(candidate.ipt_areas)
    specialties = set(candidate.specialties)
    training = set(candidate.training)
    verified = set(candidate.verified_training)

    for finding in concerns.ipt_areas:
        if finding.key in areas:
            points += 3.0 * finding.confidence
            reasons.append(AREA_PHRASES[finding.key])
    for finding in concerns.specialties:
        if finding.key in specialties and finding.confidence >= MIN_SPECIALTY_CONFIDENCE:
            points += 2.0 * finding.confidence
            reasons.append(SPECIALTY_PHRASES[finding.key])
    for key in wishes.preferences:
        if key in specialties:
            points += 1.5
            phrase = SPECIALTY_PHRASES[key]
            if phrase not in reasons:
                reasons.append(phrase)

    wanted = {f.key for f in concerns.specialties} | set(wishes.preferences)
    if "perinatal" in wanted and training & {"perinatal_ipt", "pmh_c"}:
        points += 1.5
        reasons.extend(TRAINING_PHRASES[k] for k in ("perinatal_ipt", "pmh_c") if k in training)
    if "adolescents" in wanted and "ipt_a" in training:
        points += 1.5
        reasons.append(TRAINING_PHRASES["ipt_a"])
    certified = [k for k in CERTIFICATIONS if k in verified]
    if certified:
        points += 1.0
        reasons.append(TRAINING_PHRASES[certified[0]] + " (verified)")
    elif verified:
        points += 0.5
    if not any(r in TRAINING_PHRASES.values() or "IPT" in r for r in reasons):
        # Every listed therapist has IPT training; say which.
        best = next((k for k in TRAINING_PHRASES if k in training), None)
        if best:
            reasons.append(TRAINING_PHRASES[best])

    in_person = can_see_in_person(candidate, wishes)
    telehealth = can_see_by_telehealth(candidate, wishes)
    if wishes.format in (TELEHEALTH, EITHER) and telehealth:
        reasons.append(f"licensed in {STATE_NAMES.get(wishes.state, wishes.state)}")
    if in_person and candidate.distance_miles is not None:
        points += 0.3 - min(candidate.distance_miles, 100) * 0.01
        miles = round(candidate.distance_miles)
        reasons.append(f"{miles} mile{'s' if miles != 1 else ''} away in {candidate.city}")
    how = (
        "in person or telehealth"
        if in_person and telehealth
        else ("in person" if in_person else "telehealth")
    )
    if how != "in person":
        reasons.append("telehealth")
    if candidate.days_to_free_call is not None:
        # A free call soon counts a little, like a nearer office: up to 0.3 within days.
        points += max(0.0, 0.3 - 0.02 * candidate.days_to_free_call)

    if wishes.language and wishes.language != "en":
        reasons.append(f"speaks {LANGUAGES.get(wishes.language, wishes.language)}")
    if wishes.insurance:
        if wishes.insurance in candidate.insurance:
            points += 1.0
            reasons.append(f"takes {INSURERS.get(wishes.insurance, wishes.insurance)}")
        else:
            notes.append(f"does not list {INSURERS.get(wishes.insurance, wishes.insurance)}")
    over_budget = False
    if wishes.max_fee is not None and candidate.fee_usd is not None:
        if candidate.fee_usd <= wishes.max_fee:
            points += 0.5
            reasons.append(f"${candidate.fee_usd} a session, within your budget")
        elif candidate.sliding_scale:
            points += 0.2
            reasons.append("offers a sliding scale")
        else:
            over_budget = True
            points -= 1.0
            notes.append(f"${candidate.fee_usd} a session, above your budget")
    return Match(
        candidate, round(points, 4), tuple(dict.fromkeys(reasons)), how, over_budget, tuple(notes)
    )


def rank(
    candidates: list[Candidate], concerns: Concerns, wishes: Wishes, limit: int = 10
) -> list[Match]:
    """The best `limit` candidates that pass the hard constraints, best first. Ties go to the
    nearer, then the sooner free call, then the cheaper, then alphabetical, so the order is
    stable."""
    scored = [score(c, concerns, wishes) for c in candidates if fits(c, wishes)]
    scored.sort(
        key=lambda m: (
            -m.score,
            m.candidate.distance_miles if m.candidate.distance_miles is not None else 1e9,
            m.candidate.days_to_free_call if m.candidate.days_to_free_call is not None else 1e9,
            m.candidate.fee_usd if m.candidate.fee_usd is not None else 1e9,
            m.candidate.display_name,
        )
    )
    return scored[:limit]


def label(vocabulary_name: str, key: str) -> str:
    return labels(vocabulary_name).get(key, key)
