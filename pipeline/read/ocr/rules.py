"""The thresholds of OCR's picture triage (patterns/ocr.yaml), loaded once per process into a typed
model: a missing, unknown or out-of-range value fails at load with one line (PatternsError).

The read stage does not import the extract stage (tests/test_layout.py), so the patterns folder is
found here the way :mod:`pipeline.extract.catalog` finds it: ``$GOVAUDIT_PATTERNS``, else the
checkout's ``patterns/``, else the copy a regular install puts under ``<prefix>/share/govaudit``.
"""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import PatternsError

NAME = "ocr.yaml"


def patterns_dir() -> Path:
    if os.environ.get("GOVAUDIT_PATTERNS"):
        return Path(os.environ["GOVAUDIT_PATTERNS"])
    checkout = Path(__file__).resolve().parents[3] / "patterns"
    installed = Path(sys.prefix) / "share" / "govaudit" / "patterns"
    return checkout if checkout.is_dir() or not installed.is_dir() else installed


Share = Field(ge=0.0, le=1.0)


class PictureRules(BaseModel):
    """``pictures`` of patterns/ocr.yaml (each value is described there)."""

    model_config = ConfigDict(extra="forbid")
    analysis_dpi: int = Field(ge=36, le=300)
    max_side_px: int = Field(ge=200, le=10_000)
    margin_zone: float = Share
    margin_height: float = Share
    glyph_min_pt: float = Field(gt=0.0, le=72.0)
    glyph_min_height_pt: float = Field(gt=0.0, le=72.0)
    glyph_max_pt: float = Field(gt=0.0, le=720.0)
    run_solidity: float = Share
    paper_dark: float = Field(gt=0.0, le=1.0)
    saturated: float = Field(gt=0.0, le=1.0)
    fill_kernel_pt: float = Field(gt=0.0, le=72.0)
    fill_inside_density: float = Field(ge=0.0)
    text_density: float = Field(ge=0.0)
    text_glyphs: int = Field(ge=0)
    photo_fill: float = Share
    flat_colours: float = Share
    chart_fill: float = Share
    line_colour: float = Share
    line_density: float = Field(ge=0.0)
    line_glyphs: int = Field(ge=0)
    min_glyphs: int = Field(ge=0)
    seal_red: float = Share
    seal_colour: float = Share
    logo_area: float = Share


class OcrRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pictures: PictureRules


@lru_cache(maxsize=None)
def rules() -> OcrRules:
    import yaml

    path = patterns_dir() / NAME
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as e:
        raise PatternsError(f"cannot read {path}: {e.strerror}") from None
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        at = f" line {where.line + 1}" if where else ""
        raise PatternsError(f"{path}{at}: not valid YAML ({getattr(e, 'problem', None) or e})") from None
    try:
        return OcrRules.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or "top"
        raise PatternsError(f"{path}: {where}: {err['msg']}") from None
