"""The pure rules of a course: session counts, phases, status moves and reminders."""

from datetime import date

import pytest

from iptcare.course import checklists, protocol
from iptcare.course.protocol import CourseFacts, Kind, Move, Phase, Progress, Status


def phases(kind: str, planned: int) -> str:
    """'IIIMMMT' for a plan: one letter per session."""
    return "".join(
        protocol.phase_of(kind, n, planned).value[0].upper() for n in range(1, planned + 1)
    )


@pytest.mark.parametrize(
    ("kind", "planned", "expected"),
    [
        (Kind.IPT, 16, "III" + "M" * 10 + "TTT"),  # protocol 15.3: 1-3, 4-13, 14-16
        (Kind.IPT, 12, "III" + "M" * 6 + "TTT"),
        (Kind.IPT, 8, "IIIMMMTT"),  # 1-3, 4-6, 7-8
        (Kind.IPT, 5, "IIMTT"),
        (Kind.IPT, 4, "IIMT"),
        (Kind.IPT, 3, "IMT"),
        (Kind.IPC, 4, "IMMT"),  # IPC: the first initial, the last termination
        (Kind.IPC, 3, "IMT"),
        (Kind.MAINTENANCE, 3, "MMM"),  # all maintenance
    ],
)
def test_it_derives_each_sessions_phase_from_the_plan(kind, planned, expected):
    assert phases(kind, planned) == expected


def test_it_gives_the_phase_ranges_and_when_termination_is_due():
    ranges = protocol.phase_ranges(Kind.IPT, 16)
    assert [(p.value, a, b) for p, a, b in ranges] == [
        ("initial", 1, 3),
        ("middle", 4, 13),
        ("termination", 14, 16),
    ]
    assert protocol.termination_due_at(Kind.IPT, 16) == 14
    assert protocol.termination_due_at(Kind.IPC, 4) == 4


def test_it_says_where_a_course_is_the_same_way_everywhere():
    assert protocol.position_label("weekly", 7, 16, "middle") == "Week 7 of 16, middle phase"
    assert (
        protocol.position_label("monthly", 3, 12, "maintenance") == "Session 3 of 12, maintenance"
    )


@pytest.mark.parametrize(
    ("kind", "adaptation", "default"),
    [
        (Kind.IPT, "adult", 16),
        (Kind.IPT, "adolescent", 12),
        (Kind.IPT, "perinatal", 12),
        (Kind.IPC, "adult", 4),
        (Kind.MAINTENANCE, "adult", 12),
    ],
)
def test_default_sessions(kind, adaptation, default):
    assert protocol.default_sessions(kind, adaptation) == default


def test_a_number_outside_the_usual_range_needs_a_reason():
    assert protocol.sessions_problem(Kind.IPT, 16, "") == ""
    assert "usually has 8 to 20" in protocol.sessions_problem(Kind.IPT, 24, "")
    assert protocol.sessions_problem(Kind.IPT, 24, "Complex grief, agreed extension") == ""
    assert "usually has 3 to 6" in protocol.sessions_problem(Kind.IPC, 8, "")
    # No reason makes a course of 2 IPT sessions or of 60: it would have no middle, or no end.
    assert "3 to 52" in protocol.sessions_problem(Kind.IPT, 2, "a reason")
    assert "3 to 52" in protocol.sessions_problem(Kind.IPT, 60, "a reason")


def facts(**values) -> CourseFacts:
    values.setdefault("kind", Kind.IPT)
    values.setdefault("status", Status.INITIAL)
    return CourseFacts(**values)


def test_it_only_offers_the_protocols_moves():
    assert protocol.moves_from(facts(status=Status.DRAFT)) == [Status.INITIAL, Status.ENDED_EARLY]
    draft_maintenance = facts(kind=Kind.MAINTENANCE, status=Status.DRAFT)
    assert Status.MAINTENANCE in protocol.moves_from(draft_maintenance)
    assert Status.INITIAL not in protocol.moves_from(draft_maintenance)
    assert protocol.moves_from(facts(status=Status.INITIAL)) == [
        Status.MIDDLE,
        Status.ON_HOLD,
        Status.ENDED_EARLY,
        Status.REFERRED_OUT,
    ]
    # A course on hold resumes where it was.
    held = protocol.moves_from(facts(status=Status.ON_HOLD, held_status=Status.MIDDLE))
    assert held == [Status.MIDDLE, Status.ENDED_EARLY, Status.REFERRED_OUT]
    assert protocol.moves_from(facts(status=Status.COMPLETED)) == []


