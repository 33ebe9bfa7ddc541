"""Normalise Python annotations and docstring type strings into ``TypeExpr`` trees.

Callable is encoded as ``Callable[params, returns]`` where ``params`` is a ``tuple`` TypeExpr of the
parameter types, or ``...`` when the parameters are unspecified.
"""

from __future__ import annotations

import ast
import collections.abc
import dataclasses
import inspect
import re
import sys
import types
import typing
from typing import Any

from .guards import qualified_name, safe_getattr, safe_repr
from .model import TypeExpr

_RUNTIME_NAMES: dict[Any, str] = {
    int: "int", float: "float", str: "str", bool: "bool", bytes: "bytes",
    list: "list", tuple: "tuple", dict: "dict", set: "set", frozenset: "set",
    type(None): "None", typing.Any: "Any",
    collections.abc.Sequence: "list", collections.abc.MutableSequence: "list",
    collections.abc.Mapping: "dict", collections.abc.MutableMapping: "dict",
    collections.abc.Set: "set", collections.abc.MutableSet: "set",
    collections.abc.Callable: "Callable",
}

# Names as they appear in source annotations, keyed by their last dotted segment.
_SOURCE_NAMES: dict[str, str] = {
    "int": "int", "float": "float", "str": "str", "bool": "bool", "bytes": "bytes", "None": "None",
    "NoneType": "None", "list": "list", "List": "list", "Sequence": "list", "MutableSequence": "list",
    "tuple": "tuple", "Tuple": "tuple", "dict": "dict", "Dict": "dict", "Mapping": "dict",
    "MutableMapping": "dict", "set": "set", "Set": "set", "frozenset": "set", "FrozenSet": "set",
    "AbstractSet": "set", "Union": "Union", "Optional": "Optional", "Literal": "Literal",
    "Callable": "Callable", "Any": "Any", "ndarray": "ndarray", "NDArray": "ndarray",
    "ArrayLike": "array_like", "Annotated": "Annotated",
}

# Words used for types in numpydoc / Google prose, lower-cased.
_DOC_WORDS: dict[str, str] = {
    "int": "int", "integer": "int", "float": "float", "double": "float", "real": "float",
    "str": "str", "string": "str", "bool": "bool", "boolean": "bool", "bytes": "bytes",
    "none": "None", "list": "list", "tuple": "tuple", "dict": "dict", "dictionary": "dict",
    "mapping": "dict", "set": "set", "callable": "Callable", "function": "Callable",
    "any": "Any", "object": "Any", "ndarray": "ndarray", "array": "ndarray",
    "numpy.ndarray": "ndarray", "np.ndarray": "ndarray", "array_like": "array_like",
    "array-like": "array_like", "arraylike": "array_like", "sequence": "list",
    "dtype": "numpy.dtype", "data-type": "numpy.dtype", "data type": "numpy.dtype",
    "scalar": "float", "number": "float", "python scalar": "float", "ndarray scalar": "float",
}
_DOC_CONTAINERS = {"list": "list", "tuple": "tuple", "sequence": "list", "iterable": "list",
                   "set": "set", "array_like": "array_like", "array-like": "array_like",
                   "ndarray": "ndarray", "array": "ndarray"}
_OPTIONAL_TAIL = re.compile(r"(?:,\s*|\s+|^)(?:optional|default(?:s)?\b.*|\(default.*\))\s*$", re.I)
_IDENTIFIER_PATH = re.compile(r"^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*$")


def unknown(text: str) -> TypeExpr:
    """Return the ``unknown`` TypeExpr, keeping the original text for humans."""
    return TypeExpr(name="unknown", text=text)


def _annotation_text(annotation: Any) -> str:
    try:
        return inspect.formatannotation(annotation)
    except Exception:  # noqa: BLE001 - formatannotation calls repr, which may raise
        return safe_repr(annotation)


def _numpy_name(annotation: Any) -> str | None:
    numpy = sys.modules.get("numpy")
    if numpy is None:
        return None
    if annotation is safe_getattr(numpy, "ndarray"):
        return "ndarray"
    numpy_typing = sys.modules.get("numpy.typing")
    if numpy_typing is not None and annotation is safe_getattr(numpy_typing, "ArrayLike"):
        return "array_like"
    return None


