"""ndarray files for the host: written in this worker's shared-memory folder, recycled once the host has read them.

A large array result leaves as a file (``NDArray.shm_path``) that the host reads once. Writing a fresh file makes
the kernel allocate and zero every page (about 4 ms for 8 MB here), and deleting it frees them again (about 1 ms on
the host). So the host hands a file it has read back by renaming it to ``<name>.free`` (app/bridge/shm-array-file.ts)
when it is small enough to keep, and the next array written here claims such a file with an atomic rename and
overwrites pages that are already there. At most ``KEEP_FREE`` handed-back files wait here; the rest are deleted.
"""

from __future__ import annotations

import contextlib
import os
import secrets

from ..process import scratch

PREFIX = "nd-"
# The host renames a file it has read to this name (app/bridge/shm-array-file.ts FREE_SUFFIX).
FREE_SUFFIX = ".free"
# Handed-back files kept for reuse; the host only hands back files up to 32 MiB, so at most 64 MiB wait idle.
KEEP_FREE = 2


def write_array_file(data: memoryview) -> str:
    """Writes ``data`` (bytes) to a file in this worker's shm folder and returns its path; the host takes it."""
    folder = scratch.shm_dir()
    path = _claim_free_file(folder, data.nbytes)
    if path is None:
        path = _fresh_name(folder)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    else:
        fd = os.open(path, os.O_WRONLY)
    try:
        if os.fstat(fd).st_size != data.nbytes:
            os.ftruncate(fd, data.nbytes)  # the host reads the whole file: it must be exactly the array
        written = 0
        while written < data.nbytes:
            written += os.pwrite(fd, data[written:], written)
    except BaseException:
        os.unlink(path)
        raise
    finally:
        os.close(fd)
    return path


def _fresh_name(folder: str) -> str:
    return os.path.join(folder, PREFIX + secrets.token_hex(8))


def _claim_free_file(folder: str, nbytes: int) -> str | None:
    """Takes one handed-back file for a new array (best fit: the smallest that holds it); prunes the surplus."""
    free: list[tuple[int, str]] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(PREFIX) and entry.name.endswith(FREE_SUFFIX):
                try:
                    free.append((entry.stat(follow_symlinks=False).st_size, entry.path))
                except FileNotFoundError:
                    continue  # claimed meanwhile by another thread
    if not free:
        return None
    # Fits first (smallest that holds nbytes), then the largest of those that do not (it grows the least).
    free.sort(key=lambda item: (item[0] < nbytes, item[0] if item[0] >= nbytes else -item[0]))
    claimed: str | None = None
    kept = 0
    for _, path in free:
        if claimed is None:
            target = _fresh_name(folder)
            try:
                os.rename(path, target)  # atomic: two threads never claim the same file
            except FileNotFoundError:
                continue
            claimed = target
        elif kept < KEEP_FREE - 1:
            kept += 1
        else:
            with contextlib.suppress(FileNotFoundError):  # claimed or removed by another thread
                os.unlink(path)
    return claimed


__all__ = ["FREE_SUFFIX", "KEEP_FREE", "PREFIX", "write_array_file"]
