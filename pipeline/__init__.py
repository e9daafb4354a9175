"""govaudit: Chinese government finance reports (PDF) into structured, checked data.

    from pipeline import extract, audit, batch

The code is laid out by stage, each a sub-package whose imports only point down the pipeline:
``read`` (PDF -> Document) -> ``extract`` (indicators) -> ``check`` (checks, findings) -> ``run``
(batch, store) -> ``publish`` (exports, HTML) -> ``cli``. ``document``, ``schema`` and ``errors`` are
the data model they share; ``api`` strings the stages together.
"""
from __future__ import annotations

import sys
import types

__all__ = ["extract", "audit", "batch"]


def __getattr__(name: str):
    # lazy, so that `govaudit --help` does not import pdfplumber, pandas or camelot
    if name in __all__:
        from pipeline import api
        return getattr(api, name)
    raise AttributeError(name)


class _Package(types.ModuleType):
    """``pipeline.extract`` names both the API function and the extraction stage's sub-package.
    Importing the sub-package would set the attribute to the module (the import system does that
    for every sub-module); the API function keeps the name, and the stage stays importable as
    ``pipeline.extract.<module>`` (through sys.modules, as every ``from … import`` does)."""

    def __setattr__(self, name: str, value) -> None:
        if name in __all__ and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
