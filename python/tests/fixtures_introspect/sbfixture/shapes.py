"""Shapes with every kind of class member."""

from __future__ import annotations

from typing import overload

UNIT = "cm"


class Shape:
    """A shape.

    Parameters
    ----------
    sides : int
        Number of sides.
    name : {'square', 'triangle'}, optional
        What to call it.
    """

    def __init__(self, sides: int, name: str = "square") -> None:
        self.sides = sides
        self.name = name

    def area(self, scale: float = 1.0) -> float:
        """Return the area, scaled."""
        return 0.0 * scale

    @classmethod
    def square(cls, side: float) -> Shape:
        """Build a square."""
        return cls(4)

    @staticmethod
    def sides_of(name: str) -> int:
        """Count the sides of a named shape."""
        return 4

    @property
    def label(self) -> str:
        """A printable label."""
        return f"{self.name}/{self.sides}"

    @property
    def broken(self) -> int:
        """A property whose getter raises."""
        raise RuntimeError("property exploded")

    @overload
    def scale(self, factor: int) -> int: ...
    @overload
    def scale(self, factor: float) -> float: ...
    def scale(self, factor):
        """Scale by a factor."""
        return factor


@overload
def parse(text: str) -> int: ...
@overload
def parse(text: bytes, base: int = 10) -> int: ...
def parse(text, base=10):
    """Parse a number."""
    return int(text, base)
