"""What introspection finds, as plain data: a library's modules, classes, callables, signatures and types.

The walker, the signature cascade and the stub reader build these; to_proto.py turns a finished
``LibraryDescriptor`` into describe.proto's messages at the edge (the Describe RPC), so nothing here
depends on protobuf. Field names follow describe.proto, where each one is documented for the host.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class ParameterKind(enum.Enum):
    """How an argument binds to a parameter (``inspect.Parameter.kind``)."""

    POSITIONAL_ONLY = "positional_only"
    POSITIONAL_OR_KEYWORD = "positional_or_keyword"
    VAR_POSITIONAL = "var_positional"
    KEYWORD_ONLY = "keyword_only"
    VAR_KEYWORD = "var_keyword"


class SignatureSource(enum.Enum):
    """Which step of the signature cascade answered."""

    INSPECT = "inspect"
    TEXT_SIGNATURE = "text_signature"
    DOCSTRING_SIGNATURE = "docstring_signature"
    NUMPYDOC = "numpydoc"
    GOOGLE = "google"
    OVERLOAD = "overload"
    NONE = "none"
    STUBS = "stubs"


class TypeSource(enum.Enum):
    """Where a parameter's or a result's type came from."""

    STUBS = "stubs"
    INLINE = "inline"
    ANNOTATION = "annotation"
    DOCSTRING = "docstring"
    DEFAULT = "default"
    NONE = "none"


class CallableKind(enum.Enum):
    """What sort of callable a function descriptor describes."""

    FUNCTION = "function"
    BUILTIN = "builtin"
    METHOD = "method"
    CLASS_METHOD = "class_method"
    STATIC_METHOD = "static_method"
    UFUNC = "ufunc"
    OTHER = "other"


@dataclass(frozen=True, kw_only=True)
class TypeExpr:
    """A normalised type tree (``Union[int, None]``, ``list[str]``); ``text`` is what was written.

    Immutable: the stub reader and the annotation parsers share and cache these trees, so a change is a copy
    (``dataclasses.replace``) and never reaches a descriptor that already holds the tree.
    """

    name: str
    args: tuple[TypeExpr, ...] = ()
    literals: tuple[str, ...] = ()
    text: str = ""


@dataclass(kw_only=True)
class ParameterDescriptor:
    """One parameter of a signature."""

    name: str
    kind: ParameterKind
    type: TypeExpr
    has_default: bool = False
    default_repr: str = ""
    doc: str = ""
    type_source: TypeSource = TypeSource.NONE


@dataclass(kw_only=True)
class SignatureDescriptor:
    """One way to call a callable (an overloaded one has several)."""

    parameters: list[ParameterDescriptor] = field(default_factory=list)
    returns: TypeExpr
    source: SignatureSource
    text: str = ""
    returns_doc: str = ""
    returns_source: TypeSource = TypeSource.NONE


@dataclass(kw_only=True)
class DocItem:
    """An entry of a docstring's item section (a parameter, a raised error, a "see also" name)."""

    name: str = ""
    type: str = ""
    description: str = ""


@dataclass(kw_only=True)
class DocBlock:
    """A piece of a docstring: ``text``, ``code``, ``items`` or a titled ``section`` of blocks."""

    kind: str
    title: str = ""
    text: str = ""
    items: list[DocItem] = field(default_factory=list)
    blocks: list[DocBlock] = field(default_factory=list)


@dataclass(kw_only=True)
class FunctionDescriptor:
    """A function, method or constructor; without signatures it is a reference to a description elsewhere."""

    name: str
    path: str
    doc: str = ""
    signatures: list[SignatureDescriptor] = field(default_factory=list)
    kind: CallableKind
    is_async: bool = False
    is_generator: bool = False
    defined_in: str = ""
    doc_blocks: list[DocBlock] = field(default_factory=list)


@dataclass(kw_only=True)
class PropertyDescriptor:
    """A property or data descriptor of a class."""

    name: str
    doc: str = ""
    type: TypeExpr
    readonly: bool = False


@dataclass(kw_only=True)
class ClassDescriptor:
    """A class; without ``init`` it is a reference to the module that describes it in full."""

    name: str
    path: str
    doc: str = ""
    bases: list[str] = field(default_factory=list)
    init: FunctionDescriptor | None = None
    methods: list[FunctionDescriptor] = field(default_factory=list)
    properties: list[PropertyDescriptor] = field(default_factory=list)
    defined_in: str = ""
    doc_blocks: list[DocBlock] = field(default_factory=list)


@dataclass(kw_only=True)
class ConstantDescriptor:
    """A simple module-level constant."""

    name: str
    path: str
    type: TypeExpr
    repr: str = ""


@dataclass(kw_only=True)
class ModuleDescriptor:
    """One module of the library and its public members."""

    name: str
    doc: str = ""
    functions: list[FunctionDescriptor] = field(default_factory=list)
    classes: list[ClassDescriptor] = field(default_factory=list)
    constants: list[ConstantDescriptor] = field(default_factory=list)
    submodules: list[str] = field(default_factory=list)
    doc_blocks: list[DocBlock] = field(default_factory=list)


@dataclass(kw_only=True)
class LibraryDescriptor:
    """A described library: its modules, what could not be described, and how long it took."""

    name: str
    version: str = ""
    python_version: str = ""
    python_executable: str = ""
    modules: list[ModuleDescriptor] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0
