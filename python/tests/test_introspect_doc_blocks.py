"""Docstrings are parsed into DocBlocks once, in the worker: sections, items, code, RST directives."""

import dataclasses
import inspect
from typing import Any

from snakebridge_worker.introspect import describe_library
from snakebridge_worker.introspect.doc_blocks import doc_blocks


def _without_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_empty(v) for k, v in value.items() if v not in ("", [], None)}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value


def _plain(doc: str) -> list[dict[str, Any]]:
    """The blocks as dicts without their empty fields, the way they read on the wire."""
    return [_without_empty(dataclasses.asdict(b)) for b in doc_blocks(inspect.cleandoc(doc))]


def test_numpydoc_sections_become_items_and_examples_code() -> None:
    blocks = _plain("""Return evenly spaced numbers over a specified interval.

    Parameters
    ----------
    start : array_like
        The starting value of the sequence.
    num : int, optional
        Number of samples to generate.
        Must be non-negative.

    Returns
    -------
    samples : ndarray
        There are `num` samples.

    Examples
    --------
    >>> np.linspace(2.0, 3.0, num=5)
    array([2.  , 2.25, 2.5 , 2.75, 3.  ])
    """)
    assert blocks[0] == {"kind": "text", "text": "Return evenly spaced numbers over a specified interval."}
    assert blocks[1] == {
        "kind": "items",
        "title": "Parameters",
        "items": [
            {"name": "start", "type": "array_like", "description": "The starting value of the sequence."},
            {
                "name": "num",
                "type": "int, optional",
                "description": "Number of samples to generate. Must be non-negative.",
            },
        ],
    }
    assert blocks[2]["title"] == "Returns" and blocks[2]["items"][0]["name"] == "samples"
    assert blocks[3] == {"kind": "section", "title": "Examples", "blocks": [
        {"kind": "code", "text": ">>> np.linspace(2.0, 3.0, num=5)\narray([2.  , 2.25, 2.5 , 2.75, 3.  ])"}]}


def test_google_args_with_types_in_parentheses() -> None:
    blocks = _plain(
        "Add two numbers.\n\nArgs:\n    a (int): first.\n    b: second,\n        continued.\n\n"
        "Returns:\n    int: the sum."
    )
    assert blocks[1] == {"kind": "items", "title": "Args", "items": [
        {"name": "a", "type": "int", "description": "first."},
        {"name": "b", "description": "second, continued."}]}
    assert blocks[2]["title"] == "Returns"


def test_rst_underlines_directives_and_see_also() -> None:
    blocks = _plain("""Compute things.

    Notes
    =====
    The formula is

    .. math:: y = x^2

    .. versionadded:: 1.4
        The ``axis`` keyword.

    .. note:: Slow for large inputs.

    See Also
    --------
    numpy.cumsum : Cumulative sum.
    numpy.prod
    """)
    notes = blocks[1]
    assert notes["kind"] == "section" and notes["title"] == "Notes"
    assert notes["blocks"][0] == {"kind": "text", "text": "The formula is"}
    assert notes["blocks"][1] == {"kind": "code", "title": "math", "text": "y = x^2"}
    assert notes["blocks"][2] == {"kind": "text", "text": "New in version 1.4: The ``axis`` keyword."}
    assert notes["blocks"][3] == {
        "kind": "section",
        "title": "Note",
        "blocks": [{"kind": "text", "text": "Slow for large inputs."}],
    }
    assert blocks[2] == {"kind": "items", "title": "See Also", "items": [
        {"name": "numpy.cumsum", "description": "Cumulative sum."}, {"name": "numpy.prod"}]}


def test_plain_text_stays_paragraphs_and_markup_is_not_interpreted() -> None:
    assert _plain("First <b>line</b>\ncontinues.\n\nSecond paragraph.") == [
        {"kind": "text", "text": "First <b>line</b> continues."}, {"kind": "text", "text": "Second paragraph."}]
    assert doc_blocks("") == []


def test_descriptors_carry_the_blocks() -> None:
    lib = describe_library("json", depth=0)
    dumps = next(f for f in lib.modules[0].functions if f.name == "dumps")
    assert dumps.doc_blocks and dumps.doc_blocks[0].kind == "text"
    assert lib.modules[0].doc_blocks, "module docstrings too"
