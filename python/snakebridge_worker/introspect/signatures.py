"""Recover call signatures through a cascade of sources, recording which one answered.

Order: typing overloads, ``inspect.signature`` (+ ``typing.get_type_hints``), ``__text_signature__``
(reported separately, inspect reads it for builtins), a ``name(...)`` line at the top of the
docstring, numpydoc / Google parameter sections, and finally ``(*args, **kwargs)`` with source NONE.
Docstring sections also fill parameter docs, missing types and the return description.
"""

from __future__ import annotations

import inspect
import re
import typing
from dataclasses import dataclass
from typing import Any

from snakebridge_worker.proto import describe_pb2

from .annotations import split_top_level, type_from_annotation, type_from_annotation_text, type_from_doc, unknown
from .docstrings import GOOGLE, ParsedDoc, find_signature_line
from .guards import safe_getattr, safe_repr


_INSPECT_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: describe_pb2.PARAMETER_KIND_POSITIONAL_ONLY,
    inspect.Parameter.POSITIONAL_OR_KEYWORD: describe_pb2.PARAMETER_KIND_POSITIONAL_OR_KEYWORD,
    inspect.Parameter.VAR_POSITIONAL: describe_pb2.PARAMETER_KIND_VAR_POSITIONAL,
    inspect.Parameter.KEYWORD_ONLY: describe_pb2.PARAMETER_KIND_KEYWORD_ONLY,
    inspect.Parameter.VAR_KEYWORD: describe_pb2.PARAMETER_KIND_VAR_KEYWORD,
}
_OPTIONAL_GROUP = re.compile(r"\[\s*,([^\[\]]*)\]")


@dataclass
class _Param:
    """A parameter being assembled; ``annotation`` is the source text when one was written."""

    name: str
    kind: int
    annotation: str = ""
    type: describe_pb2.TypeExpr | None = None
    default: str | None = None


def describe_signatures(obj: Any, name: str, doc: str, parsed: ParsedDoc,
                        drop_first: bool = False) -> list[describe_pb2.SignatureDescriptor]:
    """Return the signatures of ``obj`` (several for overloads); ``drop_first`` removes self/cls."""
    overloads = _overload_signatures(obj, parsed, drop_first)
    if overloads:
        return overloads
    try:
        signature = inspect.signature(obj)
    except (ValueError, TypeError, RecursionError):
        signature = None  # C callables without metadata: fall through to the docstring
    except Exception:  # signature() evaluates user __signature__ properties, which may raise anything
        signature = None
    if signature is not None:
        source = (describe_pb2.SIGNATURE_SOURCE_TEXT_SIGNATURE
                  if isinstance(safe_getattr(obj, "__text_signature__"), str)
                  else describe_pb2.SIGNATURE_SOURCE_INSPECT)
        return [_from_inspect(signature, _type_hints(obj), source, parsed, drop_first)]
    line = find_signature_line(doc, name)
    from_line = parse_signature_text(line) if line else None
    if from_line is not None:
        params, returns = from_line
        return [_finish(params, returns, describe_pb2.SIGNATURE_SOURCE_DOCSTRING_SIGNATURE, parsed)]
    if parsed.params:
        source = describe_pb2.SIGNATURE_SOURCE_GOOGLE if parsed.style == GOOGLE else describe_pb2.SIGNATURE_SOURCE_NUMPYDOC
        return [_finish(_params_from_doc(parsed), "", source, parsed)]
    fallback = [_Param("args", describe_pb2.PARAMETER_KIND_VAR_POSITIONAL), _Param("kwargs", describe_pb2.PARAMETER_KIND_VAR_KEYWORD)]
    return [_finish(fallback, "", describe_pb2.SIGNATURE_SOURCE_NONE, parsed)]


