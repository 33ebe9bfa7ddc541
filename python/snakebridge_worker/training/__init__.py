"""LoRA fine-tuning of causal LMs, streamed as events to the host.

The host calls ``snakebridge_worker.training.run(config)`` through CallStream and
stores what it yields; ``export`` writes a finished run's adapter or merged model,
``generate`` compares base and adapter text, ``environment`` says what is missing.
"""

from .config import validate_config
from .environment import environment
from .export import export
from .inference import generate
from .loop import run

__all__ = ["environment", "export", "generate", "run", "validate_config"]
