"""Access to the generated protobuf modules (from proto/, never edited by hand).

grpcio-tools emits absolute imports (``from snakebridge.v1 import ...``), so the
generated tree is put on ``sys.path`` once, here, and everything else imports
the messages through this module.
"""

from __future__ import annotations

import os
import sys

_GENERATED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_generated")
if _GENERATED not in sys.path:
    sys.path.insert(0, _GENERATED)

from snakebridge.v1 import (  # noqa: E402
    describe_pb2,
    errors_pb2,
    training_pb2,
    values_pb2,
    worker_pb2,
    worker_pb2_grpc,
)

__all__ = ["describe_pb2", "errors_pb2", "training_pb2", "values_pb2", "worker_pb2", "worker_pb2_grpc"]
