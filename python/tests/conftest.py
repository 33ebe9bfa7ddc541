"""Shared pytest setup: make the worker package importable from python/."""

import os
import signal
import sys
from collections.abc import Iterator

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from snakebridge_worker.runtime.executor import MainThreadExecutor


@pytest.fixture
def executor() -> Iterator[MainThreadExecutor]:
    """A main-thread executor with its SIGINT handler installed, as run_forever installs it."""
    executor = MainThreadExecutor()
    previous = signal.signal(signal.SIGINT, executor._on_sigint)
    try:
        yield executor
    finally:
        signal.signal(signal.SIGINT, previous)
        executor.loop.close()


def _missing_training_extra() -> str | None:
    """Names the training packages that are not importable, or None when the extra is installed."""
    import importlib.util

    missing = [name for name in ("torch", "transformers", "peft") if importlib.util.find_spec(name) is None]
    return ", ".join(missing) if missing else None


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Skips, with the reason, tests whose extra is not installed (SNAKEBRIDGE_PYTHON_EXTRAS chose without it)."""
    import pytest

    missing = _missing_training_extra()
    if missing is None:
        return
    reason = (
        f"the training extra is not installed (missing: {missing}); "
        "install it with: npm run setup:python -- --extra training"
    )
    for item in items:
        if "training" in item.keywords or "gpu" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))
