"""Work for the signal tests: a grandchild that leaves the worker's session, and a call stuck in C."""

from __future__ import annotations

import re
import subprocess


def spawn_orphan(pid_file: str) -> int:
    """Starts ``sleep 300`` in a new session (out of the worker's process group); writes and returns its pid."""
    child = subprocess.Popen(["sleep", "300"], start_new_session=True)
    with open(pid_file, "w", encoding="utf-8") as f:
        f.write(str(child.pid))
    return child.pid


def spin_in_c() -> bool:
    """A catastrophic regex: hours inside the C matcher, holding the GIL, deaf to Python signal handlers."""
    return re.match(r"(a+)+$", "a" * 40 + "b") is not None


def spawn_orphan_and_spin(pid_file: str) -> bool:
    """Both at once, in one call."""
    spawn_orphan(pid_file)
    return spin_in_c()
