from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import wrappers_pb2 as _wrappers_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RunStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    created: _ClassVar[RunStatus]
    running: _ClassVar[RunStatus]
    completed: _ClassVar[RunStatus]
    stopped: _ClassVar[RunStatus]
    failed: _ClassVar[RunStatus]
    interrupted: _ClassVar[RunStatus]
created: RunStatus
running: RunStatus
completed: RunStatus
stopped: RunStatus
failed: RunStatus
interrupted: RunStatus

class SeriesPoint(_message.Message):
    __slots__ = ("step", "at", "value")
    STEP_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    step: _wrappers_pb2.Int64Value
    at: int
    value: float
    def __init__(self, step: _Optional[_Union[_wrappers_pb2.Int64Value, _Mapping]] = ..., at: _Optional[int] = ..., value: _Optional[float] = ...) -> None: ...

class StartedEvent(_message.Message):
    __slots__ = ("config", "trainable_params", "total_params", "device", "backend", "run_dir", "start_step", "max_steps", "train_examples", "eval_examples", "node")
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    TRAINABLE_PARAMS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PARAMS_FIELD_NUMBER: _ClassVar[int]
    DEVICE_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    RUN_DIR_FIELD_NUMBER: _ClassVar[int]
    START_STEP_FIELD_NUMBER: _ClassVar[int]
    MAX_STEPS_FIELD_NUMBER: _ClassVar[int]
    TRAIN_EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    EVAL_EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    NODE_FIELD_NUMBER: _ClassVar[int]
    config: _struct_pb2.Struct
    trainable_params: int
    total_params: int
    device: str
    backend: str
    run_dir: str
    start_step: int
    max_steps: int
    train_examples: int
    eval_examples: int
    node: str
    def __init__(self, config: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., trainable_params: _Optional[int] = ..., total_params: _Optional[int] = ..., device: _Optional[str] = ..., backend: _Optional[str] = ..., run_dir: _Optional[str] = ..., start_step: _Optional[int] = ..., max_steps: _Optional[int] = ..., train_examples: _Optional[int] = ..., eval_examples: _Optional[int] = ..., node: _Optional[str] = ...) -> None: ...

class LogEvent(_message.Message):
    __slots__ = ("step", "epoch", "loss", "learning_rate", "grad_norm", "tokens_seen", "tokens_per_s", "elapsed_s", "eta_s", "batch_size", "allocated_bytes", "reserved_bytes", "peak_bytes")
    STEP_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    LOSS_FIELD_NUMBER: _ClassVar[int]
    LEARNING_RATE_FIELD_NUMBER: _ClassVar[int]
    GRAD_NORM_FIELD_NUMBER: _ClassVar[int]
    TOKENS_SEEN_FIELD_NUMBER: _ClassVar[int]
    TOKENS_PER_S_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_S_FIELD_NUMBER: _ClassVar[int]
    ETA_S_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    ALLOCATED_BYTES_FIELD_NUMBER: _ClassVar[int]
    RESERVED_BYTES_FIELD_NUMBER: _ClassVar[int]
    PEAK_BYTES_FIELD_NUMBER: _ClassVar[int]
    step: int
    epoch: float
    loss: float
    learning_rate: float
    grad_norm: float
    tokens_seen: int
    tokens_per_s: float
    elapsed_s: float
    eta_s: _wrappers_pb2.DoubleValue
    batch_size: int
    allocated_bytes: int
    reserved_bytes: int
    peak_bytes: int
    def __init__(self, step: _Optional[int] = ..., epoch: _Optional[float] = ..., loss: _Optional[float] = ..., learning_rate: _Optional[float] = ..., grad_norm: _Optional[float] = ..., tokens_seen: _Optional[int] = ..., tokens_per_s: _Optional[float] = ..., elapsed_s: _Optional[float] = ..., eta_s: _Optional[_Union[_wrappers_pb2.DoubleValue, _Mapping]] = ..., batch_size: _Optional[int] = ..., allocated_bytes: _Optional[int] = ..., reserved_bytes: _Optional[int] = ..., peak_bytes: _Optional[int] = ...) -> None: ...

class EvaluationEvent(_message.Message):
    __slots__ = ("step", "eval_loss")
    STEP_FIELD_NUMBER: _ClassVar[int]
    EVAL_LOSS_FIELD_NUMBER: _ClassVar[int]
    step: int
    eval_loss: float
    def __init__(self, step: _Optional[int] = ..., eval_loss: _Optional[float] = ...) -> None: ...

class CheckpointEvent(_message.Message):
    __slots__ = ("step", "path")
    STEP_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    step: int
    path: str
    def __init__(self, step: _Optional[int] = ..., path: _Optional[str] = ...) -> None: ...

class OomBackoffEvent(_message.Message):
    __slots__ = ("step", "old_batch_size", "new_batch_size", "grad_accumulation")
    STEP_FIELD_NUMBER: _ClassVar[int]
    OLD_BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    NEW_BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    GRAD_ACCUMULATION_FIELD_NUMBER: _ClassVar[int]
    step: int
    old_batch_size: int
    new_batch_size: int
    grad_accumulation: int
    def __init__(self, step: _Optional[int] = ..., old_batch_size: _Optional[int] = ..., new_batch_size: _Optional[int] = ..., grad_accumulation: _Optional[int] = ...) -> None: ...

