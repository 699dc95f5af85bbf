"""The questionnaires, read from data/measures.json, a copy of shared/spec/measures.json
(test_instruments.py keeps the two equal). Adding an instrument is adding data: nothing
here names PHQ-9, GAD-7 or EPDS.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "measures.json"


@dataclass(frozen=True)
class Option:
    code: str
    text: str
    score: int | None  # None on unscored extra items


@dataclass(frozen=True)
class Item:
    link_id: str
    number: int
    text: str
    options: tuple[Option, ...]
    scored: bool
    required: bool
    loinc: str | None  # only codes the spec marks verified

    def option(self, code: str) -> Option | None:
        return next((option for option in self.options if option.code == code), None)


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    code: str
    label: str


@dataclass(frozen=True)
class CriticalItem:
    link_id: str
    trigger: int  # the item score from which it triggers
    urgent_scores: tuple[int, ...]


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    version: str
    instructions: str
    items: tuple[Item, ...]  # scored items, then extra items, in display order
    minimum: int
    maximum: int
    bands: tuple[Band, ...]
    caseness: int
    reliable_change: int
    response_fraction: float | None  # response: current <= fraction * baseline
    remission_below: int | None  # remission: current < this
    critical_items: tuple[CriticalItem, ...]
    panel_loinc: str | None
    total_loinc: str | None
    copyright: str

    @property
    def short_name(self) -> str:
        """'PHQ-9' from 'Patient Health Questionnaire-9 (PHQ-9)'."""
        if self.title.endswith(")") and "(" in self.title:
            return self.title.rsplit("(", 1)[1][:-1]
        return self.id

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)

    def item(self, link_id: str) -> Item | None:
        return next((item for item in self.items if item.link_id == link_id), None)


def _loinc(entry: dict | None) -> str | None:
    if not entry or not entry.get("verified"):
        return None
    return entry.get("code")


def _number(rule: dict | None, pattern: str) -> float | None:
    """The number in a spec rule such as "current < 5"; None where the spec has no rule."""
    if rule is None:
        return None
    found = re.match(pattern, rule["rule"])
    if found is None:
        raise ValueError(f"unreadable rule {rule['rule']!r}")
    return float(found.group(1))


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _options(raw: list[dict]) -> tuple[Option, ...]:
    return tuple(Option(o["code"], o["text"], o.get("score")) for o in raw)


def _instrument(raw: dict, version: str) -> Instrument:
    sets = raw.get("answer_sets", {})
    items = []
    for entry in raw["items"]:
        options = sets[entry["answer_set"]] if "answer_set" in entry else entry["answer_options"]
        items.append(
            Item(
                entry["linkId"],
                entry["number"],
                entry["text"],
                _options(options),
                scored=entry["scored"],
                required=True,
                loinc=_loinc(entry.get("loinc")),
            )
        )
    for entry in raw.get("extra_items", []):
        if entry.get("text_verified") is False:
            continue  # the spec says to verify this wording before it is shown
        items.append(
            Item(
                entry["linkId"],
                entry["number"],
                entry["text"],
                _options(entry["answer_options"]),
                scored=entry["scored"],
                required=entry.get("required", False),
                loinc=_loinc(entry.get("loinc")),
            )
        )
    scoring = raw["scoring"]
    loinc = raw.get("loinc", {})
    critical = []
    for entry in raw.get("critical_items", []):
        assert entry["trigger"]["operator"] == ">="
        urgent: list[int] = next((t["scores"] for t in entry["tiers"] if t["tier"] == "urgent"), [])
        critical.append(CriticalItem(entry["linkId"], entry["trigger"]["score"], tuple(urgent)))
    return Instrument(
        id=raw["id"],
        title=raw["title"],
        version=version,
        instructions=raw["instructions"],
        items=tuple(items),
        minimum=scoring["range"]["min"],
        maximum=scoring["range"]["max"],
        bands=tuple(Band(b["min"], b["max"], b["code"], b["label"]) for b in raw["severity_bands"]),
        caseness=raw["caseness"]["threshold"],
        reliable_change=raw["reliable_change"]["threshold"],
        response_fraction=_number(raw.get("response"), r"current <= ([0-9.]+) \* baseline"),
        remission_below=_int(_number(raw.get("remission"), r"current < ([0-9]+)")),
        critical_items=tuple(critical),
        panel_loinc=_loinc(loinc.get("panel")),
        total_loinc=loinc.get("total_score", {}).get("code"),
        copyright=raw.get("copyright", {}).get("notice", ""),
    )


@cache
def spec() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@cache
def all_instruments() -> dict[str, Instrument]:
    data = spec()
    return {raw["id"]: _instrument(raw, data["schema_version"]) for raw in data["instruments"]}


def get(instrument_id: str) -> Instrument:
    return all_instruments()[instrument_id]


def choices() -> list[tuple[str, str]]:
    return [(i.id, i.title) for i in all_instruments().values()]
