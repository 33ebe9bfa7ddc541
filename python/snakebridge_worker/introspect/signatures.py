"""Recover call signatures through a cascade of sources, recording which one answered.

Order: typing overloads, ``inspect.signature`` (+ ``typing.get_type_hints``), ``__text_signature__``
(reported separately, inspect reads it for builtins), a ``name(...)`` line at the top of the
docstring, numpydoc / Google parameter sections, and finally ``(*args, **kwargs)`` with source NONE.
Docstring sections also fill parameter docs, missing types and the return description.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import sys
import typing
from functools import lru_cache
from pathlib import Path
from typing import Any

from .annotations import type_from_annotation, type_from_annotation_text, type_from_doc, unknown
from .docstrings import GOOGLE, ParsedDoc, find_signature_line
from .guards import safe_getattr, safe_repr
from .model import ParameterDescriptor, ParameterKind, SignatureDescriptor, SignatureSource, TypeExpr, TypeSource
from .signature_text import Param, parse_signature_text, signature_text
from .stub_files import StubFunction, is_staticmethod, stub_for_callable
from .stub_types import StubTypes, type_text, union_of

_INSPECT_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: ParameterKind.POSITIONAL_ONLY,
    inspect.Parameter.POSITIONAL_OR_KEYWORD: ParameterKind.POSITIONAL_OR_KEYWORD,
    inspect.Parameter.VAR_POSITIONAL: ParameterKind.VAR_POSITIONAL,
    inspect.Parameter.KEYWORD_ONLY: ParameterKind.KEYWORD_ONLY,
    inspect.Parameter.VAR_KEYWORD: ParameterKind.VAR_KEYWORD,
}


def describe_signatures(
    obj: Any, name: str, doc: str, parsed: ParsedDoc, drop_first: bool = False, stub: StubFunction | None = None
) -> list[SignatureDescriptor]:
    """Return the signatures of ``obj`` (several for overloads); ``drop_first`` removes self/cls.

    A stub (``stub``, else the one found for ``obj``) comes first wherever it exists: its types win,
    while the runtime signature still decides names, kinds and defaults.
    """
    try:
        signature = inspect.signature(obj)
    except (ValueError, TypeError, RecursionError):
        signature = None  # C callables without metadata: fall through to the docstring
    except Exception:  # noqa: BLE001 - signature() evaluates user __signature__ properties, which may raise anything
        signature = None
    stub = stub if stub is not None else _safe_stub(obj)
    if stub is not None:
        from_stub = _from_stub(stub, signature, parsed, drop_first, safe_getattr(obj, "__text_signature__"))
        if from_stub:
            return from_stub
    overloads = _overload_signatures(obj, parsed, drop_first)
    if overloads:
        return overloads
    if signature is not None:
        source = (SignatureSource.TEXT_SIGNATURE
                  if isinstance(safe_getattr(obj, "__text_signature__"), str)
                  else SignatureSource.INSPECT)
        return [_from_inspect(signature, _type_hints(obj), source, parsed, drop_first, _annotation_source(obj))]
    line = find_signature_line(doc, name)
    from_line = parse_signature_text(line) if line else None
    if from_line is not None:
        params, returns = from_line
        return [_finish(params, returns, SignatureSource.DOCSTRING_SIGNATURE, parsed)]
    if parsed.params:
        source = (
            SignatureSource.GOOGLE if parsed.style == GOOGLE else SignatureSource.NUMPYDOC
        )
        return [_finish(_params_from_doc(parsed), "", source, parsed)]
    fallback = [
        Param("args", ParameterKind.VAR_POSITIONAL),
        Param("kwargs", ParameterKind.VAR_KEYWORD),
    ]
    return [_finish(fallback, "", SignatureSource.NONE, parsed)]


def _overload_signatures(obj: Any, parsed: ParsedDoc, drop_first: bool) -> list[SignatureDescriptor]:
    function = safe_getattr(obj, "__func__", obj)
    if not inspect.isfunction(function):
        return []
    try:
        variants = typing.get_overloads(function)
    except Exception:  # noqa: BLE001 - the registry keys on attributes a patched function may lack
        return []
    described = []
    for variant in variants:
        try:
            signature = inspect.signature(variant)
        except (ValueError, TypeError):
            continue
        described.append(_from_inspect(signature, _type_hints(variant), SignatureSource.OVERLOAD,
                                       parsed, drop_first, _annotation_source(obj)))
    return described


def _safe_stub(obj: Any) -> StubFunction | None:
    try:
        return stub_for_callable(obj)
    except (RecursionError, ValueError, OSError):  # an odd stub must not lose the callable
        return None


# Converted stub definitions by id(node): numpy's scalar classes share hundreds of stub methods. The
# nodes stay alive in load_stub's cache, so their ids are not reused.
_STUB_PARAMS: dict[int, tuple[list[Param], TypeExpr]] = {}


def _stub_params(
    stub: StubFunction, node: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[list[Param], TypeExpr]:
    """The stub definition's parameters (fresh copies: callers change names and defaults) and return type."""
    key = id(node) * 2 + int(stub.is_method)
    cached = _STUB_PARAMS.get(key)
    if cached is None:
        cached = _STUB_PARAMS[key] = _convert_stub_params(stub, node)
    params, returns = cached
    return [dataclasses.replace(p) for p in params], returns


