"""The edge between introspection's model (model.py) and describe.proto's messages, sent by the Describe RPC.

An enum member maps to the proto value of the same name under the enum's prefix (``ParameterKind.VAR_KEYWORD``
is ``PARAMETER_KIND_VAR_KEYWORD``; message constructors take enum values by name), so a member added to one
side without the other fails loudly here (ValueError) rather than sending a wrong number.
"""

from __future__ import annotations

from snakebridge_worker.proto import describe_pb2

from .model import (
    CallableKind,
    ClassDescriptor,
    ConstantDescriptor,
    DocBlock,
    FunctionDescriptor,
    LibraryDescriptor,
    ModuleDescriptor,
    ParameterDescriptor,
    ParameterKind,
    PropertyDescriptor,
    SignatureDescriptor,
    SignatureSource,
    TypeExpr,
    TypeSource,
)


def library_to_proto(library: LibraryDescriptor) -> describe_pb2.LibraryDescriptor:
    """The describe.proto message for a described library."""
    return describe_pb2.LibraryDescriptor(
        name=library.name, version=library.version, python_version=library.python_version,
        python_executable=library.python_executable, modules=[_module(m) for m in library.modules],
        warnings=library.warnings, elapsed_ms=library.elapsed_ms)


def type_to_proto(expr: TypeExpr) -> describe_pb2.TypeExpr:
    """The describe.proto message for a type tree."""
    return describe_pb2.TypeExpr(name=expr.name, args=[type_to_proto(a) for a in expr.args], literals=expr.literals,
                                 text=expr.text)


def _module(module: ModuleDescriptor) -> describe_pb2.ModuleDescriptor:
    return describe_pb2.ModuleDescriptor(
        name=module.name, doc=module.doc, functions=[_function(f) for f in module.functions],
        classes=[_class(c) for c in module.classes], constants=[_constant(c) for c in module.constants],
        submodules=module.submodules, doc_blocks=[_doc_block(b) for b in module.doc_blocks])


def _class(cls: ClassDescriptor) -> describe_pb2.ClassDescriptor:
    message = describe_pb2.ClassDescriptor(
        name=cls.name, path=cls.path, doc=cls.doc, bases=cls.bases, methods=[_function(m) for m in cls.methods],
        properties=[_property(p) for p in cls.properties], defined_in=cls.defined_in,
        doc_blocks=[_doc_block(b) for b in cls.doc_blocks])
    if cls.init is not None:  # a reference (a class described in full elsewhere) has none
        message.init.CopyFrom(_function(cls.init))
    return message


def _function(function: FunctionDescriptor) -> describe_pb2.FunctionDescriptor:
    return describe_pb2.FunctionDescriptor(
        name=function.name, path=function.path, doc=function.doc,
        signatures=[_signature(s) for s in function.signatures], kind=_callable_kind(function.kind),
        is_async=function.is_async, is_generator=function.is_generator, defined_in=function.defined_in,
        doc_blocks=[_doc_block(b) for b in function.doc_blocks])


def _signature(signature: SignatureDescriptor) -> describe_pb2.SignatureDescriptor:
    return describe_pb2.SignatureDescriptor(
        parameters=[_parameter(p) for p in signature.parameters], returns=type_to_proto(signature.returns),
        source=_signature_source(signature.source), text=signature.text, returns_doc=signature.returns_doc,
        returns_source=_type_source(signature.returns_source))


def _parameter(parameter: ParameterDescriptor) -> describe_pb2.ParameterDescriptor:
    return describe_pb2.ParameterDescriptor(
        name=parameter.name, kind=_parameter_kind(parameter.kind), type=type_to_proto(parameter.type),
        has_default=parameter.has_default, default_repr=parameter.default_repr, doc=parameter.doc,
        type_source=_type_source(parameter.type_source))


def _property(prop: PropertyDescriptor) -> describe_pb2.PropertyDescriptor:
    return describe_pb2.PropertyDescriptor(name=prop.name, doc=prop.doc, type=type_to_proto(prop.type),
                                           readonly=prop.readonly)


def _constant(constant: ConstantDescriptor) -> describe_pb2.ConstantDescriptor:
    return describe_pb2.ConstantDescriptor(name=constant.name, path=constant.path, type=type_to_proto(constant.type),
                                           repr=constant.repr)


def _doc_block(block: DocBlock) -> describe_pb2.DocBlock:
    return describe_pb2.DocBlock(
        kind=block.kind, title=block.title, text=block.text,
        items=[describe_pb2.DocItem(name=i.name, type=i.type, description=i.description) for i in block.items],
        blocks=[_doc_block(b) for b in block.blocks])


def _parameter_kind(kind: ParameterKind) -> str:
    return str(f"PARAMETER_KIND_{kind.name}")


def _signature_source(source: SignatureSource) -> str:
    return str(f"SIGNATURE_SOURCE_{source.name}")


def _type_source(source: TypeSource) -> str:
    return str(f"TYPE_SOURCE_{source.name}")


def _callable_kind(kind: CallableKind) -> str:
    return str(f"CALLABLE_KIND_{kind.name}")
