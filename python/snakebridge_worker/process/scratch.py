"""A worker's private scratch folders (its sockets; ndarray results in /dev/shm), each with an owner record.

A worker that is killed never removes them, so the next host sweeps them (app/bridge/scratch-sweep.ts). The
sweep touches only folders named ``sbw-*`` holding an ``owner.json`` that proves the owner dead: the pid and
kernel start time of the owning host and of the worker, neither of which is still running.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading

from .lifeline import process_start_time

PREFIX = "sbw-"
OWNER_FILE = "owner.json"
HOST_PID_ENV = "SNAKEBRIDGE_HOST_PID"

_shm_lock = threading.Lock()
_shm_dir: str | None = None


def owner_record() -> dict[str, object]:
    """Who owns this worker's files: the host (from SNAKEBRIDGE_HOST_PID, else our parent) and this worker."""
    try:
        host_pid = int(os.environ.get(HOST_PID_ENV, ""))
    except ValueError:
        host_pid = os.getppid()
    return {
        "host_pid": host_pid,
        "host_start_time": process_start_time(host_pid),
        "worker_pid": os.getpid(),
        "worker_start_time": process_start_time(os.getpid()),
    }


def make_private_dir(parent: str | None = None) -> str:
    """Creates a 0700 ``sbw-*`` folder under ``parent`` (the temp dir by default) with its owner record."""
    directory = tempfile.mkdtemp(prefix=PREFIX, dir=parent)  # created 0700: only this user can enter
    os.chmod(directory, 0o700)
    try:
        temp = os.path.join(directory, f".{OWNER_FILE}.tmp")
        with open(temp, "w", encoding="utf-8") as f:
            json.dump(owner_record(), f)
        os.replace(temp, os.path.join(directory, OWNER_FILE))
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return directory


def shm_base() -> str:
    """/dev/shm where it is writable (RAM-backed on Linux), else the temp dir."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()


def shm_dir() -> str:
    """This worker's folder for shared-memory ndarray files, created on first use."""
    global _shm_dir
    with _shm_lock:
        if _shm_dir is None or not os.path.isdir(_shm_dir):
            _shm_dir = make_private_dir(shm_base())
        return _shm_dir


def remove_shm_dir() -> None:
    """Removes this worker's shared-memory folder (on exit; files the host has not read yet go with it)."""
    global _shm_dir
    with _shm_lock:
        if _shm_dir is not None:
            shutil.rmtree(_shm_dir, ignore_errors=True)
            _shm_dir = None