@pytest.mark.parametrize(
    ("status", "to", "message"),
    [
        (Status.INITIAL, Status.TERMINATION, "can't move to termination phase"),
        (Status.INITIAL, Status.COMPLETED, "can't move to completed"),
        (Status.DRAFT, Status.MIDDLE, "can't move to middle phase"),
        (Status.COMPLETED, Status.MIDDLE, "can't move"),
        (Status.MIDDLE, "finished", "not a course status"),
    ],
)
def test_it_refuses_moves_the_protocol_does_not_have(status, to, message):
    verdict = protocol.check_move(facts(status=status), Move(to=to))
    assert not verdict.allowed
    assert message in verdict.refusals[0]


def test_termination_needs_a_middle_phase_session_first():
    verdict = protocol.check_move(
        facts(status=Status.MIDDLE, sessions_held=5), Move(to="termination")
    )
    assert "No middle-phase session" in verdict.refusals[0]
    ok = protocol.check_move(
        facts(status=Status.MIDDLE, sessions_held=5, middle_sessions_held=1),
        Move(to="termination"),
    )
    assert ok.allowed and not ok.reminders


def test_the_middle_phase_reminds_but_the_clinician_decides():
    move = Move(to="middle")
    verdict = protocol.check_move(facts(), move)
    assert verdict.allowed
    assert len(verdict.reminders) == 3
    assert verdict.needs_confirmation(move)
    confirmed = Move(to="middle", confirmed=True, reason="Client in crisis, focus agreed verbally")
    assert not verdict.needs_confirmation(confirmed)
    # Ticking the box is not enough: the reason is recorded.
    assert verdict.needs_confirmation(Move(to="middle", confirmed=True))
    done = facts(has_formulation=True, has_contract=True, focus_areas=1)
    assert protocol.check_move(done, move).reminders == []


def test_going_back_a_phase_needs_a_reason():
    back = protocol.check_move(facts(status=Status.MIDDLE), Move(to="initial"))
    assert "Going back a phase needs a reason" in back.refusals[0]
    with_reason = Move(to="initial", reason="Re-contracting after a new crisis")
    assert protocol.check_move(facts(status=Status.MIDDLE), with_reason).allowed


@pytest.mark.parametrize(
    ("move", "message"),
    [
        (Move(to="ended_early"), "Choose why"),
        (Move(to="ended_early", end_reason="other"), "Say why"),
        (Move(to="ended_early", end_reason="because"), "Choose why"),
        (Move(to="referred_out", reason="Needs psychiatry"), "whom or which service"),
        (Move(to="referred_out", referred_to="Crisis team"), "reason for the referral"),
        (Move(to="on_hold"), "Say why the course is put on hold"),
    ],
)
def test_ending_early_referring_and_pausing_need_their_reasons(move, message):
    verdict = protocol.check_move(facts(status=Status.MIDDLE), move)
    assert any(message in refusal for refusal in verdict.refusals)


def test_completing_needs_focus_outcomes_and_a_summary_or_a_reason():
    base = {"status": Status.TERMINATION, "focus_areas": 1}
    refused = protocol.check_move(facts(**base, focus_areas_still_active=1), Move(to="completed"))
    assert len(refused.refusals) == 2
    no_summary = protocol.check_move(facts(**base), Move(to="completed"))
    assert "termination summary" in no_summary.refusals[0]
    with_reason = Move(to="completed", reason="Client moved abroad before the last session")
    assert protocol.check_move(facts(**base), with_reason).allowed
    assert protocol.check_move(
        facts(**base, has_termination_summary=True), Move(to="completed")
    ).allowed


