"""Printed numbers: their value, their printed precision, their unit."""
from __future__ import annotations

import re

from pipeline.extract.catalog import UNIT_SCALE

_NUM = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
EMPTY_CELLS = {"", "—", "-", "--", "——", "/", "无", "－"}


def parse_number(text: str) -> tuple[float, int] | None:
    """'4,755.14' -> (4755.14, 2); '26.67%' -> (26.67, 2); '+0.98' -> (0.98, 2); '—' -> None."""
    t = text.replace(" ", "").rstrip("%")
    if t in EMPTY_CELLS or not _NUM.match(t):
        return None
    decimals = len(t.split(".")[1]) if "." in t else 0
    return float(t.replace(",", "")), decimals


def to_canonical(value: float, decimals: int, unit: str | None) -> tuple[float, int]:
    """An amount in 元/千元/亿元 becomes 万元; its decimals shift with it, so the interval keeps its width."""
    if unit in UNIT_SCALE:
        factor, shift = UNIT_SCALE[unit]
        return round(value * factor, 10), decimals + shift
    return value, decimals
