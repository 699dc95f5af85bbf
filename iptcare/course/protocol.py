"""A course of IPT as ../shared/spec/ipt-protocol.md describes it: the kinds of course and
their sessions (sections 2, 11, 15.1), the phase of each session (15.3) and the status
changes the protocol allows (3, 10, 15.2). Pure: values in, values out, no database.

Where the protocol gives a number of sessions it is a default the clinician can change;
outside the allowed range the clinician gives a reason (platform rule, 15.1).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models


class Kind(models.TextChoices):
    IPT = "ipt", "IPT"
    IPC = "ipc", "Interpersonal Counseling (IPC)"
    MAINTENANCE = "maintenance", "Maintenance IPT"


class Adaptation(models.TextChoices):
    """Who the course is adapted for (protocol 11). It changes wording and task lists."""

    ADULT = "adult", "Adults"
    ADOLESCENT = "adolescent", "Adolescents (IPT-A)"
    PERINATAL = "perinatal", "Perinatal (pregnancy and the year after a birth)"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


INTERVAL = {
    Frequency.WEEKLY: timedelta(weeks=1),
    Frequency.FORTNIGHTLY: timedelta(weeks=2),
    Frequency.MONTHLY: timedelta(weeks=4),
}


class Phase(models.TextChoices):
    INITIAL = "initial", "Initial phase"
    MIDDLE = "middle", "Middle phase"
    TERMINATION = "termination", "Termination phase"
    MAINTENANCE = "maintenance", "Maintenance"


PHASE_ORDER = [Phase.INITIAL, Phase.MIDDLE, Phase.TERMINATION]


class Status(models.TextChoices):
    DRAFT = "draft", "Planned, not started"
    INITIAL = "initial", "Initial phase"
    MIDDLE = "middle", "Middle phase"
    TERMINATION = "termination", "Termination phase"
    MAINTENANCE = "maintenance", "Maintenance sessions"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    ENDED_EARLY = "ended_early", "Ended early"
    REFERRED_OUT = "referred_out", "Referred out"


# A course in one of these is running: sessions can be recorded.
RUNNING = (Status.INITIAL, Status.MIDDLE, Status.TERMINATION, Status.MAINTENANCE)
# A client has at most one course in one of these at a time (15.2).
OPEN = (Status.DRAFT, *RUNNING, Status.ON_HOLD)
CLOSED = (Status.COMPLETED, Status.ENDED_EARLY, Status.REFERRED_OUT)


class EndReason(models.TextChoices):
    """Why a course was discontinued (15.2)."""

    CLIENT_CHOICE = "client_choice", "The client chose to stop"
    LOST_TO_FOLLOW_UP = "lost_to_follow_up", "Lost to follow-up"
    MOVED = "moved", "The client moved"
    NEEDS_OTHER_CARE = "needs_other_care", "Needs other care"
    OTHER = "other", "Other"


@dataclass(frozen=True)
class KindRules:
    default_sessions: int
    allowed: tuple[int, int]  # outside this range the clinician gives a reason
    frequency: str
    session_minutes: int


# Absolute bounds no reason can cross: a course needs a first, a middle and a last session.
MIN_SESSIONS = {Kind.IPT: 3, Kind.IPC: 3, Kind.MAINTENANCE: 1}
MAX_SESSIONS = 52

RULES = {
    Kind.IPT: KindRules(16, (8, 20), Frequency.WEEKLY, 50),
    Kind.IPC: KindRules(4, (3, 6), Frequency.WEEKLY, 30),
    Kind.MAINTENANCE: KindRules(12, (1, 24), Frequency.MONTHLY, 50),
}


def default_sessions(kind: str, adaptation: str) -> int:
    # IPT-A and perinatal IPT are usually about 12 sessions (11.1, 11.2, 15.1).
    if kind == Kind.IPT and adaptation in (Adaptation.ADOLESCENT, Adaptation.PERINATAL):
        return 12
    return RULES[Kind(kind)].default_sessions


def sessions_problem(kind: str, planned: int, reason: str) -> str:
    """Why `planned` sessions can't be agreed for a course of `kind`, or ""."""
    rules = RULES[Kind(kind)]
    low, high = rules.allowed
    if planned < MIN_SESSIONS[Kind(kind)] or planned > MAX_SESSIONS:
        return f"A course of this kind has {MIN_SESSIONS[Kind(kind)]} to {MAX_SESSIONS} sessions."
    if not low <= planned <= high and not reason.strip():
        label = Kind(kind).label
        return (
            f"{label} usually has {low} to {high} sessions. Give the reason for {planned}, "
            "or change the number."
        )
    return ""


def termination_length(planned: int) -> int:
    if planned >= 12:
        return 3
    if planned >= 5:
        return 2
    return 1


def phase_of(kind: str, number: int, planned: int) -> Phase:
    """The default phase of session `number` of `planned` (15.3). The clinician can
    override it for one session (the initial phase ran to session 4, say)."""
    if kind == Kind.MAINTENANCE:
        return Phase.MAINTENANCE
    if kind == Kind.IPC:
        if number <= 1:
            return Phase.INITIAL
        return Phase.TERMINATION if number >= planned else Phase.MIDDLE
    last = termination_length(planned)
    first = min(3, planned - last - 1)
    if number <= first:
        return Phase.INITIAL
    if number > planned - last:
        return Phase.TERMINATION
    return Phase.MIDDLE