def type_from_annotation(annotation: Any) -> TypeExpr:
    """Convert a runtime annotation (class, typing construct or string) into a TypeExpr tree."""
    if isinstance(annotation, str):
        return type_from_annotation_text(annotation)
    if isinstance(annotation, typing.ForwardRef):
        return type_from_annotation_text(annotation.__forward_arg__)
    text = _annotation_text(annotation)
    if annotation is None or annotation is type(None):
        return TypeExpr(name="None", text="None")
    if annotation is Ellipsis:
        return TypeExpr(name="...", text="...")
    numpy_name = _numpy_name(annotation)
    if numpy_name == "array_like":
        # ArrayLike is a Union of a dozen private numpy types; its alias name is what a reader wants.
        return TypeExpr(name="array_like", text="numpy.typing.ArrayLike")
    if numpy_name:
        return TypeExpr(name=numpy_name, text=text)
    try:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
    except Exception:  # noqa: BLE001 - typing's introspection runs arbitrary __getattr__ hooks
        return unknown(text)
    if origin is None:
        return _type_from_plain(annotation, text)
    return _type_from_generic(origin, args, text)


def _type_from_plain(annotation: Any, text: str) -> TypeExpr:
    try:
        name = _RUNTIME_NAMES.get(annotation)
    except Exception:  # noqa: BLE001 - unhashable annotations, or ones whose __eq__ raises
        name = None
    if name:
        return TypeExpr(name=name, text=text)
    if isinstance(annotation, typing.TypeVar):
        bound = annotation.__bound__
        return type_from_annotation(bound) if bound is not None else TypeExpr(name="Any", text=text)
    if isinstance(annotation, type):
        return TypeExpr(name=_numpy_name(annotation) or qualified_name(annotation), text=text)
    return unknown(text)


def _type_from_generic(origin: Any, args: tuple[Any, ...], text: str) -> TypeExpr:
    if origin is typing.Union or origin is types.UnionType:
        return TypeExpr(name="Union", args=tuple(type_from_annotation(a) for a in args), text=text)
    if origin is typing.Literal:
        return TypeExpr(name="Literal", literals=tuple(safe_repr(a) for a in args), text=text)
    if origin is typing.Annotated:
        return type_from_annotation(args[0]) if args else unknown(text)
    numpy_name = _numpy_name(origin)
    if numpy_name:
        # NDArray[...] carries dtype parameters the TypeScript side cannot use; the text keeps them.
        return TypeExpr(name=numpy_name, text=text)
    if origin is collections.abc.Callable:
        return _callable_expr(args, text)
    try:
        name = _RUNTIME_NAMES.get(origin)
    except Exception:  # noqa: BLE001 - origins whose __hash__ or __eq__ raise
        name = None
    if name is None:
        name = qualified_name(origin) if isinstance(origin, type) else "unknown"
    return TypeExpr(name=name, args=tuple(type_from_annotation(a) for a in args), text=text)


def _callable_expr(args: tuple[Any, ...], text: str) -> TypeExpr:
    if len(args) != 2:
        return TypeExpr(name="Callable", text=text)
    params, returns = args
    if params is Ellipsis:
        params_expr = TypeExpr(name="...", text="...")
    else:
        params_expr = TypeExpr(name="tuple", args=tuple(type_from_annotation(p) for p in params))
    return TypeExpr(name="Callable", args=(params_expr, type_from_annotation(returns)), text=text)


def type_from_annotation_text(text: str) -> TypeExpr:
    """Parse an annotation written as Python source (e.g. ``"list[int] | None"``) into a TypeExpr."""
    stripped = text.strip()
    try:
        node = ast.parse(stripped, mode="eval").body
    except (SyntaxError, ValueError):
        return unknown(text)
    return dataclasses.replace(_type_from_ast(node), text=text)


def dotted_name(node: ast.AST) -> str | None:
    """The dotted name an AST node spells (``np.ndarray``), or None when it is not a plain name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted_name(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def flatten_union(node: ast.expr) -> list[ast.expr]:
    """The members of an ``A | B | C`` annotation, in order (a single member for anything else)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return flatten_union(node.left) + flatten_union(node.right)
    return [node]


def _type_from_ast(node: ast.AST) -> TypeExpr:
    text = ast.unparse(node)
    if isinstance(node, ast.Constant):
        if node.value is None:
            return TypeExpr(name="None", text=text)
        if node.value is Ellipsis:
            return TypeExpr(name="...", text="...")
        if isinstance(node.value, str):
            return type_from_annotation_text(node.value)
        return unknown(text)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return TypeExpr(name="Union", args=tuple(_type_from_ast(n) for n in flatten_union(node)), text=text)
    if isinstance(node, (ast.List, ast.Tuple)):
        return TypeExpr(name="tuple", args=tuple(_type_from_ast(n) for n in node.elts), text=text)
    dotted = dotted_name(node)
    if dotted is not None:
        return _named_source_type(dotted, text)
    if isinstance(node, ast.Subscript):
        return _subscript_type(node, text)
    return unknown(text)


