"""Entry point: ``python -m snakebridge_worker`` (the host spawns workers by this name; see rpc/serve.py)."""

import sys

from .rpc.serve import main

if __name__ == "__main__":
    sys.exit(main())
