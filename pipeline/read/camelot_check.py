"""camelot's lattice parser as a second reading of the ruled tables, asked only where it can tell
us something.

Our finder (pdfplumber's, on the edges pdfium read) gives the grids. camelot reads a page again
only:

- when our finder found no table on a page whose rules could hold one of two rows and two
  columns (``no_table_found``, :func:`could_find_grid`: :func:`pipeline.read.ingest.load` asks; a
  grid only camelot finds is adopted and filled with the page's own characters);
- when a table's structure is in doubt (``structure_in_doubt``: characters inside the table's
  box fell in no cell; ingestion asks);
- on request (:func:`second_reading`, any reason): a caller that wants camelot's verdict on a
  table it has (the check stage reads a failed table check again from the page image instead,
  :mod:`pipeline.read.image_grid`: it only needs the grid, and that costs a tenth of camelot's
  import);
- on request (``requested``: ``load(..., cross_check="all")``, every page whose rules can hold a
  grid, as the cross-check used to run).

Measured on the samples and the real corpus (issue 18: 484 pages): on 235 of the 238 pages whose
rules can hold a grid our finder had found the table already, on the other 3 camelot found one-row
grids at most (never adopted), and camelot never changed a table; it cost 45 % of the pipeline's
time, 0.3 s of imports and ~100 MB per process. Now, by default, it reads none of those pages.
Feeding it the edges pdfium already read (its ``prepare_page_parse``) would save its own parse of
the page (measured: 5-10 ms a page with ``pages=`` given) but not its import (0.35 s CPU, pandas
and OpenCV), which is what a run that needs it pays; so it reads the page itself, with the vector
engine (no rendering).

Verdicts are :class:`pipeline.document.CrossCheck` records on the table (``Table.cross_check``).
camelot 2 takes text from playa-pdf and misplaces it with some fonts (huge FontBBox, Type 3 bold),
so its text is compared, never used.
"""
from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

from pipeline.document import BBox, CrossCheck, Table, overlap_share
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



def could_find_grid(edges: list[dict], tol: float = 2.0, min_length: float = 3.0) -> bool:
    """Whether camelot could find a grid of two rows and two columns (the least a table ingestion
    adopts) on a page with these edges: its rows and columns run between rules at distinct
    heights and positions (camelot merges rules within ``line_tol``, 2 pt), so that takes three
    of each. A page with fewer (a boxed title, a header rule with column ticks) is not worth the
    import (0.3 s, 100 MB): camelot would find one row at most there, which is not adopted."""
    def distinct(values: list[float]) -> int:
        n, last = 0, None
        for v in sorted(values):
            if last is None or v - last > tol:
                n += 1
            last = v
        return n

    ys = [e["top"] for e in edges if e["orientation"] == "h" and e["width"] >= min_length]
    xs = [e["x0"] for e in edges if e["orientation"] == "v" and e["height"] >= min_length]
    return distinct(ys) >= 3 and distinct(xs) >= 3


