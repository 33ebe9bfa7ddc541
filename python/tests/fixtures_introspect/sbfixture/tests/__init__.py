"""A test package that must never be imported by the walker."""

raise AssertionError("the introspection walker imported a test package")
