"""A submodule that fails to import."""

raise RuntimeError("broken fixture module refuses to import")
