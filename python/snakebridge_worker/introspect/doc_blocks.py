"""Split a docstring into ``DocBlock`` messages, once, so no client parses docstrings again.

Blocks: ``text`` (a paragraph; RST inline markup such as ````code````, ``:math:`` and ``:func:`` is kept for
the renderer to format), ``code`` (``>>>`` examples, indented literal blocks, ``.. math::`` bodies),
``items`` (numpydoc ``name : type`` / Google ``name (type): text`` entries of Parameters, Returns,
Raises, See Also, ...) and ``section`` (any other titled section, with nested blocks). Titles are found
both ways numpydoc and RST write them: a line underlined with ``-``, ``=``, ``~`` or ``^``, and
Google's ``Args:`` alone on a line. Nothing is interpreted as HTML.
"""

from __future__ import annotations

import re

from .model import DocBlock, DocItem

_ITEM_SECTIONS = {
    "parameters", "other parameters", "returns", "yields", "receives", "raises", "warns", "attributes",
    "args", "arguments", "keyword args", "keyword arguments", "kwargs", "methods", "see also",
}
_GOOGLE_SECTIONS = {
    "args", "arguments", "keyword args", "keyword arguments", "kwargs", "returns", "return", "yields", "raises",
    "attributes", "example", "examples", "note", "notes", "see also", "warning", "warnings", "todo", "references",
}
_UNDERLINE = re.compile(r"^([-=~^])\1{2,}\s*$")
_GOOGLE_TITLE = re.compile(r"^([A-Z][A-Za-z ]+):\s*$")
_DIRECTIVE = re.compile(r"^\.\.\s+([\w-]+)::\s*(.*)$")
_ADMONITIONS = {"note": "Note", "warning": "Warning", "seealso": "See Also", "hint": "Hint", "important": "Important",
                "tip": "Tip", "caution": "Caution", "attention": "Attention", "danger": "Danger"}
_VERSION_DIRECTIVES = {"versionadded": "New in version", "versionchanged": "Changed in version",
                       "deprecated": "Deprecated since version"}
_MAX_BLOCKS = 400


def doc_blocks(doc: str) -> list[DocBlock]:
    """Parse a cleaned docstring (``inspect.cleandoc``) into blocks; ``[]`` for an empty one."""
    if not doc.strip():
        return []
    lines = doc.replace("\r\n", "\n").replace("\t", "    ").split("\n")
    blocks: list[DocBlock] = []
    for title, body in _sections(lines):
        if title is None:
            blocks.extend(_text_blocks(body))
        elif title.lower() == "see also":
            blocks.append(DocBlock(kind="items", title=title, items=_see_also(_items(body))))
        elif title.lower() in _ITEM_SECTIONS:
            blocks.append(DocBlock(kind="items", title=title, items=_items(body)))
        else:
            blocks.append(DocBlock(kind="section", title=title, blocks=_text_blocks(_dedent(body))))
        if len(blocks) > _MAX_BLOCKS:  # a generated docstring of thousands of sections is not read by anyone
            break
    return blocks


