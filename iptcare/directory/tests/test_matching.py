"""The pure ranking: hard constraints, scores and reasons."""

from dataclasses import replace

from iptcare.directory.concerns import Concerns, Finding
from iptcare.directory.matching import (
    EITHER,
    IN_PERSON,
    TELEHEALTH,
    Candidate,
    Wishes,
    fits,
    rank,
)

BASE = Candidate(
    code="c1",
    slug="a",
    display_name="A",
    license_type="LCSW",
    city="Oakland",
    state="CA",
    offers_in_person=True,
    offers_telehealth=True,
    specialties=("perinatal", "depression"),
    ipt_areas=("role_transition",),
    languages=("en", "es"),
    insurance=("aetna",),
    training=("perinatal_ipt", "ipt_course"),
    verified_training=("perinatal_ipt",),
    fee_usd=150,
    sliding_scale=False,
    accepting_new_clients=True,
    licensed_states=("CA",),
    distance_miles=8.0,
)
NEW_PARENT = Concerns(
    ipt_areas=(Finding("role_transition", 0.9, ("just had a baby",)),),
    specialties=(Finding("perinatal", 0.9, ("baby",)),),
    risk=False,
    risk_evidence=(),
)
NOTHING = Concerns(ipt_areas=(), specialties=(), risk=False, risk_evidence=())


def test_it_never_presents_an_unlicensed_telehealth_match():
    wishes = Wishes(state="NY", format=TELEHEALTH)
    assert not fits(BASE, wishes)
    assert rank([BASE], NEW_PARENT, wishes) == []
    assert fits(replace(BASE, licensed_states=("CA", "NY")), wishes)


def test_in_person_needs_the_radius_and_an_office():
    assert fits(BASE, Wishes(state="CA", format=IN_PERSON, radius_miles=10))
    assert not fits(BASE, Wishes(state="CA", format=IN_PERSON, radius_miles=5))
    assert not fits(replace(BASE, offers_in_person=False), Wishes(state="CA", format=IN_PERSON))
    assert not fits(replace(BASE, distance_miles=None), Wishes(state="CA", format=IN_PERSON))


def test_either_format_takes_whichever_works():
    far_but_licensed = replace(BASE, distance_miles=300.0)
    assert fits(far_but_licensed, Wishes(state="CA", format=EITHER))
    assert not fits(replace(far_but_licensed, licensed_states=()), Wishes(state="CA"))


def test_language_and_accepting_are_hard():
    assert not fits(BASE, Wishes(state="CA", format=TELEHEALTH, language="vi"))
    assert fits(BASE, Wishes(state="CA", format=TELEHEALTH, language="es"))
    assert not fits(replace(BASE, accepting_new_clients=False), Wishes(state="CA"))
    assert not fits(replace(BASE, training=()), Wishes(state="CA"))


def test_fit_to_the_concerns_ranks_first_and_is_explained():
    grief_only = replace(
        BASE,
        code="c2",
        display_name="B",
        specialties=("grief",),
        ipt_areas=("grief",),
        training=("ipt_course",),
        verified_training=(),
    )
    matches = rank([grief_only, BASE], NEW_PARENT, Wishes(state="CA"))
    assert [m.candidate.code for m in matches] == ["c1", "c2"]
    reasons = matches[0].reasons
    assert "works with new and expecting parents" in reasons
    assert "trained in perinatal IPT" in reasons
    assert "licensed in California" in reasons
    assert "8 miles away in Oakland" in reasons
    assert matches[0].how == "in person or telehealth"


def test_budget_and_insurance_are_soft_and_said():
    wishes = Wishes(state="CA", format=TELEHEALTH, insurance="cigna", max_fee=100)
    (match,) = rank([BASE], NOTHING, wishes)
    assert match.over_budget
    assert "does not list Cigna" in match.notes
    assert "$150 a session, above your budget" in match.notes
    (match,) = rank([replace(BASE, sliding_scale=True)], NOTHING, wishes)
    assert "offers a sliding scale" in match.reasons


def test_ties_are_broken_by_distance_then_fee_then_name():
    near = replace(BASE, code="near", distance_miles=2.0)
    far = replace(BASE, code="far", distance_miles=20.0)
    cheap_far = replace(far, code="cheap", fee_usd=90)
    order = [
        m.candidate.code
        for m in rank([far, cheap_far, near], NOTHING, Wishes(state="CA", format=IN_PERSON))
    ]
    assert order == ["near", "cheap", "far"]
