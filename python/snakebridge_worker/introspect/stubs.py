"""The stubs tier: read parameter and return types from ``.pyi`` stubs before anything else.

Stubs are found through ``typeshed_client`` in the order the typing spec gives: typeshed (the
standard library; third-party ``types-*`` packages install as ``<name>-stubs``), ``<name>-stubs``
packages, then ``.pyi`` files beside the modules. Stubs are parsed, never imported; names are
resolved through the stub's own assignments and imports, so ``_typeshed.StrPath`` becomes
``str | os.PathLike[str]`` and ``_T = TypeVar("_T")`` becomes a ``TypeVar`` TypeExpr.
"""

from __future__ import annotations

import ast
import dataclasses
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .annotations import dotted_name, flatten_union
from .guards import safe_getattr
from .model import TypeExpr

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
# Modules whose names are only ever read through _CANONICAL (their stubs define them abstractly).
_TYPING_MODULES = {"typing", "typing_extensions", "builtins", "collections.abc", "_collections_abc",
                   "types", "abc", "collections"}
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


@dataclass
class StubClass:
    """A class in a stub: its methods (overloads collected) and, for TypedDicts, its fields."""

    name: str
    methods: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = field(default_factory=dict)
    bases: list[ast.expr] = field(default_factory=list)
    fields: dict[str, ast.expr] = field(default_factory=dict)
    total: bool = True


@dataclass
class StubModule:
    """The top-level names of one stub file, with ``sys.version_info``/``sys.platform`` branches decided."""

    name: str
    path: Path
    functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = field(default_factory=dict)
    classes: dict[str, StubClass] = field(default_factory=dict)
    aliases: dict[str, ast.expr] = field(default_factory=dict)
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    star_imports: list[str] = field(default_factory=list)


def _search_context() -> Any:
    """The stub search context for the current ``sys.path`` (rebuilt when sys.path changes)."""
    return _search_context_for(tuple(sys.path))


@lru_cache(maxsize=4)
def _search_context_for(path: tuple[str, ...]) -> Any:
    try:
        import typeshed_client  # optional: without it there is no stubs tier
    except ImportError:
        return None
    # search_path given explicitly: otherwise typeshed_client starts a subprocess to read sys.path.
    return typeshed_client.get_search_context(search_path=[Path(p) for p in path if p],
                                              version=sys.version_info[:2])


@lru_cache(maxsize=512)
def load_stub(module_name: str) -> StubModule | None:
    """Find and parse the stub of ``module_name``; None when it has none (or it cannot be parsed)."""
    context = _search_context()
    if context is None or not module_name:
        return None
    import typeshed_client

    try:
        path = typeshed_client.get_stub_file(module_name, search_context=context)
        if path is None or path.suffix != ".pyi":
            return None
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return None
    stub = StubModule(module_name, path)
    package = module_name if path.name == "__init__.pyi" else module_name.rpartition(".")[0]
    _collect(stub, tree.body, package)
    return stub


