"""Other half of a re-export cycle: re-exports ring_a's function."""


def b_func() -> str:
    """Defined here, re-exported by ring_a."""
    return "b"


from .ring_a import a_func  # noqa: E402  (the cycle is the point of this fixture)
