"""Introspection agent: describe a Python library as plain descriptors (model.py).

``describe_library`` walks modules, classes and callables; ``signature_coverage`` reports how
many callables got a real signature and from which source; ``library_to_proto`` turns a description
into describe.proto's message for the Describe RPC.
"""

from .coverage import signature_coverage
from .to_proto import library_to_proto
from .walker import describe_library

__all__ = ["describe_library", "library_to_proto", "signature_coverage"]