def _overload_signatures(obj: Any, parsed: ParsedDoc, drop_first: bool) -> list[describe_pb2.SignatureDescriptor]:
    function = safe_getattr(obj, "__func__", obj)
    if not inspect.isfunction(function):
        return []
    try:
        variants = typing.get_overloads(function)
    except Exception:  # the registry keys on attributes a patched function may lack
        return []
    described = []
    for variant in variants:
        try:
            signature = inspect.signature(variant)
        except (ValueError, TypeError):
            continue
        described.append(_from_inspect(signature, _type_hints(variant), describe_pb2.SIGNATURE_SOURCE_OVERLOAD,
                                       parsed, drop_first))
    return described


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
    except Exception:  # unresolvable forward refs: the raw annotations are used instead
        return {}


def _from_inspect(signature: inspect.Signature, hints: dict[str, Any], source: int, parsed: ParsedDoc,
                  drop_first: bool) -> describe_pb2.SignatureDescriptor:
    params: list[_Param] = []
    for parameter in signature.parameters.values():
        param = _Param(parameter.name, _INSPECT_KINDS[parameter.kind])
        annotation = hints.get(parameter.name, parameter.annotation)
        if annotation is not inspect.Parameter.empty:
            param.type = type_from_annotation(annotation)
            param.annotation = param.type.text
        if parameter.default is not inspect.Parameter.empty:
            param.default = safe_repr(parameter.default)
        params.append(param)
    if drop_first and params and params[0].kind in (describe_pb2.PARAMETER_KIND_POSITIONAL_ONLY,
                                                    describe_pb2.PARAMETER_KIND_POSITIONAL_OR_KEYWORD):
        params = params[1:]
    returns = hints.get("return", signature.return_annotation)
    returns_text = ""
    returns_expr = None
    if returns is not inspect.Signature.empty:
        returns_expr = type_from_annotation(returns)
        returns_text = returns_expr.text
    return _finish(params, returns_text, source, parsed, returns_expr)


def parse_signature_text(text: str) -> tuple[list[_Param], str] | None:
    """Parse ``"(a, /, b=1, *, c: int = 2[, d]) -> T"`` into parameters and return text, or None."""
    match = re.match(r"^\s*\((.*)\)\s*(?:->\s*(.*))?$", text, re.S)
    if not match:
        return None
    body, returns = match.group(1), (match.group(2) or "").strip()
    optional_names: set[str] = set()
    while True:  # "a[, b[, c]]": bracketed parameters are optional; unwrap innermost first
        group = _OPTIONAL_GROUP.search(body)
        if not group:
            break
        optional_names.update(n.strip().split("=")[0].strip() for n in group.group(1).split(","))
        body = body[: group.start()] + "," + group.group(1) + body[group.end():]
    params: list[_Param] = []
    keyword_only = False
    for token in (t.strip() for t in split_top_level(body, ",")):
        if not token or token.startswith("$"):
            continue
        if token == "/":
            for param in params:
                param.kind = describe_pb2.PARAMETER_KIND_POSITIONAL_ONLY
            continue
        if token == "*":
            keyword_only = True
            continue
        if token == "...":  # numpy's "more keyword arguments"
            kind = describe_pb2.PARAMETER_KIND_VAR_KEYWORD if keyword_only else describe_pb2.PARAMETER_KIND_VAR_POSITIONAL
            params.append(_Param("kwargs" if keyword_only else "args", kind))
            continue
        param = _token_param(token, keyword_only, optional_names)
        if param is None:
            return None
        if param.kind == describe_pb2.PARAMETER_KIND_VAR_POSITIONAL:
            keyword_only = True
        params.append(param)
    return params, returns


