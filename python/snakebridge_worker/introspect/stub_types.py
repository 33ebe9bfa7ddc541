"""The stubs tier, types: read parameter and return types from ``.pyi`` stubs (found by stub_files.py).

Names are resolved through the stub's own assignments and imports, so ``_typeshed.StrPath`` becomes
``str | os.PathLike[str]`` and ``_T = TypeVar("_T")`` becomes a ``TypeVar`` TypeExpr.
"""

from __future__ import annotations

import ast
import dataclasses

from .annotations import dotted_name, flatten_union
from .model import TypeExpr
from .stub_files import TYPING_MODULES, StubClass, StubModule, load_stub

_MAX_DEPTH = 24
# Names from typing / builtins / collections.abc, by last segment, as TypeExpr names.
_CANONICAL: dict[str, str] = {
    "int": "int", "float": "float", "str": "str", "bool": "bool", "bytes": "bytes", "complex": "complex",
    "None": "None", "NoneType": "None", "list": "list", "List": "list", "MutableSequence": "list",
    "Sequence": "Sequence", "tuple": "tuple", "Tuple": "tuple", "dict": "dict", "Dict": "dict",
    "Mapping": "dict", "MutableMapping": "dict", "OrderedDict": "dict", "DefaultDict": "dict",
    "defaultdict": "dict", "set": "set", "Set": "set", "frozenset": "set", "FrozenSet": "set",
    "AbstractSet": "set", "MutableSet": "set", "KeysView": "set", "Union": "Union", "Optional": "Optional",
    "Literal": "Literal", "Callable": "Callable", "Any": "Any", "Incomplete": "Incomplete",
    "Iterable": "Iterable", "Collection": "Iterable", "Reversible": "Iterable", "Container": "Iterable",
    "ValuesView": "Iterable", "Iterator": "Iterator", "Generator": "Iterator", "AsyncIterator": "Iterator",
    "AsyncGenerator": "Iterator", "Self": "Self", "object": "object", "type": "type", "Type": "type",
    "bytearray": "bytes", "memoryview": "bytes", "Buffer": "bytes", "ReadableBuffer": "bytes",
    "WriteableBuffer": "bytes", "Annotated": "Annotated", "TypeAlias": "Any", "LiteralString": "str",
    "Never": "Never", "NoReturn": "Never", "Unused": "object", "TypeGuard": "bool", "TypeIs": "bool",
    "ndarray": "ndarray", "NDArray": "ndarray", "ArrayLike": "array_like", "Hashable": "Any",
    "SupportsIndex": "int", "SupportsInt": "int", "SupportsFloat": "float", "SupportsAbs": "float",
    "SupportsRound": "float", "SupportsTrunc": "float", "SupportsComplex": "complex",
    "SupportsKeysAndGetItem": "dict", "SupportsItems": "dict", "SupportsGetItem": "dict",
    "SupportsRichComparison": "comparable", "SupportsRichComparisonT": "comparable",
    "SupportsAllComparisons": "comparable", "SupportsDunderLT": "comparable", "SupportsDunderGT": "comparable",
    "SupportsLenAndGetItem": "Sequence", "SizedBuffer": "bytes", "Sized": "Iterable",
}
_TYPESHED_PROTOCOLS = {"_typeshed"}
# TypeExpr names that take their arguments from a subscript (``list[int]``); others are already expanded.
_GENERIC_BASES = {"list", "Sequence", "tuple", "dict", "set", "Iterable", "Iterator", "Callable", "Literal",
                  "Optional", "Annotated", "type", "ndarray", "array_like"}
# numpy's private typing aliases, by name prefix: their expansions are deep protocol unions.
_NUMPY_ALIASES = (
    ("_ArrayLike", "array_like"),
    ("_DualArrayLike", "array_like"),
    ("_ToArray", "array_like"),
    ("_SupportsArray", "array_like"),
    ("_NestedSequence", "list"),
    ("_DTypeLike", "numpy.dtype"),
    ("DTypeLike", "numpy.dtype"),
    ("_ScalarLike", "float"),
    ("_ArrayOrScalar", "array_like"),
    ("_FloatLike", "float"),
    ("_IntLike", "int"),
)


