from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ErrorClass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_CLASS_UNSPECIFIED: _ClassVar[ErrorClass]
    ERROR_CLASS_INTERNAL: _ClassVar[ErrorClass]
    ERROR_CLASS_IMPORT_ERROR: _ClassVar[ErrorClass]
    ERROR_CLASS_ATTRIBUTE_ERROR: _ClassVar[ErrorClass]
    ERROR_CLASS_TYPE_ERROR: _ClassVar[ErrorClass]
    ERROR_CLASS_VALUE_ERROR: _ClassVar[ErrorClass]
    ERROR_CLASS_KEY_ERROR: _ClassVar[ErrorClass]
    ERROR_CLASS_TIMEOUT: _ClassVar[ErrorClass]
    ERROR_CLASS_CANCELLED: _ClassVar[ErrorClass]
    ERROR_CLASS_WORKER_CRASHED: _ClassVar[ErrorClass]
    ERROR_CLASS_OUT_OF_MEMORY: _ClassVar[ErrorClass]
    ERROR_CLASS_INDEX_ERROR: _ClassVar[ErrorClass]
    ERROR_CLASS_RUNTIME_ERROR: _ClassVar[ErrorClass]
    ERROR_CLASS_SERIALIZATION_ERROR: _ClassVar[ErrorClass]
    ERROR_CLASS_NOT_FOUND: _ClassVar[ErrorClass]
    ERROR_CLASS_NOT_ALLOWED: _ClassVar[ErrorClass]
ERROR_CLASS_UNSPECIFIED: ErrorClass
ERROR_CLASS_INTERNAL: ErrorClass
ERROR_CLASS_IMPORT_ERROR: ErrorClass
ERROR_CLASS_ATTRIBUTE_ERROR: ErrorClass
ERROR_CLASS_TYPE_ERROR: ErrorClass
ERROR_CLASS_VALUE_ERROR: ErrorClass
ERROR_CLASS_KEY_ERROR: ErrorClass
ERROR_CLASS_TIMEOUT: ErrorClass
ERROR_CLASS_CANCELLED: ErrorClass
ERROR_CLASS_WORKER_CRASHED: ErrorClass
ERROR_CLASS_OUT_OF_MEMORY: ErrorClass
ERROR_CLASS_INDEX_ERROR: ErrorClass
ERROR_CLASS_RUNTIME_ERROR: ErrorClass
ERROR_CLASS_SERIALIZATION_ERROR: ErrorClass
ERROR_CLASS_NOT_FOUND: ErrorClass
ERROR_CLASS_NOT_ALLOWED: ErrorClass

class PythonError(_message.Message):
    __slots__ = ("type", "module", "message", "traceback", "classification")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    MODULE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TRACEBACK_FIELD_NUMBER: _ClassVar[int]
    CLASSIFICATION_FIELD_NUMBER: _ClassVar[int]
    type: str
    module: str
    message: str
    traceback: str
    classification: ErrorClass
    def __init__(self, type: _Optional[str] = ..., module: _Optional[str] = ..., message: _Optional[str] = ..., traceback: _Optional[str] = ..., classification: _Optional[_Union[ErrorClass, str]] = ...) -> None: ...
