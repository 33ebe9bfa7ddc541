"""Measure how many public callables of a described library got a recovered signature."""

from __future__ import annotations

from collections.abc import Iterator

from snakebridge_worker.proto import describe_pb2

_PREFIX = "SIGNATURE_SOURCE_"


def _full_callables(lib: describe_pb2.LibraryDescriptor) -> Iterator[describe_pb2.FunctionDescriptor]:
    # References (re-exports listed without signatures) are counted once, at their full description.
    for module in lib.modules:
        yield from (f for f in module.functions if f.signatures)
        for cls in module.classes:
            if cls.HasField("init"):
                yield cls.init
                yield from (m for m in cls.methods if m.signatures)


def signature_coverage(lib: describe_pb2.LibraryDescriptor) -> dict:
    """Return {"total", "recovered", "share", "by_source"} over functions, methods and constructors."""
    by_source: dict[str, int] = {}
    total = 0
    recovered = 0
    for function in _full_callables(lib):
        total += 1
        source = function.signatures[0].source if function.signatures else describe_pb2.SIGNATURE_SOURCE_NONE
        key = describe_pb2.SignatureSource.Name(source).removeprefix(_PREFIX).lower()
        by_source[key] = by_source.get(key, 0) + 1
        if source not in (describe_pb2.SIGNATURE_SOURCE_NONE, describe_pb2.SIGNATURE_SOURCE_UNSPECIFIED):
            recovered += 1
    return {"total": total, "recovered": recovered, "share": recovered / total if total else 0.0,
            "by_source": by_source}
