"""Running the host's requests: the main-thread executor, call dispatch, target resolution, the value codec,
live-object handles, the allowlist policy and the errors sent back."""
