"""Understand, at screening level, what a person's own words are about.

`understand(text)` reads a free-text description ("since my mom passed I can't sleep") and
suggests the IPT problem areas and specialties it shows, with the words that led to each,
and whether the words signal acute risk. It is lexical: weighted phrases from
`concern_lexicon`, with care for negation, hedging, contractions and misspellings. It is
text matching to help a person find a therapist, never a diagnosis. docs/matching.md
explains the method, its limits and how it was measured.

Pure: takes a string, does no I/O, standard library only.
"""

import difflib
import html
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from iptcare.directory import concern_lexicon as lexicon

# Only the beginning of a long text is read: about 1,800 words, several times a long
# description, and it keeps a 50 KB paste to a few milliseconds.
MAX_CHARS = 10_000
# An IPT area needs this much accumulated weight: one clear phrase ("my mom died", "we
# fight all the time") or two weaker ones. Below it the text is left without an area.
AREA_THRESHOLD = 2.5
# A second area is listed only when it is nearly as strong as the first.
SECOND_AREA_RATIO = 0.5
# Specialties are ranked themes; a single weaker word is enough to list one, and its
# confidence says how strong it is.
SPECIALTY_THRESHOLD = 1.0
# Each further match of the same group adds half as much as the one before.
REPEAT_DECAY = 0.5
HEDGED_FACTOR = 0.3
THIRD_PERSON_FACTOR = 0.5
OTHERS_LOSS_FACTOR = 0.4
# Misspellings: only words this long are corrected, and only a few words per text.
FUZZY_MIN_LENGTH = 5
FUZZY_MAX_WORDS = 300
MAX_EVIDENCE = 5
# Matches of one group after this many add almost nothing (each adds half the last) and
# only cost time on long, repetitive text.
MAX_MATCHES_PER_GROUP = 8


@dataclass(frozen=True)
class Finding:
    key: str  # a vocabulary key: "grief", "perinatal"
    confidence: float  # 0..1, from the accumulated weight
    evidence: tuple[str, ...]  # the phrases that led to it, as the person wrote them


@dataclass(frozen=True)
class Concerns:
    ipt_areas: tuple[Finding, ...]  # best first; empty when no IPT area applies
    specialties: tuple[Finding, ...]  # best first
    risk: bool  # the words signal acute risk: suicidal thoughts, plans, self-harm
    risk_evidence: tuple[str, ...]


class _Token(NamedTuple):  # a NamedTuple: thousands are made per long text
    word: str
    start: int
    end: int
    sentence: int
    clause: int
    possessive: bool  # written with 's: "sister's"


@dataclass(frozen=True)
class _Slot:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    gap: int  # how many other words may come before this slot

    def accepts(self, word: str) -> bool:
        return word in self.words or (bool(self.prefixes) and word.startswith(self.prefixes))


@dataclass(frozen=True)
class _Pattern:
    group: int
    slots: tuple[_Slot, ...]


@dataclass(frozen=True)
class _Match:
    group: int
    first: int  # token indexes, inclusive
    last: int
    factor: float
    text: str


# An HTML tag or comment; "I <3 him" and "a < b" are left alone.
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,500}>|<!--.{0,2000}?-->", re.DOTALL)
# A word, or punctuation that ends a sentence, or punctuation that ends a clause.
_PIECE = re.compile(r"([^\W_]+(?:'[^\W_]+)*)|([.!?\n]+)|([,;:()\[\]\"“”]+)")
_CURLY_APOSTROPHES = ("’", "‘", "ʼ")
_new_token = tuple.__new__


_IRREGULAR_NOT = {"can't": ("can", "not"), "won't": ("will", "not"), "ain't": ("is", "not")}
_SUFFIXES = {"'re": "are", "'ve": "have", "'ll": "will", "'d": "would", "'m": "am"}
_IS_WORDS = frozenset({"it", "that", "he", "she", "there", "what", "who", "here", "where"})
# Contractions typed without the apostrophe, and a few common shorthands.
_SHORTHANDS: dict[str, tuple[str, ...]] = {
    "dont": ("do", "not"),
    "cant": ("can", "not"),
    "didnt": ("did", "not"),
    "doesnt": ("does", "not"),
    "isnt": ("is", "not"),
    "wasnt": ("was", "not"),
    "werent": ("were", "not"),
    "arent": ("are", "not"),
    "havent": ("have", "not"),
    "hasnt": ("has", "not"),
    "hadnt": ("had", "not"),
    "couldnt": ("could", "not"),
    "wouldnt": ("would", "not"),
    "shouldnt": ("should", "not"),
    "wont": ("will", "not"),
    "aint": ("is", "not"),
    "im": ("i", "am"),
    "ive": ("i", "have"),
    "idk": ("i", "do", "not", "know"),
    "cannot": ("can", "not"),
    "gonna": ("going", "to"),
    "wanna": ("want", "to"),
    "mil": ("mother", "in", "law"),
    "fil": ("father", "in", "law"),
    "dh": ("husband",),
    "bday": ("birthday",),
    "ppl": ("people",),
    "bc": ("because",),
    "cuz": ("because",),
    "u": ("you",),
}


