"""French business-news extractor: read → repair → spaCy pipeline → record → JSONL → score.

Installed as the package `fr_finance` (`pipeline/` in the repository); its data, `models/`, ships inside it
as `fr_finance.models`.
"""
from pathlib import Path

__version__ = "0.1.0"

_HERE = Path(__file__).resolve().parent
# Installed (wheel): the data is the subpackage models/. Editable install or a checkout: the repository's models/.
MODELS_DIR = _HERE / "models" if (_HERE / "models" / "config.cfg").is_file() else _HERE.parent / "models"
# The repository root, for what only exists in a checkout (seeds/, outputs/ of make bench and the tests).
PROJECT_ROOT = _HERE.parent