def _named_source_type(dotted: str, text: str) -> TypeExpr:
    last = dotted.rsplit(".", 1)[-1]
    canonical = _SOURCE_NAMES.get(last)
    if canonical in ("Optional", "Annotated"):
        return TypeExpr(name="Any", text=text)
    if canonical is not None:
        return TypeExpr(name=canonical, text=text)
    return TypeExpr(name=dotted, text=text)


def _subscript_type(node: ast.Subscript, text: str) -> TypeExpr:
    base = dotted_name(node.value)
    if base is None:
        return unknown(text)
    items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    canonical = _SOURCE_NAMES.get(base.rsplit(".", 1)[-1], base)
    if canonical == "Optional":
        return TypeExpr(name="Union", args=(_type_from_ast(items[0]), TypeExpr(name="None", text="None")),
                        text=text)
    if canonical == "Annotated":
        return _type_from_ast(items[0])
    if canonical == "Literal":
        return TypeExpr(name="Literal", literals=tuple(ast.unparse(i) for i in items), text=text)
    if canonical in ("ndarray", "array_like"):
        return TypeExpr(name=canonical, text=text)
    return TypeExpr(name=canonical, args=tuple(_type_from_ast(i) for i in items), text=text)


def split_top_level(text: str, separator: str) -> list[str]:
    """Split ``text`` at ``separator`` where it is outside brackets and quotes."""
    if not any(char in text for char in "([{'\""):
        return text.split(separator)
    parts: list[str] = []
    depth = 0
    quote = ""
    start = 0
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        elif depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def strip_optional(text: str) -> tuple[str, bool]:
    """Remove a trailing ``optional`` / ``default ...`` marker; say whether one was present."""
    stripped = _OPTIONAL_TAIL.sub("", text.strip()).strip().rstrip(",").strip()
    return stripped, stripped != text.strip()


def type_from_doc(text: str) -> TypeExpr:
    """Convert a numpydoc/Google type phrase (``"int or None"``, ``"{'a', 'b'}"``) into a TypeExpr."""
    phrase, _ = strip_optional(text.replace("`", ""))
    return dataclasses.replace(_doc_phrase_type(phrase.rstrip(". ")), text=text)


def _doc_phrase_type(phrase: str) -> TypeExpr:
    phrase = phrase.strip()
    if not phrase:
        return unknown(phrase)
    if phrase.startswith("{") and phrase.endswith("}"):
        values = [v.strip() for v in split_top_level(phrase[1:-1], ",") if v.strip()]
        if values and not all(
            v[0] in "'\"" or v in ("None", "True", "False") or v.lstrip("-").isdigit() for v in values
        ):
            # "{int, tuple of int, None}": a set of types, not of values
            return _doc_phrase_type(" or ".join(values))
        return TypeExpr(name="Literal", literals=tuple(values), text=phrase)
    alternatives = [p.strip() for part in split_top_level(phrase, " or ") for p in split_top_level(part, ",")]
    alternatives = [a for a in alternatives if a]
    if len(alternatives) > 1:
        members = [_doc_phrase_type(a) for a in alternatives]
        known = [m for m in members if m.name != "unknown"]
        # "array_like, real-valued", "ndarray, None, or tuple of ndarray": qualifiers and prose
        # alternatives say nothing about the type once a type is named.
        if known and len(known) < len(members):
            members = known
        if len(members) == 1:
            return members[0]
        return TypeExpr(name="Union", args=tuple(members), text=phrase)
    return _doc_single_type(alternatives[0] if alternatives else phrase)


def _doc_word(word: str) -> str | None:
    lowered = word.lower()
    if lowered in _DOC_WORDS:
        return _DOC_WORDS[lowered]
    if lowered.endswith("s") and lowered[:-1] in _DOC_WORDS:  # "ints", "floats", "arrays"
        return _DOC_WORDS[lowered[:-1]]
    return None


def _doc_single_type(phrase: str) -> TypeExpr:
    container = re.match(r"^([\w-]+)\s+of\s+(.+)$", phrase)
    if container and container.group(1).lower() in _DOC_CONTAINERS:
        name = _DOC_CONTAINERS[container.group(1).lower()]
        if name in ("ndarray", "array_like"):
            return TypeExpr(name=name, text=phrase)
        item = _doc_phrase_type(container.group(2).replace(" and ", " or "))
        args = [item, TypeExpr(name="...", text="...")] if name == "tuple" else [item]
        return TypeExpr(name=name, args=tuple(args), text=phrase)
    word = _doc_word(phrase)
    if word:
        return TypeExpr(name=word, text=phrase)
    if any(c in phrase for c in "[|"):
        return type_from_annotation_text(phrase)
    if _IDENTIFIER_PATH.match(phrase) and ("." in phrase or phrase[0].isupper()):
        if phrase.startswith("np."):
            phrase = "numpy." + phrase[3:]
        return _named_source_type(phrase, phrase)
    return unknown(phrase)