def understand(text: str) -> Concerns:
    """Suggest IPT areas and specialties for one person's description, best first."""
    clean = _clean(text)
    tokens = _tokenize(clean)
    matches = _find_matches(tokens, clean)

    area_scores, spec_scores, evidence = _score(matches)
    areas = _pick_areas(area_scores, evidence)
    specialties = tuple(
        _finding(key, score, evidence[("spec", key)])
        for key, score in sorted(spec_scores.items(), key=lambda item: -item[1])
        if score >= SPECIALTY_THRESHOLD
    )
    risk_evidence = _dedup(m.text for m in matches if lexicon.GROUPS[m.group].risk)
    return Concerns(
        ipt_areas=areas,
        specialties=specialties,
        risk=bool(risk_evidence),
        risk_evidence=risk_evidence[:MAX_EVIDENCE],
    )


def _clean(text: str) -> str:
    """Cap the length, drop HTML tags and decode entities (markup is read as plain text)."""
    text = text[:MAX_CHARS]
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def _tokenize(text: str) -> list[_Token]:
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters change length when lower-cased
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for curly in _CURLY_APOSTROPHES:
        if curly in lowered:
            lowered = lowered.replace(curly, "'")
    tokens: list[_Token] = []
    append = tokens.append
    sentence = clause = 0
    for found in _PIECE.finditer(lowered):
        raw = found.group(1)
        if raw is None:
            if found.group(2) is not None:
                sentence += 1
            clause += 1
        elif "'" not in raw and raw not in _SHORTHANDS:
            start, end = found.span()
            # tuple.__new__ skips the NamedTuple's Python-level __new__: half the cost.
            append(_new_token(_Token, (raw, start, end, sentence, clause, False)))
        else:
            start, end = found.span()
            words = _expand(raw)
            possessive = len(words) == 1 and raw.endswith("'s")
            for word in words:
                append(_Token(word, start, end, sentence, clause, possessive))
    return _correct_misspellings(tokens)


def _expand(word: str) -> tuple[str, ...]:
    """Split contractions: "can't" is ("can", "not"), "i'm" is ("i", "am"), "mom's" is "mom"."""
    if "'" not in word:
        return _SHORTHANDS.get(word, (word,))
    if word in _IRREGULAR_NOT:
        return _IRREGULAR_NOT[word]
    if word.endswith("n't"):
        return (word[:-3], "not")
    for suffix, full in _SUFFIXES.items():
        if word.endswith(suffix):
            return (word[: -len(suffix)], full)
    if word.endswith("'s"):
        stem = word[:-2]
        return (stem, "is") if stem in _IS_WORDS else (stem,)
    return tuple(part for part in word.split("'") if part)


# --- Misspellings ---


@cache
def _lexicon_words() -> frozenset[str]:
    words: set[str] = set(lexicon.FUZZY_TARGETS)
    for pattern in _patterns():
        for slot in pattern.slots:
            words |= slot.words
    return frozenset(words)


@cache
def _known_words() -> frozenset[str]:
    """Words that are never corrected: the lexicon's own and real words close to them."""
    return _lexicon_words() | lexicon.NOT_MISSPELLINGS


@cache
def _class_words() -> frozenset[str]:
    return frozenset(word for words in lexicon.WORD_CLASSES.values() for word in words)


@cache
def _all_prefixes() -> tuple[str, ...]:

    return tuple({prefix for p in _patterns() for slot in p.slots for prefix in slot.prefixes})


@cache
def _targets_by_initial() -> dict[str, tuple[str, ...]]:
    targets: dict[str, list[str]] = defaultdict(list)
    for word in lexicon.FUZZY_TARGETS:
        if word.isalpha():
            targets[word[0]].append(word)
    return {initial: tuple(sorted(words)) for initial, words in targets.items()}


