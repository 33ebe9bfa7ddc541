"""The value codec: Python objects <-> the typed Value tree of values.proto.

Plain data (None, bool, int, float, str, bytes, containers of those, complex,
numpy arrays and scalars) is copied; anything else stays in the worker and
crosses as a handle.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

from ..proto import values_pb2
from .array_files import write_array_file
from .errors import SerializationError
from .handles import HandleTable

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# Containers nest at most this deep in one value (values.proto, ValueLimit); deeper ones stay here as handles.
_MAX_DEPTH = values_pb2.VALUE_LIMIT_MAX_NESTING
SUPPORTED_DTYPES = frozenset(
    ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float16", "float32", "float64",
     "complex64", "complex128"]
)

_NULL = values_pb2.Null()


def _numpy() -> Any:
    # numpy is optional for the worker; only touch it when the value might be an array.
    return sys.modules.get("numpy")


def _qualified_type(obj: Any) -> str:
    cls = type(obj)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def _safe_repr(obj: Any, limit: int = 300) -> str:
    try:
        text = repr(obj)
    except Exception as exc:  # noqa: BLE001 - a broken __repr__ must not break the call
        text = f"<{_qualified_type(obj)} (repr failed: {type(exc).__name__})>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Encoder:
    """Encodes results for one call; non-plain objects become handles in ``handles``."""

    def __init__(self, handles: HandleTable, session: str = "", shm_threshold: int = 0) -> None:
        self._handles = handles
        self._session = session
        self._shm_threshold = shm_threshold

    def handle(self, obj: Any) -> values_pb2.Value:
        """Encodes ``obj`` as a handle, whatever it is."""
        handle_id = self._handles.put(obj, self._session)
        return values_pb2.Value(
            handle_value=values_pb2.Handle(id=handle_id, python_type=_qualified_type(obj), repr=_safe_repr(obj))
        )

    def encode(self, obj: Any) -> values_pb2.Value:
        """Encodes ``obj`` by value where it is plain data, else as a handle."""
        return self._encode(obj, 0, set())

    def _encode(self, obj: Any, depth: int, path: set[int]) -> values_pb2.Value:
        if obj is None:
            return values_pb2.Value(null_value=_NULL)
        kind = type(obj)
        if kind is bool:
            return values_pb2.Value(bool_value=obj)
        if kind is int:
            if INT64_MIN <= obj <= INT64_MAX:
                return values_pb2.Value(int_value=obj)
            return values_pb2.Value(big_int_value=str(obj))
        if kind is float:
            return values_pb2.Value(float_value=obj)
        if kind is str:
            return values_pb2.Value(str_value=obj)
        if kind is bytes or kind is bytearray or kind is memoryview:
            return values_pb2.Value(bytes_value=bytes(obj))
        if kind is complex:
            return values_pb2.Value(complex_value=values_pb2.Complex(real=obj.real, imag=obj.imag))
        if kind in (list, tuple, dict, set, frozenset):
            if depth >= _MAX_DEPTH or id(obj) in path:
                # Self-referencing or absurdly deep containers stay in the worker.
                return self.handle(obj)
            path.add(id(obj))
            try:
                return self._encode_container(obj, kind, depth + 1, path)
            finally:
                path.discard(id(obj))
        np = _numpy()
        if np is not None:
            if isinstance(obj, np.ndarray):
                if obj.dtype.name in SUPPORTED_DTYPES:
                    return values_pb2.Value(ndarray_value=self._encode_array(obj))
                return self.handle(obj)
            if isinstance(obj, np.generic):
                return self._encode(obj.item(), depth, path)
        if isinstance(obj, (tuple, dict)):
            # Named tuples, struct sequences (os.stat_result), numpy's SVDResult, Counter, OrderedDict...:
            # data, with the type recorded for display. Coming back they are plain tuples and dicts.
            if depth >= _MAX_DEPTH or id(obj) in path:
                return self.handle(obj)
            path.add(id(obj))
            try:
                return self._encode_subclass(obj, depth + 1, path)
            finally:
                path.discard(id(obj))
        if type(obj).__name__ == "HostFunction" and type(obj).__module__ == __package__ + ".callbacks":
            # A host function going back to the host: it arrives there as the original function.
            return values_pb2.Value(host_function_value=values_pb2.HostFunction(id=obj.host_id))
        return self.handle(obj)

    def _encode_subclass(self, obj: Any, depth: int, path: set[int]) -> values_pb2.Value:
        if isinstance(obj, dict):
            value = self._encode_container(obj, dict, depth, path)
            value.dict_value.python_type = _qualified_type(obj)
            return value
        value = self._encode_container(obj, tuple, depth, path)
        value.tuple_value.python_type = _qualified_type(obj)
        value.tuple_value.fields.extend(_tuple_fields(obj))
        return value

    def _encode_container(self, obj: Any, kind: type, depth: int, path: set[int]) -> values_pb2.Value:
        if kind is dict:
            entries = [
                values_pb2.DictEntry(key=self._encode(k, depth, path), value=self._encode(v, depth, path))
                for k, v in obj.items()
            ]
            return values_pb2.Value(dict_value=values_pb2.Dict(entries=entries))
        items = [self._encode(item, depth, path) for item in obj]
        if kind is list:
            return values_pb2.Value(list_value=values_pb2.ValueList(items=items))
        if kind is tuple:
            return values_pb2.Value(tuple_value=values_pb2.ValueList(items=items))
        return values_pb2.Value(set_value=values_pb2.ValueList(items=items))

    def _encode_array(self, array: Any) -> values_pb2.NDArray:
        if array.dtype.byteorder == ">":  # the wire is little-endian: big-endian data is converted
            array = array.astype(array.dtype.newbyteorder("<"))
        # copy(order="C") rather than ascontiguousarray, which turns 0-d arrays into 1-d ones.
        contiguous = array if array.flags.c_contiguous else array.copy(order="C")
        shape = list(contiguous.shape)
        if self._shm_threshold > 0 and contiguous.nbytes >= self._shm_threshold:
            path = write_array_file(memoryview(contiguous).cast("B"))
            return values_pb2.NDArray(dtype=contiguous.dtype.name, shape=shape, shm_path=path)
        return values_pb2.NDArray(dtype=contiguous.dtype.name, shape=shape, data=contiguous.tobytes())


def _tuple_fields(obj: tuple[Any, ...]) -> list[str]:
    """Field names of a named tuple or struct sequence, one per item ("" where an item has none)."""
    names = getattr(type(obj), "_fields", None)
    if names is None:
        names = getattr(type(obj), "__match_args__", ())  # struct sequences: the named visible fields
    if not isinstance(names, tuple) or not all(isinstance(n, str) for n in names):
        return []
    names = names[: len(obj)]
    return [*names, *([""] * (len(obj) - len(names)))] if names else []


class Decoder:
    """Decodes call arguments; handles resolve to the live objects they name."""

    def __init__(self, handles: HandleTable) -> None:
        self._handles = handles

    def decode(self, value: values_pb2.Value) -> Any:
        """The Python object for ``value``."""
        kind = value.WhichOneof("kind")
        if kind in _PLAIN_FIELDS:  # the field is the value: read it without a decoder call (most arguments)
            return getattr(value, kind)
        decode = _DECODERS.get(kind or "")
        if decode is None:
            raise SerializationError(f"argument has no value kind ({kind!r}); the host sent an empty Value")
        return decode(self, value)

    def decode_all(self, values: Iterable[values_pb2.Value]) -> list[Any]:
        """The Python objects for ``values``, in order (a call's arguments: one loop, no call per plain value)."""
        decoded: list[Any] = []
        for value in values:
            kind = value.WhichOneof("kind")
            decoded.append(getattr(value, kind) if kind in _PLAIN_FIELDS else self.decode(value))
        return decoded

    def _list(self, value: values_pb2.Value) -> list[Any]:
        return self.decode_all(value.list_value.items)

    def _tuple(self, value: values_pb2.Value) -> tuple[Any, ...]:
        return tuple(self.decode_all(value.tuple_value.items))

    def _set(self, value: values_pb2.Value) -> set[Any]:
        try:
            return {self.decode(v) for v in value.set_value.items}
        except TypeError as exc:
            raise SerializationError(f"a set element is not hashable in Python: {exc}") from exc

    def _dict(self, value: values_pb2.Value) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for entry in value.dict_value.entries:
            key = self.decode(entry.key)
            try:
                result[key] = self.decode(entry.value)
            except TypeError as exc:
                raise SerializationError(f"dict key {key!r} is not hashable in Python: {exc}") from exc
        return result

    def _ndarray(self, value: values_pb2.Value) -> Any:
        np = _numpy()
        if np is None:
            try:
                import numpy as np
            except ImportError as exc:
                raise SerializationError(
                    "an ndarray argument needs numpy in the worker's interpreter; install it with: pip install numpy"
                ) from exc
        spec = value.ndarray_value
        if spec.dtype not in SUPPORTED_DTYPES:
            raise SerializationError(f"unsupported ndarray dtype {spec.dtype!r}; supported: {sorted(SUPPORTED_DTYPES)}")
        data = spec.data
        if spec.shm_path:
            with open(spec.shm_path, "rb") as f:
                data = f.read()
        array = np.frombuffer(data, dtype=np.dtype(spec.dtype).newbyteorder("<"), count=-1)
        # frombuffer gives a read-only view of the message bytes; copy so callees may write.
        return array.reshape([int(d) for d in spec.shape]).copy()


# Value kinds whose field holds the Python value as it is.
_PLAIN_FIELDS = frozenset({"bool_value", "int_value", "float_value", "str_value", "bytes_value"})
_DECODERS: dict[str, Callable[[Decoder, values_pb2.Value], Any]] = {
    "null_value": lambda d, v: None,
    "big_int_value": lambda d, v: int(v.big_int_value),
    "complex_value": lambda d, v: complex(v.complex_value.real, v.complex_value.imag),
    "list_value": Decoder._list,
    "tuple_value": Decoder._tuple,
    "set_value": Decoder._set,
    "dict_value": Decoder._dict,
    "ndarray_value": Decoder._ndarray,
    "handle_value": lambda d, v: d._handles.get(v.handle_value.id),
    "host_function_value": lambda d, v: _host_function(v.host_function_value),
}


def _host_function(message: values_pb2.HostFunction) -> Any:
    from ..rpc.callbacks import proxy_for  # imported late: callbacks imports this module

    return proxy_for(message)
