"""Describe one module member in full: a function, a class (with methods and properties) or a constant."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import sys
import types
import typing
from typing import Any

from .annotations import type_from_annotation, unknown
from .doc_blocks import doc_blocks
from .docstrings import DocParam, ParsedDoc, parse_docstring
from .guards import clean_doc, qualified_name, safe_getattr, safe_repr
from .model import CallableKind, ClassDescriptor, ConstantDescriptor, FunctionDescriptor, PropertyDescriptor
from .signatures import describe_signatures
from .stub_files import stub_for_constructor

_SIMPLE_CONSTANT_TYPES = (int, float, str, bool, type(None))
_MAX_CONSTANT_TUPLE = 64


def is_ufunc(obj: Any) -> bool:
    """Say whether ``obj`` is a numpy ufunc (without importing numpy)."""
    numpy = sys.modules.get("numpy")
    ufunc = safe_getattr(numpy, "ufunc") if numpy is not None else None
    return isinstance(ufunc, type) and isinstance(obj, ufunc)


def is_function(obj: Any) -> bool:
    """Say whether a module attribute should be described as a callable (not a class)."""
    return inspect.isroutine(obj) or is_ufunc(obj) or isinstance(obj, functools.partial)


def is_constant(value: Any) -> bool:
    """Say whether a value is a simple constant: int/float/str/bool/None or a small tuple of those."""
    if isinstance(value, _SIMPLE_CONSTANT_TYPES):
        return True
    if isinstance(value, tuple) and len(value) <= _MAX_CONSTANT_TUPLE:
        return all(isinstance(item, _SIMPLE_CONSTANT_TYPES) for item in value)
    return False


def callable_kind(obj: Any) -> CallableKind:
    """Classify a module-level callable for the TypeScript generator."""
    if is_ufunc(obj):
        return CallableKind.UFUNC
    if inspect.isbuiltin(obj):
        return CallableKind.BUILTIN
    if inspect.isroutine(obj):
        return CallableKind.FUNCTION
    return CallableKind.OTHER


def describe_function(obj: Any, name: str, path: str, module_name: str | None,
                      kind: CallableKind | None = None, drop_first: bool = False) -> FunctionDescriptor:
    """Describe a function or method in full; ``module_name`` None (methods) leaves defined_in empty."""
    doc = clean_doc(obj)
    target = safe_getattr(obj, "__func__", obj)
    defined_in = safe_getattr(obj, "__module__")
    parsed = parse_docstring(doc)
    if is_ufunc(obj):
        _add_ufunc_keywords(parsed)
    return FunctionDescriptor(
        name=name, path=path, doc=doc, doc_blocks=doc_blocks(doc),
        signatures=describe_signatures(obj, safe_getattr(obj, "__name__") or name, doc, parsed, drop_first),
        kind=callable_kind(obj) if kind is None else kind,
        is_async=inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target),
        is_generator=inspect.isgeneratorfunction(target) or inspect.isasyncgenfunction(target),
        defined_in=defined_in if module_name and isinstance(defined_in, str) and defined_in != module_name else "")


# The keyword arguments every ufunc takes, as numpy.ufunc's documentation types them ("Optional
# keyword arguments"); a ufunc's own docstring only refers to them ("see the ufunc docs").
_UFUNC_KEYWORDS = {
    "out": "ndarray, None, or tuple of ndarray and None", "where": "array_like", "axes": "list of tuple of int",
    "axis": "int", "keepdims": "bool", "casting": "{'no', 'equiv', 'safe', 'same_kind', 'unsafe'}",
    "order": "{'K', 'A', 'C', 'F'}", "dtype": "data-type", "subok": "bool", "signature": "str or tuple of str",
}


def _add_ufunc_keywords(parsed: ParsedDoc) -> None:
    for keyword, type_text in _UFUNC_KEYWORDS.items():
        if parsed.param(keyword) is None:
            parsed.params.append(DocParam(keyword, type_text, "", True))


def describe_constant(value: Any, name: str, path: str) -> ConstantDescriptor:
    """Describe a simple module constant with its type and truncated repr."""
    return ConstantDescriptor(name=name, path=path, type=type_from_annotation(type(value)),
                                           repr=safe_repr(value))


MethodCache = dict[int, FunctionDescriptor]


def describe_class(cls: type, name: str, path: str, module_name: str, include_private: bool,
                   warnings: list[str], method_cache: MethodCache) -> ClassDescriptor:
    """Describe a class: bases, constructor, methods (inherited ones too) and properties.

    ``method_cache`` maps id(raw class attribute) to its description, so a method inherited by many
    classes (numpy's scalar types share ~100) is introspected once per walk.
    """
    doc = clean_doc(cls)
    defined_in = safe_getattr(cls, "__module__")
    descriptor = ClassDescriptor(
        name=name, path=path, doc=doc, doc_blocks=doc_blocks(doc),
        bases=[qualified_name(base) for base in safe_getattr(cls, "__bases__", ())],
        init=_describe_constructor(cls, path, doc),
        defined_in=defined_in if isinstance(defined_in, str) and defined_in != module_name else "")
    for member_name, raw in _class_members(cls, include_private):
        try:
            _add_member(descriptor, cls, member_name, raw, path, method_cache)
        except Exception as error:  # noqa: BLE001 - one odd member must not lose the whole class
            warnings.append(f"{path}.{member_name}: skipped, could not be described "
                            f"({type(error).__name__}: {error})")
    return descriptor


def _describe_constructor(cls: type, path: str, class_doc: str) -> FunctionDescriptor:
    init = safe_getattr(cls, "__init__")
    init_doc = clean_doc(init) if inspect.isfunction(init) else ""
    # numpydoc puts constructor parameters in the class docstring; Google often in __init__.
    parsed = parse_docstring(init_doc) if init_doc else parse_docstring(class_doc)
    if not parsed.params and init_doc:
        parsed = parse_docstring(class_doc)
    try:
        stub = stub_for_constructor(cls)
    except (RecursionError, ValueError, OSError):  # an odd stub must not lose the class
        stub = None
    signatures = describe_signatures(cls, safe_getattr(cls, "__name__") or "", class_doc, parsed, stub=stub)
    return FunctionDescriptor(name="__init__", path=path, doc=init_doc, doc_blocks=doc_blocks(init_doc),
                                           signatures=signatures,
                                           kind=CallableKind.METHOD)


def _class_members(cls: type, include_private: bool) -> list[tuple[str, Any]]:
    """Return (name, raw attribute) pairs along the MRO, nearest definition first, ``object`` excluded."""
    seen: set[str] = set()
    members: list[tuple[str, Any]] = []
    for klass in safe_getattr(cls, "__mro__", (cls,)):
        if klass is object or klass is type:
            continue
        namespace = safe_getattr(klass, "__dict__", {})
        for member_name in list(namespace):
            if not isinstance(member_name, str) or member_name in seen:
                continue
            seen.add(member_name)
            if member_name.startswith("_") and not include_private:
                continue
            members.append((member_name, namespace[member_name]))
    return members


def _add_member(descriptor: ClassDescriptor, cls: type, name: str, raw: Any, class_path: str,
                method_cache: MethodCache) -> None:
    path = f"{class_path}.{name}"
    cached = method_cache.get(id(raw))
    if cached is not None and cached.name == name:
        descriptor.methods.append(dataclasses.replace(cached, path=path))
        return
    count = len(descriptor.methods)
    _describe_member(descriptor, cls, name, raw, path)
    # Only plain descriptors are cached: C classmethods are bound to ``cls`` and differ per class.
    if len(descriptor.methods) > count and not isinstance(raw, types.ClassMethodDescriptorType):
        method_cache[id(raw)] = descriptor.methods[-1]


def _describe_member(descriptor: ClassDescriptor, cls: type, name: str, raw: Any, path: str) -> None:
    module_name = None  # methods belong to their class; re-export tracking is per module member
    if isinstance(raw, staticmethod):
        descriptor.methods.append(describe_function(raw.__func__, name, path, module_name,
                                                    CallableKind.STATIC_METHOD))
    elif isinstance(raw, classmethod):
        descriptor.methods.append(describe_function(raw.__func__, name, path, module_name,
                                                    CallableKind.CLASS_METHOD, drop_first=True))
    elif isinstance(raw, types.ClassMethodDescriptorType):
        # C classmethods only report a signature once bound to the class.
        bound = safe_getattr(cls, name, raw)
        descriptor.methods.append(describe_function(bound, name, path, module_name,
                                                    CallableKind.CLASS_METHOD))
    elif inspect.isfunction(raw) or (inspect.ismethoddescriptor(raw) and callable(raw)):
        descriptor.methods.append(describe_function(raw, name, path, module_name,
                                                    CallableKind.METHOD, drop_first=True))
    elif isinstance(raw, (property, functools.cached_property)) or inspect.isdatadescriptor(raw):
        descriptor.properties.append(_describe_property(raw, name))


def _describe_property(raw: Any, name: str) -> PropertyDescriptor:
    """Describe a property from its getter's annotation and doc, never calling the getter."""
    getter = safe_getattr(raw, "fget") or safe_getattr(raw, "func")
    expr = unknown("")
    if inspect.isfunction(getter):
        try:
            hints = typing.get_type_hints(getter)
        except Exception:  # noqa: BLE001 - unresolvable forward refs: fall back to the raw annotation
            hints = safe_getattr(getter, "__annotations__", {}) or {}
        if "return" in hints:
            expr = type_from_annotation(hints["return"])
    # C getset descriptors do not reveal whether a setter exists; most are read-only.
    readonly = raw.fset is None if isinstance(raw, property) else inspect.isgetsetdescriptor(raw)
    return PropertyDescriptor(name=name, doc=clean_doc(raw), type=expr, readonly=readonly)
