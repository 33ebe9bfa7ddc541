"""Turns Python exceptions into PythonError messages with a classification."""

from __future__ import annotations

import traceback

from .proto import errors_pb2

EC = errors_pb2.ErrorClass


class CallCancelled(BaseException):
    """Raised inside a call that the host cancelled (a BaseException so user code's `except Exception` won't eat it)."""


class CallTimedOut(BaseException):
    """Raised inside a call whose deadline passed."""


class SerializationError(TypeError):
    """A value could not cross the process boundary."""


class TargetNotFound(LookupError):
    """A dotted path, handle or attribute does not exist."""


def _classify(exc: BaseException) -> int:
    # Order matters: subclasses before their bases (ModuleNotFoundError < ImportError, etc.).
    if isinstance(exc, CallCancelled) or isinstance(exc, KeyboardInterrupt):
        return EC.ERROR_CLASS_CANCELLED
    if isinstance(exc, CallTimedOut):
        return EC.ERROR_CLASS_TIMEOUT
    if isinstance(exc, SerializationError):
        return EC.ERROR_CLASS_SERIALIZATION_ERROR
    if isinstance(exc, TargetNotFound):
        return EC.ERROR_CLASS_NOT_FOUND
    if isinstance(exc, MemoryError) or type(exc).__name__ == "OutOfMemoryError":
        return EC.ERROR_CLASS_OUT_OF_MEMORY
    if isinstance(exc, ImportError):
        return EC.ERROR_CLASS_IMPORT_ERROR
    if isinstance(exc, AttributeError):
        return EC.ERROR_CLASS_ATTRIBUTE_ERROR
    if isinstance(exc, KeyError):
        return EC.ERROR_CLASS_KEY_ERROR
    if isinstance(exc, IndexError):
        return EC.ERROR_CLASS_INDEX_ERROR
    if isinstance(exc, TypeError):
        return EC.ERROR_CLASS_TYPE_ERROR
    if isinstance(exc, ValueError):
        return EC.ERROR_CLASS_VALUE_ERROR
    if isinstance(exc, TimeoutError):
        return EC.ERROR_CLASS_TIMEOUT
    if isinstance(exc, RuntimeError):
        return EC.ERROR_CLASS_RUNTIME_ERROR
    return EC.ERROR_CLASS_INTERNAL


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


def plain_error(kind: int, type_name: str, message: str) -> errors_pb2.PythonError:
    """An error that did not come from a Python exception (e.g. a refused request)."""
    return errors_pb2.PythonError(type=type_name, module="snakebridge_worker", message=message, traceback="", classification=kind)
