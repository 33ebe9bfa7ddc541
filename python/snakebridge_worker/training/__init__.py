"""LoRA fine-tuning of causal LMs, streamed as events to the host.

The host calls ``snakebridge_worker.training.run(config)`` through CallStream and
stores what it yields; ``export`` writes a finished run's adapter or merged model.
"""

from .config import validate_config
from .export import export
from .loop import run

__all__ = ["export", "run", "validate_config"]
