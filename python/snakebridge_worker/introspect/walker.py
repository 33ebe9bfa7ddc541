"""Walk a library: import its public submodules to a depth limit and describe each module's members.

Every function and class is described in full once per walk: in the module that defines it when
that module is part of the walk, otherwise in the first module where it is seen. Elsewhere it is
listed as a reference: a FunctionDescriptor without signatures (or a ClassDescriptor without a
constructor) whose ``path`` is the full description's path and whose ``defined_in`` names the module
holding that description.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from .doc_blocks import doc_blocks
from .guards import clean_doc, safe_getattr
from .members import (
    MethodCache,
    callable_kind,
    describe_class,
    describe_constant,
    describe_function,
    is_constant,
    is_function,
)
from .model import ClassDescriptor, FunctionDescriptor, LibraryDescriptor, ModuleDescriptor
from .versions import library_version

Progress = Callable[[str, int, int], None]
_NEVER_IMPORTED = {"__main__", "setup", "conftest", "test", "tests"}
_MAX_ERROR_CHARS = 300


@dataclass
class _Member:
    """A public name in a module and what it holds."""

    name: str
    value: Any
    category: str  # "function", "class" or "constant"


@dataclass
class _Walk:
    """State shared across one describe: options, warnings, and where each object is described."""

    top_package: str
    include_private: bool
    warnings: list[str] = field(default_factory=list)
    # id(object) → (module name, attribute name) of its full description.
    homes: dict[int, tuple[str, str]] = field(default_factory=dict)
    method_cache: MethodCache = field(default_factory=dict)


@contextlib.contextmanager
def quiet_imports() -> Iterator[None]:
    """Keep imported code off stdout (the worker's protocol channel) and mute its warnings."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(sys.stderr):
        warnings.simplefilter("ignore")
        yield


def _error_text(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= _MAX_ERROR_CHARS else text[: _MAX_ERROR_CHARS - 1] + "…"


def describe_library(module: str, depth: int = 1, include_private: bool = False,
                     progress: Progress | None = None) -> LibraryDescriptor:
    """Import ``module`` and describe it and its public submodules down to ``depth`` levels."""
    started = time.perf_counter()
    with quiet_imports():
        top = importlib.import_module(module)  # ImportError propagates: the caller classifies it
    walk = _Walk(top_package=module.split(".", 1)[0], include_private=include_private)
    modules = _collect_modules(top, max(depth, 0), walk)
    with quiet_imports():
        members = {m.__name__: _public_members(m, walk) for m in modules}
    _assign_homes(members, walk)
    library = LibraryDescriptor(
        name=module, version=library_version(top), python_version=sys.version.split()[0],
        python_executable=sys.executable)
    for index, mod in enumerate(modules, start=1):
        with quiet_imports():
            library.modules.append(_describe_module(mod, members[mod.__name__], modules, walk))
        if progress is not None:
            progress(mod.__name__, index, len(modules))
    library.warnings.extend(walk.warnings)
    library.elapsed_ms = (time.perf_counter() - started) * 1000.0
    return library


def _wanted_submodule(leaf: str, include_private: bool) -> bool:
    if leaf in _NEVER_IMPORTED or leaf.startswith("test_") or leaf.endswith(("_test", "_tests")):
        return False
    return include_private or not leaf.startswith("_")


def _collect_modules(top: ModuleType, depth: int, walk: _Walk) -> list[ModuleType]:
    """Import public submodules breadth-first; failures become warnings, never aborts."""
    ordered = [top]
    visited = {id(top)}
    frontier = [(top, 0)]
    while frontier:
        parent, level = frontier.pop(0)
        search_path = safe_getattr(parent, "__path__")
        if level >= depth or not search_path:
            continue
        try:
            found = sorted(pkgutil.iter_modules(search_path, prefix=parent.__name__ + "."), key=lambda i: i.name)
        except Exception as error:  # noqa: BLE001 - a broken __path__ hook
            walk.warnings.append(f"{parent.__name__}: could not list submodules ({_error_text(error)})")
            continue
        for info in found:
            if not _wanted_submodule(info.name.rsplit(".", 1)[-1], walk.include_private):
                continue
            child = _import_submodule(info.name, walk)
            if child is not None and id(child) not in visited:
                visited.add(id(child))
                ordered.append(child)
                frontier.append((child, level + 1))
    return ordered


def _import_submodule(name: str, walk: _Walk) -> ModuleType | None:
    with quiet_imports():
        try:
            return importlib.import_module(name)
        except (Exception, SystemExit) as error:  # noqa: BLE001 - SystemExit: some modules exit when imported
            walk.warnings.append(f"{name}: import failed ({_error_text(error)}); its members are not "
                                 f"described. Fix the import error or describe with a smaller depth.")
            return None


def _public_members(module: ModuleType, walk: _Walk) -> list[_Member]:
    """Return the module's public functions, classes and simple constants.

    With ``__all__`` that list decides; without it, functions and classes imported from outside
    the library are left out, as they are not part of its API.
    """
    namespace = safe_getattr(module, "__dict__", {})
    exported = namespace.get("__all__")
    listed = isinstance(exported, (list, tuple)) and not walk.include_private
    if listed:
        names = [n for n in exported if isinstance(n, str)]
    else:
        names = [n for n in namespace if isinstance(n, str) and not (n.startswith("__") and n.endswith("__"))
                 and (walk.include_private or not n.startswith("_"))]
    members: list[_Member] = []
    for name in dict.fromkeys(names):
        if name in namespace:
            value = namespace[name]
        else:
            try:
                value = getattr(module, name)
            except Exception as error:  # noqa: BLE001 - a lazy __getattr__ that fails
                walk.warnings.append(f"{module.__name__}.{name}: listed in __all__ but could not be read "
                                     f"({_error_text(error)})")
                continue
        category = _category(value)
        if category is None:
            continue
        if category != "constant" and not listed and not _inside_library(value, walk.top_package):
            continue
        members.append(_Member(name, value, category))
    return members


def _category(value: Any) -> str | None:
    if isinstance(value, ModuleType):
        return None
    if isinstance(value, type):
        return "class"
    if is_function(value):
        return "function"
    if is_constant(value):
        return "constant"
    return None


def _inside_library(value: Any, top_package: str) -> bool:
    defined_in = safe_getattr(value, "__module__")
    if not isinstance(defined_in, str):
        return True
    return defined_in == top_package or defined_in.startswith(top_package + ".")


def _assign_homes(members: dict[str, list[_Member]], walk: _Walk) -> None:
    """Pick, for every function and class, the one place where it is described in full."""
    candidates: dict[int, list[tuple[str, str, Any]]] = {}
    for module_name, entries in members.items():
        for entry in entries:
            if entry.category != "constant":
                candidates.setdefault(id(entry.value), []).append((module_name, entry.name, entry.value))
    for object_id, places in candidates.items():
        value = places[0][2]
        defined_in = safe_getattr(value, "__module__")
        own_name = safe_getattr(value, "__name__")
        at_definition = [p for p in places if p[0] == defined_in] or places
        by_own_name = [p for p in at_definition if p[1] == own_name] or at_definition
        walk.homes[object_id] = (by_own_name[0][0], by_own_name[0][1])


def _describe_module(module: ModuleType, members: list[_Member], modules: list[ModuleType],
                     walk: _Walk) -> ModuleDescriptor:
    name = module.__name__
    descriptor = ModuleDescriptor(
        name=name, doc=clean_doc(module), doc_blocks=doc_blocks(clean_doc(module)),
        submodules=[m.__name__ for m in modules if m.__name__.rpartition(".")[0] == name])
    for entry in members:
        path = f"{name}.{entry.name}"
        try:
            _add_member(descriptor, entry, path, walk)
        except Exception as error:  # noqa: BLE001 - one odd object must not lose the module
            walk.warnings.append(f"{path}: skipped, could not be described ({_error_text(error)})")
    return descriptor


def _add_member(descriptor: ModuleDescriptor, entry: _Member, path: str, walk: _Walk) -> None:
    if entry.category == "constant":
        descriptor.constants.append(describe_constant(entry.value, entry.name, path))
        return
    home_module, home_name = walk.homes[id(entry.value)]
    full = (home_module, home_name) == (descriptor.name, entry.name)
    home_path = f"{home_module}.{home_name}"
    if entry.category == "class":
        if full:
            descriptor.classes.append(describe_class(entry.value, entry.name, path, descriptor.name,
                                                     walk.include_private, walk.warnings, walk.method_cache))
        else:
            descriptor.classes.append(ClassDescriptor(name=entry.name, path=home_path,
                                                                   defined_in=home_module))
    elif full:
        descriptor.functions.append(describe_function(entry.value, entry.name, path, descriptor.name))
    else:
        descriptor.functions.append(FunctionDescriptor(
            name=entry.name, path=home_path, kind=callable_kind(entry.value), defined_in=home_module))
