"""The public web chat page and the locally served Swagger UI (see api.install)."""
from .api import install

__all__ = ["install"]
