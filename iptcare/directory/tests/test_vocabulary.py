import json
from pathlib import Path

from conftest import require_or_skip
from iptcare.directory.vocabulary import VOCABULARY_PATH

SHARED = Path(__file__).resolve().parents[4] / "shared" / "spec" / "vocabulary.json"


def test_the_vocabulary_is_in_sync_with_the_spec():
    require_or_skip(SHARED.exists(), "shared/spec is not beside this checkout")
    assert json.loads(VOCABULARY_PATH.read_text()) == json.loads(SHARED.read_text())
