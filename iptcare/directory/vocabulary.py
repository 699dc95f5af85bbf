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


# Lists of our own (not in the spec): each key has a fixed bit in the profiles' masks, so
# append new keys at the end and never reorder.
LANGUAGES = {
    "en": "English",
    "es": "Spanish",
    "zh": "Chinese",
    "tl": "Tagalog",
    "vi": "Vietnamese",
    "ar": "Arabic",
    "fr": "French",
    "ko": "Korean",
    "ru": "Russian",
    "de": "German",
    "ht": "Haitian Creole",
    "pt": "Portuguese",
    "hi": "Hindi",
    "it": "Italian",
    "pl": "Polish",
    "ja": "Japanese",
    "fa": "Persian",
    "ur": "Urdu",
    "bn": "Bengali",
    "gu": "Gujarati",
    "pa": "Punjabi",
    "he": "Hebrew",
    "el": "Greek",
    "uk": "Ukrainian",
    "so": "Somali",
    "am": "Amharic",
    "ne": "Nepali",
    "yi": "Yiddish",
    "ase": "American Sign Language",
}
INSURERS = {
    "aetna": "Aetna",
    "anthem": "Anthem",
    "bcbs": "Blue Cross Blue Shield",
    "cigna": "Cigna",
    "humana": "Humana",
    "kaiser": "Kaiser Permanente",
    "magellan": "Magellan",
    "medicaid": "Medicaid",
    "medicare": "Medicare",
    "optum": "Optum",
    "tricare": "TRICARE",
    "united": "UnitedHealthcare",
    "carelon": "Carelon",
    "oscar": "Oscar",
    "ambetter": "Ambetter",
    "molina": "Molina",
}


def keys(name: str) -> list[str]:
    """The keys of a spec vocabulary or one of ours, in their fixed order."""
    if name == "languages":
        return list(LANGUAGES)
    if name == "insurers":
        return list(INSURERS)
    return list(vocabulary()[name])


def labels(name: str) -> dict[str, str]:
    if name == "languages":
        return LANGUAGES
    if name == "insurers":
        return INSURERS
    return vocabulary()[name]


def to_mask(name: str, values) -> int:
    """A bit per key of the vocabulary, so the database can filter and rank with `&`."""
    order = keys(name)
    mask = 0
    for value in values or []:
        if value in order:
            mask |= 1 << order.index(value)
    return mask


def bit(name: str, key: str) -> int:
    return 1 << keys(name).index(key)
