"""What the training extra needs, checked without importing it (importing torch takes seconds)."""

from __future__ import annotations

import importlib
import importlib.util

TRAINING_PACKAGES = ("torch", "transformers", "peft")


def environment() -> dict[str, list[str]]:
    """{"missing": [...]}: the training packages this interpreter cannot import."""
    # A package installed after the worker started is invisible to cached finders until this.
    importlib.invalidate_caches()
    return {"missing": [name for name in TRAINING_PACKAGES if importlib.util.find_spec(name) is None]}