@lru_cache(maxsize=20_000)
def _correction(word: str) -> str:
    """The lexicon word that `word` is a likely misspelling of, or `word` itself."""
    candidates = [
        target
        for target in _targets_by_initial().get(word[0], ())
        if abs(len(target) - len(word)) <= 2
    ]
    close = difflib.get_close_matches(word, candidates, n=5, cutoff=0.75)
    ranked = sorted((_edit_distance(word, target), target) for target in close)
    if ranked and ranked[0][0] <= 1:
        return ranked[0][1]
    return word


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: a swap of two neighbouring letters counts once."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _correct_misspellings(tokens: list[_Token]) -> list[_Token]:
    known = _known_words()
    prefixes = _all_prefixes()
    corrections: dict[str, str] = {}
    for token in tokens:
        word = token.word
        if word in corrections or word in known or len(corrections) >= FUZZY_MAX_WORDS:
            continue
        # A person's plural or possessive typed without its apostrophe: "grandmas death".
        if word.endswith("s") and word[:-1] in _class_words() and len(word) > 3:
            corrections[word] = word[:-1]
            continue
        if len(word) < FUZZY_MIN_LENGTH or not word.isalpha() or word.startswith(prefixes):
            continue
        corrections[word] = _correction(word)
    if not any(word != fixed for word, fixed in corrections.items()):
        return tokens
    return [
        _Token(corrections.get(t.word, t.word), t.start, t.end, t.sentence, t.clause, t.possessive)
        for t in tokens
    ]


# --- Patterns ---


@cache
def _patterns() -> tuple[_Pattern, ...]:
    return tuple(
        _compile(index, pattern)
        for index, group in enumerate(lexicon.GROUPS)
        for pattern in group.patterns
    )


def _compile(group: int, pattern: str) -> _Pattern:
    slots: list[_Slot] = []
    gap = 0
    for part in pattern.split():
        if part.startswith("~"):
            gap = int(part[1:] or 3)
            continue
        words: set[str] = set()
        prefixes: list[str] = []
        for alternative in part.split("|"):
            if alternative.startswith("@"):
                words.update(lexicon.WORD_CLASSES[alternative[1:]])
            elif alternative.endswith("*"):
                prefixes.append(alternative[:-1])
            else:
                words.add(alternative)
        slots.append(_Slot(frozenset(words), tuple(prefixes), gap))
        gap = 0
    return _Pattern(group, tuple(slots))


@cache
def _first_slot_index() -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]:
    """Pattern numbers by the exact words, and by the prefixes, their first slot accepts."""
    by_word: dict[str, list[int]] = defaultdict(list)
    by_prefix: dict[str, list[int]] = defaultdict(list)
    for number, pattern in enumerate(_patterns()):
        first = pattern.slots[0]
        for word in first.words:
            by_word[word].append(number)
        for prefix in first.prefixes:
            by_prefix[prefix].append(number)
    return (
        {word: tuple(numbers) for word, numbers in by_word.items()},
        {prefix: tuple(numbers) for prefix, numbers in by_prefix.items()},
    )


@cache
def _prefix_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(prefix) for prefix in _first_slot_index()[1]}))


@lru_cache(maxsize=50_000)
def _starting_patterns(word: str) -> tuple[int, ...]:
    by_word, by_prefix = _first_slot_index()
    found = by_word.get(word, ())
    for length in _prefix_lengths():
        if length > len(word):
            break
        more = by_prefix.get(word[:length])
        if more:
            found += more
    return found


def _find_matches(tokens: list[_Token], text: str) -> list[_Match]:
    patterns = _patterns()
    groups = lexicon.GROUPS
    vocabulary = frozenset(token.word for token in tokens)
    sentences = _SentenceIndex(tokens)
    # Patterns by their first word, leaving out those whose other words are not in the text.
    starting: dict[str, tuple[int, ...]] = {}
    matches: list[_Match] = []
    per_group: dict[int, int] = defaultdict(int)
    full: set[int] = set()  # groups that have MAX_MATCHES_PER_GROUP matches
    taken: set[tuple[int, int]] = set()  # (group, token) already counted for the group
    for position, token in enumerate(tokens):
        numbers = starting.get(token.word)
        if numbers is None:
            numbers = starting[token.word] = tuple(
                number
                for number in _starting_patterns(token.word)
                if patterns[number].group not in full and _can_match(patterns[number], vocabulary)
            )
        for number in numbers:
            pattern = patterns[number]
            if pattern.group in full:
                continue
            last = _match_from(tokens, position, pattern)
            if last is None:
                continue
            span = range(position, last + 1)
            if any((pattern.group, index) in taken for index in span):
                continue
            group = groups[pattern.group]
            if _is_negated(tokens, position, group.negation_window):
                continue
            taken.update((pattern.group, index) for index in span)
            per_group[pattern.group] += 1
            if per_group[pattern.group] == MAX_MATCHES_PER_GROUP:
                full.add(pattern.group)
                starting.clear()  # worked out again without the full group
            factor = _factor(tokens, position, last, group, sentences)
            evidence = text[token.start : tokens[last].end]
            matches.append(_Match(pattern.group, position, last, factor, evidence))
    return matches