def phase_ranges(kind: str, planned: int) -> list[tuple[Phase, int, int]]:
    """(phase, first session, last session) for each phase of the plan, in order."""
    ranges: list[tuple[Phase, int, int]] = []
    for number in range(1, planned + 1):
        phase = phase_of(kind, number, planned)
        if ranges and ranges[-1][0] == phase:
            ranges[-1] = (phase, ranges[-1][1], number)
        else:
            ranges.append((phase, number, number))
    return ranges


def termination_due_at(kind: str, planned: int) -> int:
    """The session by which the course should be in its termination phase."""
    for phase, first, _ in phase_ranges(kind, planned):
        if phase == Phase.TERMINATION:
            return first
    return planned


def planned_end(start: date, frequency: str, planned: int) -> date:
    return start + INTERVAL[Frequency(frequency)] * max(planned - 1, 0)


def position_label(frequency: str, number: int, planned: int, phase: str) -> str:
    """'Week 7 of 16, middle phase': where a course or session is, said the same way
    everywhere. Weekly courses count weeks, as clinicians and clients do."""
    unit = "Week" if frequency == Frequency.WEEKLY else "Session"
    return f"{unit} {number} of {planned}, {Phase(phase).label.lower()}"


def is_earlier_phase(phase: str, than: str) -> bool:
    if phase not in PHASE_ORDER or than not in PHASE_ORDER:
        return False
    return PHASE_ORDER.index(Phase(phase)) < PHASE_ORDER.index(Phase(than))


# --- status changes ------------------------------------------------------------------

TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.DRAFT: (Status.INITIAL, Status.MAINTENANCE, Status.ENDED_EARLY),
    Status.INITIAL: (Status.MIDDLE, Status.ON_HOLD, Status.ENDED_EARLY, Status.REFERRED_OUT),
    Status.MIDDLE: (
        Status.TERMINATION,
        Status.INITIAL,
        Status.ON_HOLD,
        Status.ENDED_EARLY,
        Status.REFERRED_OUT,
    ),
    Status.TERMINATION: (
        Status.COMPLETED,
        Status.MIDDLE,
        Status.ON_HOLD,
        Status.ENDED_EARLY,
        Status.REFERRED_OUT,
    ),
    Status.MAINTENANCE: (
        Status.COMPLETED,
        Status.ON_HOLD,
        Status.ENDED_EARLY,
        Status.REFERRED_OUT,
    ),
    Status.ON_HOLD: (
        Status.INITIAL,
        Status.MIDDLE,
        Status.TERMINATION,
        Status.MAINTENANCE,
        Status.ENDED_EARLY,
        Status.REFERRED_OUT,
    ),
    Status.COMPLETED: (),
    Status.ENDED_EARLY: (),
    Status.REFERRED_OUT: (),
}

# The words on the button or in the list of choices for a move to each status.
VERBS = {
    Status.INITIAL: "Start the initial phase",
    Status.MIDDLE: "Move to the middle phase",
    Status.TERMINATION: "Move to the termination phase",
    Status.MAINTENANCE: "Start the maintenance sessions",
    Status.ON_HOLD: "Put the course on hold",
    Status.COMPLETED: "Complete the course",
    Status.ENDED_EARLY: "End the course early",
    Status.REFERRED_OUT: "Refer the client elsewhere",
}


def verb(current: str, to: str) -> str:
    """The words for a move from `current` to `to`: going back and resuming say so."""
    if current == Status.ON_HOLD and to in RUNNING:
        return f"Resume the course ({Status(to).label.lower()})"
    if is_earlier_phase(to, current):
        return f"Go back to the {Status(to).label.lower()}"
    return VERBS[Status(to)]


@dataclass(frozen=True)
class CourseFacts:
    """What the status rules look at, gathered by the caller from the database."""

    kind: str
    status: str
    held_status: str = ""  # the status a course on hold resumes to
    sessions_held: int = 0
    middle_sessions_held: int = 0
    has_formulation: bool = False
    has_contract: bool = False
    focus_areas: int = 0
    focus_areas_still_active: int = 0
    has_termination_summary: bool = False
    open_safety_alerts: int = 0


@dataclass(frozen=True)
class Move:
    """A proposed status change with what the clinician gave with it."""

    to: str
    reason: str = ""
    end_reason: str = ""
    referred_to: str = ""
    follow_up_by: str = ""  # who follows up an open safety alert after the course closes
    confirmed: bool = False  # the clinician saw the reminders and moves on anyway


@dataclass(frozen=True)
class Verdict:
    refusals: list[str]  # the move can't happen: say why
    reminders: list[str]  # it may, once the clinician confirms and gives a reason

    @property
    def allowed(self) -> bool:
        return not self.refusals

    def needs_confirmation(self, move: Move) -> bool:
        return bool(self.reminders) and not (move.confirmed and move.reason.strip())


