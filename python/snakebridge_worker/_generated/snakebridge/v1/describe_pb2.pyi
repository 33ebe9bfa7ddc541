from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ParameterKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PARAMETER_KIND_UNSPECIFIED: _ClassVar[ParameterKind]
    PARAMETER_KIND_POSITIONAL_ONLY: _ClassVar[ParameterKind]
    PARAMETER_KIND_POSITIONAL_OR_KEYWORD: _ClassVar[ParameterKind]
    PARAMETER_KIND_VAR_POSITIONAL: _ClassVar[ParameterKind]
    PARAMETER_KIND_KEYWORD_ONLY: _ClassVar[ParameterKind]
    PARAMETER_KIND_VAR_KEYWORD: _ClassVar[ParameterKind]

class SignatureSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIGNATURE_SOURCE_UNSPECIFIED: _ClassVar[SignatureSource]
    SIGNATURE_SOURCE_INSPECT: _ClassVar[SignatureSource]
    SIGNATURE_SOURCE_TEXT_SIGNATURE: _ClassVar[SignatureSource]
    SIGNATURE_SOURCE_DOCSTRING_SIGNATURE: _ClassVar[SignatureSource]
    SIGNATURE_SOURCE_NUMPYDOC: _ClassVar[SignatureSource]
    SIGNATURE_SOURCE_GOOGLE: _ClassVar[SignatureSource]
    SIGNATURE_SOURCE_OVERLOAD: _ClassVar[SignatureSource]
    SIGNATURE_SOURCE_NONE: _ClassVar[SignatureSource]
    SIGNATURE_SOURCE_STUBS: _ClassVar[SignatureSource]

class TypeSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TYPE_SOURCE_UNSPECIFIED: _ClassVar[TypeSource]
    TYPE_SOURCE_STUBS: _ClassVar[TypeSource]
    TYPE_SOURCE_INLINE: _ClassVar[TypeSource]
    TYPE_SOURCE_ANNOTATION: _ClassVar[TypeSource]
    TYPE_SOURCE_DOCSTRING: _ClassVar[TypeSource]
    TYPE_SOURCE_DEFAULT: _ClassVar[TypeSource]
    TYPE_SOURCE_NONE: _ClassVar[TypeSource]

class CallableKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CALLABLE_KIND_UNSPECIFIED: _ClassVar[CallableKind]
    CALLABLE_KIND_FUNCTION: _ClassVar[CallableKind]
    CALLABLE_KIND_BUILTIN: _ClassVar[CallableKind]
    CALLABLE_KIND_METHOD: _ClassVar[CallableKind]
    CALLABLE_KIND_CLASS_METHOD: _ClassVar[CallableKind]
    CALLABLE_KIND_STATIC_METHOD: _ClassVar[CallableKind]
    CALLABLE_KIND_UFUNC: _ClassVar[CallableKind]
    CALLABLE_KIND_OTHER: _ClassVar[CallableKind]
PARAMETER_KIND_UNSPECIFIED: ParameterKind
PARAMETER_KIND_POSITIONAL_ONLY: ParameterKind
PARAMETER_KIND_POSITIONAL_OR_KEYWORD: ParameterKind
PARAMETER_KIND_VAR_POSITIONAL: ParameterKind
PARAMETER_KIND_KEYWORD_ONLY: ParameterKind
PARAMETER_KIND_VAR_KEYWORD: ParameterKind
SIGNATURE_SOURCE_UNSPECIFIED: SignatureSource
SIGNATURE_SOURCE_INSPECT: SignatureSource
SIGNATURE_SOURCE_TEXT_SIGNATURE: SignatureSource
SIGNATURE_SOURCE_DOCSTRING_SIGNATURE: SignatureSource
SIGNATURE_SOURCE_NUMPYDOC: SignatureSource
SIGNATURE_SOURCE_GOOGLE: SignatureSource
SIGNATURE_SOURCE_OVERLOAD: SignatureSource
SIGNATURE_SOURCE_NONE: SignatureSource
SIGNATURE_SOURCE_STUBS: SignatureSource
TYPE_SOURCE_UNSPECIFIED: TypeSource
TYPE_SOURCE_STUBS: TypeSource
TYPE_SOURCE_INLINE: TypeSource
TYPE_SOURCE_ANNOTATION: TypeSource
TYPE_SOURCE_DOCSTRING: TypeSource
TYPE_SOURCE_DEFAULT: TypeSource
TYPE_SOURCE_NONE: TypeSource
CALLABLE_KIND_UNSPECIFIED: CallableKind
CALLABLE_KIND_FUNCTION: CallableKind
CALLABLE_KIND_BUILTIN: CallableKind
CALLABLE_KIND_METHOD: CallableKind
CALLABLE_KIND_CLASS_METHOD: CallableKind
CALLABLE_KIND_STATIC_METHOD: CallableKind
CALLABLE_KIND_UFUNC: CallableKind
CALLABLE_KIND_OTHER: CallableKind