def _can_match(pattern: _Pattern, vocabulary: frozenset[str]) -> bool:
    """Whether every slot after the first has a word in the text (a cheap early no)."""
    return all(
        not slot.words.isdisjoint(vocabulary)
        or (slot.prefixes and any(word.startswith(slot.prefixes) for word in vocabulary))
        for slot in pattern.slots[1:]
    )


class _SentenceIndex:
    """Which sentences hold a word of a class, worked out once per text and class."""

    def __init__(self, tokens: list[_Token]) -> None:
        self._tokens = tokens
        self._by_class: dict[str, set[int]] = {}

    def near(self, word_class: str, sentence: int) -> bool:
        """Whether a word of `word_class` is in `sentence` or the one before or after."""
        found = self._by_class.get(word_class)
        if found is None:
            members = _word_class(word_class)
            found = {token.sentence for token in self._tokens if token.word in members}
            self._by_class[word_class] = found
        return not found.isdisjoint((sentence - 1, sentence, sentence + 1))


def _match_from(tokens: list[_Token], position: int, pattern: _Pattern) -> int | None:
    """The index of the last token of `pattern` matched from `position`, or None."""
    sentence = tokens[position].sentence
    last = position
    for slot in pattern.slots[1:]:
        for index in range(last + 1, min(len(tokens), last + 2 + slot.gap)):
            if tokens[index].sentence != sentence:
                return None
            if slot.accepts(tokens[index].word):
                last = index
                break
        else:
            return None
    return last


def _is_negated(tokens: list[_Token], position: int, window: int) -> bool:
    """Whether a negation cue shortly before `position` applies to what starts there.

    The cue must be within `window` words (not counting fillers such as "my" or "really")
    and in the same clause, with no word between that releases it ("can't stop crying").
    "No problems with my partner" is negated however far the partner is from the "no".
    """
    clause = tokens[position].clause
    distance = 0
    for index in range(position - 1, max(-1, position - 12), -1):
        token = tokens[index]
        if token.clause != clause or token.word in lexicon.NEGATION_BREAKS:
            return False
        if token.word in lexicon.NEGATION_CUES and not _is_pseudo_cue(tokens, index):
            if distance >= window:
                return False
            between = {t.word for t in tokens[index + 1 : position]}
            return not (between & lexicon.NEGATION_RELEASES)
        topic_is_negated = index > 0 and tokens[index - 1].word in lexicon.NEGATION_CUES
        if token.word in lexicon.NEGATED_TOPICS and topic_is_negated:
            return True

        if token.word not in lexicon.FILLER_WORDS:
            distance += 1
    return False


def _is_pseudo_cue(tokens: list[_Token], index: int) -> bool:
    """Whether the cue is part of a phrase that negates nothing ("no one", "no doubt")."""
    following = tokens[index + 1].word if index + 1 < len(tokens) else ""
    return following in {"one", "doubt", "wonder", "matter"}


def _factor(
    tokens: list[_Token], first: int, last: int, group: lexicon.Group, sentences: _SentenceIndex
) -> float:
    factor = 1.0
    sentence = tokens[first].sentence
    if group.needs and not sentences.near(group.needs, sentence):
        factor *= group.alone_factor
    if group.unless and sentences.near(group.unless, sentence):
        factor *= group.unless_factor
    if group.hedged and _is_hedged(tokens, first):
        factor *= HEDGED_FACTOR
    if group.first_person and _is_about_someone_else(tokens, first):
        factor *= THIRD_PERSON_FACTOR
    if group.own_loss and _is_someone_elses_loss(tokens, first, last):
        factor *= OTHERS_LOSS_FACTOR
    return factor


