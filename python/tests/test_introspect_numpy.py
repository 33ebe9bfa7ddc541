"""Describing numpy: dispatcher functions, ufuncs recovered from their docstring line, and the walk."""

import inspect

import pytest

from snakebridge_worker.introspect import describe_library, signature_coverage
from snakebridge_worker.introspect.annotations import type_from_doc
from snakebridge_worker.introspect.docstrings import parse_docstring
from snakebridge_worker.introspect.model import (
    CallableKind,
    FunctionDescriptor,
    LibraryDescriptor,
    ParameterKind,
    SignatureSource,
)
from snakebridge_worker.introspect.signatures import describe_signatures

numpy = pytest.importorskip("numpy")


@pytest.fixture(scope="module")
def numpy_top() -> LibraryDescriptor:
    return describe_library("numpy", depth=0)


def _function(lib: LibraryDescriptor, name: str) -> FunctionDescriptor:
    return next(f for f in lib.modules[0].functions if f.name == name)


def test_linspace_parameters_defaults_and_numpydoc_types(numpy_top: LibraryDescriptor) -> None:
    linspace = _function(numpy_top, "linspace")
    assert linspace.path == "numpy.linspace"
    params = {p.name: p for p in linspace.signatures[0].parameters}
    assert list(params)[:3] == ["start", "stop", "num"]
    assert params["num"].has_default and params["num"].default_repr == "50"
    assert params["num"].type.name == "int", "numpydoc 'int, optional' fills the missing annotation"
    assert params["start"].type.name == "array_like"
    assert params["device"].kind == ParameterKind.KEYWORD_ONLY
    assert "num" in linspace.signatures[0].text and linspace.signatures[0].returns_doc
    assert numpy_top.version == numpy.__version__


def test_add_is_a_ufunc_with_positional_only_inputs(numpy_top: LibraryDescriptor) -> None:
    add = _function(numpy_top, "add")
    assert add.kind == CallableKind.UFUNC
    signature = add.signatures[0]
    assert signature.source in (
        SignatureSource.INSPECT,
        SignatureSource.DOCSTRING_SIGNATURE,
    )
    params = {p.name: p for p in signature.parameters}
    assert params["x1"].kind == ParameterKind.POSITIONAL_ONLY
    assert params["x2"].type.name == "array_like" and params["x2"].doc.startswith("The arrays to be added.")
    assert params["where"].kind == ParameterKind.KEYWORD_ONLY


def test_ufunc_signature_recovered_from_docstring_line_when_inspect_has_none() -> None:
    # Older numpy ufuncs have no inspect signature; a stand-in without one takes the docstring path.
    class UfuncLike:
        __name__ = "add"
        __doc__ = numpy.add.__doc__

        def __call__(self, *args: object, **kwargs: object) -> None:
            raise NotImplementedError

        @property
        def __signature__(self) -> None:
            raise ValueError("no signature, like a ufunc on numpy < 2")

    stand_in = UfuncLike()
    doc = inspect.cleandoc(numpy.add.__doc__)
    signature = describe_signatures(stand_in, "add", doc, parse_docstring(doc))[0]
    assert signature.source == SignatureSource.DOCSTRING_SIGNATURE
    kinds = [(p.name, p.kind, p.has_default) for p in signature.parameters]
    assert kinds[:3] == [("x1", ParameterKind.POSITIONAL_ONLY, False),
                         ("x2", ParameterKind.POSITIONAL_ONLY, False),
                         ("out", ParameterKind.POSITIONAL_OR_KEYWORD, True)]
    assert kinds[-1] == ("signature", ParameterKind.KEYWORD_ONLY, True), "[, signature] is optional"
    assert signature.text.startswith("(x1, x2, /, out=None, *, where=True")
    assert signature.returns.name == "Union" and signature.returns_doc.startswith("The sum of")


def test_alias_is_listed_as_reference_to_its_full_description(numpy_top: LibraryDescriptor) -> None:
    absolute = _function(numpy_top, "absolute")
    alias = _function(numpy_top, "abs")
    assert absolute.signatures and not alias.signatures
    assert alias.path == "numpy.absolute"


def test_depth_one_walks_public_submodules_with_high_coverage() -> None:
    lib = describe_library("numpy", depth=1)
    names = {m.name for m in lib.modules}
    assert {"numpy.fft", "numpy.linalg", "numpy.random"} <= names
    assert not any(".tests" in n or "._" in n or n.endswith("conftest") for n in names)
    fft = next(f for m in lib.modules if m.name == "numpy.fft" for f in m.functions if f.name == "fft")
    assert fft.signatures and fft.path == "numpy.fft.fft"
    coverage = signature_coverage(lib)
    assert coverage["total"] > 1000 and coverage["share"] > 0.95, coverage


def test_numpydoc_results_returned_only_on_a_flag_make_a_union() -> None:
    # numpy's stubs now win over its docstring: test the docstring reading itself.
    returns = type_from_doc(parse_docstring(inspect.cleandoc(numpy.linspace.__doc__ or "")).returns_type)
    assert returns.name == "Union"
    assert [a.name for a in returns.args] == ["ndarray", "tuple"]
