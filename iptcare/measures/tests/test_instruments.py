import json
from pathlib import Path

import pytest

from iptcare.measures import instruments


def _item(instrument_id: str, link_id: str) -> instruments.Item:
    item = instruments.get(instrument_id).item(link_id)
    assert item is not None
    return item


SPEC = Path(__file__).resolve().parents[3].parent / "shared" / "spec" / "measures.json"


@pytest.mark.skipif(
    not SPEC.exists(), reason="the shared spec is not checked out beside the project"
)
def test_it_matches_the_shared_spec():
    assert json.loads(instruments.DATA_FILE.read_text()) == json.loads(SPEC.read_text())


def test_it_loads_every_instrument():
    assert set(instruments.all_instruments()) == {"phq9", "gad7", "epds"}
    phq9 = instruments.get("phq9")
    assert phq9.short_name == "PHQ-9"
    assert [i.number for i in phq9.scored_items] == list(range(1, 10))
    assert (phq9.minimum, phq9.maximum, phq9.caseness, phq9.reliable_change) == (0, 27, 10, 6)
    assert (phq9.response_fraction, phq9.remission_below) == (0.5, 5)
    assert phq9.panel_loinc == "44249-1" and phq9.total_loinc == "44261-6"


def test_extra_items_with_unverified_wording_are_left_out():
    assert instruments.get("phq9").item("phq9_difficulty") is not None
    assert instruments.get("gad7").item("gad7_difficulty") is None


def test_unverified_loinc_codes_are_none():
    epds = instruments.get("epds")
    assert all(item.loinc is None for item in epds.items)
    assert _item("phq9", "phq9_q9").loinc == "44260-8"


@pytest.mark.parametrize(
    "instrument", list(instruments.all_instruments().values()), ids=lambda i: i.id
)
def test_bands_cover_the_range_exactly_once(instrument):
    for score in range(instrument.minimum, instrument.maximum + 1):
        assert sum(b.low <= score <= b.high for b in instrument.bands) == 1


@pytest.mark.parametrize(
    "instrument", list(instruments.all_instruments().values()), ids=lambda i: i.id
)
def test_scored_options_run_0_to_3(instrument):
    for item in instrument.scored_items:
        assert sorted(o.score for o in item.options) == [0, 1, 2, 3]
        assert len({o.code for o in item.options}) == len(item.options)


def test_epds_reverse_scored_items_keep_their_printed_order():
    assert [o.score for o in _item("epds", "epds_q1").options] == [0, 1, 2, 3]
    for number in (3, 5, 6, 7, 8, 9, 10):
        assert [o.score for o in _item("epds", f"epds_q{number}").options] == [3, 2, 1, 0]
    assert _item("epds", "epds_q10").options[-1].text == "Never"


def test_adding_an_instrument_is_adding_data(monkeypatch):
    data = json.loads(instruments.DATA_FILE.read_text())
    copy = json.loads(json.dumps(next(i for i in data["instruments"] if i["id"] == "gad7")))
    copy["id"] = "gad7_copy"
    loaded = instruments._instrument(copy, "9.9")
    assert loaded.id == "gad7_copy" and loaded.version == "9.9" and len(loaded.items) == 7