@cache
def _word_class(name: str) -> frozenset[str]:
    return frozenset(lexicon.WORD_CLASSES[name])


def _is_hedged(tokens: list[_Token], first: int) -> bool:
    sentence = tokens[first].sentence
    for index in range(first - 1, max(-1, first - 1 - lexicon.HEDGE_WINDOW), -1):
        if tokens[index].sentence != sentence:
            return False
        if tokens[index].word in lexicon.HEDGES:
            return True
    return False


_OTHERS = frozenset({"his", "her", "their"})


def _is_someone_elses_loss(tokens: list[_Token], first: int, last: int) -> bool:
    """Whether the person who died is named as someone else's ("her grandma passed").

    The label rules count that death only when the writer is bereaved too, which the
    words rarely show, so it is discounted rather than dropped.
    """
    kin = _word_class("KIN")
    sentence = tokens[first].sentence
    for index in range(last, max(-1, first - 5), -1):
        token = tokens[index]
        if token.sentence != sentence:
            return False
        if token.word in kin:
            before = tokens[index - 1] if index > 0 else None
            return before is not None and (
                before.word in _OTHERS or (before.possessive and before.word in _PEOPLE)
            )
    return False


_PEOPLE = frozenset(lexicon.WORD_CLASSES["PERSON"])
_THIRD_PERSON = frozenset(
    {"he", "she", "they", "him", "her", "them", "his", "hers", "their"}
    | set(lexicon.WORD_CLASSES["KIN"])
    | set(lexicon.WORD_CLASSES["FRIEND"])
) - {"friends", "parents"}


def _is_about_someone_else(tokens: list[_Token], first: int) -> bool:
    """Whether the nearest person named before the match, in its sentence, is not the writer."""
    sentence = tokens[first].sentence
    first_person = _word_class("FIRST_PERSON")
    for index in range(first - 1, max(-1, first - 15), -1):
        word = tokens[index].word
        if tokens[index].sentence != sentence or word in first_person:
            return False
        if word in _THIRD_PERSON:
            return True
    return False


# --- Scores ---


def _score(
    matches: list[_Match],
) -> tuple[dict[str, float], dict[str, float], dict[tuple[str, str], list[tuple[float, str]]]]:
    groups = lexicon.GROUPS
    by_group: dict[int, list[_Match]] = defaultdict(list)
    for match in matches:
        by_group[match.group].append(match)

    area_scores: dict[str, float] = defaultdict(float)
    spec_scores: dict[str, float] = defaultdict(float)
    evidence: dict[tuple[str, str], list[tuple[float, str]]] = defaultdict(list)
    for number, found in by_group.items():
        group = groups[number]
        # The discounts (no one to fight with, only considered, about someone else) are
        # about the IPT area; the theme is there all the same.
        area_strength = _strength(m.factor for m in found)
        for key, weight in group.areas.items():
            area_scores[key] += weight * area_strength
            if weight > 0:
                evidence[("area", key)].extend(
                    (weight * m.factor, m.text) for m in found if m.factor > 0
                )
        spec_strength = _strength(1.0 for _ in found)
        for key, weight in group.specialties.items():
            spec_scores[key] += weight * spec_strength
            if weight > 0:
                evidence[("spec", key)].extend((weight, m.text) for m in found)
    return area_scores, spec_scores, evidence


def _strength(factors: Iterable[float]) -> float:
    ordered = sorted(factors, reverse=True)
    return sum(factor * REPEAT_DECAY**index for index, factor in enumerate(ordered))


def _pick_areas(
    scores: dict[str, float], evidence: dict[tuple[str, str], list[tuple[float, str]]]
) -> tuple[Finding, ...]:
    ranked = sorted(
        ((key, score) for key, score in scores.items() if score >= AREA_THRESHOLD),
        key=lambda item: -item[1],
    )
    if not ranked:
        return ()
    top = ranked[0][1]
    return tuple(
        _finding(key, score, evidence[("area", key)])
        for key, score in ranked
        if score >= SECOND_AREA_RATIO * top
    )


def _finding(key: str, score: float, evidence: list[tuple[float, str]]) -> Finding:
    ordered = (text for _, text in sorted(evidence, key=lambda item: -item[0]))
    return Finding(
        key=key,
        confidence=round(1 - math.exp(-score / 4), 3),
        evidence=_dedup(ordered)[:MAX_EVIDENCE],
    )


def _dedup(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(texts))
