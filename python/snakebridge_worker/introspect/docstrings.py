"""Read structure out of docstrings: a leading signature line and numpydoc / Google sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .annotations import split_top_level, strip_optional

NUMPYDOC = "numpydoc"
GOOGLE = "google"

_NUMPY_PARAM_SECTIONS = {"parameters", "other parameters", "keyword arguments"}
_NUMPY_RETURN_SECTIONS = {"returns", "yields"}
_CONDITIONAL_RESULT = re.compile(r"\bonly (?:returned|provided|present|given)\b", re.IGNORECASE)
_GOOGLE_HEADER = re.compile(r"^(\w[\w ]*):\s*$")
_GOOGLE_PARAM_SECTIONS = {"args", "arguments", "parameters", "params", "keyword args",
                          "keyword arguments", "other parameters", "kwargs"}
_GOOGLE_RETURN_SECTIONS = {"returns", "return", "yields", "yield"}
_GOOGLE_ENTRY = re.compile(r"^(\*{0,2}\w+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$")
_GOOGLE_KNOWN_SECTIONS = _GOOGLE_PARAM_SECTIONS | _GOOGLE_RETURN_SECTIONS | {
    "raises", "examples", "example", "note", "notes", "attributes", "see also", "todo",
    "references", "warning", "warnings", "methods"}
_UNDERLINE = re.compile(r"^\s*-{3,}\s*$")


@dataclass
class DocParam:
    """One documented parameter: its name, type phrase as written, and prose."""

    name: str
    type_text: str = ""
    doc: str = ""
    optional: bool = False


@dataclass
class ParsedDoc:
    """What a docstring says about a callable, independent of where the signature came from."""

    style: str = ""
    params: list[DocParam] = field(default_factory=list)
    returns_type: str = ""
    returns_doc: str = ""

    def param(self, name: str) -> DocParam | None:
        """Return the documented parameter called ``name`` (``*args`` matches ``args``)."""
        bare = name.lstrip("*")
        for entry in self.params:
            if entry.name.lstrip("*") == bare:
                return entry
        return None


def find_signature_line(doc: str, name: str) -> str:
    """Return ``"(…) -> …"`` from a leading ``name(…)`` line (e.g. numpy ufuncs), or ``""``."""
    if not doc or not name:
        return ""
    head = doc.lstrip()
    match = re.match(rf"^(?:[\w.]+\.)?{re.escape(name)}\s*\(", head)
    if not match:
        return ""
    depth = 0
    for index in range(match.end() - 1, min(len(head), 4000)):
        char = head[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                signature = " ".join(head[match.end() - 1: index + 1].split())
                rest = head[index + 1:].split("\n\n", 1)[0]
                arrow = re.match(r"^\s*->\s*(.+)", rest)
                return signature + (f" -> {' '.join(arrow.group(1).split())}" if arrow else "")
    return ""


def parse_docstring(doc: str) -> ParsedDoc:
    """Parse numpydoc or Google parameter/returns sections out of a cleaned docstring."""
    lines = doc.splitlines()
    if any(_UNDERLINE.match(line) for line in lines):
        parsed = _parse_numpydoc(lines)
        if parsed.params or parsed.returns_type or parsed.returns_doc:
            return parsed
    return _parse_google(lines)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _numpydoc_sections(lines: list[str]) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if index + 1 < len(lines) and line.strip() and _UNDERLINE.match(lines[index + 1]):
            current = sections.setdefault(line.strip().lower(), [])
            index += 2
            continue
        if current is not None:
            current.append(line)
        index += 1
    return sections


def _entries(body: list[str]) -> list[tuple[str, str]]:
    """Split a section body into (header line, dedented description) pairs by indentation."""
    content = [line for line in body if line.strip()]
    if not content:
        return []
    base = min(_indent(line) for line in content)
    entries: list[tuple[str, list[str]]] = []
    for line in body:
        if line.strip() and _indent(line) <= base:
            entries.append((line.strip(), []))
        elif entries:
            entries[-1][1].append(line.strip())
    return [(head, "\n".join(desc).strip()) for head, desc in entries]


def _parse_numpydoc(lines: list[str]) -> ParsedDoc:
    sections = _numpydoc_sections(lines)
    parsed = ParsedDoc(style=NUMPYDOC)
    for title in _NUMPY_PARAM_SECTIONS:
        for head, desc in _entries(sections.get(title, [])):
            names, _, type_text = head.partition(":")
            type_text = type_text.strip()
            _, optional = strip_optional(type_text) if type_text else ("", False)
            for name in split_top_level(names, ","):
                name = name.strip()
                if re.fullmatch(r"\*{0,2}\w+", name):
                    parsed.params.append(DocParam(name, type_text, desc, optional))
    for title in _NUMPY_RETURN_SECTIONS:
        entries = _entries(sections.get(title, []))
        if entries:
            _set_numpydoc_returns(parsed, entries)
            break
    return parsed


def _set_numpydoc_returns(parsed: ParsedDoc, entries: list[tuple[str, str]]) -> None:
    types: list[str] = []
    docs: list[str] = []
    for head, desc in entries:
        name, colon, type_text = head.partition(":")
        type_text, _ = strip_optional((type_text if colon else name).strip())
        types.append(type_text)
        docs.append(desc if len(entries) == 1 else f"{head}: {desc}")
    full = types[0] if len(types) == 1 else f"tuple[{', '.join(types)}]"
    # numpydoc marks extra results that depend on a flag ("Only returned if `retstep` is True"):
    # the function then returns either the unconditional part or the whole tuple.
    always = [t for t, (_, desc) in zip(types, entries, strict=True) if not _CONDITIONAL_RESULT.search(desc)]
    if always and len(always) < len(types):
        plain = always[0] if len(always) == 1 else f"tuple[{', '.join(always)}]"
        parsed.returns_type = f"{plain} or {full}"
    else:
        parsed.returns_type = full
    parsed.returns_doc = "\n".join(d for d in docs if d)


def _google_sections(lines: list[str]) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    header_indent = 0
    for line in lines:
        header = _GOOGLE_HEADER.match(line.strip())
        if header and header.group(1).lower() in _GOOGLE_KNOWN_SECTIONS:
            current = sections.setdefault(header.group(1).lower(), [])
            header_indent = _indent(line)
            continue
        if current is not None and line.strip() and _indent(line) <= header_indent:
            current = None  # prose at the header's level ends the section
        if current is not None:
            current.append(line)
    return sections


def _parse_google(lines: list[str]) -> ParsedDoc:
    sections = _google_sections(lines)
    parsed = ParsedDoc()
    for title in _GOOGLE_PARAM_SECTIONS:
        for head, desc in _entries(sections.get(title, [])):
            match = _GOOGLE_ENTRY.match(head)
            if not match:
                continue
            name, type_text, first = match.group(1), (match.group(2) or "").strip(), match.group(3)
            _, optional = strip_optional(type_text) if type_text else ("", False)
            text = "\n".join(part for part in (first.strip(), desc) if part)
            parsed.params.append(DocParam(name, type_text, text, optional))
    for title in _GOOGLE_RETURN_SECTIONS:
        entries = _entries(sections.get(title, []))
        if entries:
            head, desc = entries[0]
            type_text, colon, rest = head.partition(":")
            # "int: the count" names a type; "The count of things." is prose only.
            if colon and re.fullmatch(r"[\w.\[\], |]+", type_text.strip()):
                parsed.returns_type = type_text.strip()
                head = rest.strip()
            parsed.returns_doc = "\n".join(p for p in [head, desc] + [f"{h}\n{d}".strip() for h, d in entries[1:]] if p)
            break
    if parsed.params or parsed.returns_type or parsed.returns_doc:
        parsed.style = GOOGLE
    return parsed
