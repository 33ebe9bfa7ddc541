"""Signatures as text: parse ``(a, /, b=1, *, c: int = 2[, d]) -> T`` and print parameters back that way.

``Param`` is a parameter while the signature cascade (signatures.py) assembles it, before it becomes a
ParameterDescriptor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .annotations import split_top_level, type_from_annotation_text
from .model import ParameterKind, TypeExpr, TypeSource

_OPTIONAL_GROUP = re.compile(r"\[\s*,([^\[\]]*)\]")


@dataclass
class Param:
    """A parameter being assembled; ``annotation`` is the source text when one was written."""

    name: str
    kind: ParameterKind
    annotation: str = ""
    type: TypeExpr | None = None
    default: str | None = None
    source: TypeSource = TypeSource.NONE


def parse_signature_text(text: str) -> tuple[list[Param], str] | None:
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
    params: list[Param] = []
    keyword_only = False
    for token in (t.strip() for t in split_top_level(body, ",")):
        if not token or token.startswith("$"):
            continue
        if token == "/":
            for param in params:
                param.kind = ParameterKind.POSITIONAL_ONLY
            continue
        if token == "*":
            keyword_only = True
            continue
        if token == "...":  # numpy's "more keyword arguments"
            kind = (
                ParameterKind.VAR_KEYWORD if keyword_only else ParameterKind.VAR_POSITIONAL
            )
            params.append(Param("kwargs" if keyword_only else "args", kind))
            continue
        parsed_param = _token_param(token, keyword_only, optional_names)
        if parsed_param is None:
            return None
        if parsed_param.kind == ParameterKind.VAR_POSITIONAL:
            keyword_only = True
        params.append(parsed_param)
    return params, returns


def _token_param(token: str, keyword_only: bool, optional_names: set[str]) -> Param | None:
    head, equals, default = (part.strip() for part in _partition_top_level(token, "="))
    name, colon, annotation = (part.strip() for part in _partition_top_level(head, ":"))
    stars = len(name) - len(name.lstrip("*"))
    bare = name.lstrip("*")
    if not bare.isidentifier() or stars > 2:
        return None
    kind = {1: ParameterKind.VAR_POSITIONAL, 2: ParameterKind.VAR_KEYWORD}.get(
        stars,
        ParameterKind.KEYWORD_ONLY if keyword_only else ParameterKind.POSITIONAL_OR_KEYWORD,
    )
    param = Param(bare, kind, annotation=annotation if colon else "")
    if param.annotation:
        param.type = type_from_annotation_text(param.annotation)
        param.source = TypeSource.ANNOTATION
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


def signature_text(params: list[Param], returns_text: str = "") -> str:
    """Render parameters the way Python prints a signature, e.g. ``(x, /, *, key=None) -> int``."""
    parts: list[str] = []
    positional_only = [p for p in params if p.kind == ParameterKind.POSITIONAL_ONLY]
    star_written = any(p.kind == ParameterKind.VAR_POSITIONAL for p in params)
    for param in params:
        if param.kind == ParameterKind.KEYWORD_ONLY and not star_written:
            parts.append("*")
            star_written = True
        prefix = {ParameterKind.VAR_POSITIONAL: "*", ParameterKind.VAR_KEYWORD: "**"}.get(
            param.kind, ""
        )
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
