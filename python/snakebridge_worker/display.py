"""Rich display for cells: display(), _repr_*_ methods, matplotlib figures, pandas DataFrames.

A display travels in the cell's stdout as one marker, ``ESC ] 5150 ; <json> BEL`` (an OSC sequence, the way
terminals carry out-of-band data): it stays in order with the text printed around it without a second
channel, and the host turns it back into a display output. The JSON is a MIME bundle:
``{"text/html": ..., "image/png": <base64>, "image/svg+xml": ..., "text/markdown": ...,
"application/vnd.snakebridge.table+json": {...}, "text/plain": ...}``.
"""

from __future__ import annotations

import base64
import io
import json
import os
import sys
from typing import Any

# Headless: figures are rendered to PNG, never to a window (set before the user can import matplotlib).
os.environ.setdefault("MPLBACKEND", "Agg")

MARKER_START = "\x1b]5150;"
MARKER_END = "\x07"
TABLE_MIME = "application/vnd.snakebridge.table+json"
# Rows a DataFrame display carries; the page pages through them.
TABLE_MAX_ROWS = 1000
TABLE_MAX_COLUMNS = 100
_TEXT_LIMIT = 10_000
_DISPLAY_EXTRA = ("pandas", "matplotlib")


class MissingDisplayExtra(ImportError):
    """pandas or matplotlib is missing: they come with the display extra."""


def missing_extra_hint(exc: BaseException) -> str | None:
    """A one-line hint when ``exc`` is an import of a display-extra package that is not installed."""
    # Only the package itself missing: a missing submodule of an installed pandas is a real error.
    if isinstance(exc, ModuleNotFoundError) and exc.name in _DISPLAY_EXTRA:
        package = exc.name
        return (f"{package} is not installed: it comes with the display extra. "
                "Install it with `npm run setup:python -- --extra display`, then restart the workers.")
    return None


def _is_figure(value: Any) -> bool:
    figure_module = sys.modules.get("matplotlib.figure")
    return figure_module is not None and isinstance(value, figure_module.Figure)


def _is_dataframe(value: Any) -> bool:
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, (pandas.DataFrame, pandas.Series))


def _has_repr(value: Any, name: str) -> bool:
    # Classes themselves have the methods unbound; only instances display richly.
    return not isinstance(value, type) and callable(getattr(value, name, None))


def is_rich(value: Any) -> bool:
    """True when ``value`` displays as more than text."""
    return (_is_figure(value) or _is_dataframe(value)
            or any(_has_repr(value, name) for name in ("_repr_html_", "_repr_png_", "_repr_svg_", "_repr_markdown_")))


def _plain(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001 - a broken repr is shown, not raised
        text = f"<repr failed: {type(exc).__name__}: {exc}>"
    return text if len(text) <= _TEXT_LIMIT else text[:_TEXT_LIMIT] + "…"


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    return str(value)


def _table(frame: Any) -> dict[str, Any]:
    pandas = sys.modules["pandas"]
    if isinstance(frame, pandas.Series):
        frame = frame.to_frame()
    rows, columns = frame.shape
    shown = frame.iloc[:TABLE_MAX_ROWS, :TABLE_MAX_COLUMNS]
    return {
        "columns": [str(c) for c in shown.columns],
        "index": [str(i) for i in shown.index],
        "rows": [[_cell(v) for v in row] for row in shown.itertuples(index=False, name=None)],
        "totalRows": int(rows),
        "totalColumns": int(columns),
        "dtypes": [str(t) for t in shown.dtypes],
    }


def mime_bundle(value: Any) -> dict[str, Any]:
    """The MIME bundle of ``value``: every rich form it offers, plus text/plain."""
    bundle: dict[str, Any] = {"text/plain": _plain(value)}
    if _is_figure(value):
        buffer = io.BytesIO()
        value.savefig(buffer, format="png", bbox_inches="tight")
        bundle["image/png"] = base64.b64encode(buffer.getvalue()).decode("ascii")
        return bundle
    if _is_dataframe(value):
        bundle[TABLE_MIME] = _table(value)
        return bundle
    for name, mime in (
        ("_repr_html_", "text/html"),
        ("_repr_svg_", "image/svg+xml"),
        ("_repr_markdown_", "text/markdown"),
    ):
        if _has_repr(value, name):
            text = getattr(value, name)()
            if isinstance(text, str):
                bundle[mime] = text
    if _has_repr(value, "_repr_png_"):
        png = value._repr_png_()
        if isinstance(png, bytes):
            bundle["image/png"] = base64.b64encode(png).decode("ascii")
        elif isinstance(png, str):
            bundle["image/png"] = png
    return bundle


def display(*values: Any) -> None:
    """Shows each value in the cell's output, in order with print(): rich when it can be, else its repr."""
    out = sys.stdout
    for value in values:
        marker = MARKER_START + json.dumps(mime_bundle(value), separators=(",", ":")) + MARKER_END
        # Flushed on both sides so the marker travels as one chunk of its own.
        out.flush()
        out.write(marker)
        out.flush()


def show_open_figures() -> None:
    """Displays and closes the figures a cell left open (what Jupyter's inline backend does)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    for number in pyplot.get_fignums():
        display(pyplot.figure(number))
    pyplot.close("all")
