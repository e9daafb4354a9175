"""Geometry helpers shared by ingestion: characters into lines, lines into paragraphs.

Works on plain dicts with pdfplumber's character keys (``text, x0, x1, top, bottom, size``),
so that any backend that yields such characters can feed it.
"""
from __future__ import annotations

from functools import lru_cache
from operator import itemgetter
from statistics import median

from pipeline.document import BBox, Line
from pipeline.read.normalize import is_ascii_word, normalize_char


_X0 = itemgetter("x0")


def cluster_lines(chars: list[dict]) -> list[list[dict]]:
    """Group characters into lines by vertical overlap, each line sorted left to right.

    Overlap rather than equal ``top``: characters of another font on a shifted baseline (Arial
    digits in a FangSong line, Times quotes) stay on their line instead of forming one of their own.
    One sweep down the page: a character is compared with the last few lines only.
    """
    if len(chars) < 2:
        return [list(chars)] if chars else []
    lines: list[list] = []  # [top, bottom, chars, least top]: the band, its characters
    order = sorted([(round(c["top"], 1), c["x0"], i) for i, c in enumerate(chars)])  # i: a stable sort
    for _, _, i in order:
        ch = chars[i]
        top, bottom = ch["top"], ch["bottom"]
        h = max(bottom - top, 0.1)
        best = None
        for ln in reversed(lines[-4:]):
            overlap = min(ln[1], bottom) - max(ln[0], top)
            if overlap >= 0.5 * min(h, ln[1] - ln[0]):
                best = ln
                break
        if best is None:
            lines.append([top, bottom, [ch], top])
        else:
            cs = best[2]
            cs.append(ch)
            # the band follows the line's dominant characters, not a shifted one
            if len(cs) <= 2:
                best[0] = min(best[0], top)
                best[1] = max(best[1], bottom)
            if top < best[3]:
                best[3] = top
    lines.sort(key=itemgetter(3))  # stable: lines starting at the same height keep their order
    return [sorted(ln[2], key=_X0) for ln in lines]


def chars_bbox(chars: list[dict]) -> BBox:
    return (
        min(map(_X0, chars)),
        min(map(itemgetter("top"), chars)),
        max(map(itemgetter("x1"), chars)),
        max(map(itemgetter("bottom"), chars)),
    )


def _wide_gap(prev: dict, ch: dict) -> bool:
    gap = ch["x0"] - prev["x1"]
    return gap > 0.25 and gap > 0.25 * max(prev["size"], ch["size"], 1.0)  # the first test settles most


def chars_to_raw(chars: list[dict]) -> str:
    """The printed text of a line, with a space where the printed gap is wide."""
    parts: list[str] = []
    for i, ch in enumerate(chars):
        if i and _wide_gap(chars[i - 1], ch):
            parts.append(" ")
        parts.append(ch["text"])
    return "".join(parts)


@lru_cache(maxsize=8192)
def _piece(text: str) -> str:
    """A printed character's normalised text without spaces (a report uses a few thousand
    distinct characters: normalised once each)."""
    return "".join(normalize_char(text).split())


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
        wide = prev is not None and _wide_gap(prev, ch)
        if wide:
            raw.append(" ")
            pos += 1
        raw.append(ch["text"])
        piece = _piece(ch["text"])
        if piece:
            if wide and out and is_ascii_word(out[-1]) and is_ascii_word(piece[0]) and piece[0] != "%":
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
