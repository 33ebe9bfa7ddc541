"""The stubs tier, finding and reading: locate a module's ``.pyi`` stub and collect its top-level names.

Stubs are found through ``typeshed_client`` in the order the typing spec gives: typeshed (the
standard library; third-party ``types-*`` packages install as ``<name>-stubs``), ``<name>-stubs``
packages, then ``.pyi`` files beside the modules. Stubs are parsed, never imported; stub_types.py
turns their annotations into TypeExprs.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .annotations import dotted_name
from .guards import safe_getattr

# Modules whose names are only ever read through stub_types._CANONICAL (their stubs define them abstractly).
TYPING_MODULES = {"typing", "typing_extensions", "builtins", "collections.abc", "_collections_abc",
                   "types", "abc", "collections"}


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
        elif sys.version_info >= (3, 12) and isinstance(node, ast.TypeAlias):
            stub.aliases[node.name.id] = node.value
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
        if name and source not in TYPING_MODULES:
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
        elif name in stub.imports and stub.imports[name][1] and stub.imports[name][0] not in TYPING_MODULES:
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
        if original and source not in TYPING_MODULES:
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


def is_staticmethod(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a stub method is declared ``@staticmethod`` (its first parameter is not self)."""
    return any(dotted_name(d) == "staticmethod" for d in node.decorator_list)
