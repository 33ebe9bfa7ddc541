"""Half of a re-export cycle: re-exports ring_b's function."""


def a_func() -> str:
    """Defined here, re-exported by ring_b."""
    return "a"


from .ring_b import b_func  # noqa: E402  (imported after a_func so ring_b can import it back)