def _condition(test: ast.expr) -> bool | None:
    """Decide ``sys.version_info >= (3, 10)`` and ``sys.platform == "linux"`` tests; None when unknown."""
    if isinstance(test, ast.BoolOp):
        values = [_condition(v) for v in test.values]
        if None in values:
            return None
        return all(values) if isinstance(test.op, ast.And) else any(values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _condition(test.operand)
        return None if inner is None else not inner
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left = ast.unparse(test.left)
    try:
        right = ast.literal_eval(test.comparators[0])
    except ValueError:
        return None
    if left in ("sys.version_info", "sys.version_info[:2]"):
        value: Any = sys.version_info[: len(right)] if isinstance(right, tuple) else None
    elif left == "sys.platform":
        value = sys.platform
    else:
        return None
    if value is None:
        return None
    op = test.ops[0]
    comparisons = {ast.GtE: value >= right, ast.Gt: value > right, ast.Lt: value < right, ast.LtE: value <= right,
                   ast.Eq: value == right, ast.NotEq: value != right}
    return comparisons.get(type(op))


def _collect(stub: StubModule, body: list[ast.stmt], package: str) -> None:
    for node in body:
        if isinstance(node, ast.If):
            decided = _condition(node.test)
            if decided is None:
                _collect(stub, node.body, package)  # undecidable: the first branch is the common case
            else:
                _collect(stub, node.body if decided else node.orelse, package)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stub.functions.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.ClassDef):
            stub.classes[node.name] = _class(node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            if ast.unparse(node.annotation).endswith("TypeAlias"):
                stub.aliases[node.target.id] = node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            stub.aliases[node.targets[0].id] = node.value
        elif isinstance(node, ast.TypeAlias) if sys.version_info >= (3, 12) else False:
            stub.aliases[node.name.id] = node.value  # type: ignore[attr-defined]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node.module or "", node.level, package)
            for alias in node.names:
                if alias.name == "*":
                    stub.star_imports.append(source)
                else:
                    stub.imports[alias.asname or alias.name] = (source, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                stub.imports[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0],
                    "",
                )


def _absolute(module: str, level: int, package: str) -> str:
    if level == 0:
        return module
    parts = package.split(".") if package else []
    base = parts[: len(parts) - (level - 1)] if level > 1 else parts
    return ".".join([*base, module] if module else base)


def _class(node: ast.ClassDef) -> StubClass:
    cls = StubClass(node.name, bases=list(node.bases))
    cls.total = not any(k.arg == "total" and isinstance(k.value, ast.Constant) and k.value.value is False
                        for k in node.keywords)
    pending: list[ast.stmt] = list(node.body)
    while pending:
        item = pending.pop(0)
        if isinstance(item, ast.If):
            decided = _condition(item.test)
            pending[0:0] = item.body if decided in (None, True) else item.orelse
        elif isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            cls.methods.setdefault(item.name, []).append(item)
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            cls.fields[item.target.id] = item.annotation
    return cls


@dataclass
class StubFunction:
    """A function found in a stub, with the stub module its annotations are resolved in."""

    module: StubModule
    defs: list[ast.FunctionDef | ast.AsyncFunctionDef]
    is_method: bool


def find_function(module_name: str, qualname: str, depth: int = 0) -> StubFunction | None:
    """The stub definitions of ``module_name.qualname`` (``Class.method`` too), following re-exports."""
    stub = load_stub(module_name)
    if stub is None or depth > 4 or "<" in qualname:
        return None
    head, _, rest = qualname.partition(".")
    if not rest:
        if head in stub.functions:
            return StubFunction(stub, stub.functions[head], False)
    elif head in stub.classes:
        method, _, deeper = rest.partition(".")
        return None if deeper else _find_method(stub, stub.classes[head], method, depth)
    if head in stub.imports:
        source, name = stub.imports[head]
        if name and source not in _TYPING_MODULES:
            return find_function(source, ".".join(filter(None, [name, rest])), depth + 1)
    for source in stub.star_imports:
        found = find_function(source, qualname, depth + 1)
        if found is not None:
            return found
    return None


def _find_method(stub: StubModule, cls: StubClass, method: str, depth: int) -> StubFunction | None:
    """A method of a stub class, else of its bases (stubs declare inherited methods once, on the base)."""
    if method in cls.methods:
        return StubFunction(stub, cls.methods[method], True)
    if depth > 8:
        return None
    for base in cls.bases:
        node = base.value if isinstance(base, ast.Subscript) else base
        name = dotted_name(node)
        if name is None:
            continue
        if name in stub.classes:
            found = _find_method(stub, stub.classes[name], method, depth + 1)
        elif name in stub.imports and stub.imports[name][1] and stub.imports[name][0] not in _TYPING_MODULES:
            source, original = stub.imports[name]
            located = find_class(source, original, depth + 1)
            found = _find_method(located[0], located[1], method, depth + 1) if located else None
        else:
            found = None
        if found is not None:
            return found
    return None


def find_class(module_name: str, name: str, depth: int = 0) -> tuple[StubModule, StubClass] | None:
    """The stub class ``module_name.name``, following re-exports."""
    stub = load_stub(module_name)
    if stub is None or depth > 4:
        return None
    if name in stub.classes:
        return stub, stub.classes[name]
    if name in stub.imports:
        source, original = stub.imports[name]
        if original and source not in _TYPING_MODULES:
            return find_class(source, original, depth + 1)
    for source in stub.star_imports:
        found = find_class(source, name, depth + 1)
        if found is not None:
            return found
    return None


def stub_for_callable(obj: Any) -> StubFunction | None:
    """Locate ``obj``'s stub through its defining module and qualified name."""
    target = safe_getattr(obj, "__func__", obj)
    qualname = safe_getattr(target, "__qualname__")
    module = safe_getattr(target, "__module__")
    if not isinstance(module, str):
        owner = safe_getattr(target, "__objclass__")
        module = safe_getattr(owner, "__module__")
    if not isinstance(qualname, str) or not isinstance(module, str):
        return None
    return find_function(module, qualname)


def stub_for_constructor(cls: type) -> StubFunction | None:
    """The stub ``__init__`` (else ``__new__``) of a class, searched along the MRO."""
    for klass in safe_getattr(cls, "__mro__", (cls,)):
        if klass is object:
            break
        module, qualname = safe_getattr(klass, "__module__"), safe_getattr(klass, "__qualname__")
        if not isinstance(module, str) or not isinstance(qualname, str):
            continue
        for method in ("__init__", "__new__"):
            found = find_function(module, f"{qualname}.{method}")
            if found is not None:
                return found
    return None


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
                try:
                    return self.convert(ast.parse(node.value, mode="eval").body, depth + 1)
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
    typing_module = module_name in _TYPING_MODULES or module_name in _TYPESHED_PROTOCOLS
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
        if canonical is not None and module_name in _TYPING_MODULES:
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
        if canonical is not None and stub.name in _TYPING_MODULES:
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


def is_staticmethod(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a stub method is declared ``@staticmethod`` (its first parameter is not self)."""
    return any(dotted_name(d) == "staticmethod" for d in node.decorator_list)
