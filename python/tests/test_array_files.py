"""Array files: a file the host handed back (renamed to .free) is overwritten by the next array, never one in use."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest

from snakebridge_worker.process import scratch
from snakebridge_worker.runtime.array_files import FREE_SUFFIX, KEEP_FREE, write_array_file


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(scratch, "shm_dir", lambda: str(tmp_path))
    return tmp_path


def data(values: np.ndarray) -> memoryview:
    return memoryview(values.tobytes())


def hand_back(path: str) -> str:
    """What the host does after reading (app/bridge/shm-array-file.ts)."""
    os.rename(path, path + FREE_SUFFIX)
    return path + FREE_SUFFIX


def read(path: str, dtype: str = "float64") -> np.ndarray:
    return np.frombuffer(Path(path).read_bytes(), dtype=dtype)


def test_a_new_file_holds_exactly_the_array_and_is_private(folder: Path) -> None:
    path = write_array_file(data(np.arange(1000.0)))
    assert os.path.dirname(path) == str(folder) and os.path.basename(path).startswith("nd-")
    assert np.array_equal(read(path), np.arange(1000.0))
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_a_handed_back_file_is_reused_and_resized_to_the_new_array(folder: Path) -> None:
    first = write_array_file(data(np.arange(1000.0)))
    inode = os.stat(first).st_ino
    hand_back(first)
    smaller = write_array_file(data(np.full(10, 7.0)))
    assert os.stat(smaller).st_ino == inode  # the same pages, under a new name
    assert smaller != first and np.array_equal(read(smaller), np.full(10, 7.0))
    hand_back(smaller)
    larger = write_array_file(data(np.arange(5000.0)))
    assert os.stat(larger).st_ino == inode and np.array_equal(read(larger), np.arange(5000.0))
    assert not list(folder.glob(f"*{FREE_SUFFIX}"))


def test_files_the_host_still_holds_are_never_overwritten(folder: Path) -> None:
    held = write_array_file(data(np.arange(100.0)))
    other = write_array_file(data(np.ones(100)))
    assert held != other
    assert np.array_equal(read(held), np.arange(100.0)) and np.array_equal(read(other), np.ones(100))


def test_the_best_fit_is_claimed_and_the_surplus_is_deleted(folder: Path) -> None:
    sizes = [10, 1000, 100, 50, 5000]
    # Several handed back at once, as after a frame with several array results.
    paths = [write_array_file(data(np.zeros(size))) for size in sizes]
    for path in paths:
        hand_back(path)
    assert len(list(folder.glob(f"*{FREE_SUFFIX}"))) == len(sizes)
    claimed = write_array_file(data(np.zeros(90)))  # 720 bytes: the 100-element file (800 bytes) fits best
    assert os.stat(claimed).st_size == 720
    assert len(list(folder.glob(f"*{FREE_SUFFIX}"))) == KEEP_FREE - 1


def test_two_threads_never_claim_the_same_file(folder: Path) -> None:
    for _ in range(4):
        hand_back(write_array_file(data(np.zeros(100))))
    results: list[str] = []
    errors: list[BaseException] = []

    def write(value: float) -> None:
        try:
            for _ in range(50):
                path = write_array_file(data(np.full(100, value)))
                results.append(path)
                assert np.array_equal(read(path), np.full(100, value))
                hand_back(path)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(float(i),)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == len(results)


def test_a_failed_write_leaves_no_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(fd: int, view: memoryview, offset: int) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "pwrite", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_array_file(data(np.zeros(10)))
    assert list(folder.iterdir()) == []
