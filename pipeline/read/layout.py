"""Geometry helpers shared by ingestion: characters into lines, lines into paragraphs.

Works on plain dicts with pdfplumber's character keys (``text, x0, x1, top, bottom, size``),
so that any backend that yields such characters can feed it.
"""
from __future__ import annotations

from statistics import median

from pipeline.document import BBox, Line
from pipeline.read.normalize import is_ascii_word, normalize_char


def cluster_lines(chars: list[dict]) -> list[list[dict]]:
    """Group characters into lines by vertical overlap, each line sorted left to right.

    Overlap rather than equal ``top``: characters of another font on a shifted baseline (Arial
    digits in a FangSong line, Times quotes) stay on their line instead of forming one of their own.
    """
    lines: list[dict] = []  # {"top", "bottom", "chars"}
    for ch in sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"])):
        h = max(ch["bottom"] - ch["top"], 0.1)
        best = None
        for ln in reversed(lines[-4:]):
            overlap = min(ln["bottom"], ch["bottom"]) - max(ln["top"], ch["top"])
            if overlap >= 0.5 * min(h, ln["bottom"] - ln["top"]):
                best = ln
                break
        if best is None:
            lines.append({"top": ch["top"], "bottom": ch["bottom"], "chars": [ch]})
        else:
            best["chars"].append(ch)
            # the band follows the line's dominant characters, not a shifted one
            if len(best["chars"]) <= 2:
                best["top"] = min(best["top"], ch["top"])
                best["bottom"] = max(best["bottom"], ch["bottom"])
    out = [sorted(ln["chars"], key=lambda c: c["x0"]) for ln in lines]
    out.sort(key=lambda cs: min(c["top"] for c in cs))
    return out


def chars_bbox(chars: list[dict]) -> BBox:
    return (
        min(c["x0"] for c in chars),
        min(c["top"] for c in chars),
        max(c["x1"] for c in chars),
        max(c["bottom"] for c in chars),
    )


def _wide_gap(prev: dict, ch: dict) -> bool:
    return ch["x0"] - prev["x1"] > 0.25 * max(prev["size"], ch["size"], 1.0)


def chars_to_raw(chars: list[dict]) -> str:
    """The printed text of a line, with a space where the printed gap is wide."""
    parts: list[str] = []
    for i, ch in enumerate(chars):
        if i and _wide_gap(chars[i - 1], ch):
            parts.append(" ")
        parts.append(ch["text"])
    return "".join(parts)


def make_line(page: int, chars: list[dict]) -> Line:
    """A line with its raw text, its normalised text, and for each character of the normalised
    text its x-range and its offset in the raw text (for exact boxes and raw quotes).

    The text equals ``normalize(raw)``, built character by character."""
    raw: list[str] = []
    out: list[str] = []
    xs: list[tuple[float, float]] = []
    rx: list[int] = []
    prev = None
    pos = 0  # length of the raw text so far
    for ch in chars:
        if prev is not None and _wide_gap(prev, ch):
            raw.append(" ")
            pos += 1
        raw.append(ch["text"])
        piece = "".join(normalize_char(ch["text"]).split())
        if piece:
            if prev is not None and out and _wide_gap(prev, ch) and is_ascii_word(out[-1]) \
                    and is_ascii_word(piece[0]) and piece[0] != "%":
                out.append(" ")
                xs.append((prev["x1"], ch["x0"]))
                rx.append(max(pos - 1, 0))
            for p in piece:
                out.append(p)
                xs.append((ch["x0"], ch["x1"]))
                rx.append(pos)
        pos += len(ch["text"])
        prev = ch
    return Line(page=page, bbox=chars_bbox(chars), raw="".join(raw), text="".join(out), xs=xs, rx=rx)


def char_size(chars: list[dict]) -> float:
    return median(c["size"] for c in chars) if chars else 10.0