class StubTypes:
    """Converts annotation expressions written in one stub module into TypeExprs."""

    def __init__(self, stub: StubModule) -> None:
        self.stub = stub

    def convert(self, node: ast.expr | None, depth: int = 0) -> TypeExpr:
        """TypeExpr of an annotation node; ``unknown`` beyond the depth limit or for unreadable forms."""
        if node is None:
            return TypeExpr(name="unknown")
        # Only the outermost annotation keeps its source text: unparsing every nested node is quadratic,
        # and nested names and arguments already say what they are.
        text = ast.unparse(node) if depth == 0 else ""
        if depth > _MAX_DEPTH:
            return TypeExpr(name="unknown", text=text)
        expr = self._convert(node, depth, text)
        # A private alias (_SupportsFloatOrIndex) reads better as what it stands for.
        if depth == 0 and not (text.startswith("_") and expr.text):
            expr = dataclasses.replace(expr, text=text)
        return expr

    def _convert(self, node: ast.expr, depth: int, text: str) -> TypeExpr:
        if isinstance(node, ast.Constant):
            if node.value is None:
                return TypeExpr(name="None", text="None")
            if node.value is Ellipsis:
                return TypeExpr(name="...", text="...")
            if isinstance(node.value, str):  # a forward reference: "Money"
                reference: str = node.value
                try:
                    return self.convert(ast.parse(reference, mode="eval").body, depth + 1)
                except SyntaxError:
                    return TypeExpr(name="unknown", text=node.value)
            return TypeExpr(name="unknown", text=text or ast.unparse(node))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return union_of([self.convert(n, depth + 1) for n in flatten_union(node)], text)
        if isinstance(node, (ast.List, ast.Tuple)):
            return TypeExpr(name="tuple", args=tuple(self.convert(n, depth + 1) for n in node.elts), text=text)
        if isinstance(node, ast.Subscript):
            return self._subscript(node, depth, text)
        dotted = dotted_name(node)
        if dotted is None:
            return TypeExpr(name="unknown", text=text or ast.unparse(node))
        return self.resolve_name(dotted, depth, text)

    def resolve_name(self, dotted: str, depth: int, text: str) -> TypeExpr:
        """Follow a (dotted) name through this stub's aliases, classes and imports."""
        stub = self.stub
        head, _, rest = dotted.partition(".")
        if head in stub.imports:
            source, name = stub.imports[head]
            full_module, full_name = (source, ".".join(filter(None, [name, rest]))) if name else (
                ".".join(filter(None, [source, rest.rpartition(".")[0]])), rest.rpartition(".")[2])
            return _resolve_in(full_module, full_name, depth + 1, text)
        if not rest:
            return _resolve_in(stub.name, head, depth + 1, text, stub)
        return _resolve_in(".".join([head, *rest.split(".")[:-1]]), rest.split(".")[-1], depth + 1, text)

    def _subscript(self, node: ast.Subscript, depth: int, text: str) -> TypeExpr:
        base = self.convert(node.value, depth + 1)
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        name = base.name
        if name in ("Union", "TypeVar", "TypedDict", "comparable") or (name not in _GENERIC_BASES and base.args):
            # A generic alias subscripted (``_ArrayLike[_ScalarT]``): its expansion is what is known.
            return base
        if name == "Literal":
            literals: list[str] = []
            for item in items:
                inner = self.convert(item, depth + 1) if not isinstance(item, ast.Constant) else None
                literals.extend(
                    inner.literals if inner is not None and inner.name == "Literal" else [ast.unparse(item)]
                )
            return TypeExpr(name="Literal", literals=tuple(literals), text=text)
        if name == "Annotated":
            return self.convert(items[0], depth + 1)
        if name == "Optional":
            return TypeExpr(name="Union", args=(self.convert(items[0], depth + 1), TypeExpr(name="None", text="None")),
                            text=text)
        if name == "Callable" and len(items) == 2:
            params = items[0]
            params_expr = (TypeExpr(name="tuple", args=tuple(self.convert(p, depth + 1) for p in params.elts))
                           if isinstance(params, ast.List) else TypeExpr(name="...", text="..."))
            return TypeExpr(name="Callable", args=(params_expr, self.convert(items[1], depth + 1)), text=text)
        if name in ("ndarray", "array_like"):
            return TypeExpr(name=name, text=text)
        args = [self.convert(i, depth + 1) for i in items]
        return union_of(args, text) if name == "Union" else TypeExpr(name=name, args=tuple(args), text=text)

_DISPLAY_NAMES = {"array_like": "ArrayLike", "ndarray": "NDArray", "comparable": "SupportsRichComparison",
                  "numpy.dtype": "DTypeLike", "unknown": "?"}


def type_text(expr: TypeExpr, depth: int = 0) -> str:
    """A readable annotation for a TypeExpr built from stubs (their source text may name private aliases)."""
    if depth > 6:
        return "..."
    if expr.name == "Union":
        return " | ".join(dict.fromkeys(type_text(a, depth + 1) for a in expr.args))
    if expr.name == "Literal":
        return f"Literal[{', '.join(expr.literals)}]"
    if expr.name in ("TypeVar", "TypedDict"):
        return expr.text or expr.name
    name = _DISPLAY_NAMES.get(expr.name, expr.name.rsplit(".", 1)[-1])
    if expr.name == "tuple" and not expr.args:
        return "tuple[()]" if expr.text.endswith("[()]") else "tuple"
    if expr.args and expr.name not in ("ndarray", "array_like"):
        return f"{name}[{', '.join(type_text(a, depth + 1) for a in expr.args)}]"
    return name


def union_of(members: list[TypeExpr], text: str) -> TypeExpr:
    """A Union with nested unions flattened and repeats dropped; a single member stands alone."""
    flat: list[TypeExpr] = []
    seen: set[TypeExpr] = set()
    for member in members:
        for part in (member.args if member.name == "Union" else [member]):
            key = dataclasses.replace(part, text="")  # the same type, however it was written
            if key not in seen:
                seen.add(key)
                flat.append(part)
    if len(flat) == 1:
        return flat[0]
    return TypeExpr(name="Union", args=tuple(flat), text=text)


