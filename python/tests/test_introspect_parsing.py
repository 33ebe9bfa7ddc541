"""Unit behaviour of annotation normalisation, docstring sections and signature-text parsing."""

import typing
from typing import Any, Callable, Literal, Optional, Union

import pytest

from snakebridge_worker.introspect.annotations import type_from_annotation, type_from_annotation_text, type_from_doc
from snakebridge_worker.introspect.docstrings import GOOGLE, NUMPYDOC, find_signature_line, parse_docstring
from snakebridge_worker.introspect.model import TypeExpr
from snakebridge_worker.introspect.signature_text import parse_signature_text, signature_text


def _tree(expr: TypeExpr) -> str:
    inner = ", ".join(_tree(a) for a in expr.args) or ", ".join(expr.literals)
    return f"{expr.name}[{inner}]" if inner else expr.name


@pytest.mark.parametrize("annotation, expected", [
    (list[int], "list[int]"),
    (typing.List[int], "list[int]"),
    (Optional[str], "Union[str, None]"),
    (int | None, "Union[int, None]"),
    (Union[int, str], "Union[int, str]"),
    (Literal["a", "b"], "Literal['a', 'b']"),
    (dict[str, float], "dict[str, float]"),
    (tuple[int, ...], "tuple[int, ...]"),
    (Callable[[int], str], "Callable[tuple[int], str]"),
    (Callable[..., Any], "Callable[..., Any]"),
    (None, "None"),
    (typing.Sequence[bytes], "list[bytes]"),
    ("list[int] | None", "Union[list[int], None]"),
    ("Optional[np.ndarray]", "Union[ndarray, None]"),
    ("Literal['x']", "Literal['x']"),
    ("pathlib.Path", "pathlib.Path"),
])
def test_annotation_trees(annotation: object, expected: str) -> None:
    assert _tree(type_from_annotation(annotation)) == expected


def test_annotation_keeps_text_and_unknowns_keep_theirs() -> None:
    assert type_from_annotation(Optional[str]).text == "Optional[str]"
    broken = type_from_annotation_text("list[int")
    assert broken.name == "unknown" and broken.text == "list[int"


def test_numpy_annotations() -> None:
    import numpy
    import numpy.typing as npt
    assert type_from_annotation(numpy.ndarray).name == "ndarray"
    assert type_from_annotation(npt.NDArray[numpy.float64]).name == "ndarray"
    array_like = type_from_annotation(npt.ArrayLike)
    assert array_like.name == "array_like" and array_like.text == "numpy.typing.ArrayLike"


@pytest.mark.parametrize("phrase, expected", [
    ("int, optional", "int"),
    ("int or None", "Union[int, None]"),
    ("{'a', 'b'}", "Literal['a', 'b']"),
    ("array_like", "array_like"),
    ("array-like of float", "array_like"),
    ("list of str", "list[str]"),
    ("int or sequence of ints", "Union[int, list[int]]"),
    ("bool, default True", "bool"),
    ("numpy.random.Generator", "numpy.random.Generator"),
    ("scalar", "float"),
])
def test_doc_type_phrases(phrase: str, expected: str) -> None:
    expr = type_from_doc(phrase)
    assert _tree(expr) == expected
    assert expr.text == phrase


def test_google_sections() -> None:
    parsed = parse_docstring("Do it.\n\nArgs:\n    x (int): The x.\n        More on x.\n"
                             "    y (str, optional): Why.\n    **kwargs: Extra.\n\nReturns:\n    bool: True if ok.\n")
    assert parsed.style == GOOGLE
    assert [(p.name, p.type_text, p.optional) for p in parsed.params] == [
        ("x", "int", False), ("y", "str, optional", True), ("**kwargs", "", False)]
    x, kwargs = parsed.param("x"), parsed.param("kwargs")
    assert x is not None and kwargs is not None
    assert x.doc == "The x.\nMore on x." and kwargs.doc == "Extra."
    assert (parsed.returns_type, parsed.returns_doc) == ("bool", "True if ok.")


def test_numpydoc_sections_with_shared_entry_and_tuple_return() -> None:
    parsed = parse_docstring("Sum.\n\nParameters\n----------\nx1, x2 : array_like\n    Inputs.\n"
                             "axis : int, optional\n    Axis.\n\nReturns\n-------\nout : ndarray\n    Result.\n"
                             "step : float, optional\n    Step.\n\nNotes\n-----\nNothing.\n")
    assert parsed.style == NUMPYDOC
    assert [(p.name, p.type_text, p.optional) for p in parsed.params] == [
        ("x1", "array_like", False), ("x2", "array_like", False), ("axis", "int, optional", True)]
    assert parsed.returns_type == "tuple[ndarray, float]"
    assert "out : ndarray: Result." in parsed.returns_doc


def test_signature_line_spans_lines_and_keeps_return() -> None:
    doc = "frob(a, b=1,\n     *, c=None) -> int\n\nFrob things."
    assert find_signature_line(doc, "frob") == "(a, b=1, *, c=None) -> int"
    assert find_signature_line("Return frob(a).", "frob") == ""
    assert find_signature_line("x.frob(a)\n\nDoc.", "frob") == "(a)"


def test_signature_text_roundtrip_and_rejects_prose() -> None:
    parsed = parse_signature_text("(a, /, b: int = 2, *args, c, **kw) -> str")
    assert parsed is not None
    params, returns = parsed
    assert signature_text(params, returns) == "(a, /, b: int = 2, *args, c, **kw) -> str"
    assert parse_signature_text("(the first thing, maybe)") is None
    optional = parse_signature_text("(k[, d])")
    assert optional is not None
    params, _ = optional
    assert [(p.name, p.default) for p in params] == [("k", None), ("d", "")]
