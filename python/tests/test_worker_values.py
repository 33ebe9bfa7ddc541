"""The value codec keeps every plain-data kind exact and turns everything else into handles."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from snakebridge_worker.runtime.errors import SerializationError, TargetNotFound
from snakebridge_worker.runtime.handles import HandleLimitError, HandleTable
from snakebridge_worker.runtime.values import Decoder, Encoder


def roundtrip(value: object) -> Any:
    handles = HandleTable()
    return Decoder(handles).decode(Encoder(handles).encode(value))


@pytest.mark.parametrize(
    "value",
    [None, True, False, 0, -1, 2**63 - 1, -(2**63), 2**64, -(2**200), 1.5, float("inf"), "", "ünïcødé 🐍", b"\x00\xff",
     [1, [2, [3]]], (1, "a"), {"a": 1, 2: "b", (3, 4): [5]}, {1, 2, 3}, 3 + 4j],
)
def test_plain_values_round_trip_exactly(value: object) -> None:
    result = roundtrip(value)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "uint8", "bool", "float16", "int8"])
@pytest.mark.parametrize("shape", [(0,), (3,), (2, 3), (2, 1, 4), ()])
def test_arrays_keep_dtype_and_shape(dtype: str, shape: tuple[int, ...]) -> None:
    array = (np.arange(int(np.prod(shape))) % 3).astype(dtype).reshape(shape)
    result = roundtrip(array)
    assert isinstance(result, np.ndarray)
    assert result.dtype == array.dtype and result.shape == array.shape
    assert np.array_equal(result, array)
    assert result.flags.writeable


def test_non_contiguous_arrays_are_sent_in_c_order() -> None:
    array = np.arange(12, dtype=np.float64).reshape(3, 4).T
    assert np.array_equal(roundtrip(array), array)


def test_large_arrays_can_travel_through_shared_memory(tmp_path: object) -> None:
    handles = HandleTable()
    value = Encoder(handles, shm_threshold=1024).encode(np.ones(10_000))
    assert value.ndarray_value.shm_path and not value.ndarray_value.data
    decoded = Decoder(handles).decode(value)
    assert decoded.sum() == 10_000


def test_objects_without_plain_form_become_handles() -> None:
    handles = HandleTable()
    obj = object()
    value = Encoder(handles).encode([obj, 1])
    item = value.list_value.items[0]
    assert item.WhichOneof("kind") == "handle_value"
    assert item.handle_value.python_type == "object"
    assert Decoder(handles).decode(item) is obj


def test_self_referencing_list_becomes_a_handle_instead_of_recursing() -> None:
    cyclic: list[object] = [1]
    cyclic.append(cyclic)
    value = Encoder(HandleTable()).encode(cyclic)
    assert value.list_value.items[1].WhichOneof("kind") == "handle_value"


def test_unhashable_dict_key_is_a_serialization_error() -> None:
    handles = HandleTable()
    value = Encoder(handles).encode({"k": 1})
    entry = value.dict_value.entries[0]
    entry.key.CopyFrom(Encoder(handles).encode([1, 2]))
    with pytest.raises(SerializationError, match="not hashable"):
        Decoder(handles).decode(value)


def test_handles_expire_after_their_ttl_and_respect_the_cap() -> None:
    table = HandleTable(ttl_s=0.0, max_count=2)
    handle = table.put(object())
    with pytest.raises(TargetNotFound, match="expired"):
        table.get(handle)
    capped = HandleTable(ttl_s=60, max_count=2)
    capped.put(1)
    capped.put(2)
    with pytest.raises(HandleLimitError, match="release"):
        capped.put(3)
    assert capped.release_session("") == 2


def test_tuple_and_dict_subclasses_are_data_with_their_type_and_come_back_plain() -> None:
    import collections
    import os

    handles = HandleTable()
    encoder = Encoder(handles)
    svd = encoder.encode(np.linalg.svd(np.eye(2)))
    assert list(svd.tuple_value.fields) == ["U", "S", "Vh"]
    assert svd.tuple_value.python_type.endswith("SVDResult")
    stat = encoder.encode(os.stat("."))
    assert stat.tuple_value.python_type == "os.stat_result"
    assert list(stat.tuple_value.fields)[:2] == ["st_mode", "st_ino"]
    counter = encoder.encode(collections.Counter("aab"))
    assert counter.dict_value.python_type == "collections.Counter"
    assert len(handles) == 0
    back = Decoder(handles).decode(counter)
    assert type(back) is dict and back == {"a": 2, "b": 1}
    assert type(Decoder(handles).decode(stat)) is tuple


def test_a_type_named_by_the_host_is_never_imported() -> None:
    from snakebridge_worker.proto import values_pb2

    forged = values_pb2.Value(tuple_value=values_pb2.ValueList(
        items=[values_pb2.Value(int_value=1)], fields=["x"], python_type="os.system"))
    forged_dict = values_pb2.Value(dict_value=values_pb2.Dict(python_type="subprocess.Popen"))
    decoder = Decoder(HandleTable())
    assert decoder.decode(forged) == (1,) and type(decoder.decode(forged)) is tuple
    assert decoder.decode(forged_dict) == {} and type(decoder.decode(forged_dict)) is dict


@pytest.mark.parametrize("dtype", ["complex64", "complex128", ">i4", ">f8", ">c16"])
def test_complex_and_big_endian_arrays_cross_as_data_in_native_order(dtype: str) -> None:
    array = (np.arange(6).reshape(2, 3) * (1 + 1j if "c" in dtype else 1)).astype(dtype)
    handles = HandleTable()
    value = Encoder(handles).encode(array)
    assert value.WhichOneof("kind") == "ndarray_value"
    assert value.ndarray_value.dtype == np.dtype(dtype).newbyteorder("=").name
    back = Decoder(handles).decode(value)
    assert back.dtype.isnative
    np.testing.assert_array_equal(back, array)
