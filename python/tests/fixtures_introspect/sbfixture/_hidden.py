"""A private submodule: described only with include_private."""


def secret() -> int:
    """Return a secret."""
    return 42
