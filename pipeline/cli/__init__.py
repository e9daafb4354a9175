"""Command line: ``govaudit`` (and ``python -m pipeline``). The top of the pipeline; it may import
any stage, and none imports it."""
from pipeline.cli.main import main

__all__ = ["main"]
