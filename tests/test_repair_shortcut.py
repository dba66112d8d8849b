"""repair skips ftfy only where ftfy would change nothing."""
from pathlib import Path

import ftfy
import pytest

from fr_finance.read.repair import FTFY_CONFIG, _ftfy_may_change

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

EXAMPLES = [
    ("Le groupe a levé 3 M€ à Paris, selon « Les Échos ».", False),
    ("Œuvre d’art\nÀ propos de l’été 2024 — rien à réparer…", False),
    ("la stratÃ©gie du groupe", True),  # mojibake
    ("Ventes &amp; marges", True),  # HTML entity
    ("texte\x07avec contrôle", True),
    ("couleur \x1b[31mrouge", True),
    ("Ligne un\nÃ bord", True),  # ftfy's "^[ÃÂ] " only matches at a line start
    ("\ufeffTitre", True),
]


@pytest.mark.parametrize("text, may_change", EXAMPLES)
def test_examples(text, may_change):
    assert _ftfy_may_change(text) == may_change


def test_skipped_texts_are_those_ftfy_leaves_alone():
    texts = [text for text, _ in EXAMPLES]
    texts += [line for path in SEEDS.glob("*.txt") for line in path.read_text(encoding="utf-8").split("\n")]
    for text in texts:
        if not _ftfy_may_change(text):
            assert ftfy.fix_text(text, FTFY_CONFIG) == text
