"""French business-news extractor: read → repair → spaCy pipeline → record → JSONL → score."""
from pathlib import Path

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = PROJECT_ROOT / "models"
