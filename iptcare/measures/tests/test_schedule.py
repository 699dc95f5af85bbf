from datetime import date

import pytest

from iptcare.measures.schedule import checkpoints, is_due

MAY = [date(2026, 5, day) for day in (1, 8, 15)]


def due(schedule, held=0, submitted=(), last=None, planned=16):
    return is_due(
        schedule,
        planned_sessions=planned,
        sessions_held=held,
        submitted=list(submitted),
        last_session_on=last,
    )


def test_once():
    assert due("once") is True
    assert due("once", submitted=[MAY[0]]) is False


def test_every_session_is_due_again_after_each_session():
    assert due("every_session") is True
    assert due("every_session", held=1, submitted=[MAY[0]], last=MAY[0]) is False
    assert due("every_session", held=2, submitted=[MAY[0]], last=MAY[1]) is True
    assert due("every_session", held=0, submitted=[MAY[0]], last=None) is False


def test_start_middle_end_checkpoints():
    assert checkpoints(16) == [0, 8, 15]
    assert due("start_middle_end", held=0) is True
    assert due("start_middle_end", held=5, submitted=[MAY[0]]) is False
    assert due("start_middle_end", held=8, submitted=[MAY[0]]) is True
    assert due("start_middle_end", held=15, submitted=MAY[:2]) is True
    assert due("start_middle_end", held=16, submitted=MAY) is False


def test_unknown_schedule():
    with pytest.raises(ValueError):
        due("monthly")