class TypeExpr(_message.Message):
    __slots__ = ("name", "args", "literals", "text")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARGS_FIELD_NUMBER: _ClassVar[int]
    LITERALS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    name: str
    args: _containers.RepeatedCompositeFieldContainer[TypeExpr]
    literals: _containers.RepeatedScalarFieldContainer[str]
    text: str
    def __init__(self, name: _Optional[str] = ..., args: _Optional[_Iterable[_Union[TypeExpr, _Mapping]]] = ..., literals: _Optional[_Iterable[str]] = ..., text: _Optional[str] = ...) -> None: ...

class ParameterDescriptor(_message.Message):
    __slots__ = ("name", "kind", "type", "has_default", "default_repr", "doc", "type_source")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    HAS_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_REPR_FIELD_NUMBER: _ClassVar[int]
    DOC_FIELD_NUMBER: _ClassVar[int]
    TYPE_SOURCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: ParameterKind
    type: TypeExpr
    has_default: bool
    default_repr: str
    doc: str
    type_source: TypeSource
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[ParameterKind, str]] = ..., type: _Optional[_Union[TypeExpr, _Mapping]] = ..., has_default: _Optional[bool] = ..., default_repr: _Optional[str] = ..., doc: _Optional[str] = ..., type_source: _Optional[_Union[TypeSource, str]] = ...) -> None: ...

class SignatureDescriptor(_message.Message):
    __slots__ = ("parameters", "returns", "source", "text", "returns_doc", "returns_source")
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    RETURNS_DOC_FIELD_NUMBER: _ClassVar[int]
    RETURNS_SOURCE_FIELD_NUMBER: _ClassVar[int]
    parameters: _containers.RepeatedCompositeFieldContainer[ParameterDescriptor]
    returns: TypeExpr
    source: SignatureSource
    text: str
    returns_doc: str
    returns_source: TypeSource
    def __init__(self, parameters: _Optional[_Iterable[_Union[ParameterDescriptor, _Mapping]]] = ..., returns: _Optional[_Union[TypeExpr, _Mapping]] = ..., source: _Optional[_Union[SignatureSource, str]] = ..., text: _Optional[str] = ..., returns_doc: _Optional[str] = ..., returns_source: _Optional[_Union[TypeSource, str]] = ...) -> None: ...

class DocItem(_message.Message):
    __slots__ = ("name", "type", "description")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: str
    description: str
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class DocBlock(_message.Message):
    __slots__ = ("kind", "title", "text", "items", "blocks")
    KIND_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    BLOCKS_FIELD_NUMBER: _ClassVar[int]
    kind: str
    title: str
    text: str
    items: _containers.RepeatedCompositeFieldContainer[DocItem]
    blocks: _containers.RepeatedCompositeFieldContainer[DocBlock]
    def __init__(self, kind: _Optional[str] = ..., title: _Optional[str] = ..., text: _Optional[str] = ..., items: _Optional[_Iterable[_Union[DocItem, _Mapping]]] = ..., blocks: _Optional[_Iterable[_Union[DocBlock, _Mapping]]] = ...) -> None: ...

class FunctionDescriptor(_message.Message):
    __slots__ = ("name", "path", "doc", "signatures", "kind", "is_async", "is_generator", "defined_in", "doc_blocks")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    DOC_FIELD_NUMBER: _ClassVar[int]
    SIGNATURES_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    IS_ASYNC_FIELD_NUMBER: _ClassVar[int]
    IS_GENERATOR_FIELD_NUMBER: _ClassVar[int]
    DEFINED_IN_FIELD_NUMBER: _ClassVar[int]
    DOC_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    name: str
    path: str
    doc: str
    signatures: _containers.RepeatedCompositeFieldContainer[SignatureDescriptor]
    kind: CallableKind
    is_async: bool
    is_generator: bool
    defined_in: str
    doc_blocks: _containers.RepeatedCompositeFieldContainer[DocBlock]
    def __init__(self, name: _Optional[str] = ..., path: _Optional[str] = ..., doc: _Optional[str] = ..., signatures: _Optional[_Iterable[_Union[SignatureDescriptor, _Mapping]]] = ..., kind: _Optional[_Union[CallableKind, str]] = ..., is_async: _Optional[bool] = ..., is_generator: _Optional[bool] = ..., defined_in: _Optional[str] = ..., doc_blocks: _Optional[_Iterable[_Union[DocBlock, _Mapping]]] = ...) -> None: ...

class PropertyDescriptor(_message.Message):
    __slots__ = ("name", "doc", "type", "readonly")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DOC_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    READONLY_FIELD_NUMBER: _ClassVar[int]
    name: str
    doc: str
    type: TypeExpr
    readonly: bool
    def __init__(self, name: _Optional[str] = ..., doc: _Optional[str] = ..., type: _Optional[_Union[TypeExpr, _Mapping]] = ..., readonly: _Optional[bool] = ...) -> None: ...

