"""The thresholds of OCR's picture triage (patterns/ocr.yaml), loaded once per process into a typed
model: a missing, unknown or out-of-range value fails at load with one line (PatternsError).

The patterns folder is found, and the file read, by :mod:`pipeline.patterns`, which the extract
stage's catalog uses too (the read stage may not import the extract stage).
"""
from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from pipeline.patterns import patterns_dir, read_yaml, validated

NAME = "ocr.yaml"


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
    path = patterns_dir() / NAME
    return validated(OcrRules, read_yaml(path), path)
