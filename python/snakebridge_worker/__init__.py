"""Snakebridge worker: a Python process that serves calls, introspection and
long jobs to the Snakebridge host over gRPC."""

WORKER_VERSION = "0.1.0"
# Bumped when the handshake line or the contract changes incompatibly.
PROTOCOL_VERSION = 1
