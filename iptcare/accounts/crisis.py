"""The crisis resource table (protocol 13.5): which services a client can reach in a crisis,
per practice and country. Seeded for every practice with the US and UK/Ireland entries; the
practice admin adds, edits and re-verifies the rest (iptcare/accounts/views.py)."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models

# ISO 3166-1 alpha-2 codes, as assigned (from the IANA time zone database's iso3166.tab).
_ISO_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN
    BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL
    GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM
    JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
    MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP
    NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD
    SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """
ISO_COUNTRIES = frozenset(_ISO_CODES.split())

# How long a verification lasts before the entry is due for review (protocol 13.5).
REVIEW_AFTER = timedelta(days=365)

# The seed (protocol 13.5); the data migration 0004 holds a copy, as migrations must.
SEED: list[dict] = [
    {
        "country": "US",
        "service_name": "988 Suicide & Crisis Lifeline",
        "phone": "988",
        "text_number": "988",
        "chat_url": "https://988lifeline.org/chat",
        "languages": "English, Spanish",
        "hours": "24 hours a day, 7 days a week",
        "audience": "all",
        "notes": "Veterans can press 1.",
        "emergency_number": "911",
    },
    {
        "country": "GB",
        "service_name": "Samaritans",
        "phone": "116 123",
        "languages": "English",
        "hours": "24 hours a day, free",
        "audience": "all",
        "emergency_number": "999",
    },
    {
        "country": "IE",
        "service_name": "Samaritans",
        "phone": "116 123",
        "languages": "English",
        "hours": "24 hours a day, free",
        "audience": "all",
        "emergency_number": "112",
    },
]


def validate_country(value: str) -> None:
    if value == "UK":
        raise ValidationError("Use GB for the United Kingdom (ISO 3166-1 alpha-2).")
    if value not in ISO_COUNTRIES:
        raise ValidationError(
            "%(value)s is not an ISO 3166-1 two-letter country code (for example US, GB, IE).",
            params={"value": value or "(blank)"},
        )


def seed_practice(practice) -> None:
    """Give a new practice the seed entries (verified_at is left empty: the practice checks)."""
    from iptcare.accounts.models import CrisisResource

    CrisisResource.objects.bulk_create(
        [CrisisResource(practice=practice, **entry) for entry in SEED]
    )


def review_due(queryset: models.QuerySet, today: date) -> models.QuerySet:
    """Entries never verified, or last verified more than 12 months ago."""
    return queryset.filter(
        models.Q(verified_at__isnull=True) | models.Q(verified_at__lt=today - REVIEW_AFTER)
    )


def client_country(client) -> str:
    """The country whose resources a client sees. A client record holds a US state at most,
    so it is the US; a record with its own `country` (not yet modelled) would win."""
    return (getattr(client, "country", "") or "US").upper()


def resources_for(practice, country: str) -> list:
    from iptcare.accounts.models import CrisisResource

    return list(
        CrisisResource.objects.filter(practice=practice, country=country).order_by(
            "region", "service_name"
        )
    )


def client_panel(request, client) -> dict:
    """What a client's crisis panel shows: the practice's entries for the client's country,
    or (none) the practice's contact details and the advice to call the local emergency
    number. A gap is written to the audit log for the practice admin to see."""
    from iptcare.accounts import audit

    practice = client.practice
    country = client_country(client)
    entries = resources_for(practice, country)
    if not entries:
        audit.record(request, audit.Verb.VIEW, "accounts.crisis_resources.gap", practice=practice)
    return {
        "country": country,
        "entries": entries,
        "emergency_number": entries[0].emergency_number if entries else "",
        "practice": practice,
    }


def gap_countries(practice) -> list[str]:
    """Countries where the practice has clients but no crisis entry. Client records hold no
    country but a US state, so every client counts as in the US (client_country)."""
    from iptcare.accounts.models import CrisisResource

    if not practice.clients.exists():
        return []
    have = set(CrisisResource.objects.filter(practice=practice).values_list("country", flat=True))
    return [country for country in ["US"] if country not in have]
