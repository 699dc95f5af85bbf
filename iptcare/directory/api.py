from datetime import timedelta

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from iptcare.accounts.models import TokenBucket
from iptcare.directory import services
from iptcare.directory.concerns import Concerns, understand
from iptcare.directory.forms import MatchForm
from iptcare.lib.http import client_ip

router = Router(tags=["matching"])

REQUESTS_PER_MINUTE = 60


def rate_limit(request: HttpRequest) -> None:
    if not TokenBucket.authorize(
        f"api-match-{client_ip(request)}", REQUESTS_PER_MINUTE, timedelta(minutes=1)
    ):
        raise HttpError(429, "Too many requests. Please wait a minute and try again.")


class TextIn(Schema):
    text: str = Field(max_length=5000, description="The person's own words.")


class FindingOut(Schema):
    key: str
    confidence: float
    evidence: list[str]


class ConcernsOut(Schema):
    ipt_areas: list[str]
    specialties: list[str]
    risk: bool
    details: dict[str, list[FindingOut]]


def concerns_out(concerns: Concerns) -> dict:
    def findings(items):
        return [
            {"key": f.key, "confidence": f.confidence, "evidence": list(f.evidence)} for f in items
        ]

    return {
        "ipt_areas": [f.key for f in concerns.ipt_areas],
        "specialties": [f.key for f in concerns.specialties],
        "risk": concerns.risk,
        "details": {
            "ipt_areas": findings(concerns.ipt_areas),
            "specialties": findings(concerns.specialties),
        },
    }


@router.post("/concerns", response=ConcernsOut, url_name="concerns")
def classify(request: HttpRequest, body: TextIn):
    """The IPT problem areas and specialties a text suggests, best first. Screening
    information to help choose a therapist, never a diagnosis. The text is not stored."""
    rate_limit(request)
    return concerns_out(understand(body.text))


class MatchIn(Schema):
    state: str = Field(min_length=2, max_length=2, description="US state code, e.g. CA")
    zip_code: str = Field("", max_length=5)
    format: str = Field("either", description="either, in_person or telehealth")
    radius: int = Field(25, description="5, 10, 25, 50 or 100 miles")
    language: str = ""
    insurance: str = ""
    max_fee: int | None = None
    preferences: list[str] = Field(default_factory=list, max_length=16)
    text: str = Field("", max_length=5000)


class MatchOut(Schema):
    code: str
    name: str
    profile_url: str
    how: str
    score: float
    reasons: list[str]
    notes: list[str]
    distance_miles: float | None


class MatchesOut(Schema):
    concerns: ConcernsOut
    crisis_resources: list[str]
    relaxed: list[str]
    suggestions: list[str]
    therapists: list[MatchOut]


@router.post("/match", response=MatchesOut, url_name="match")
def find(request: HttpRequest, body: MatchIn):
    """Ranked IPT therapists for a person, each with reasons. Hard constraints (licensed in
    the state or within the radius, accepting clients, language, format) are never relaxed."""
    rate_limit(request)
    data = body.dict()
    data["story"] = data.pop("text")
    form = MatchForm(data)
    if not form.is_valid():
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
        raise HttpError(422, str(errors))
    concerns = understand(form.cleaned_data["story"])
    result = services.find_matches(concerns, form.wishes(), form.cleaned_data["place"])
    return {
        "concerns": concerns_out(concerns),
        "crisis_resources": (
            ["988 Suicide & Crisis Lifeline: call or text 988", "Emergency services: call 911"]
            if concerns.risk
            else []
        ),
        "relaxed": list(result.relaxed),
        "suggestions": list(result.suggestions),
        "therapists": [
            {
                "code": m.candidate.code,
                "name": m.candidate.display_name,
                "profile_url": reverse("directory:profile", args=[m.candidate.slug]),
                "how": m.how,
                "score": m.score,
                "reasons": list(m.reasons),
                "notes": list(m.notes),
                "distance_miles": m.candidate.distance_miles,
            }
            for m in result.matches
        ],
    }