def _sections(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    index = 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        underline = _UNDERLINE.match(following)
        # numpydoc / RST: a title at the margin, underlined with about its length of -, =, ~ or ^.
        if (
            line.strip()
            and not line.startswith(" ")
            and underline
            and abs(len(following.strip()) - len(line.strip())) <= 3
        ):
            sections.append((line.strip(), []))
            index += 2
            continue
        google = _GOOGLE_TITLE.match(line)
        if google and google.group(1).lower() in _GOOGLE_SECTIONS:
            sections.append((google.group(1), []))
            index += 1
            continue
        sections[-1][1].append(line)
        index += 1
    return [(title, body) for title, body in sections if title is not None or any(line.strip() for line in body)]


def _dedent(lines: list[str]) -> list[str]:
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    margin = min(indents) if indents else 0
    return [line[margin:] for line in lines]


_GOOGLE_ENTRY = re.compile(r"^(\*{0,2}[\w.]+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$")
_NUMPY_ENTRY = re.compile(r"^(\*{0,2}[\w.,* ]+?)\s+:\s*(.*)$")


def _items(lines: list[str]) -> list[DocItem]:
    """``name : type`` (numpydoc) or ``name (type): description`` (Google) entries with indented descriptions."""
    items: list[DocItem] = []
    for line in _dedent(lines):
        if not line.strip():
            if items and items[-1].description:
                items[-1].description += "\n"
            continue
        if not line.startswith(" "):
            numpy = _NUMPY_ENTRY.match(line)
            google = _GOOGLE_ENTRY.match(line)
            if numpy:
                items.append(DocItem(name=numpy.group(1).strip(), type=numpy.group(2).strip()))
            elif google:
                items.append(DocItem(name=google.group(1), type=(google.group(2) or "").strip(),
                                                  description=google.group(3).strip()))
            else:  # a bare name ("See Also" lists, Returns without a name) or a bare type
                items.append(DocItem(name="", type=line.strip()))
            continue
        if items:
            last = items[-1]
            joiner = " " if last.description and not last.description.endswith("\n") else ""
            last.description = f"{last.description}{joiner}{line.strip()}"
    for item in items:
        item.description = item.description.strip()
    return items


def _see_also(items: list[DocItem]) -> list[DocItem]:
    """See Also entries name other objects: ``name : description``, or names alone (``a, b``)."""
    for item in items:
        if item.name:
            item.description = " ".join(part for part in (item.type, item.description) if part)
        else:
            item.name = item.type
        item.type = ""
    return items


def _text_blocks(lines: list[str]) -> list[DocBlock]:
    """Paragraphs; ``>>>`` examples, indented literal blocks and directive bodies kept as code."""
    blocks: list[DocBlock] = []
    paragraph: list[str] = []
    code: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(DocBlock(kind="text", text=" ".join(paragraph)))
        paragraph.clear()

    def flush_code() -> None:
        if code:
            blocks.append(DocBlock(kind="code", text="\n".join(_dedent(code)).rstrip()))
        code.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        directive = _DIRECTIVE.match(stripped) if not code else None
        if directive:
            flush_paragraph()
            body, index = _directive_body(lines, index)
            blocks.extend(_directive_blocks(directive.group(1).lower(), directive.group(2).strip(), body))
            continue
        in_code = bool(code)
        if stripped.startswith(">>>") or (in_code and stripped):
            flush_paragraph()
            code.append(line)
        elif not stripped:
            flush_paragraph()
            flush_code()
        elif line.startswith("    ") and not paragraph:
            code.append(line)
        else:
            flush_code()
            paragraph.append(stripped)
        index += 1
    flush_paragraph()
    flush_code()
    return blocks


def _directive_body(lines: list[str], index: int) -> tuple[list[str], int]:
    """The indented lines after a ``.. name::`` line, and the index after them."""
    base = len(lines[index]) - len(lines[index].lstrip())
    body: list[str] = []
    index += 1
    while index < len(lines):
        line = lines[index]
        if line.strip() and len(line) - len(line.lstrip()) <= base:
            break
        body.append(line)
        index += 1
    while body and not body[-1].strip():
        body.pop()
    return _dedent(body), index


def _directive_blocks(name: str, argument: str, body: list[str]) -> list[DocBlock]:
    if name == "math":
        text = "\n".join([argument, *body] if argument else body).strip()
        return [DocBlock(kind="code", title="math", text=text)] if text else []
    if name in ("code", "code-block", "sourcecode", "doctest"):
        return [DocBlock(kind="code", title=argument, text="\n".join(body).strip())]
    if name in _VERSION_DIRECTIVES:
        words = f"{_VERSION_DIRECTIVES[name]} {argument}".strip()
        rest = " ".join(line.strip() for line in body if line.strip())
        return [DocBlock(kind="text", text=f"{words}: {rest}" if rest else f"{words}.")]
    if name in _ADMONITIONS:
        inner = _text_blocks(([argument] if argument else []) + body)
        return [DocBlock(kind="section", title=_ADMONITIONS[name], blocks=inner)]
    # Other directives (autosummary, plot, ...) render their content as text, never as markup.
    return _text_blocks(body)
