"""The edge from introspection's model to describe.proto: enums by name, references without init, nested types."""

import enum
import os
import sys

import pytest
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

from snakebridge_worker.introspect import describe_library, library_to_proto
from snakebridge_worker.introspect.model import CallableKind, ParameterKind, SignatureSource, TypeExpr, TypeSource
from snakebridge_worker.introspect.to_proto import type_to_proto
from snakebridge_worker.proto import describe_pb2

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures_introspect")


@pytest.mark.parametrize(("enum", "proto_enum", "prefix"), [
    (ParameterKind, describe_pb2.ParameterKind, "PARAMETER_KIND_"),
    (SignatureSource, describe_pb2.SignatureSource, "SIGNATURE_SOURCE_"),
    (TypeSource, describe_pb2.TypeSource, "TYPE_SOURCE_"),
    (CallableKind, describe_pb2.CallableKind, "CALLABLE_KIND_"),
])
def test_every_model_enum_member_has_a_proto_value_and_back(
    enum: type[enum.Enum], proto_enum: EnumTypeWrapper, prefix: str
) -> None:
    wire = {name.removeprefix(prefix) for name in (v.name for v in proto_enum.DESCRIPTOR.values)} - {"UNSPECIFIED"}
    assert {member.name for member in enum} == wire


def test_type_trees_keep_their_shape_and_text() -> None:
    expr = TypeExpr(name="Union", text="int | Literal['a'] | None", args=(
        TypeExpr(name="int", text="int"), TypeExpr(name="Literal", literals=("'a'",)), TypeExpr(name="None")))
    message = type_to_proto(expr)
    assert message.text == "int | Literal['a'] | None"
    assert [a.name for a in message.args] == ["int", "Literal", "None"]
    assert list(message.args[1].literals) == ["'a'"]


def test_a_described_library_converts_with_enums_by_name_and_references_without_init() -> None:
    sys.path.insert(0, FIXTURES)
    try:
        library = describe_library("sbfixture", depth=1)
    finally:
        sys.path.remove(FIXTURES)
    message = library_to_proto(library)
    assert isinstance(message, describe_pb2.LibraryDescriptor)
    assert [m.name for m in message.modules] == [m.name for m in library.modules]
    top = next(m for m in message.modules if m.name == "sbfixture")
    shape_reference = next(c for c in top.classes if c.name == "Shape")
    assert not shape_reference.HasField("init"), "a re-exported class is a reference on the wire too"
    shapes = next(m for m in message.modules if m.name == "sbfixture.shapes")
    shape = next(c for c in shapes.classes if c.name == "Shape")
    assert shape.HasField("init")
    area = next(m for m in shape.methods if m.name == "area")
    assert area.kind == describe_pb2.CALLABLE_KIND_METHOD
    signature = area.signatures[0]
    assert signature.source == describe_pb2.SIGNATURE_SOURCE_INSPECT
    assert signature.returns.name == "float"
    assert message.warnings == library.warnings
    parse = describe_pb2.LibraryDescriptor.FromString(message.SerializeToString())
    assert parse == message