class ClassDescriptor(_message.Message):
    __slots__ = ("name", "path", "doc", "bases", "init", "methods", "properties", "defined_in", "doc_blocks")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    DOC_FIELD_NUMBER: _ClassVar[int]
    BASES_FIELD_NUMBER: _ClassVar[int]
    INIT_FIELD_NUMBER: _ClassVar[int]
    METHODS_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    DEFINED_IN_FIELD_NUMBER: _ClassVar[int]
    DOC_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    name: str
    path: str
    doc: str
    bases: _containers.RepeatedScalarFieldContainer[str]
    init: FunctionDescriptor
    methods: _containers.RepeatedCompositeFieldContainer[FunctionDescriptor]
    properties: _containers.RepeatedCompositeFieldContainer[PropertyDescriptor]
    defined_in: str
    doc_blocks: _containers.RepeatedCompositeFieldContainer[DocBlock]
    def __init__(self, name: _Optional[str] = ..., path: _Optional[str] = ..., doc: _Optional[str] = ..., bases: _Optional[_Iterable[str]] = ..., init: _Optional[_Union[FunctionDescriptor, _Mapping]] = ..., methods: _Optional[_Iterable[_Union[FunctionDescriptor, _Mapping]]] = ..., properties: _Optional[_Iterable[_Union[PropertyDescriptor, _Mapping]]] = ..., defined_in: _Optional[str] = ..., doc_blocks: _Optional[_Iterable[_Union[DocBlock, _Mapping]]] = ...) -> None: ...

class ConstantDescriptor(_message.Message):
    __slots__ = ("name", "path", "type", "repr")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REPR_FIELD_NUMBER: _ClassVar[int]
    name: str
    path: str
    type: TypeExpr
    repr: str
    def __init__(self, name: _Optional[str] = ..., path: _Optional[str] = ..., type: _Optional[_Union[TypeExpr, _Mapping]] = ..., repr: _Optional[str] = ...) -> None: ...

class ModuleDescriptor(_message.Message):
    __slots__ = ("name", "doc", "functions", "classes", "constants", "submodules", "doc_blocks")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DOC_FIELD_NUMBER: _ClassVar[int]
    FUNCTIONS_FIELD_NUMBER: _ClassVar[int]
    CLASSES_FIELD_NUMBER: _ClassVar[int]
    CONSTANTS_FIELD_NUMBER: _ClassVar[int]
    SUBMODULES_FIELD_NUMBER: _ClassVar[int]
    DOC_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    name: str
    doc: str
    functions: _containers.RepeatedCompositeFieldContainer[FunctionDescriptor]
    classes: _containers.RepeatedCompositeFieldContainer[ClassDescriptor]
    constants: _containers.RepeatedCompositeFieldContainer[ConstantDescriptor]
    submodules: _containers.RepeatedScalarFieldContainer[str]
    doc_blocks: _containers.RepeatedCompositeFieldContainer[DocBlock]
    def __init__(self, name: _Optional[str] = ..., doc: _Optional[str] = ..., functions: _Optional[_Iterable[_Union[FunctionDescriptor, _Mapping]]] = ..., classes: _Optional[_Iterable[_Union[ClassDescriptor, _Mapping]]] = ..., constants: _Optional[_Iterable[_Union[ConstantDescriptor, _Mapping]]] = ..., submodules: _Optional[_Iterable[str]] = ..., doc_blocks: _Optional[_Iterable[_Union[DocBlock, _Mapping]]] = ...) -> None: ...

class LibraryDescriptor(_message.Message):
    __slots__ = ("name", "version", "python_version", "python_executable", "modules", "warnings", "elapsed_ms")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PYTHON_VERSION_FIELD_NUMBER: _ClassVar[int]
    PYTHON_EXECUTABLE_FIELD_NUMBER: _ClassVar[int]
    MODULES_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_MS_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    python_version: str
    python_executable: str
    modules: _containers.RepeatedCompositeFieldContainer[ModuleDescriptor]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    elapsed_ms: float
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., python_version: _Optional[str] = ..., python_executable: _Optional[str] = ..., modules: _Optional[_Iterable[_Union[ModuleDescriptor, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ..., elapsed_ms: _Optional[float] = ...) -> None: ...

class DescribeRequest(_message.Message):
    __slots__ = ("module", "depth", "include_private")
    MODULE_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_PRIVATE_FIELD_NUMBER: _ClassVar[int]
    module: str
    depth: int
    include_private: bool
    def __init__(self, module: _Optional[str] = ..., depth: _Optional[int] = ..., include_private: _Optional[bool] = ...) -> None: ...