def _token_param(token: str, keyword_only: bool, optional_names: set[str]) -> _Param | None:
    head, equals, default = (part.strip() for part in _partition_top_level(token, "="))
    name, colon, annotation = (part.strip() for part in _partition_top_level(head, ":"))
    stars = len(name) - len(name.lstrip("*"))
    bare = name.lstrip("*")
    if not bare.isidentifier() or stars > 2:
        return None
    kind = {1: describe_pb2.PARAMETER_KIND_VAR_POSITIONAL, 2: describe_pb2.PARAMETER_KIND_VAR_KEYWORD}.get(
        stars, describe_pb2.PARAMETER_KIND_KEYWORD_ONLY if keyword_only else describe_pb2.PARAMETER_KIND_POSITIONAL_OR_KEYWORD)
    param = _Param(bare, kind, annotation=annotation if colon else "")
    if param.annotation:
        param.type = type_from_annotation_text(param.annotation)
    if equals:
        param.default = default
    elif bare in optional_names:
        param.default = ""  # optional, but the docstring does not say what the default is
    return param


def _partition_top_level(text: str, separator: str) -> tuple[str, str, str]:
    parts = split_top_level(text, separator)
    if len(parts) == 1:
        return text, "", ""
    return parts[0], separator, separator.join(parts[1:])


def _params_from_doc(parsed: ParsedDoc) -> list[_Param]:
    params = []
    for entry in parsed.params:
        if entry.name.startswith("**"):
            kind = describe_pb2.PARAMETER_KIND_VAR_KEYWORD
        elif entry.name.startswith("*"):
            kind = describe_pb2.PARAMETER_KIND_VAR_POSITIONAL
        else:
            kind = describe_pb2.PARAMETER_KIND_POSITIONAL_OR_KEYWORD
        params.append(_Param(entry.name.lstrip("*"), kind, default="" if entry.optional else None))
    return params


def _finish(params: list[_Param], returns_text: str, source: int, parsed: ParsedDoc,
            returns_expr: describe_pb2.TypeExpr | None = None) -> describe_pb2.SignatureDescriptor:
    """Fill gaps from the docstring sections and build the SignatureDescriptor with its text."""
    descriptors = []
    for param in params:
        documented = parsed.param(param.name)
        expr = param.type
        if expr is None or (expr.name == "unknown" and not param.annotation):
            expr = type_from_doc(documented.type_text) if documented and documented.type_text else unknown("")
        descriptors.append(describe_pb2.ParameterDescriptor(
            name=param.name, kind=param.kind, type=expr, has_default=param.default is not None,
            default_repr=param.default or "", doc=documented.doc if documented else ""))
    if returns_expr is None:
        if returns_text:
            returns_expr = type_from_annotation_text(returns_text)
        elif parsed.returns_type:
            returns_expr = type_from_doc(parsed.returns_type)
        else:
            returns_expr = unknown("")
    return describe_pb2.SignatureDescriptor(
        parameters=descriptors, returns=returns_expr, source=source,
        text=signature_text(params, returns_text), returns_doc=parsed.returns_doc)


def signature_text(params: list[_Param], returns_text: str = "") -> str:
    """Render parameters the way Python prints a signature, e.g. ``(x, /, *, key=None) -> int``."""
    parts: list[str] = []
    positional_only = [p for p in params if p.kind == describe_pb2.PARAMETER_KIND_POSITIONAL_ONLY]
    star_written = any(p.kind == describe_pb2.PARAMETER_KIND_VAR_POSITIONAL for p in params)
    for param in params:
        if param.kind == describe_pb2.PARAMETER_KIND_KEYWORD_ONLY and not star_written:
            parts.append("*")
            star_written = True
        prefix = {describe_pb2.PARAMETER_KIND_VAR_POSITIONAL: "*", describe_pb2.PARAMETER_KIND_VAR_KEYWORD: "**"}.get(param.kind, "")
        piece = prefix + param.name
        if param.annotation:
            piece += f": {param.annotation}"
        if param.default is not None:
            shown = param.default or "..."
            piece += f" = {shown}" if param.annotation else f"={shown}"
        parts.append(piece)
        if positional_only and param is positional_only[-1]:
            parts.append("/")
    text = f"({', '.join(parts)})"
    return f"{text} -> {returns_text}" if returns_text else text
