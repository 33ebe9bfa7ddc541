"""Process-tree helpers and scratch folders: real processes, real /proc (Linux only)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import time

import pytest

import snakebridge_worker
from snakebridge_worker.process import lifeline, scratch

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")

# A parent that becomes a subreaper, starts a child that starts a setsid grandchild and exits, then waits.
_PARENT = textwrap.dedent(
    """
    import os, subprocess, sys, time
    sys.path.insert(0, sys.argv[1])
    from snakebridge_worker.process import lifeline
    lifeline.become_subreaper()
    middle = subprocess.Popen([sys.executable, "-c",
        "import subprocess; p = subprocess.Popen(['sleep', '300'], start_new_session=True); print(p.pid, flush=True)"],
        stdout=subprocess.PIPE, text=True)
    grandchild = int(middle.stdout.readline())
    middle.wait()
    print(grandchild, flush=True)
    time.sleep(300)
    """
)


def _worker_root() -> str:
    """The folder that holds the snakebridge_worker package (what the host puts on a worker's sys.path)."""
    return os.path.dirname(os.path.dirname(os.path.abspath(snakebridge_worker.__file__)))


def test_a_subreaper_adopts_an_orphaned_setsid_grandchild_and_kill_descendants_ends_it() -> None:
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, _worker_root()], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        grandchild = int(parent.stdout.readline())
        # Its own parent exited: it was re-parented to the subreaper, not to init.
        assert lifeline.descendants(parent.pid) == [grandchild]
        assert lifeline.kill_descendants(parent.pid) == 1
        deadline = time.monotonic() + 2.0
        while lifeline.process_alive(grandchild) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not lifeline.process_alive(grandchild)
    finally:
        parent.kill()
        parent.wait()


def test_process_alive_compares_start_times() -> None:
    me = os.getpid()
    started = lifeline.process_start_time(me)
    assert started is not None
    assert lifeline.process_alive(me)
    assert lifeline.process_alive(me, started)
    assert not lifeline.process_alive(me, "0")
    exited = int(subprocess.run(["sh", "-c", "echo $$"], capture_output=True, text=True, check=True).stdout)
    assert not lifeline.process_alive(exited)
    assert not lifeline.process_alive(0)


def test_private_dir_is_0700_with_an_owner_record(tmp_path: os.PathLike[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(scratch.HOST_PID_ENV, str(os.getppid()))
    directory = scratch.make_private_dir(str(tmp_path))
    assert os.path.basename(directory).startswith(scratch.PREFIX)
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    with open(os.path.join(directory, scratch.OWNER_FILE), encoding="utf-8") as f:
        owner = json.load(f)
    assert owner == {
        "host_pid": os.getppid(),
        "host_start_time": lifeline.process_start_time(os.getppid()),
        "worker_pid": os.getpid(),
        "worker_start_time": lifeline.process_start_time(os.getpid()),
    }


def test_the_shm_folder_is_created_once_and_removed_on_exit() -> None:
    first = scratch.shm_dir()
    try:
        assert scratch.shm_dir() == first
        assert os.path.isfile(os.path.join(first, scratch.OWNER_FILE))
    finally:
        scratch.remove_shm_dir()
    assert not os.path.exists(first)