def read_grids(path: str, pages: list[int], heights: dict[int, float] | None = None,
               failed: list[str] | None = None) -> dict[int, list[CamelotTable]]:
    """camelot lattice grids of ``pages`` (1-based); {} when camelot is not usable here (the
    reason is logged and, when ``failed`` is given, appended to it). ``heights``: page heights in
    points (else camelot's own page size)."""
    if not pages:
        return {}
    try:
        import camelot
    except Exception as e:  # pragma: no cover - camelot is a dependency; its absence is logged, not fatal
        log.warning("camelot unavailable, tables not cross-checked: %s", e)
        if failed is not None:
            failed.append(f"camelot unavailable: {e}")
        return {}
    out: dict[int, list[CamelotTable]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = camelot.read_pdf(path, pages=",".join(map(str, pages)), flavor="lattice", engine="vector",
                                     layout_kwargs=_LAYOUT)
        except Exception as e:
            log.warning("camelot failed on %s: %s", path, e)
            if failed is not None:
                failed.append(f"camelot failed: {type(e).__name__}: {e}")
            return {}
    for t in found:
        page = int(t.page)
        h = heights[page] if heights and page in heights else t.pdf_size[1]
        grid = [[(c.x1, h - c.y2, c.x2, h - c.y1) for c in row] for row in t.cells]
        x0, y0, x1, y1 = t._bbox
        out.setdefault(page, []).append(CamelotTable(
            page=page, bbox=(x0, h - y1, x1, h - y0), grid=grid,
            texts=[[str(v) for v in row] for row in t.df.values.tolist()]))
    return out


def match(table_bbox: BBox, candidates: list[CamelotTable]) -> CamelotTable | None:
    best = max(candidates, key=lambda c: overlap_share(table_bbox, c.bbox), default=None)
    return best if best is not None and overlap_share(table_bbox, best.bbox) > 0.5 else None


def compare(table: Table, cam: CamelotTable, page: int, reason: str) -> CrossCheck:
    """Do the two readings see the same grid and the same cell texts on ``page``?

    A stitched table's continuation pages lost the header rows they repeat and, where the page
    break cut a row in two, that row's rest (joined to the last row of the page before): there
    camelot's extra top rows are skipped, and the last row before a break need only start with
    camelot's text."""
    rows = [r for r in table.rows if r.page == page]
    ours = table.shape_on(page)
    cam_rows, texts = cam.shape[0], cam.texts
    if page != table.page and cam_rows > ours[0]:
        cam_rows, texts = ours[0], texts[cam_rows - ours[0]:]
    if ours != (cam_rows, cam.shape[1]):
        return CrossCheck(page=page, reason=reason, verdict="grid_differs", ours=ours, other=cam.shape)
    differing: list[tuple[int, int]] = []
    total = 0
    continues = page + 1 in table.pages
    for i, (r, row_texts) in enumerate(zip(rows, texts)):
        joined = continues and i == len(rows) - 1
        for j, (cell, text) in enumerate(zip(r.cells, row_texts)):
            a, b = compact(cell.text), compact(text)
            if a and b:
                total += 1
                if a != b and not (joined and a.startswith(b)):
                    differing.append((i, j))
    return CrossCheck(page=page, reason=reason, verdict="texts_differ" if differing else "agrees",
                      ours=ours, other=cam.shape, differing_cells=differing, cells_compared=total)


def second_reading(path: str, table: Table, reason: str = "check_failed",
                   pages: list[int] | None = None, read: dict | None = None) -> list[CrossCheck]:
    """camelot's reading of ``table`` on ``pages`` (default: all its pages): one verdict per page,
    also appended to ``table.cross_check`` (a page already cross-checked keeps its verdict and is
    not read again). ``not_found`` where camelot sees no table there; no verdict at all (an empty
    list) when camelot could not read the file. ``read``: the caller's {(path, page): camelot's
    tables} for one document, so that a page is parsed once for several tables."""
    _READ = {} if read is None else read
    done = {c.page: c for c in table.cross_check if c.reader == "camelot"}
    out: list[CrossCheck] = []
    todo = [p for p in (pages or table.pages) if p not in done]
    missing = [p for p in todo if (path, p) not in _READ]
    if missing:
        failed: list[str] = []
        grids = read_grids(path, missing, failed=failed)
        if failed:
            return []
        for p in missing:
            _READ[(path, p)] = grids.get(p, [])
    for p in pages or table.pages:
        if p in done:
            out.append(done[p])
            continue
        cam = match(table.bbox_on(p), _READ[(path, p)])
        verdict = compare(table, cam, p, reason) if cam is not None else \
            CrossCheck(page=p, reason=reason, verdict="not_found", ours=table.shape_on(p))
        table.cross_check.append(verdict)
        out.append(verdict)
    return out
