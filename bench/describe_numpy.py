"""Benchmark: describing numpy (depth 1) with our introspection agent versus griffe's dynamic mode.

Run with the project interpreter: ``python/.venv/bin/python bench/describe_numpy.py``.
Prints one JSON object. Each "cold" figure is the wall time of a fresh subprocess (interpreter
start, ``import numpy`` and the describe, all included) so both tools pay the same start-up cost.
griffe is measured as ``griffe.load("numpy", force_inspection=True, submodules=False)`` plus
``griffe.inspect(name, parent=numpy)`` for each public depth-1 submodule our walk found, attached
to the numpy module: the same set of modules we describe. Why not griffe's own submodule loading:
with the default ``submodules=True`` griffe imports every module recursively, including
``numpy.f2py.__main__``, which prints f2py's usage and exits the process; and
``loader.load("numpy.fft", submodules=False)`` re-inspects numpy and then fails with KeyError.
griffe parses docstrings lazily, so its figure excludes docstring parsing that ours includes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

PYTHON_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python")
RESULT_MARK = "BENCH-RESULT "

OURS = f"""
import json, sys, time
started = time.perf_counter()
sys.path.insert(0, {PYTHON_DIR!r})
from snakebridge_worker.introspect import describe_library, signature_coverage
library = describe_library("numpy", depth=1)
cold_ms = (time.perf_counter() - started) * 1000
started = time.perf_counter()
describe_library("numpy", depth=1)
warm_ms = (time.perf_counter() - started) * 1000
summary = {{
    "in_process_cold_ms": cold_ms, "warm_ms": warm_ms,
    "module_names": [m.name for m in library.modules],
    "functions": sum(len(m.functions) for m in library.modules),
    "classes": sum(len(m.classes) for m in library.modules),
    "coverage": signature_coverage(library),
}}
print({RESULT_MARK!r} + json.dumps(summary))
"""

GRIFFE = """
import contextlib, importlib, json, pathlib, sys, time, warnings
started = time.perf_counter()
import griffe
warnings.simplefilter("ignore")
failed = []
with contextlib.redirect_stdout(sys.stderr):
    top = griffe.load(sys.argv[1], force_inspection=True, submodules=False)
    for name in sys.argv[2:]:
        try:
            path = pathlib.Path(importlib.import_module(name).__file__)
            child = griffe.inspect(name.rsplit(".", 1)[-1], filepath=path, parent=top)
            top.set_member(name.rsplit(".", 1)[-1], child)
        except Exception as error:
            failed.append(f"{name}: {type(error).__name__}: {error}")
print(%r + json.dumps({"in_process_ms": (time.perf_counter() - started) * 1000, "failed": failed}))
""" % RESULT_MARK


def run_subprocess(code: str, args: list[str]) -> tuple[float, dict]:
    """Run ``code`` in a fresh interpreter; return its wall time in ms and its result line."""
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                               check=False, timeout=600)
    wall_ms = (time.perf_counter() - started) * 1000
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return wall_ms, json.loads(line[len(RESULT_MARK):])
    raise RuntimeError(f"benchmark subprocess failed (exit {completed.returncode}): {completed.stderr[-2000:]}")


def main() -> None:
    """Measure both tools and print one JSON object."""
    ours_wall_ms, ours = run_subprocess(OURS, [])
    griffe_wall_ms, griffe_result = run_subprocess(GRIFFE, ours["module_names"])
    print(json.dumps({
        "ours_cold_ms": round(ours_wall_ms, 1),
        "ours_cold_in_process_ms": round(ours["in_process_cold_ms"], 1),
        "ours_warm_ms": round(ours["warm_ms"], 1),
        "griffe_dynamic_ms": round(griffe_wall_ms, 1),
        "griffe_in_process_ms": round(griffe_result["in_process_ms"], 1),
        "griffe_failed_modules": griffe_result["failed"],
        "ratio": round(ours_wall_ms / griffe_wall_ms, 3),
        "modules": len(ours["module_names"]),
        "functions": ours["functions"],
        "classes": ours["classes"],
        "coverage": ours["coverage"],
        "python": sys.version.split()[0],
        "cpu_count": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()
