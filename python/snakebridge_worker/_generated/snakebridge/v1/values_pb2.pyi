from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ValueLimit(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VALUE_LIMIT_UNSPECIFIED: _ClassVar[ValueLimit]
    VALUE_LIMIT_MAX_NESTING: _ClassVar[ValueLimit]
VALUE_LIMIT_UNSPECIFIED: ValueLimit
VALUE_LIMIT_MAX_NESTING: ValueLimit

class Value(_message.Message):
    __slots__ = ("null_value", "bool_value", "int_value", "big_int_value", "float_value", "str_value", "bytes_value", "list_value", "tuple_value", "dict_value", "ndarray_value", "handle_value", "set_value", "complex_value", "host_function_value")
    NULL_VALUE_FIELD_NUMBER: _ClassVar[int]
    BOOL_VALUE_FIELD_NUMBER: _ClassVar[int]
    INT_VALUE_FIELD_NUMBER: _ClassVar[int]
    BIG_INT_VALUE_FIELD_NUMBER: _ClassVar[int]
    FLOAT_VALUE_FIELD_NUMBER: _ClassVar[int]
    STR_VALUE_FIELD_NUMBER: _ClassVar[int]
    BYTES_VALUE_FIELD_NUMBER: _ClassVar[int]
    LIST_VALUE_FIELD_NUMBER: _ClassVar[int]
    TUPLE_VALUE_FIELD_NUMBER: _ClassVar[int]
    DICT_VALUE_FIELD_NUMBER: _ClassVar[int]
    NDARRAY_VALUE_FIELD_NUMBER: _ClassVar[int]
    HANDLE_VALUE_FIELD_NUMBER: _ClassVar[int]
    SET_VALUE_FIELD_NUMBER: _ClassVar[int]
    COMPLEX_VALUE_FIELD_NUMBER: _ClassVar[int]
    HOST_FUNCTION_VALUE_FIELD_NUMBER: _ClassVar[int]
    null_value: Null
    bool_value: bool
    int_value: int
    big_int_value: str
    float_value: float
    str_value: str
    bytes_value: bytes
    list_value: ValueList
    tuple_value: ValueList
    dict_value: Dict
    ndarray_value: NDArray
    handle_value: Handle
    set_value: ValueList
    complex_value: Complex
    host_function_value: HostFunction
    def __init__(self, null_value: _Optional[_Union[Null, _Mapping]] = ..., bool_value: _Optional[bool] = ..., int_value: _Optional[int] = ..., big_int_value: _Optional[str] = ..., float_value: _Optional[float] = ..., str_value: _Optional[str] = ..., bytes_value: _Optional[bytes] = ..., list_value: _Optional[_Union[ValueList, _Mapping]] = ..., tuple_value: _Optional[_Union[ValueList, _Mapping]] = ..., dict_value: _Optional[_Union[Dict, _Mapping]] = ..., ndarray_value: _Optional[_Union[NDArray, _Mapping]] = ..., handle_value: _Optional[_Union[Handle, _Mapping]] = ..., set_value: _Optional[_Union[ValueList, _Mapping]] = ..., complex_value: _Optional[_Union[Complex, _Mapping]] = ..., host_function_value: _Optional[_Union[HostFunction, _Mapping]] = ...) -> None: ...

class HostFunction(_message.Message):
    __slots__ = ("id", "name")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class Null(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ValueList(_message.Message):
    __slots__ = ("items", "fields", "python_type")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    PYTHON_TYPE_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[Value]
    fields: _containers.RepeatedScalarFieldContainer[str]
    python_type: str
    def __init__(self, items: _Optional[_Iterable[_Union[Value, _Mapping]]] = ..., fields: _Optional[_Iterable[str]] = ..., python_type: _Optional[str] = ...) -> None: ...

class DictEntry(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: Value
    value: Value
    def __init__(self, key: _Optional[_Union[Value, _Mapping]] = ..., value: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class Dict(_message.Message):
    __slots__ = ("entries", "python_type")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    PYTHON_TYPE_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[DictEntry]
    python_type: str
    def __init__(self, entries: _Optional[_Iterable[_Union[DictEntry, _Mapping]]] = ..., python_type: _Optional[str] = ...) -> None: ...

class Complex(_message.Message):
    __slots__ = ("real", "imag")
    REAL_FIELD_NUMBER: _ClassVar[int]
    IMAG_FIELD_NUMBER: _ClassVar[int]
    real: float
    imag: float
    def __init__(self, real: _Optional[float] = ..., imag: _Optional[float] = ...) -> None: ...

class NDArray(_message.Message):
    __slots__ = ("dtype", "shape", "data", "shm_path")
    DTYPE_FIELD_NUMBER: _ClassVar[int]
    SHAPE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    SHM_PATH_FIELD_NUMBER: _ClassVar[int]
    dtype: str
    shape: _containers.RepeatedScalarFieldContainer[int]
    data: bytes
    shm_path: str
    def __init__(self, dtype: _Optional[str] = ..., shape: _Optional[_Iterable[int]] = ..., data: _Optional[bytes] = ..., shm_path: _Optional[str] = ...) -> None: ...

class Handle(_message.Message):
    __slots__ = ("id", "python_type", "repr")
    ID_FIELD_NUMBER: _ClassVar[int]
    PYTHON_TYPE_FIELD_NUMBER: _ClassVar[int]
    REPR_FIELD_NUMBER: _ClassVar[int]
    id: str
    python_type: str
    repr: str
    def __init__(self, id: _Optional[str] = ..., python_type: _Optional[str] = ..., repr: _Optional[str] = ...) -> None: ...

class Kwarg(_message.Message):
    __slots__ = ("name", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: Value
    def __init__(self, name: _Optional[str] = ..., value: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...