def _convert_stub_params(
    stub: StubFunction, node: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[list[Param], TypeExpr]:
    converter = StubTypes(stub.module)
    arguments = node.args
    params: list[Param] = []

    def add(arg: ast.arg, kind: ParameterKind, default: ast.expr | None, has_default: bool) -> None:
        annotation = arg.annotation
        expr = converter.convert(annotation) if annotation is not None else None
        param = Param(arg.arg, kind, type=expr, source=TypeSource.STUBS if expr else TypeSource.NONE)
        if annotation is not None:
            param.annotation = ast.unparse(annotation)
        if has_default:
            param.default = "" if default is None or ast.unparse(default) == "..." else ast.unparse(default)
        params.append(param)

    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    for index, arg in enumerate(positional):
        kind = (
            ParameterKind.POSITIONAL_ONLY
            if index < len(arguments.posonlyargs) or (arg.arg.startswith("__") and not arg.arg.endswith("__"))
            else ParameterKind.POSITIONAL_OR_KEYWORD
        )
        add(arg, kind, defaults[index], index >= len(positional) - len(arguments.defaults))
    if arguments.vararg is not None:
        add(arguments.vararg, ParameterKind.VAR_POSITIONAL, None, False)
    for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        add(arg, ParameterKind.KEYWORD_ONLY, default, default is not None)
    if arguments.kwarg is not None:
        add(arguments.kwarg, ParameterKind.VAR_KEYWORD, None, False)
    if stub.is_method and not is_staticmethod(node) and params:
        params = params[1:]
    for param in params:  # "__x" is the stubs' old spelling of positional-only
        if param.name.startswith("__") and not param.name.endswith("__"):
            param.name = param.name[2:]
    returns = converter.convert(node.returns) if node.returns is not None else TypeExpr(name="unknown")
    return params, returns


def _runtime_params(signature: inspect.Signature, drop_first: bool) -> list[Param]:
    params = []
    for parameter in signature.parameters.values():
        param = Param(parameter.name, _INSPECT_KINDS[parameter.kind])
        if parameter.default is not inspect.Parameter.empty:
            param.default = safe_repr(parameter.default)
        params.append(param)
    if drop_first and params and params[0].kind in (ParameterKind.POSITIONAL_ONLY,
                                                    ParameterKind.POSITIONAL_OR_KEYWORD):
        params = params[1:]
    return params


def _stub_match(param: Param, index: int, stub_params: list[Param]) -> Param | None:
    for candidate in stub_params:
        if (candidate.name == param.name and candidate.kind != ParameterKind.VAR_KEYWORD) or (
                candidate.kind == param.kind and param.kind in (ParameterKind.VAR_POSITIONAL,
                                                                ParameterKind.VAR_KEYWORD)):
            return candidate
    # C functions often name positional-only parameters differently in the stub: match by position.
    if param.kind == ParameterKind.POSITIONAL_ONLY and index < len(stub_params):
        candidate = stub_params[index]
        if candidate.kind in (
            ParameterKind.POSITIONAL_ONLY,
            ParameterKind.POSITIONAL_OR_KEYWORD,
        ):
            return candidate
    return None


def _union(exprs: list[TypeExpr]) -> TypeExpr:
    """The union of overload types; a single type keeps its own text, a merged one is printed from the tree."""
    merged = union_of(exprs, "")
    if not merged.text or merged.text.startswith("_"):
        merged = dataclasses.replace(merged, text=type_text(merged))
    return merged


# Past this many stub overloads (numpy's ndarray methods have dozens) only the general signature is kept:
# the variants would multiply the descriptor's size for a list no reader goes through.
_MAX_VARIANTS = 6


def _from_stub(stub: StubFunction, signature: inspect.Signature | None, parsed: ParsedDoc,
               drop_first: bool, text_signature: Any = None) -> list[SignatureDescriptor]:
    """Signatures with the stub's types; overloads become the general signature followed by each variant."""
    variants = [_stub_params(stub, node) for node in stub.defs]
    if not variants:
        return []
    source = SignatureSource.STUBS
    runtime = _runtime_params(signature, drop_first) if signature is not None else None
    if runtime is None:
        if len(variants) > 1:  # without a runtime signature there is no general form to call through
            return [_finish(params, returns.text, source, parsed, returns, TypeSource.STUBS)
                    for params, returns in variants]
        params, returns = variants[0]
        return [_finish(params, returns.text, source, parsed, returns, TypeSource.STUBS)]
    general: list[Param] = []
    for index, param in enumerate(runtime):
        matches = [m for m in (_stub_match(param, index, params) for params, _ in variants) if m is not None]
        typed = [m.type for m in matches if m.type is not None]
        merged = Param(param.name, param.kind, default=param.default)
        if typed:  # the union over the overloads that take it (some may not)
            merged.type = _union(typed)
            merged.annotation = merged.type.text
            merged.source = TypeSource.STUBS
        general.append(merged)
    general = _expand_kwargs(general, variants[0][0])
    returns = _union([r for _, r in variants])
    # Names, kinds and defaults come from the runtime: the signature's source stays the runtime's.
    runtime_source = (SignatureSource.TEXT_SIGNATURE if isinstance(text_signature, str)
                      else SignatureSource.INSPECT)
    general_signature = _finish(general, returns.text, runtime_source, parsed, returns, TypeSource.STUBS)
    # Shown as Python prints the runtime signature; the stub's types are in the parameters (and the variants' text).
    general_signature.text = signature_text([dataclasses.replace(p, annotation="") for p in general])
    described = [general_signature]
    if 1 < len(variants) <= _MAX_VARIANTS:
        defaults = {p.name: p.default for p in runtime}
        for params, variant_returns in variants:
            for param in params:
                if param.default is not None and param.name in defaults and defaults[param.name]:
                    param.default = defaults[param.name]
            variant = _finish(
                params, variant_returns.text, source, parsed, variant_returns, TypeSource.STUBS
            )
            # The general signature carries the prose; a variant repeating it would multiply the descriptor.
            variant.returns_doc = ""
            for parameter in variant.parameters:
                parameter.doc = ""
            described.append(variant)
    return described


def _expand_kwargs(runtime: list[Param], stub_params: list[Param]) -> list[Param]:
    """Replace a runtime ``**kwargs`` the stub spells out as keyword-only parameters (textwrap.wrap)."""
    var_keyword = next((p for p in runtime if p.kind == ParameterKind.VAR_KEYWORD), None)
    if var_keyword is None or var_keyword.type is not None:
        return runtime
    names = {p.name for p in runtime}
    spelled = [p for p in stub_params if p.kind == ParameterKind.KEYWORD_ONLY and p.name not in names]
    if not spelled or any(p.kind == ParameterKind.VAR_KEYWORD for p in stub_params):
        return runtime
    for param in spelled:
        if param.default is not None and not param.default:
            param.default = "..."
    return [p for p in runtime if p is not var_keyword] + spelled


@lru_cache(maxsize=256)
def _declares_py_typed(module_name: str) -> bool:
    """Whether the top-level package of ``module_name`` ships a ``py.typed`` marker (PEP 561)."""
    top = sys.modules.get(module_name.split(".")[0])
    file = safe_getattr(top, "__file__")
    return isinstance(file, str) and (Path(file).parent / "py.typed").is_file()


def _annotation_source(obj: Any) -> TypeSource:
    module = safe_getattr(safe_getattr(obj, "__func__", obj), "__module__")
    if isinstance(module, str) and _declares_py_typed(module):
        return TypeSource.INLINE
    return TypeSource.ANNOTATION


def _type_hints(obj: Any) -> dict[str, Any]:
    target = obj
    if isinstance(obj, type):
        target = safe_getattr(obj, "__init__")
        if not inspect.isfunction(target):
            return {}
    try:
        target = inspect.unwrap(target)
    except ValueError:  # a __wrapped__ cycle
        return {}
    if not (inspect.isfunction(target) or inspect.ismethod(target)):
        return {}
    try:
        return typing.get_type_hints(target)
    except Exception:  # noqa: BLE001 - unresolvable forward refs: the raw annotations are used instead
        return {}


def _from_inspect(
    signature: inspect.Signature,
    hints: dict[str, Any],
    source: SignatureSource,
    parsed: ParsedDoc,
    drop_first: bool,
    type_source: TypeSource = TypeSource.ANNOTATION,
) -> SignatureDescriptor:
    params: list[Param] = []
    for parameter in signature.parameters.values():
        param = Param(parameter.name, _INSPECT_KINDS[parameter.kind])
        annotation = hints.get(parameter.name, parameter.annotation)
        if annotation is not inspect.Parameter.empty:
            param.type = type_from_annotation(annotation)
            param.annotation = param.type.text
            param.source = type_source
        if parameter.default is not inspect.Parameter.empty:
            param.default = safe_repr(parameter.default)
        params.append(param)
    if drop_first and params and params[0].kind in (ParameterKind.POSITIONAL_ONLY,
                                                    ParameterKind.POSITIONAL_OR_KEYWORD):
        params = params[1:]
    returns = hints.get("return", signature.return_annotation)
    returns_text = ""
    returns_expr = None
    if returns is not inspect.Signature.empty:
        returns_expr = type_from_annotation(returns)
        returns_text = returns_expr.text
    return _finish(params, returns_text, source, parsed, returns_expr, type_source)


def _params_from_doc(parsed: ParsedDoc) -> list[Param]:
    params = []
    for entry in parsed.params:
        if entry.name.startswith("**"):
            kind = ParameterKind.VAR_KEYWORD
        elif entry.name.startswith("*"):
            kind = ParameterKind.VAR_POSITIONAL
        else:
            kind = ParameterKind.POSITIONAL_OR_KEYWORD
        params.append(Param(entry.name.lstrip("*"), kind, default="" if entry.optional else None))
    return params


_INCOMPLETE = {"Incomplete", "Any", "unknown"}


def _vague(expr: TypeExpr | None) -> bool:
    """Whether a type says nothing useful: missing, Any/Incomplete, or a union with such a member."""
    if expr is None or expr.name in _INCOMPLETE:
        return True
    return expr.name == "Union" and any(_vague(a) for a in expr.args)


def _finish(params: list[Param], returns_text: str, source: SignatureSource, parsed: ParsedDoc,
            returns_expr: TypeExpr | None = None,
            returns_source: TypeSource = TypeSource.ANNOTATION) -> SignatureDescriptor:
    """Fill gaps from the docstring sections and defaults, and build the SignatureDescriptor with its text."""
    descriptors = []
    for param in params:
        documented = parsed.param(param.name)
        expr, type_source = param.type, param.source
        if _vague(expr):
            if documented and documented.type_text:
                from_doc = type_from_doc(documented.type_text)
                if not _vague(from_doc) or expr is None:
                    expr, type_source = from_doc, TypeSource.DOCSTRING
            if expr is None or expr.name in _INCOMPLETE:
                inferred = type_from_default(param.default)
                if inferred is not None:
                    expr, type_source = inferred, TypeSource.DEFAULT
        if expr is None:
            expr, type_source = unknown(""), TypeSource.NONE
        descriptors.append(ParameterDescriptor(
            name=param.name, kind=param.kind, type=expr, has_default=param.default is not None,
            default_repr=param.default or "", doc=documented.doc if documented else "",
            type_source=type_source if expr.name != "unknown" else TypeSource.NONE))
    if returns_expr is not None and _vague(returns_expr) and parsed.returns_type \
            and not _vague(type_from_doc(parsed.returns_type)):
        returns_expr = None  # a stub or annotation that says nothing: the docstring may
    if returns_expr is None:
        if returns_text and returns_text not in _INCOMPLETE:
            returns_expr = type_from_annotation_text(returns_text)
        elif parsed.returns_type:
            returns_expr, returns_source = type_from_doc(parsed.returns_type), TypeSource.DOCSTRING
        else:
            returns_expr = unknown("")
    if returns_expr.name == "unknown":
        returns_source = TypeSource.NONE
    return SignatureDescriptor(
        parameters=descriptors, returns=returns_expr, source=source,
        text=signature_text(params, returns_text), returns_doc=parsed.returns_doc, returns_source=returns_source)


def type_from_default(default: str | None) -> TypeExpr | None:
    """The type a default's repr implies (``''`` → str, ``True`` → bool, ``0.6`` → float), or None."""
    if not default:
        return None
    try:
        value = ast.literal_eval(default)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    for python_type, name in ((bool, "bool"), (int, "int"), (float, "float"), (str, "str"), (bytes, "bytes")):
        if type(value) is python_type:
            return TypeExpr(name=name, text=name)
    return None
