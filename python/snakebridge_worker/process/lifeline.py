"""Ties worker processes, and everything they start, to the life of their host (Linux; no-ops elsewhere).

The kernel's help, through ``prctl``:
  * ``PR_SET_PDEATHSIG`` with SIGKILL: a process dies the moment its parent does, even when it is stuck in
    C code holding the GIL (SIGTERM would wait for a Python handler that never gets to run).
  * ``PR_SET_CHILD_SUBREAPER``: processes orphaned below us (a cell's grandchild that called ``setsid`` and
    whose parent exited) are re-parented to us instead of to init, so we can still find and kill them.
The rest is a walk of /proc for our descendants.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
from collections.abc import Iterable

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_IS_LINUX = sys.platform.startswith("linux")


def _prctl(option: int, value: int) -> bool:
    if not _IS_LINUX:
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(option, value, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Asks the kernel to send ``sig`` when our parent (the thread that forked us) exits; False where unsupported."""
    return _prctl(_PR_SET_PDEATHSIG, int(sig))


def become_subreaper() -> bool:
    """Makes orphaned descendants re-parent to this process instead of init; False where unsupported."""
    return _prctl(_PR_SET_CHILD_SUBREAPER, 1)


def _stat_fields(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            text = f.read().decode("ascii", errors="replace")
    except OSError:
        return None
    # comm may hold spaces and parentheses: count fields after the last ')'.
    return text[text.rfind(")") + 2:].split()


def process_start_time(pid: int) -> str | None:
    """The kernel start time of ``pid`` (/proc/<pid>/stat field 22), or None when it is gone or there is no /proc."""
    fields = _stat_fields(pid)
    return fields[19] if fields is not None and len(fields) > 19 else None


def process_alive(pid: int, start_time: str | None = None) -> bool:
    """Whether ``pid`` is a live process (not a zombie) and, when ``start_time`` is given, the same one."""
    if pid <= 0:
        return False
    fields = _stat_fields(pid)
    if fields is None:
        if os.path.isdir("/proc/self"):
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return start_time is None
    if fields[0] in ("Z", "X"):
        return False
    return start_time is None or fields[19] == start_time


def _parents() -> dict[int, tuple[int, str]]:
    """pid → (ppid, state) for every process we can see."""
    table: dict[int, tuple[int, str]] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return table
    for name in names:
        if not name.isdigit():
            continue
        fields = _stat_fields(int(name))
        if fields is not None and len(fields) > 1:
            table[int(name)] = (int(fields[1]), fields[0])
    return table


def descendants(root: int) -> list[int]:
    """Every live process below ``root`` in the process tree (children first found, then theirs)."""
    table = _parents()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _state) in table.items():
        children.setdefault(ppid, []).append(pid)
    found: list[int] = []
    seen = {root}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for child in children.get(parent, []):
            if child not in seen:
                seen.add(child)
                found.append(child)
                frontier.append(child)
    return [pid for pid in found if table[pid][1] not in ("Z", "X")]


def _children_files(root: int) -> list[int] | None:
    """Children of ``root`` from /proc/<root>/task/*/children (cheap); None where the kernel lacks that file."""
    found: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{root}/task"):
            with open(f"/proc/{root}/task/{tid}/children", "rb") as f:
                found.extend(int(pid) for pid in f.read().split())
    except FileNotFoundError:
        return None  # a thread that just ended, or no CONFIG_PROC_CHILDREN: scan instead
    except OSError:
        return None
    return found


def direct_children(root: int) -> list[tuple[int, str]]:
    """(pid, state) of each process whose parent is ``root``, zombies included."""
    listed = _children_files(root)
    if listed is None:
        return [(pid, state) for pid, (ppid, state) in _parents().items() if ppid == root]
    result: list[tuple[int, str]] = []
    for pid in listed:
        fields = _stat_fields(pid)
        if fields is not None:
            result.append((pid, fields[0]))
    return result


def kill_all(pids: Iterable[int]) -> None:
    """SIGKILLs each pid; one that is already gone is fine."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def reap(pids: Iterable[int]) -> None:
    """Collects the exit status of those of ``pids`` that are our exited children (no zombies left behind)."""
    for pid in pids:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def kill_descendants(root: int, deadline_s: float = 1.5) -> int:
    """SIGKILLs every descendant of ``root`` until none is left (or the deadline); returns how many were found."""
    killed: set[int] = set()
    end = time.monotonic() + deadline_s
    while True:
        found = descendants(root)
        if not found:
            break
        killed.update(found)
        kill_all(found)
        if root == os.getpid():
            reap(pid for pid, _state in direct_children(root))
        if time.monotonic() >= end:
            break
        time.sleep(0.01)
    return len(killed)
