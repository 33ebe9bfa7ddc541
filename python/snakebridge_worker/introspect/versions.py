"""Find the installed distribution version of a top-level package."""

from __future__ import annotations

import importlib.metadata
import sys
from types import ModuleType

from .guards import safe_getattr


def library_version(top_module: ModuleType) -> str:
    """Return the version of the distribution providing ``top_module``, or ``""`` for the stdlib/unknown."""
    top = top_module.__name__.split(".", 1)[0]
    if top in sys.stdlib_module_names:
        return ""
    try:
        return importlib.metadata.version(top)
    except importlib.metadata.PackageNotFoundError:
        pass  # the distribution may be named differently from the package (e.g. PyYAML → yaml)
    for distribution in importlib.metadata.packages_distributions().get(top, []):
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    declared = safe_getattr(top_module, "__version__")
    return declared if isinstance(declared, str) else ""