# Resolved names by (module, name, text): numpy's stubs resolve the same aliases thousands of times. Stubs
# do not change during a worker's life (load_stub is cached the same way); TypeExprs are immutable, so callers
# share them.
_RESOLVED: dict[tuple[str, str, str], TypeExpr] = {}


def _resolve_in(module_name: str, name: str, depth: int, text: str, stub: StubModule | None = None) -> TypeExpr:
    """Resolve ``name`` defined (or re-exported) by ``module_name``'s stub (memoized)."""
    key = (module_name, name, text)
    cached = _RESOLVED.get(key)
    if cached is None:
        cached = _RESOLVED[key] = _resolve_uncached(module_name, name, depth, text, stub)
    return cached


def _resolve_uncached(module_name: str, name: str, depth: int, text: str, stub: StubModule | None) -> TypeExpr:
    canonical = _CANONICAL.get(name)
    typing_module = module_name in TYPING_MODULES or module_name in _TYPESHED_PROTOCOLS
    if canonical is not None and (typing_module or module_name.startswith("_typeshed")):
        return TypeExpr(name=canonical, text=text)
    if depth > _MAX_DEPTH:
        return TypeExpr(name="unknown", text=text)
    if module_name.startswith("numpy"):
        if name in ("NDArray", "ndarray", "ArrayLike"):
            return TypeExpr(name=_CANONICAL[name], text=text)
        for prefix, expr_name in _NUMPY_ALIASES:
            if name.startswith(prefix):
                return TypeExpr(name=expr_name, text=_DISPLAY_NAMES.get(expr_name, expr_name))
    stub = stub or load_stub(module_name)
    if stub is None:
        if canonical is not None and module_name in TYPING_MODULES:
            return TypeExpr(name=canonical, text=text)
        return TypeExpr(name=f"{module_name}.{name}" if module_name else name, text=text)
    if name in stub.aliases:
        value = stub.aliases[name]
        typevar = _typevar(value, stub, depth)
        if typevar is not None:
            return dataclasses.replace(typevar, text=name)
        expr = StubTypes(stub).convert(value, depth + 1)
        if name.startswith("_") and depth < 4:
            expr = dataclasses.replace(expr, text=ast.unparse(value))
        return expr
    if name in stub.classes:
        cls = stub.classes[name]
        if canonical is not None and stub.name in TYPING_MODULES:
            return TypeExpr(name=canonical, text=text)
        if _is_typeddict(cls):
            return _typeddict(stub, cls, depth, text)
        return TypeExpr(name=f"{stub.name}.{name}", text=text)
    if name in stub.imports:
        source, original = stub.imports[name]
        return _resolve_in(source, original or name, depth + 1, text)
    for source in stub.star_imports:
        if load_stub(source) is not None and _defines(source, name):
            return _resolve_in(source, name, depth + 1, text)
    if canonical is not None:
        return TypeExpr(name=canonical, text=text)
    return TypeExpr(name=f"{module_name}.{name}", text=text)


def _defines(module_name: str, name: str) -> bool:
    stub = load_stub(module_name)
    return stub is not None and (name in stub.aliases or name in stub.classes or name in stub.imports)


def _typevar(value: ast.expr, stub: StubModule, depth: int) -> TypeExpr | None:
    if not (isinstance(value, ast.Call) and (dotted_name(value.func) or "").rsplit(".", 1)[-1] == "TypeVar"):
        return None
    converter = StubTypes(stub)
    bound = next((k.value for k in value.keywords if k.arg == "bound"), None)
    constraints = value.args[1:]
    if bound is not None:
        return TypeExpr(name="TypeVar", args=(converter.convert(bound, depth + 1),))
    if constraints:
        union = TypeExpr(name="Union", args=tuple(converter.convert(c, depth + 1) for c in constraints))
        return TypeExpr(name="TypeVar", args=(union,))
    return TypeExpr(name="TypeVar")


def _is_typeddict(cls: StubClass) -> bool:
    return any((dotted_name(b) or "").rsplit(".", 1)[-1] == "TypedDict" for b in cls.bases)


def _typeddict(stub: StubModule, cls: StubClass, depth: int, text: str) -> TypeExpr:
    """TypedDict as name="TypedDict", literals = field names (``?`` marks optional), args = field types."""
    converter = StubTypes(stub)
    names: list[str] = []
    types: list[TypeExpr] = []
    for field_name, annotation in cls.fields.items():
        wrapper = (dotted_name(annotation.value) or "") if isinstance(annotation, ast.Subscript) else ""
        optional = (not cls.total and not wrapper.endswith("Required")) or wrapper.endswith("NotRequired")
        inner = (
            annotation.slice if wrapper.endswith("Required") and isinstance(annotation, ast.Subscript) else annotation
        )
        names.append(field_name + ("?" if optional else ""))
        types.append(converter.convert(inner, depth + 1))
    return TypeExpr(name="TypedDict", literals=tuple(names), args=tuple(types), text=text)
