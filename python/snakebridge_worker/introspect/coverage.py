"""Measure how many public callables of a described library got a recovered signature."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypedDict

from .model import FunctionDescriptor, LibraryDescriptor, SignatureSource


class Coverage(TypedDict):
    """Callables counted, how many got a real signature, their share, and the count per signature source."""

    total: int
    recovered: int
    share: float
    by_source: dict[str, int]


def _full_callables(lib: LibraryDescriptor) -> Iterator[FunctionDescriptor]:
    # References (re-exports listed without signatures) are counted once, at their full description.
    for module in lib.modules:
        yield from (f for f in module.functions if f.signatures)
        for cls in module.classes:
            if cls.init is not None:
                yield cls.init
                yield from (m for m in cls.methods if m.signatures)


def signature_coverage(lib: LibraryDescriptor) -> Coverage:
    """Return {"total", "recovered", "share", "by_source"} over functions, methods and constructors."""
    by_source: dict[str, int] = {}
    total = 0
    recovered = 0
    for function in _full_callables(lib):
        total += 1
        source = function.signatures[0].source if function.signatures else SignatureSource.NONE
        by_source[source.value] = by_source.get(source.value, 0) + 1
        if source is not SignatureSource.NONE:
            recovered += 1
    return {"total": total, "recovered": recovered, "share": recovered / total if total else 0.0,
            "by_source": by_source}