def moves_from(facts: CourseFacts) -> list[Status]:
    """The statuses a course can be moved to from where it is."""
    moves = []
    for to in TRANSITIONS[Status(facts.status)]:
        if facts.status == Status.ON_HOLD and to in RUNNING and to != facts.held_status:
            continue  # a course on hold resumes where it was
        if facts.status == Status.DRAFT and to in RUNNING:
            wanted = Status.MAINTENANCE if facts.kind == Kind.MAINTENANCE else Status.INITIAL
            if to != wanted:
                continue
        moves.append(to)
    return moves


def check_move(facts: CourseFacts, move: Move) -> Verdict:
    refusals: list[str] = []
    reminders: list[str] = []
    to = move.to
    current = Status(facts.status)
    if to not in Status.values:
        return Verdict([f"{to!r} is not a course status."], [])
    if to not in moves_from(facts):
        here = current.label.lower()
        return Verdict([f"A course that is {here} can't move to {Status(to).label.lower()}."], [])

    backwards = current in (Status.MIDDLE, Status.TERMINATION) and is_earlier_phase(to, current)
    if backwards and not move.reason.strip():
        # Phases never go backwards except by explicit clinician action with a reason (2).
        refusals.append("Going back a phase needs a reason (re-contracting after a crisis, say).")
    if to == Status.ON_HOLD and not move.reason.strip():
        refusals.append("Say why the course is put on hold.")
    if to == Status.MIDDLE and current == Status.INITIAL:
        # Exit condition of the initial phase (3): the software reminds, the clinician decides.
        if not facts.has_formulation:
            reminders.append("There is no interpersonal formulation yet.")
        if not facts.has_contract:
            reminders.append("No treatment contract has been agreed yet.")
        if not facts.focus_areas:
            reminders.append("No focal problem area has been chosen yet.")
    if to == Status.TERMINATION and current == Status.MIDDLE and not facts.middle_sessions_held:
        refusals.append(
            "No middle-phase session has been held yet: termination follows the work on the "
            "focus area. Record a middle-phase session first."
        )
    if to == Status.COMPLETED:
        if facts.focus_areas_still_active:
            refusals.append(
                "Set the outcome of each focal area (resolved, partly resolved, not resolved "
                "or dropped) before completing the course."
            )
        if not facts.has_termination_summary and not move.reason.strip():
            refusals.append(
                "Write the termination summary, or give the reason it was not done, before "
                "completing the course."
            )
    if to == Status.ENDED_EARLY:
        if move.end_reason not in EndReason.values:
            refusals.append("Choose why the course ended early.")
        elif move.end_reason == EndReason.OTHER and not move.reason.strip():
            refusals.append("Say why the course ended early.")
    if to == Status.REFERRED_OUT:
        if not move.referred_to.strip():
            refusals.append("Say whom or which service the client was referred to.")
        if not move.reason.strip():
            refusals.append("Give the reason for the referral.")
    if to in CLOSED and facts.open_safety_alerts and not move.follow_up_by.strip():
        # Open alerts never block a change, but someone must own them after the course (15.2).
        refusals.append(
            "This client has an open safety alert. Say who will follow it up after the "
            "course closes."
        )
    return Verdict(refusals, reminders)


# --- what needs doing ----------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Where a course is, for the caseload's and the overview's reminders."""

    facts: CourseFacts
    planned: int
    today: date
    start_date: date
    next_appointment_on: date | None = None
    last_session_on: date | None = None


def to_do(progress: Progress) -> list[str]:
    """Reminders, never orders: the clinician decides (protocol 3, 10, 15.2)."""
    facts = progress.facts
    status = facts.status
    items: list[str] = []
    if status == Status.DRAFT:
        if progress.start_date <= progress.today:
            items.append("Record the first session")
        return items
    if status not in RUNNING:
        return items
    due = progress.next_appointment_on
    if (
        due is not None
        and due < progress.today
        and (progress.last_session_on is None or progress.last_session_on < due)
    ):
        items.append(f"Session of {due:%-d %b} not recorded")
    elif due is None and facts.sessions_held < progress.planned:
        items.append("No next session booked")
    if status == Status.INITIAL and facts.sessions_held >= 3:
        missing = [
            name
            for name, done in (
                ("focal area", facts.focus_areas),
                ("formulation", facts.has_formulation),
                ("contract", facts.has_contract),
            )
            if not done
        ]
        if missing:
            items.append("Initial phase running long: " + ", ".join(missing) + " to do")
        else:
            items.append("Ready for the middle phase")
    if status == Status.MIDDLE:
        due_at = termination_due_at(facts.kind, progress.planned)
        if facts.sessions_held + 1 >= due_at:
            items.append(f"Move to the termination phase (due by session {due_at})")
    if (
        status in (Status.TERMINATION, Status.MAINTENANCE)
        and facts.sessions_held >= progress.planned
    ):
        if not facts.has_termination_summary and status == Status.TERMINATION:
            items.append("Write the termination summary")
        items.append("All planned sessions held: complete the course")
    return items
