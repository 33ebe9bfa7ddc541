"""Introspection agent: describe a Python library as ``describe_pb2`` descriptors.

``describe_library`` walks modules, classes and callables; ``signature_coverage`` reports how
many callables got a real signature and from which source.
"""

from .coverage import signature_coverage
from .walker import describe_library

__all__ = ["describe_library", "signature_coverage"]
