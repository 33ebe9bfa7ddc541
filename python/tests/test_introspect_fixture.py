"""Describing a fixture package that exercises annotations, classes, overloads and hostile modules."""

import os
import sys

import pytest

from snakebridge_worker.introspect import describe_library, signature_coverage
from snakebridge_worker.introspect.model import (
    CallableKind,
    ClassDescriptor,
    FunctionDescriptor,
    LibraryDescriptor,
    ModuleDescriptor,
    ParameterDescriptor,
    ParameterKind,
    SignatureDescriptor,
    SignatureSource,
    TypeExpr,
)

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures_introspect")


@pytest.fixture(scope="module")
def library() -> LibraryDescriptor:
    sys.path.insert(0, FIXTURES)
    try:
        return describe_library("sbfixture", depth=1)
    finally:
        sys.path.remove(FIXTURES)


def _module(lib: LibraryDescriptor, name: str) -> ModuleDescriptor:
    return next(m for m in lib.modules if m.name == name)


def _function(lib: LibraryDescriptor, module: str, name: str) -> FunctionDescriptor:
    return next(f for f in _module(lib, module).functions if f.name == name)


def _class(lib: LibraryDescriptor, module: str, name: str) -> ClassDescriptor:
    return next(c for c in _module(lib, module).classes if c.name == name)


def _params(signature: SignatureDescriptor) -> dict[str, ParameterDescriptor]:
    return {p.name: p for p in signature.parameters}


def _tree(expr: TypeExpr) -> str:
    inner = ", ".join(_tree(a) for a in expr.args) or ", ".join(expr.literals)
    return f"{expr.name}[{inner}]" if inner else expr.name


def test_walk_skips_private_and_test_modules_and_reports_broken_submodule(library: LibraryDescriptor) -> None:
    names = [m.name for m in library.modules]
    assert names == ["sbfixture", "sbfixture.noisy", "sbfixture.ring_a", "sbfixture.ring_b", "sbfixture.shapes"]
    assert len(library.warnings) == 1, list(library.warnings)
    assert library.warnings[0].startswith("sbfixture.broken: import failed (RuntimeError: broken fixture")
    assert library.version == ""


def test_import_output_and_warnings_never_reach_stdout(
    capsys: pytest.CaptureFixture[str], recwarn: pytest.WarningsRecorder
) -> None:
    sys.path.insert(0, FIXTURES)
    sys.modules.pop("sbfixture.noisy", None)
    try:
        describe_library("sbfixture", depth=1)
    finally:
        sys.path.remove(FIXTURES)
    assert "noisy fixture" not in capsys.readouterr().out
    assert not [w for w in recwarn if "noisy fixture" in str(w.message)]


def test_annotated_function_types_defaults_and_google_docs(library: LibraryDescriptor) -> None:
    total = _function(library, "sbfixture", "total")
    signature = total.signatures[0]
    assert signature.source == SignatureSource.INSPECT
    params = _params(signature)
    assert _tree(params["values"].type) == "list[int]"
    assert _tree(params["label"].type) == "Union[str, None]"
    assert _tree(params["mode"].type) == "Literal['a', 'b']"
    assert params["mode"].kind == ParameterKind.KEYWORD_ONLY
    assert params["mode"].has_default and params["mode"].default_repr == "'a'"
    assert _tree(params["weights"].type) == "Union[dict[str, float], None]"
    assert params["values"].doc == "The numbers to add."
    assert not params["values"].has_default
    assert signature.returns.name == "float" and signature.returns_doc == "The weighted sum."
    assert signature.text.startswith("(values: list[int], label: Optional[str] = None, *, mode: Literal['a', 'b']")


def test_numpydoc_sections_fill_types_and_docs_for_unannotated_function(library: LibraryDescriptor) -> None:
    signature = _function(library, "sbfixture", "gather").signatures[0]
    params = _params(signature)
    assert [(p.name, p.kind) for p in signature.parameters] == [
        ("first", ParameterKind.POSITIONAL_ONLY),
        ("args", ParameterKind.VAR_POSITIONAL),
        ("flag", ParameterKind.KEYWORD_ONLY),
        ("kwargs", ParameterKind.VAR_KEYWORD),
    ]
    assert params["first"].type.name == "int" and params["first"].doc == "The first item."
    assert _tree(params["args"].type) == "tuple[int, ...]"
    assert params["flag"].type.name == "bool" and params["flag"].default_repr == "False"
    assert params["kwargs"].type.name == "unknown"
    assert _tree(signature.returns) == "list[int]" and signature.returns_doc == "The items."
    assert signature.text == "(first, /, *args, flag=False, **kwargs)"


