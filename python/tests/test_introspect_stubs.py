"""The stubs tier: .pyi beside modules, *-stubs packages and typeshed come first; every type says where it came from."""

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from snakebridge_worker.introspect import describe_library
from snakebridge_worker.introspect.model import (
    FunctionDescriptor,
    LibraryDescriptor,
    ParameterDescriptor,
    SignatureDescriptor,
    SignatureSource,
    TypeSource,
)


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("stubs")
    # A .pyi beside the module, which disagrees with the inline annotation: the stub wins.
    _write(root, "sbstub_pyi/__init__.py", '''
        def area(w, h=1.0):
            return w * h

        def shout(text: int):
            return str(text).upper()

        def pick(value, default=None):
            return value if value is not None else default

        class Money:
            def __init__(self, cents):
                self.cents = cents

            def plus(self, other):
                return Money(self.cents + other.cents)

            def summary(self):
                return {"cents": self.cents}
        ''')
    _write(root, "sbstub_pyi/__init__.pyi", '''
        from typing import Literal, TypedDict, overload
        from typing_extensions import Self

        class Summary(TypedDict, total=False):
            cents: int

        def area(w: float, h: float = ...) -> float: ...
        def shout(text: str) -> str: ...
        @overload
        def pick(value: int, default: int | None = ...) -> int: ...
        @overload
        def pick(value: str, default: str | None = ...) -> str: ...

        class Money:
            def __init__(self, cents: int) -> None: ...
            def plus(self, other: Money) -> Self: ...
            def summary(self) -> Summary: ...
        ''')
    # A *-stubs distribution for a module that ships none.
    _write(root, "sbstub_ext.py", "def scale(values, factor=2):\n    return [v * factor for v in values]\n")
    _write(root, "sbstub_ext-stubs/__init__.pyi", '''
        from collections.abc import Sequence
        def scale(values: Sequence[float], factor: float = ...) -> list[float]: ...
        ''')
    # Inline annotations: py.typed marks them as the package's promise.
    _write(
        root,
        "sbtyped_pkg/__init__.py",
        "def join(parts: list[str], sep: str = ',') -> str:\n    return sep.join(parts)\n",
    )
    _write(root, "sbtyped_pkg/py.typed", "")
    _write(root, "sbplain_pkg/__init__.py", '''
        def join(parts: list[str], sep=',') -> str:
            return sep.join(parts)

        def configure(name='', verbose=True, ratio=0.6, extra=None):
            return name

        def documented(x, y):
            """Add.

            Parameters
            ----------
            x : int
                First.
            y : {'a', 'b'}, optional
                Second.

            Returns
            -------
            int or None
                The sum.
            """
        ''')
    sys.path.insert(0, str(root))
    yield root
    sys.path.remove(str(root))


def _function(lib: LibraryDescriptor, name: str) -> FunctionDescriptor:
    return next(f for m in lib.modules for f in m.functions if f.name == name)


def _params(signature: SignatureDescriptor) -> dict[str, ParameterDescriptor]:
    return {p.name: p for p in signature.parameters}


def test_pyi_beside_the_module_types_parameters_and_wins_over_inline_annotations(packages: Path) -> None:
    lib = describe_library("sbstub_pyi", depth=0)
    area = _function(lib, "area").signatures[0]
    assert [(p.name, p.type.name, p.type_source) for p in area.parameters] == [
        ("w", "float", TypeSource.STUBS), ("h", "float", TypeSource.STUBS)]
    assert _params(area)["h"].default_repr == "1.0", "defaults come from the runtime, not the stub's ..."
    assert (area.returns.name, area.returns_source) == ("float", TypeSource.STUBS)
    shout = _function(lib, "shout").signatures[0]
    assert _params(shout)["text"].type.name == "str"


def test_stub_overloads_give_a_general_signature_then_each_variant(packages: Path) -> None:
    pick = _function(describe_library("sbstub_pyi", depth=0), "pick")
    general, *variants = pick.signatures
    assert [a.name for a in _params(general)["value"].type.args] == ["int", "str"]
    assert [a.name for a in general.returns.args] == ["int", "str"]
    assert [(_params(v)["value"].type.name, v.returns.name, v.source) for v in variants] == [
        ("int", "int", SignatureSource.STUBS), ("str", "str", SignatureSource.STUBS)]
    assert _params(variants[0])["default"].default_repr == "None", "variant defaults filled from the runtime"


def test_stub_methods_self_own_class_and_typeddict(packages: Path) -> None:
    money = next(c for m in describe_library("sbstub_pyi", depth=0).modules for c in m.classes if c.name == "Money")
    assert money.init is not None
    assert [(p.name, p.type.name) for p in money.init.signatures[0].parameters] == [("cents", "int")]
    methods = {m.name: m.signatures[0] for m in money.methods}
    assert methods["plus"].returns.name == "Self"
    assert _params(methods["plus"])["other"].type.name == "sbstub_pyi.Money"
    summary = methods["summary"].returns
    assert (summary.name, list(summary.literals), [a.name for a in summary.args]) == ("TypedDict", ["cents?"], ["int"])


def test_stubs_package_types_a_module_without_annotations(packages: Path) -> None:
    scale = _function(describe_library("sbstub_ext", depth=0), "scale").signatures[0]
    values = _params(scale)["values"]
    assert (values.type.name, values.type.args[0].name, values.type_source) == (
        "Sequence",
        "float",
        TypeSource.STUBS,
    )
    assert (scale.returns.name, scale.returns.args[0].name) == ("list", "float")


def test_inline_annotations_record_whether_the_package_declares_py_typed(packages: Path) -> None:
    typed = _params(_function(describe_library("sbtyped_pkg", depth=0), "join").signatures[0])
    plain = _params(_function(describe_library("sbplain_pkg", depth=0), "join").signatures[0])
    assert typed["parts"].type_source == TypeSource.INLINE
    assert plain["parts"].type_source == TypeSource.ANNOTATION
    assert (plain["sep"].type.name, plain["sep"].type_source) == ("str", TypeSource.DEFAULT)


def test_defaults_and_docstrings_type_what_nothing_else_does(packages: Path) -> None:
    lib = describe_library("sbplain_pkg", depth=0)
    configure = _params(_function(lib, "configure").signatures[0])
    assert [(n, configure[n].type.name, configure[n].type_source) for n in ("name", "verbose", "ratio")] == [
        ("name", "str", TypeSource.DEFAULT), ("verbose", "bool", TypeSource.DEFAULT),
        ("ratio", "float", TypeSource.DEFAULT)]
    assert (configure["extra"].type.name, configure["extra"].type_source) == ("unknown", TypeSource.NONE)
    documented = _function(lib, "documented").signatures[0]
    params = _params(documented)
    assert (params["x"].type.name, params["x"].type_source) == ("int", TypeSource.DOCSTRING)
    assert list(params["y"].type.literals) == ["'a'", "'b'"]
    assert ([a.name for a in documented.returns.args], documented.returns_source) == (
        ["int", "None"],
        TypeSource.DOCSTRING,
    )


def test_typeshed_types_the_standard_library() -> None:
    matches = _function(describe_library("difflib", depth=0), "get_close_matches").signatures
    general = _params(matches[0])
    assert general["n"].type.name == "int" and general["cutoff"].type.name == "float"
    assert all(p.type_source == TypeSource.STUBS for p in matches[0].parameters)
    assert len(matches) == 3, "typeshed declares two overloads"