class MemorySnapshotEvent(_message.Message):
    __slots__ = ("step", "steps", "path", "message")
    STEP_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    step: int
    steps: int
    path: str
    message: str
    def __init__(self, step: _Optional[int] = ..., steps: _Optional[int] = ..., path: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class FinishedSummary(_message.Message):
    __slots__ = ("train_loss_mean", "final_loss", "eval_loss", "steps", "tokens_seen", "elapsed_s", "steps_per_s", "cpu_s_per_step", "checkpoint", "allocated_bytes", "reserved_bytes", "peak_bytes")
    TRAIN_LOSS_MEAN_FIELD_NUMBER: _ClassVar[int]
    FINAL_LOSS_FIELD_NUMBER: _ClassVar[int]
    EVAL_LOSS_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    TOKENS_SEEN_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_S_FIELD_NUMBER: _ClassVar[int]
    STEPS_PER_S_FIELD_NUMBER: _ClassVar[int]
    CPU_S_PER_STEP_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_FIELD_NUMBER: _ClassVar[int]
    ALLOCATED_BYTES_FIELD_NUMBER: _ClassVar[int]
    RESERVED_BYTES_FIELD_NUMBER: _ClassVar[int]
    PEAK_BYTES_FIELD_NUMBER: _ClassVar[int]
    train_loss_mean: _wrappers_pb2.DoubleValue
    final_loss: _wrappers_pb2.DoubleValue
    eval_loss: _wrappers_pb2.DoubleValue
    steps: int
    tokens_seen: int
    elapsed_s: float
    steps_per_s: _wrappers_pb2.DoubleValue
    cpu_s_per_step: _wrappers_pb2.DoubleValue
    checkpoint: str
    allocated_bytes: int
    reserved_bytes: int
    peak_bytes: int
    def __init__(self, train_loss_mean: _Optional[_Union[_wrappers_pb2.DoubleValue, _Mapping]] = ..., final_loss: _Optional[_Union[_wrappers_pb2.DoubleValue, _Mapping]] = ..., eval_loss: _Optional[_Union[_wrappers_pb2.DoubleValue, _Mapping]] = ..., steps: _Optional[int] = ..., tokens_seen: _Optional[int] = ..., elapsed_s: _Optional[float] = ..., steps_per_s: _Optional[_Union[_wrappers_pb2.DoubleValue, _Mapping]] = ..., cpu_s_per_step: _Optional[_Union[_wrappers_pb2.DoubleValue, _Mapping]] = ..., checkpoint: _Optional[str] = ..., allocated_bytes: _Optional[int] = ..., reserved_bytes: _Optional[int] = ..., peak_bytes: _Optional[int] = ...) -> None: ...

class FinishedEvent(_message.Message):
    __slots__ = ("status", "step", "summary")
    class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        completed: _ClassVar[FinishedEvent.Outcome]
        stopped: _ClassVar[FinishedEvent.Outcome]
    completed: FinishedEvent.Outcome
    stopped: FinishedEvent.Outcome
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    status: FinishedEvent.Outcome
    step: int
    summary: FinishedSummary
    def __init__(self, status: _Optional[_Union[FinishedEvent.Outcome, str]] = ..., step: _Optional[int] = ..., summary: _Optional[_Union[FinishedSummary, _Mapping]] = ...) -> None: ...

class FailedEvent(_message.Message):
    __slots__ = ("classification", "error_type", "message", "traceback")
    CLASSIFICATION_FIELD_NUMBER: _ClassVar[int]
    ERROR_TYPE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TRACEBACK_FIELD_NUMBER: _ClassVar[int]
    classification: str
    error_type: str
    message: str
    traceback: str
    def __init__(self, classification: _Optional[str] = ..., error_type: _Optional[str] = ..., message: _Optional[str] = ..., traceback: _Optional[str] = ...) -> None: ...

class TrainingEvent(_message.Message):
    __slots__ = ("started", "log", "eval", "checkpoint", "oom_backoff", "memory_snapshot", "finished", "failed")
    STARTED_FIELD_NUMBER: _ClassVar[int]
    LOG_FIELD_NUMBER: _ClassVar[int]
    EVAL_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_FIELD_NUMBER: _ClassVar[int]
    OOM_BACKOFF_FIELD_NUMBER: _ClassVar[int]
    MEMORY_SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    started: StartedEvent
    log: LogEvent
    eval: EvaluationEvent
    checkpoint: CheckpointEvent
    oom_backoff: OomBackoffEvent
    memory_snapshot: MemorySnapshotEvent
    finished: FinishedEvent
    failed: FailedEvent
    def __init__(self, started: _Optional[_Union[StartedEvent, _Mapping]] = ..., log: _Optional[_Union[LogEvent, _Mapping]] = ..., eval: _Optional[_Union[EvaluationEvent, _Mapping]] = ..., checkpoint: _Optional[_Union[CheckpointEvent, _Mapping]] = ..., oom_backoff: _Optional[_Union[OomBackoffEvent, _Mapping]] = ..., memory_snapshot: _Optional[_Union[MemorySnapshotEvent, _Mapping]] = ..., finished: _Optional[_Union[FinishedEvent, _Mapping]] = ..., failed: _Optional[_Union[FailedEvent, _Mapping]] = ...) -> None: ...