def test_class_members_constructor_and_properties(library: LibraryDescriptor) -> None:
    shape = _class(library, "sbfixture.shapes", "Shape")
    assert shape.path == "sbfixture.shapes.Shape" and list(shape.bases) == ["object"]
    assert shape.init is not None
    constructor = shape.init.signatures[0]
    assert [p.name for p in constructor.parameters] == ["sides", "name"]
    assert _params(constructor)["sides"].doc == "Number of sides."
    methods = {m.name: m for m in shape.methods}
    assert methods["area"].kind == CallableKind.METHOD
    assert methods["area"].path == "sbfixture.shapes.Shape.area"
    assert [p.name for p in methods["area"].signatures[0].parameters] == ["scale"]
    assert methods["square"].kind == CallableKind.CLASS_METHOD
    assert [p.name for p in methods["square"].signatures[0].parameters] == ["side"]
    assert methods["square"].signatures[0].returns.name == "sbfixture.shapes.Shape"
    assert methods["sides_of"].kind == CallableKind.STATIC_METHOD
    assert [p.name for p in methods["sides_of"].signatures[0].parameters] == ["name"]
    properties = {p.name: p for p in shape.properties}
    assert properties["label"].type.name == "str" and properties["label"].readonly
    assert properties["label"].doc == "A printable label."
    assert properties["broken"].doc == "A property whose getter raises.", "a raising getter is never called"


def test_overloads_give_one_signature_each(library: LibraryDescriptor) -> None:
    parse = _function(library, "sbfixture.shapes", "parse")
    assert [s.source for s in parse.signatures] == [SignatureSource.OVERLOAD] * 2
    assert [_params(s)["text"].type.name for s in parse.signatures] == ["str", "bytes"]
    assert _params(parse.signatures[1])["base"].default_repr == "10"
    scale = next(m for m in _class(library, "sbfixture.shapes", "Shape").methods if m.name == "scale")
    assert [[p.name for p in s.parameters] for s in scale.signatures] == [["factor"], ["factor"]]
    assert [s.returns.name for s in scale.signatures] == ["int", "float"]


def test_reexport_cycle_describes_each_function_once_where_defined(library: LibraryDescriptor) -> None:
    a_in_a = _function(library, "sbfixture.ring_a", "a_func")
    a_in_b = _function(library, "sbfixture.ring_b", "a_func")
    b_in_a = _function(library, "sbfixture.ring_a", "b_func")
    assert a_in_a.signatures and not a_in_b.signatures
    assert a_in_b.defined_in == "sbfixture.ring_a" and a_in_b.path == "sbfixture.ring_a.a_func"
    assert not b_in_a.signatures and b_in_a.defined_in == "sbfixture.ring_b"
    shape_ref = _class(library, "sbfixture", "Shape")
    assert shape_ref.init is None and shape_ref.defined_in == "sbfixture.shapes"


def test_constants_hostile_defaults_and_huge_docstrings(library: LibraryDescriptor) -> None:
    top = _module(library, "sbfixture")
    constants = {c.name: c for c in top.constants}
    assert constants["VERSION_TUPLE"].repr == "(1, 2, 'beta')" and constants["VERSION_TUPLE"].type.name == "tuple"
    assert constants["SCALE"].type.name == "float" and constants["NAME"].repr == "'sbfixture'"
    assert "EXPLOSIVE" not in constants and "_Explosive" not in {c.name for c in top.classes}
    default = _function(library, "sbfixture", "explosive_default").signatures[0].parameters[0]
    assert default.has_default and default.default_repr.startswith("<unrepresentable _Explosive")
    assert len(_function(library, "sbfixture", "long_doc").doc) <= 20_000


def test_include_private_walks_private_submodules() -> None:
    sys.path.insert(0, FIXTURES)
    try:
        lib = describe_library("sbfixture", depth=1, include_private=True)
    finally:
        sys.path.remove(FIXTURES)
    assert "sbfixture._hidden" in [m.name for m in lib.modules]
    assert "_Explosive" in {c.name for c in lib.modules[0].classes}


def test_depth_zero_describes_only_the_top_module(library: LibraryDescriptor) -> None:
    sys.path.insert(0, FIXTURES)
    try:
        lib = describe_library("sbfixture", depth=0)
    finally:
        sys.path.remove(FIXTURES)
    assert [m.name for m in lib.modules] == ["sbfixture"]
    # Shape is defined in an unwalked module, so the top module now holds its full description.
    assert _class(lib, "sbfixture", "Shape").init is not None


def test_missing_top_module_raises_import_error() -> None:
    with pytest.raises(ImportError):
        describe_library("sbfixture_does_not_exist")


def test_coverage_counts_full_descriptions_only(library: LibraryDescriptor) -> None:
    coverage = signature_coverage(library)
    assert coverage["by_source"]["overload"] == 2  # parse and Shape.scale
    assert coverage["recovered"] == coverage["total"], coverage
