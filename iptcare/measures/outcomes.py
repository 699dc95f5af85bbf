"""Practice outcomes (issue 6, item 8). Pure: one row per course in, the figures out.

Per instrument, a course counts once it has a baseline and at least one later response;
its last response is the "current" one. Rates follow the spec's outcome rules
(scoring.change): reliable improvement and deterioration over every such course, recovery
over those at caseness at the start only.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from iptcare.measures import instruments, scoring

ENDED = {"completed": "completed", "ended_early": "ended_early", "referred_out": "ended_early"}


@dataclass(frozen=True)
class CourseRow:
    status: str
    therapist: str
    problem_area: str  # the primary focus area's label, or "Not set"
    scores: dict[str, tuple[int, int]]  # instrument -> (baseline, current)


@dataclass
class InstrumentFigures:
    courses: int = 0
    improved: int = 0
    deteriorated: int = 0
    at_caseness: int = 0
    recovered: int = 0
    total_change: int = 0

    def rate(self, count: int, of: int) -> float | None:
        return round(100 * count / of, 1) if of else None

    @property
    def improvement_rate(self) -> float | None:
        return self.rate(self.improved, self.courses)

    @property
    def deterioration_rate(self) -> float | None:
        return self.rate(self.deteriorated, self.courses)

    @property
    def recovery_rate(self) -> float | None:
        return self.rate(self.recovered, self.at_caseness)

    @property
    def average_change(self) -> float | None:
        return round(self.total_change / self.courses, 1) if self.courses else None


@dataclass
class Group:
    name: str
    started: int = 0
    completed: int = 0
    ended_early: int = 0
    instruments: dict[str, InstrumentFigures] = field(default_factory=dict)

    def add(self, row: CourseRow) -> None:
        if row.status != "draft":
            self.started += 1
        if ENDED.get(row.status) == "completed":
            self.completed += 1
        elif ENDED.get(row.status) == "ended_early":
            self.ended_early += 1
        for instrument_id, (baseline, current) in row.scores.items():
            definition = instruments.get(instrument_id)
            change = scoring.change(definition, baseline, current, None)
            figures = self.instruments.setdefault(instrument_id, InstrumentFigures())
            figures.courses += 1
            figures.improved += change.reliable_improvement
            figures.deteriorated += change.reliable_deterioration
            figures.total_change += change.from_baseline
            if change.case_at_start:
                figures.at_caseness += 1
                figures.recovered += bool(change.recovery)


@dataclass
class Outcomes:
    practice: Group
    by_therapist: list[Group]
    by_problem_area: list[Group]


def compute(rows: list[CourseRow]) -> Outcomes:
    practice = Group("Whole practice")
    therapists: dict[str, Group] = defaultdict(lambda: Group(""))
    areas: dict[str, Group] = defaultdict(lambda: Group(""))
    for row in rows:
        practice.add(row)
        therapists[row.therapist].add(row)
        areas[row.problem_area].add(row)
    for name, group in [*therapists.items(), *areas.items()]:
        group.name = name
    return Outcomes(
        practice,
        sorted(therapists.values(), key=lambda g: g.name),
        sorted(areas.values(), key=lambda g: g.name),
    )


def csv_cell(value: object) -> str:
    """A cell a spreadsheet won't run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


CSV_HEADER = [
    "group",
    "name",
    "courses_started",
    "completed",
    "ended_early",
    "instrument",
    "courses_with_change",
    "reliable_improvement_pct",
    "reliable_deterioration_pct",
    "at_caseness_at_start",
    "recovery_pct",
    "average_change",
]


def csv_rows(outcomes: Outcomes) -> list[list[str]]:
    rows = [CSV_HEADER]
    groups = [("practice", outcomes.practice)]
    groups += [("therapist", g) for g in outcomes.by_therapist]
    groups += [("problem_area", g) for g in outcomes.by_problem_area]
    for kind, group in groups:
        base = [kind, group.name, group.started, group.completed, group.ended_early]
        if not group.instruments:
            rows.append([csv_cell(v) for v in [*base, "", 0, "", "", 0, "", ""]])
        for instrument_id, f in sorted(group.instruments.items()):
            values = [
                *base,
                instrument_id,
                f.courses,
                f.improvement_rate,
                f.deterioration_rate,
                f.at_caseness,
                f.recovery_rate,
                f.average_change,
            ]
            rows.append([csv_cell(v) for v in values])
    return rows
