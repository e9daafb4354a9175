"""govaudit: Chinese government finance reports (PDF) into structured, checked data.

    from pipeline import extract, audit, batch
"""
from __future__ import annotations

__all__ = ["extract", "audit", "batch"]


def __getattr__(name: str):
    # lazy, so that `govaudit --help` does not import pdfplumber, pandas or camelot
    if name in ("extract", "audit"):
        from . import api
        return getattr(api, name)
    if name == "batch":
        from .runner import batch
        return batch
    raise AttributeError(name)