def test_closing_with_an_open_safety_alert_names_who_follows_it_up():
    open_alert = facts(
        status=Status.TERMINATION, has_termination_summary=True, open_safety_alerts=1
    )
    assert "open safety alert" in protocol.check_move(open_alert, Move(to="completed")).refusals[0]
    named = Move(to="completed", follow_up_by="Dr Tess, call on Friday")
    assert protocol.check_move(open_alert, named).allowed
    # An open alert never blocks a move that keeps the course going.
    assert protocol.check_move(
        facts(status=Status.MIDDLE, middle_sessions_held=2, open_safety_alerts=1),
        Move(to="termination"),
    ).allowed


def progress(today=date(2026, 5, 20), **values) -> Progress:
    fields = {k: values.pop(k) for k in list(values) if k in Progress.__dataclass_fields__}
    return Progress(
        facts=facts(**values),
        planned=fields.pop("planned", 16),
        today=today,
        start_date=fields.pop("start_date", date(2026, 3, 1)),
        **fields,
    )


def test_it_reminds_what_is_due():
    assert protocol.to_do(progress(status=Status.DRAFT)) == ["Record the first session"]
    assert protocol.to_do(progress(status=Status.INITIAL, sessions_held=1)) == [
        "No next session booked"
    ]
    overdue = progress(
        status=Status.INITIAL,
        sessions_held=2,
        next_appointment_on=date(2026, 5, 12),
        last_session_on=date(2026, 5, 5),
    )
    assert protocol.to_do(overdue) == ["Session of 12 May not recorded"]
    long_initial = progress(
        status=Status.INITIAL,
        sessions_held=3,
        focus_areas=1,
        next_appointment_on=date(2026, 5, 27),
    )
    assert protocol.to_do(long_initial) == [
        "Initial phase running long: formulation, contract to do"
    ]
    termination_due = progress(
        status=Status.MIDDLE, sessions_held=13, next_appointment_on=date(2026, 5, 27)
    )
    assert protocol.to_do(termination_due) == ["Move to the termination phase (due by session 14)"]
    finished = progress(status=Status.TERMINATION, sessions_held=16)
    assert protocol.to_do(finished) == [
        "Write the termination summary",
        "All planned sessions held: complete the course",
    ]
    assert protocol.to_do(progress(status=Status.COMPLETED, sessions_held=16)) == []


def test_checklists_come_from_the_protocol_and_adapt():
    adult = checklists.checklists(Phase.INITIAL, "adult", [])
    keys = [task.key for task in adult[0].tasks]
    assert keys[:3] == ["initial.diagnosis", "initial.psychoeducation", "initial.sick_role"]
    assert "initial.contract" in keys
    adolescent = checklists.phase_tasks(Phase.INITIAL, "adolescent")
    sick_role = next(t for t in adolescent if t.key == "initial.sick_role")
    assert sick_role.text.startswith("Limited sick role")
    assert "initial.parents" in [t.key for t in adolescent]
    perinatal = [t.key for t in checklists.phase_tasks(Phase.INITIAL, "perinatal")]
    assert "initial.perinatal" in perinatal
    # From the middle phase on, each focal area brings its strategies.
    middle = checklists.checklists(Phase.MIDDLE, "adult", ["role_dispute"])
    assert [c.heading for c in middle] == ["Middle phase", "Role dispute"]
    dispute = [t.text for t in middle[1].tasks]
    assert any("Stage of the dispute" in t for t in dispute)
    assert any("Expectations of both sides" in t for t in dispute)
    assert any("Communication analysis" in t for t in dispute)
    termination = [t.key for t in checklists.phase_tasks(Phase.TERMINATION, "adult")]
    assert {"termination.name_ending", "termination.relapse_plan", "termination.next_step"} <= set(
        termination
    )


def test_task_keys_are_unique_within_each_list():
    groups = [
        checklists.INITIAL_ADOLESCENT,
        checklists.INITIAL_PERINATAL,
        checklists.MIDDLE_ADOLESCENT,
        checklists.TERMINATION_ADOLESCENT,
        checklists.MAINTENANCE,
        *checklists.AREA_TASKS.values(),
    ]
    for group in groups:
        keys = [task.key for task in group]
        assert len(keys) == len(set(keys))
