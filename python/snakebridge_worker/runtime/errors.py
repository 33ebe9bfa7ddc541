"""Turns Python exceptions into PythonError messages with a classification."""

from __future__ import annotations

import traceback

from ..proto import errors_pb2

EC = errors_pb2.ErrorClass


class CallCancelled(BaseException):
    """Raised inside a call that the host cancelled (a BaseException so user code's `except Exception` won't eat it)."""


class CallTimedOut(BaseException):
    """Raised inside a call whose deadline passed."""


class SerializationError(TypeError):
    """A value could not cross the process boundary."""


class TargetNotFound(LookupError):
    """A dotted path, handle or attribute does not exist."""


class NotAllowed(PermissionError):
    """Refused by the allowlist of enforce mode: the target is not declared in any manifest."""


# Checked in order, so subclasses come before their bases (ModuleNotFoundError is an ImportError, ...).
_CLASSIFICATIONS: tuple[tuple[type[BaseException], errors_pb2.ErrorClass], ...] = (
    (CallCancelled, EC.ERROR_CLASS_CANCELLED),
    (KeyboardInterrupt, EC.ERROR_CLASS_CANCELLED),
    (CallTimedOut, EC.ERROR_CLASS_TIMEOUT),
    (SerializationError, EC.ERROR_CLASS_SERIALIZATION_ERROR),
    (TargetNotFound, EC.ERROR_CLASS_NOT_FOUND),
    (NotAllowed, EC.ERROR_CLASS_NOT_ALLOWED),
    (MemoryError, EC.ERROR_CLASS_OUT_OF_MEMORY),
    (ImportError, EC.ERROR_CLASS_IMPORT_ERROR),
    (AttributeError, EC.ERROR_CLASS_ATTRIBUTE_ERROR),
    (KeyError, EC.ERROR_CLASS_KEY_ERROR),
    (IndexError, EC.ERROR_CLASS_INDEX_ERROR),
    (TypeError, EC.ERROR_CLASS_TYPE_ERROR),
    (ValueError, EC.ERROR_CLASS_VALUE_ERROR),
    (TimeoutError, EC.ERROR_CLASS_TIMEOUT),
    (RuntimeError, EC.ERROR_CLASS_RUNTIME_ERROR),
)


def _classify(exc: BaseException) -> errors_pb2.ErrorClass:
    # torch.cuda.OutOfMemoryError is a RuntimeError; recognised by name so torch is never imported here.
    if type(exc).__name__ == "OutOfMemoryError":
        return EC.ERROR_CLASS_OUT_OF_MEMORY
    for cls, classification in _CLASSIFICATIONS:
        if isinstance(exc, cls):
            return classification
    # Any other exception the called code raised (ZeroDivisionError, NameError, OSError, SystemExit, a library's
    # own): the code failed, not the bridge. `internal` is kept for the bridge's own failures.
    return EC.ERROR_CLASS_RUNTIME_ERROR


def to_python_error(exc: BaseException, skip_frames: int = 0) -> errors_pb2.PythonError:
    """Describes ``exc`` for the host: type, module, message, formatted traceback and classification."""
    tb = exc.__traceback__
    for _ in range(skip_frames):
        if tb is None or tb.tb_next is None:
            break
        tb = tb.tb_next
    formatted = "".join(traceback.format_exception(type(exc), exc, tb))
    message = str(exc)
    if isinstance(exc, KeyError) and len(exc.args) == 1:
        message = repr(exc.args[0])
    return errors_pb2.PythonError(
        type=type(exc).__name__,
        module=type(exc).__module__,
        message=message,
        traceback=formatted,
        classification=_classify(exc),
    )


def plain_error(kind: errors_pb2.ErrorClass, type_name: str, message: str) -> errors_pb2.PythonError:
    """An error that did not come from a Python exception (e.g. a refused request)."""
    return errors_pb2.PythonError(
        type=type_name, module="snakebridge_worker", message=message, traceback="", classification=kind
    )
