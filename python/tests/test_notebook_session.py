"""Notebook sessions: coalesced output, display markers, tracebacks, the `py`/`ts` scope helpers, completion."""

from __future__ import annotations

import json
import sys
import time

import pytest

from snakebridge_worker import completion, display, notebook_scope
from snakebridge_worker.sessions import MISSING, SESSIONS, SessionTable


def run(table: SessionTable, session: str, code: str) -> tuple[object, list[str], list[str]]:
    out: list[str] = []
    err: list[str] = []
    value, _ = table.get(session).run_cell(code, out.append, err.append)
    return value, out, err


def markers(chunks: list[str]) -> list[dict[str, object]]:
    found = []
    for chunk in chunks:
        if chunk.startswith(display.MARKER_START):
            found.append(json.loads(chunk[len(display.MARKER_START):-len(display.MARKER_END)]))
    return found


def _runs(chunks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive chunks of one stream joined: the order of text across streams, whatever the chunking."""
    runs: list[tuple[str, str]] = []
    for stream, text in chunks:
        if runs and runs[-1][0] == stream:
            runs[-1] = (stream, runs[-1][1] + text)
        else:
            runs.append((stream, text))
    return runs


def test_many_prints_become_few_chunks_in_order() -> None:
    table = SessionTable()
    _, out, _ = run(table, "s", "for i in range(20000):\n    print(i)")
    assert "".join(out) == "".join(f"{i}\n" for i in range(20000))
    assert len(out) < 50


def test_output_keeps_its_order_across_stdout_and_stderr() -> None:
    # tqdm's closing newline on stderr used to reach the page after the print that followed the loop.
    table = SessionTable()
    events: list[tuple[str, str]] = []
    code = (
        "import sys\n"
        "print('before')\n"
        "for i in range(3):\n"
        "    sys.stderr.write(f'\\r{i}/3')\n"
        "sys.stderr.write('\\n')\n"
        "print('after')\n"
        "for i in range(300):\n"
        "    print(i, file=sys.stderr if i % 2 else sys.stdout)\n"
    )
    table.get("s").run_cell(code, lambda text: events.append(("out", text)), lambda text: events.append(("err", text)))
    written = [("out", "before\n"), ("err", "\r0/3"), ("err", "\r1/3"), ("err", "\r2/3"), ("err", "\n")]
    written += [("out", "after\n")] + [("err" if i % 2 else "out", f"{i}\n") for i in range(300)]
    # Consecutive text of one stream may come as one chunk or several; the interleaving must be the written one.
    assert _runs(events) == _runs(written)


def test_text_before_a_pause_is_flushed_while_the_cell_runs() -> None:
    table = SessionTable()
    seen_at: list[float] = []
    started = time.monotonic()
    table.get("s").run_cell(
        "import time\nprint('early')\ntime.sleep(0.5)",
        lambda text: seen_at.append(time.monotonic() - started),
        lambda _: None,
    )
    assert seen_at and seen_at[0] < 0.3


def test_display_keeps_its_place_between_prints_and_rich_results_display() -> None:
    table = SessionTable()
    code = "class H:\n    def _repr_html_(self): return '<i>x</i>'\nprint('a')\ndisplay(H())\nprint('b')\nH()"
    value, out, _ = run(table, "s", code)
    assert value is MISSING
    kinds = ["marker" if c.startswith(display.MARKER_START) else c for c in out]
    assert kinds == ["a\n", "marker", "b\n", "marker"]
    assert markers(out)[0]["text/html"] == "<i>x</i>"


def test_dataframes_and_figures_display_as_table_and_png() -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    table = SessionTable()
    code = ("import pandas as pd\nimport matplotlib.pyplot as plt\n"
            "plt.plot([1, 2, 3])\n"
            "pd.DataFrame({'a': range(1500), 'b': ['x'] * 1500})")
    _, out, _ = run(table, "s", code)
    bundles = markers(out)
    assert "image/png" in bundles[0]
    frame = bundles[1][display.TABLE_MIME]
    assert isinstance(frame, dict)
    assert frame["totalRows"] == 1500 and len(frame["rows"]) == display.TABLE_MAX_ROWS
    assert frame["columns"] == ["a", "b"]


def test_a_missing_display_extra_is_a_one_line_hint() -> None:
    assert display.missing_extra_hint(ModuleNotFoundError("No module named 'pandas'", name="pandas")) is not None
    assert display.missing_extra_hint(ModuleNotFoundError("No module named 'torch'", name="torch")) is None
    assert display.missing_extra_hint(ModuleNotFoundError("No module named 'pandas.nope'", name="pandas.nope")) is None


def test_a_cell_importing_a_missing_display_package_raises_the_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what an environment without the extra looks like
    with pytest.raises(display.MissingDisplayExtra, match="display extra"):
        run(SessionTable(), "s", "import matplotlib.pyplot as plt")


def test_tracebacks_show_cell_source_without_worker_frames() -> None:
    import traceback

    table = SessionTable()
    with pytest.raises(ZeroDivisionError) as caught:
        run(table, "s", "def f():\n    return 1 / 0\nf()")
    text = "".join(traceback.format_exception(caught.value))
    assert "return 1 / 0" in text
    # The one remaining worker frame is the re-raise in run_cell, which the server skips.
    assert text.count("snakebridge_worker") == 1


def test_a_syntax_error_shows_the_cell_line_and_no_frame_of_the_machinery() -> None:
    import traceback

    table = SessionTable()
    with pytest.raises(SyntaxError) as caught:
        run(table, "s", "x = (1,\ny = 2")
    text = "".join(traceback.format_exception(caught.value))
    assert "ast.py" not in text  # it showed ast.parse's frame
    assert text.count("snakebridge_worker") == 1  # the re-raise in run_cell, which the server skips
    assert '"<cell 1>", line 1' in text


def test_input_says_there_is_no_keyboard_and_the_cell_goes_on() -> None:
    table = SessionTable()
    value, out, _ = run(
        table, "s", "try:\n    input('name? ')\nexcept EOFError as e:\n    print(e)\n'after'"
    )
    assert value == "after"
    assert "no keyboard to read in a notebook cell or the console" in "".join(out)
    assert sys.stdin is not None and not isinstance(sys.stdin, type(table))  # restored after the cell


def test_typescript_types_of_live_values() -> None:
    np = pytest.importorskip("numpy")
    session = "types"
    namespace = SESSIONS.get(session).namespace
    namespace.update(n=3, f=0.5, big=2 ** 70, edge=2 ** 53, s="x", b=True, xs=[1, 2], mixed=(1, "a"), d={"a": "b"},
                     m={1: 2.0}, st={1}, a=np.zeros(2), scalar=np.float32(1.5), obj=object())
    names = ["n", "f", "big", "edge", "s", "b", "xs", "mixed", "d", "m", "st", "a", "scalar", "obj", "missing"]
    found = notebook_scope.types_of(session, names)
    assert {name: info["type"] for name, info in found.items()} == {
        "n": "number",
        "f": "number",
        "big": "bigint",
        "edge": "bigint",
        "s": "string",
        "b": "boolean",
        "xs": "number[]",
        "mixed": "(number | string)[]",
        "d": "Record<string, string>",
        "m": "Map<number, number>",
        "st": "Set<number>",
        "a": "NDArray",
        "scalar": "number",
        "obj": "PyHandle",
    }
    SESSIONS.drop(session)


def test_variables_leave_out_modules_functions_and_private_names() -> None:
    session = "vars"
    run(SESSIONS, session, "import math\ndef f(): pass\n_hidden = 1\nitems = [1, 2, 3]")
    rows = notebook_scope.variables(session)
    assert [row["name"] for row in rows] == ["items"]
    assert rows[0]["shape"] == "3" and rows[0]["type"] == "list"
    SESSIONS.drop(session)


def test_completion_from_the_live_namespace() -> None:
    session = "complete"
    run(SESSIONS, session, "import collections\ncounter = collections.Counter('ab')")
    found = completion.complete(session, "counter.most_", 13)
    assert "most_common" in [item["label"] for item in found["items"]]
    assert found["start"] == len("counter.")
    SESSIONS.drop(session)
