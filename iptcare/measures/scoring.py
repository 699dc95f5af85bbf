"""Scoring, exactly as shared/spec/measures.json defines it. Pure: values in, values out.

Answers are a mapping of linkId to the chosen option's code. A score comes from the
option's own `score` (EPDS items 3 and 5-10 list their options from 3 down to 0), never
from its position.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from iptcare.measures.instruments import Band, Instrument


class InvalidAnswers(ValueError):
    """Answers that can't be stored at all: unknown items or options, or repeats."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def clean_answers(instrument: Instrument, raw: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Each item's answer from form-like input (linkId -> list of values sent).

    Raises InvalidAnswers for an item answered twice, an unknown item or an option the
    item doesn't have. Unanswered items are simply absent (a draft may have gaps).
    """
    errors: list[str] = []
    answers: dict[str, str] = {}
    for link_id, values in raw.items():
        item = instrument.item(link_id)
        if item is None:
            errors.append(f"There is no question {link_id!r} on the {instrument.short_name}.")
            continue
        values = [value for value in values if value != ""]
        if len(values) > 1:
            errors.append(f"Question {item.number} was answered more than once.")
        elif values and item.option(values[0]) is None:
            errors.append(f"Question {item.number} has no such answer.")
        elif values:
            answers[link_id] = values[0]
    if errors:
        raise InvalidAnswers(errors)
    return answers


def missing_items(instrument: Instrument, answers: Mapping[str, str]) -> list[int]:
    """Numbers of the required items without an answer."""
    return [i.number for i in instrument.items if i.required and i.link_id not in answers]


def item_score(instrument: Instrument, answers: Mapping[str, str], link_id: str) -> int | None:
    item = instrument.item(link_id)
    if item is None or link_id not in answers:
        return None
    option = item.option(answers[link_id])
    return None if option is None else option.score


def total(instrument: Instrument, answers: Mapping[str, str]) -> int | None:
    """The sum of the scored items; None unless every one is answered (no prorating)."""
    scores = [item_score(instrument, answers, i.link_id) for i in instrument.scored_items]
    if any(score is None for score in scores):
        return None
    return sum(score for score in scores if score is not None)


def band(instrument: Instrument, score: int) -> Band:
    for entry in instrument.bands:
        if entry.low <= score <= entry.high:
            return entry
    raise ValueError(f"{score} is outside the {instrument.short_name} range")


def is_case(instrument: Instrument, score: int) -> bool:
    return score >= instrument.caseness


@dataclass(frozen=True)
class CriticalAnswer:
    link_id: str
    number: int
    score: int
    is_urgent: bool


def critical_answers(instrument: Instrument, answers: Mapping[str, str]) -> list[CriticalAnswer]:
    """Critical items answered at or above their trigger, whatever the total (or none)."""
    found = []
    for critical in instrument.critical_items:
        score = item_score(instrument, answers, critical.link_id)
        item = instrument.item(critical.link_id)
        if score is not None and item is not None and score >= critical.trigger:
            found.append(
                CriticalAnswer(
                    critical.link_id, item.number, score, score in critical.urgent_scores
                )
            )
    return found


@dataclass(frozen=True)
class Change:
    """Where a score stands against the baseline and the previous one."""

    baseline: int
    current: int
    previous: int | None
    from_baseline: int  # current - baseline: negative is fewer symptoms
    from_previous: int | None
    reliable_improvement: bool
    reliable_deterioration: bool
    response: bool | None  # None where the spec defines no response for the instrument
    remission: bool | None
    case_at_start: bool
    case_now: bool
    recovery: bool | None  # None when not at caseness at start

    @property
    def label(self) -> str:
        """Plain words for the clinician; facts about scores, never 'cured'."""
        if self.reliable_deterioration:
            return "Reliable deterioration"
        if self.recovery and self.reliable_improvement:
            return "Reliable recovery"
        if self.reliable_improvement:
            return "Reliable improvement"
        return "No reliable change"


def change(instrument: Instrument, baseline: int, current: int, previous: int | None) -> Change:
    threshold = instrument.reliable_change
    response = remission = None
    if instrument.response_fraction is not None:
        response = baseline > 0 and current <= instrument.response_fraction * baseline
    if instrument.remission_below is not None:
        remission = current < instrument.remission_below
    case_at_start = is_case(instrument, baseline)
    return Change(
        baseline=baseline,
        current=current,
        previous=previous,
        from_baseline=current - baseline,
        from_previous=None if previous is None else current - previous,
        reliable_improvement=baseline - current >= threshold,
        reliable_deterioration=current - baseline >= threshold,
        response=response,
        remission=remission,
        case_at_start=case_at_start,
        case_now=is_case(instrument, current),
        recovery=(not is_case(instrument, current)) if case_at_start else None,
    )


@dataclass(frozen=True)
class PairedOutcome:
    """The spec's combined depression and anxiety outcome (NHS Talking Therapies)."""

    case_at_start: bool
    recovery: bool | None  # None: "not at caseness at start"
    reliable_improvement: bool
    reliable_deterioration: bool
    reliable_recovery: bool | None


def paired_outcome(depression: Change, anxiety: Change) -> PairedOutcome:
    case_at_start = depression.case_at_start or anxiety.case_at_start
    recovery = (not depression.case_now and not anxiety.case_now) if case_at_start else None
    improvement = (depression.reliable_improvement and not anxiety.reliable_deterioration) or (
        anxiety.reliable_improvement and not depression.reliable_deterioration
    )
    deterioration = (depression.reliable_deterioration and not anxiety.reliable_improvement) or (
        anxiety.reliable_deterioration and not depression.reliable_improvement
    )
    return PairedOutcome(
        case_at_start=case_at_start,
        recovery=recovery,
        reliable_improvement=improvement,
        reliable_deterioration=deterioration,
        reliable_recovery=None if recovery is None else recovery and improvement,
    )


def client_words(item: Change | None, total_now: int) -> str:
    """Kind words for the client: no band labels, no alarm."""
    if item is None:
        return (
            f"Thank you. Your score today is {total_now}. "
            "It gives you and your therapist a starting point."
        )
    if item.reliable_improvement:
        return "Your answers show a real change for the better since you started."
    if item.reliable_deterioration:
        return (
            "Your answers show things have been harder lately. That is useful to know, and "
            "your therapist will go through it with you."
        )
    return "Your answers are close to where they were. Change often takes a few weeks."
