"""A submodule that prints and warns while importing."""

import warnings

print("noisy fixture printed to stdout")
warnings.warn("noisy fixture warning", UserWarning)


def hush() -> None:
    """Do nothing quietly."""
