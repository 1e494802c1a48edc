"""bot/tests run under .venv-bot (Rasa 3.6, Python 3.10) with the repo root on sys.path."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
