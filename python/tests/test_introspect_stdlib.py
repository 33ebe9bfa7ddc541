"""Describing standard-library modules: signature sources, kinds and library metadata."""

import sys

from snakebridge_worker.introspect import describe_library, signature_coverage
from snakebridge_worker.introspect.model import (
    CallableKind,
    FunctionDescriptor,
    LibraryDescriptor,
    ParameterKind,
    SignatureSource,
)


def _function(lib: LibraryDescriptor, path: str) -> FunctionDescriptor:
    for module in lib.modules:
        for function in module.functions:
            if function.path == path and function.signatures:
                return function
    raise AssertionError(f"{path} is not described in full; modules: {[m.name for m in lib.modules]}")


def test_math_sqrt_comes_from_text_signature_with_positional_only_parameter() -> None:
    lib = describe_library("math", depth=0)
    sqrt = _function(lib, "math.sqrt")
    signature = sqrt.signatures[0]
    assert signature.source == SignatureSource.TEXT_SIGNATURE
    assert [(p.name, p.kind) for p in signature.parameters] == [("x", ParameterKind.POSITIONAL_ONLY)]
    assert signature.text == "(x, /)"
    assert [a.name for a in signature.parameters[0].type.args] == ["float", "int"], "typeshed types it"
    assert sqrt.kind == CallableKind.BUILTIN


def test_math_constants_and_library_metadata() -> None:
    lib = describe_library("math", depth=0)
    assert lib.version == "", "the standard library has no distribution version"
    assert lib.python_version == sys.version.split()[0]
    assert lib.python_executable == sys.executable
    assert lib.elapsed_ms > 0
    constants = {c.name: c for c in lib.modules[0].constants}
    assert constants["pi"].type.name == "float"
    assert constants["pi"].repr.startswith("3.14159")


def test_statistics_mean_comes_from_inspect() -> None:
    lib = describe_library("statistics", depth=0)
    mean = _function(lib, "statistics.mean")
    signature = mean.signatures[0]
    assert signature.source == SignatureSource.INSPECT
    assert [p.name for p in signature.parameters] == ["data"]
    assert mean.kind == CallableKind.FUNCTION
    assert "mean" in mean.doc.lower()


def test_json_walks_submodules_and_describes_reexports_once_where_defined() -> None:
    progress_calls = []
    lib = describe_library(
        "json", depth=1, progress=lambda name, done, total: progress_calls.append((name, done, total))
    )
    names = [m.name for m in lib.modules]
    assert names[0] == "json" and "json.decoder" in names and "json.tool" in names
    assert progress_calls[-1][1:] == (len(names), len(names))
    assert [c[0] for c in progress_calls] == names
    json_module = lib.modules[0]
    assert set(json_module.submodules) >= {"json.decoder", "json.encoder"}
    decoder_ref = next(c for c in json_module.classes if c.name == "JSONDecoder")
    assert decoder_ref.init is None, "a re-export is listed as a reference, not described again"
    assert decoder_ref.defined_in == "json.decoder" and decoder_ref.path == "json.decoder.JSONDecoder"
    decoder_module = next(m for m in lib.modules if m.name == "json.decoder")
    full = next(c for c in decoder_module.classes if c.name == "JSONDecoder")
    assert full.init is not None and full.path == "json.decoder.JSONDecoder"
    assert any(m.name == "decode" for m in full.methods)
    assert _function(lib, "json.dumps").signatures[0].parameters[0].name == "obj"


def test_collections_counter_method_paths_and_coverage_shape() -> None:
    lib = describe_library("collections", depth=0)
    counter = next(c for c in lib.modules[0].classes if c.name == "Counter")
    most_common = next(m for m in counter.methods if m.name == "most_common")
    assert most_common.path == "collections.Counter.most_common"
    assert [p.name for p in most_common.signatures[0].parameters] == ["n"], "self is dropped from methods"
    fromkeys = next(m for m in counter.methods if m.name == "fromkeys")
    assert fromkeys.kind == CallableKind.CLASS_METHOD
    coverage = signature_coverage(lib)
    assert coverage["total"] == sum(coverage["by_source"].values())
    assert coverage["recovered"] == coverage["total"] - coverage["by_source"].get("none", 0)
    assert 0.8 < coverage["share"] <= 1.0
