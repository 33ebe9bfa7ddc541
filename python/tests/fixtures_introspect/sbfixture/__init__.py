"""Fixture library for the introspection tests."""

from typing import Literal, Optional

from .shapes import Shape

VERSION_TUPLE = (1, 2, "beta")
SCALE = 2.5
NAME = "sbfixture"


class _Explosive:
    """A default value whose repr and equality both raise."""

    def __repr__(self) -> str:
        raise RuntimeError("repr exploded")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq exploded")

    __hash__ = None  # type: ignore[assignment]


EXPLOSIVE = _Explosive()


def total(values: list[int], label: Optional[str] = None, *, mode: Literal["a", "b"] = "a",
          weights: dict[str, float] | None = None) -> float:
    """Sum values.

    Args:
        values: The numbers to add.
        label (str, optional): A name for the result.
        mode: How to add.

    Returns:
        float: The weighted sum.
    """
    return float(sum(values))


def gather(first, /, *args, flag=False, **kwargs):
    """Collect everything.

    Parameters
    ----------
    first : int
        The first item.
    *args : tuple of int
        More items.
    flag : bool, optional
        Whether to flag.

    Returns
    -------
    list of int
        The items.
    """
    return [first, *args]


def explosive_default(value=EXPLOSIVE) -> None:
    """Take a default that cannot be printed."""


def long_doc() -> None:
    """Placeholder replaced below with a huge docstring."""


long_doc.__doc__ = "Huge.\n\n" + "x" * 50_000
