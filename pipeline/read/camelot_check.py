"""Cross-check of the ruled tables with camelot's lattice parser.

pdfplumber's table finder gives the grids; camelot (lattice, vector engine) reads the same pages
independently: only the pages where pdfplumber found a table or whose ruling lines could hold one
(see ``PageRecord.may_hold_grid``), since camelot is the costliest step of ingestion. Where both find a table they are compared (shape and cell texts) and the verdict
is kept on the table (``Table.cross_check``). Where camelot finds a ruled table that pdfplumber
missed, its grid is adopted and filled with the page's own characters: camelot 2 takes text from
playa-pdf and misplaces it with some fonts (huge FontBBox, Type 3 bold), so its text is never used.
"""
from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

from pipeline.document import BBox, Table
from pipeline.read.normalize import compact

log = logging.getLogger(__name__)


@dataclass
class CamelotTable:
    page: int
    bbox: BBox  # top-left origin, like pdfplumber
    grid: list[list[BBox]]
    texts: list[list[str]]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.grid), max((len(r) for r in self.grid), default=0)


# Text lines without pdfminer's hierarchical text-box grouping (boxes_flow=None): lattice places
# text lines in cells by position and never reads the box order, so grids and cell texts are the
# same as with the default, at two thirds of the time (measured on the samples and real corpus).
_LAYOUT = {"boxes_flow": None}


def read_grids(path: str, pages: list[int], heights: dict[int, float]) -> dict[int, list[CamelotTable]]:
    """camelot lattice grids of ``pages`` (1-based); {} when camelot is not usable here."""
    if not pages:
        return {}
    try:
        import camelot
    except Exception as e:  # pragma: no cover - camelot is a dependency; its absence is logged, not fatal
        log.warning("camelot unavailable, tables not cross-checked: %s", e)
        return {}
    out: dict[int, list[CamelotTable]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = camelot.read_pdf(path, pages=",".join(map(str, pages)), flavor="lattice", engine="vector",
                                     layout_kwargs=_LAYOUT)
        except Exception as e:
            log.warning("camelot failed on %s: %s", path, e)
            return {}
    for t in found:
        page = int(t.page)
        h = heights[page]
        grid = [[(c.x1, h - c.y2, c.x2, h - c.y1) for c in row] for row in t.cells]
        x0, y0, x1, y1 = t._bbox
        out.setdefault(page, []).append(CamelotTable(
            page=page, bbox=(x0, h - y1, x1, h - y0), grid=grid,
            texts=[[str(v) for v in row] for row in t.df.values.tolist()]))
    return out


def _overlap(a: BBox, b: BBox) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / smaller if smaller > 0 else 0.0


def match(table_bbox: BBox, candidates: list[CamelotTable]) -> CamelotTable | None:
    best = max(candidates, key=lambda c: _overlap(table_bbox, c.bbox), default=None)
    return best if best is not None and _overlap(table_bbox, best.bbox) > 0.5 else None


def compare(table: Table, cam: CamelotTable, page: int) -> str:
    """A one-line verdict: do the two parsers see the same grid and the same cell texts?"""
    rows = [r for r in table.rows if r.page == page]
    ours = (len(rows), max((len(r.cells) for r in rows), default=0))
    if ours != cam.shape:
        return f"camelot p{page}: grid {cam.shape[0]}×{cam.shape[1]}, pdfplumber {ours[0]}×{ours[1]}"
    differ = 0
    total = 0
    for r, texts in zip(rows, cam.texts):
        for cell, text in zip(r.cells, texts):
            a, b = compact(cell.text), compact(text)
            if a and b:
                total += 1
                differ += a != b
    if differ:
        return f"camelot p{page}: same grid, {differ}/{total} cell texts differ (pdfplumber's kept)"
    return f"camelot p{page}: agrees ({ours[0]}×{ours[1]})"
