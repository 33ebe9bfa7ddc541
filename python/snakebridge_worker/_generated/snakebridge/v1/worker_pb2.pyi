from snakebridge.v1 import values_pb2 as _values_pb2
from snakebridge.v1 import errors_pb2 as _errors_pb2
from snakebridge.v1 import describe_pb2 as _describe_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CallKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CALL_KIND_UNSPECIFIED: _ClassVar[CallKind]
    CALL_KIND_FUNCTION: _ClassVar[CallKind]
    CALL_KIND_CONSTRUCTOR: _ClassVar[CallKind]
    CALL_KIND_METHOD: _ClassVar[CallKind]
    CALL_KIND_ATTRIBUTE: _ClassVar[CallKind]
    CALL_KIND_RELEASE: _ClassVar[CallKind]
    CALL_KIND_CALLBACK: _ClassVar[CallKind]
    CALL_KIND_HOST_TOOL: _ClassVar[CallKind]
    CALL_KIND_HOST_STATE: _ClassVar[CallKind]

class ResultMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESULT_MODE_UNSPECIFIED: _ClassVar[ResultMode]
    RESULT_MODE_HANDLE: _ClassVar[ResultMode]

class OutputStream(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTPUT_STREAM_UNSPECIFIED: _ClassVar[OutputStream]
    OUTPUT_STREAM_STDOUT: _ClassVar[OutputStream]
    OUTPUT_STREAM_STDERR: _ClassVar[OutputStream]
CALL_KIND_UNSPECIFIED: CallKind
CALL_KIND_FUNCTION: CallKind
CALL_KIND_CONSTRUCTOR: CallKind
CALL_KIND_METHOD: CallKind
CALL_KIND_ATTRIBUTE: CallKind
CALL_KIND_RELEASE: CallKind
CALL_KIND_CALLBACK: CallKind
CALL_KIND_HOST_TOOL: CallKind
CALL_KIND_HOST_STATE: CallKind
RESULT_MODE_UNSPECIFIED: ResultMode
RESULT_MODE_HANDLE: ResultMode
OUTPUT_STREAM_UNSPECIFIED: OutputStream
OUTPUT_STREAM_STDOUT: OutputStream
OUTPUT_STREAM_STDERR: OutputStream

class LaneFrame(_message.Message):
    __slots__ = ("token", "requests", "responses", "cancels", "released_functions")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    RESPONSES_FIELD_NUMBER: _ClassVar[int]
    CANCELS_FIELD_NUMBER: _ClassVar[int]
    RELEASED_FUNCTIONS_FIELD_NUMBER: _ClassVar[int]
    token: str
    requests: _containers.RepeatedCompositeFieldContainer[CallRequest]
    responses: _containers.RepeatedCompositeFieldContainer[CallResponse]
    cancels: _containers.RepeatedCompositeFieldContainer[CancelRequest]
    released_functions: _containers.RepeatedCompositeFieldContainer[ReleasedHostFunction]
    def __init__(self, token: _Optional[str] = ..., requests: _Optional[_Iterable[_Union[CallRequest, _Mapping]]] = ..., responses: _Optional[_Iterable[_Union[CallResponse, _Mapping]]] = ..., cancels: _Optional[_Iterable[_Union[CancelRequest, _Mapping]]] = ..., released_functions: _Optional[_Iterable[_Union[ReleasedHostFunction, _Mapping]]] = ...) -> None: ...

class ReleasedHostFunction(_message.Message):
    __slots__ = ("id", "count")
    ID_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    id: str
    count: int
    def __init__(self, id: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class CallRequest(_message.Message):
    __slots__ = ("call_id", "kind", "target", "handle_id", "args", "kwargs", "session_id", "result_mode", "shm_threshold_bytes", "parent_call_id")
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    HANDLE_ID_FIELD_NUMBER: _ClassVar[int]
    ARGS_FIELD_NUMBER: _ClassVar[int]
    KWARGS_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_MODE_FIELD_NUMBER: _ClassVar[int]
    SHM_THRESHOLD_BYTES_FIELD_NUMBER: _ClassVar[int]
    PARENT_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    kind: CallKind
    target: str
    handle_id: str
    args: _containers.RepeatedCompositeFieldContainer[_values_pb2.Value]
    kwargs: _containers.RepeatedCompositeFieldContainer[_values_pb2.Kwarg]
    session_id: str
    result_mode: ResultMode
    shm_threshold_bytes: int
    parent_call_id: str
    def __init__(self, call_id: _Optional[str] = ..., kind: _Optional[_Union[CallKind, str]] = ..., target: _Optional[str] = ..., handle_id: _Optional[str] = ..., args: _Optional[_Iterable[_Union[_values_pb2.Value, _Mapping]]] = ..., kwargs: _Optional[_Iterable[_Union[_values_pb2.Kwarg, _Mapping]]] = ..., session_id: _Optional[str] = ..., result_mode: _Optional[_Union[ResultMode, str]] = ..., shm_threshold_bytes: _Optional[int] = ..., parent_call_id: _Optional[str] = ...) -> None: ...

class CallResponse(_message.Message):
    __slots__ = ("call_id", "result", "error", "duration_us")
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    DURATION_US_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    result: _values_pb2.Value
    error: _errors_pb2.PythonError
    duration_us: int
    def __init__(self, call_id: _Optional[str] = ..., result: _Optional[_Union[_values_pb2.Value, _Mapping]] = ..., error: _Optional[_Union[_errors_pb2.PythonError, _Mapping]] = ..., duration_us: _Optional[int] = ...) -> None: ...

class StreamEvent(_message.Message):
    __slots__ = ("item", "done", "error")
    ITEM_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    item: _values_pb2.Value
    done: _values_pb2.Value
    error: _errors_pb2.PythonError
    def __init__(self, item: _Optional[_Union[_values_pb2.Value, _Mapping]] = ..., done: _Optional[_Union[_values_pb2.Value, _Mapping]] = ..., error: _Optional[_Union[_errors_pb2.PythonError, _Mapping]] = ...) -> None: ...

class CancelRequest(_message.Message):
    __slots__ = ("call_id", "graceful")
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    GRACEFUL_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    graceful: bool
    def __init__(self, call_id: _Optional[str] = ..., graceful: _Optional[bool] = ...) -> None: ...

class CancelResponse(_message.Message):
    __slots__ = ("found",)
    FOUND_FIELD_NUMBER: _ClassVar[int]
    found: bool
    def __init__(self, found: _Optional[bool] = ...) -> None: ...

class ReleaseRequest(_message.Message):
    __slots__ = ("handle_ids",)
    HANDLE_IDS_FIELD_NUMBER: _ClassVar[int]
    handle_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, handle_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ReleaseResponse(_message.Message):
    __slots__ = ("released",)
    RELEASED_FIELD_NUMBER: _ClassVar[int]
    released: int
    def __init__(self, released: _Optional[int] = ...) -> None: ...

class HealthRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class HealthResponse(_message.Message):
    __slots__ = ("pid", "python_version", "python_executable", "worker_version", "rss_bytes", "live_handles", "calls_total", "uptime_s", "numpy_version", "busy")
    PID_FIELD_NUMBER: _ClassVar[int]
    PYTHON_VERSION_FIELD_NUMBER: _ClassVar[int]
    PYTHON_EXECUTABLE_FIELD_NUMBER: _ClassVar[int]
    WORKER_VERSION_FIELD_NUMBER: _ClassVar[int]
    RSS_BYTES_FIELD_NUMBER: _ClassVar[int]
    LIVE_HANDLES_FIELD_NUMBER: _ClassVar[int]
    CALLS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    UPTIME_S_FIELD_NUMBER: _ClassVar[int]
    NUMPY_VERSION_FIELD_NUMBER: _ClassVar[int]
    BUSY_FIELD_NUMBER: _ClassVar[int]
    pid: int
    python_version: str
    python_executable: str
    worker_version: str
    rss_bytes: int
    live_handles: int
    calls_total: int
    uptime_s: float
    numpy_version: str
    busy: bool
    def __init__(self, pid: _Optional[int] = ..., python_version: _Optional[str] = ..., python_executable: _Optional[str] = ..., worker_version: _Optional[str] = ..., rss_bytes: _Optional[int] = ..., live_handles: _Optional[int] = ..., calls_total: _Optional[int] = ..., uptime_s: _Optional[float] = ..., numpy_version: _Optional[str] = ..., busy: _Optional[bool] = ...) -> None: ...

class DescribeResponse(_message.Message):
    __slots__ = ("library", "error")
    LIBRARY_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    library: _describe_pb2.LibraryDescriptor
    error: _errors_pb2.PythonError
    def __init__(self, library: _Optional[_Union[_describe_pb2.LibraryDescriptor, _Mapping]] = ..., error: _Optional[_Union[_errors_pb2.PythonError, _Mapping]] = ...) -> None: ...

class TelemetryRequest(_message.Message):
    __slots__ = ("interval_ms",)
    INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    interval_ms: int
    def __init__(self, interval_ms: _Optional[int] = ...) -> None: ...

class GpuSample(_message.Message):
    __slots__ = ("index", "name", "memory_used_bytes", "memory_total_bytes", "utilization_percent", "temperature_c", "power_w")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    MEMORY_USED_BYTES_FIELD_NUMBER: _ClassVar[int]
    MEMORY_TOTAL_BYTES_FIELD_NUMBER: _ClassVar[int]
    UTILIZATION_PERCENT_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_C_FIELD_NUMBER: _ClassVar[int]
    POWER_W_FIELD_NUMBER: _ClassVar[int]
    index: int
    name: str
    memory_used_bytes: int
    memory_total_bytes: int
    utilization_percent: float
    temperature_c: float
    power_w: float
    def __init__(self, index: _Optional[int] = ..., name: _Optional[str] = ..., memory_used_bytes: _Optional[int] = ..., memory_total_bytes: _Optional[int] = ..., utilization_percent: _Optional[float] = ..., temperature_c: _Optional[float] = ..., power_w: _Optional[float] = ...) -> None: ...

class AllocatorSample(_message.Message):
    __slots__ = ("device", "allocated_bytes", "reserved_bytes", "peak_allocated_bytes")
    DEVICE_FIELD_NUMBER: _ClassVar[int]
    ALLOCATED_BYTES_FIELD_NUMBER: _ClassVar[int]
    RESERVED_BYTES_FIELD_NUMBER: _ClassVar[int]
    PEAK_ALLOCATED_BYTES_FIELD_NUMBER: _ClassVar[int]
    device: int
    allocated_bytes: int
    reserved_bytes: int
    peak_allocated_bytes: int
    def __init__(self, device: _Optional[int] = ..., allocated_bytes: _Optional[int] = ..., reserved_bytes: _Optional[int] = ..., peak_allocated_bytes: _Optional[int] = ...) -> None: ...

class TelemetrySample(_message.Message):
    __slots__ = ("timestamp_ms", "rss_bytes", "cpu_percent", "gpus", "allocators")
    TIMESTAMP_MS_FIELD_NUMBER: _ClassVar[int]
    RSS_BYTES_FIELD_NUMBER: _ClassVar[int]
    CPU_PERCENT_FIELD_NUMBER: _ClassVar[int]
    GPUS_FIELD_NUMBER: _ClassVar[int]
    ALLOCATORS_FIELD_NUMBER: _ClassVar[int]
    timestamp_ms: int
    rss_bytes: int
    cpu_percent: float
    gpus: _containers.RepeatedCompositeFieldContainer[GpuSample]
    allocators: _containers.RepeatedCompositeFieldContainer[AllocatorSample]
    def __init__(self, timestamp_ms: _Optional[int] = ..., rss_bytes: _Optional[int] = ..., cpu_percent: _Optional[float] = ..., gpus: _Optional[_Iterable[_Union[GpuSample, _Mapping]]] = ..., allocators: _Optional[_Iterable[_Union[AllocatorSample, _Mapping]]] = ...) -> None: ...

class EvalRequest(_message.Message):
    __slots__ = ("call_id", "session_id", "code")
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    session_id: str
    code: str
    def __init__(self, call_id: _Optional[str] = ..., session_id: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class OutputChunk(_message.Message):
    __slots__ = ("stream", "text")
    STREAM_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    stream: OutputStream
    text: str
    def __init__(self, stream: _Optional[_Union[OutputStream, str]] = ..., text: _Optional[str] = ...) -> None: ...

class EvalResult(_message.Message):
    __slots__ = ("value", "repr", "execution_count")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    REPR_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    value: _values_pb2.Value
    repr: str
    execution_count: int
    def __init__(self, value: _Optional[_Union[_values_pb2.Value, _Mapping]] = ..., repr: _Optional[str] = ..., execution_count: _Optional[int] = ...) -> None: ...

class EvalEvent(_message.Message):
    __slots__ = ("output", "result", "error")
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    output: OutputChunk
    result: EvalResult
    error: _errors_pb2.PythonError
    def __init__(self, output: _Optional[_Union[OutputChunk, _Mapping]] = ..., result: _Optional[_Union[EvalResult, _Mapping]] = ..., error: _Optional[_Union[_errors_pb2.PythonError, _Mapping]] = ...) -> None: ...
