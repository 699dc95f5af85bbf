"""The fixed vocabularies (a copy of shared/spec/vocabulary.json, kept in sync by a test)."""

import json
from functools import cache
from pathlib import Path

VOCABULARY_PATH = Path(__file__).with_name("vocabulary.json")


@cache
def vocabulary() -> dict:
    return json.loads(VOCABULARY_PATH.read_text(encoding="utf-8"))


def choices(name: str) -> list[tuple[str, str]]:
    return list(vocabulary()[name].items())
