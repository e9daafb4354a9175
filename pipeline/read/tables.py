"""Ruled tables: find them on a page, fill their cells with the page's characters, stitch
tables that run across a page break into one.

The grid comes from pdfplumber's table finder (ruling lines); :mod:`pipeline.read.camelot_check`
cross-checks it with camelot's lattice parser. Cell text is always taken from the page's own
characters, never from the finder's text, so that cells and running text are normalised alike.
"""
from __future__ import annotations

import re

from pipeline.document import BBox, Cell, Line, Page, Row, Table
from pipeline.read.layout import chars_to_raw, cluster_lines
from pipeline.read.normalize import normalize

NUMERIC = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")
_MIN_ROWS = 2


def is_numeric(text: str) -> bool:
    return bool(NUMERIC.match(text.replace(" ", "")))


def grid_to_table(page_no: int, grid: list[list[BBox | None]], chars: list[dict], used: set[int],
                  index: int) -> Table | None:
    """Build a Table from a grid of cell boxes (None where a merged cell covers the slot)."""
    boxes = [b for row in grid for b in row if b is not None]
    if not boxes:
        return None
    cell_chars: dict[BBox, list[dict]] = {b: [] for b in boxes}
    x0 = min(b[0] for b in boxes)
    top = min(b[1] for b in boxes)
    x1 = max(b[2] for b in boxes)
    bottom = max(b[3] for b in boxes)
    for i, ch in enumerate(chars):
        if i in used:
            continue
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        for b in boxes:
            if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]:
                cell_chars[b].append(ch)
                used.add(i)
                break
    rows: list[Row] = []
    for grid_row in grid:
        cells = []
        for b in grid_row:
            if b is None:
                cells.append(Cell(text="", raw="", spanned=True))
                continue
            lines = cluster_lines(cell_chars[b])
            raw = "".join(chars_to_raw(cs) for cs in lines)
            cells.append(Cell(text="".join(normalize(chars_to_raw(cs)) for cs in lines), raw=raw, bbox=b))
        real = [b for b in grid_row if b is not None]
        rbox = (min(b[0] for b in real), min(b[1] for b in real), max(b[2] for b in real), max(b[3] for b in real))
        rows.append(Row(page=page_no, bbox=rbox, cells=cells))
    if len(rows) < _MIN_ROWS or all(not c.text for r in rows for c in r.cells):
        return None
    return Table(index=index, page=page_no, bbox=(x0, top, x1, bottom), rows=rows,
                 n_header_rows=header_rows(rows))


def header_rows(rows: list[Row]) -> int:
    """Header rows are the top rows before the first row holding a number."""
    for i, r in enumerate(rows):
        if any(is_numeric(c.text) for c in r.cells):
            return max(i, 1)
    return 1


def extract_page_tables(page, chars: list[dict], base_index: int,
                        extra_grids: list[list[list[BBox]]] = ()) -> tuple[list[Table], set[int]]:
    """pdfplumber's ruled tables on one page (plus ``extra_grids`` found by another finder),
    filled with ``chars``; returns the tables and the indices of the chars they used."""
    used: set[int] = set()
    tables: list[Table] = []
    grids = [("pdfplumber", [list(r.cells) for r in found.rows]) for found in page.find_tables()] \
        if (page.edges or page.rects) else []
    grids += [("camelot", g) for g in extra_grids]
    for finder, grid in grids:
        t = grid_to_table(page.page_number, grid, chars, used, base_index + len(tables))
        if t is not None:
            t.finder = finder
            tables.append(t)
    return tables, used


def _columns_match(a: Table, b: Table, tol: float = 4.0) -> bool:
    def edges(t: Table) -> list[float]:
        xs = sorted({round(c.bbox[0]) for r in t.rows for c in r.cells if c.bbox} |
                    {round(c.bbox[2]) for r in t.rows for c in r.cells if c.bbox})
        return xs
    ea, eb = edges(a), edges(b)
    if a.n_cols != b.n_cols:
        return False
    # every column edge of the continuation should exist in the first part
    return all(any(abs(x - y) <= tol for y in ea) for x in eb)


def stitch_tables(flow: list[tuple[int, float, object]], pages: list[Page]) -> list[Table]:
    """Join a table that ends a page with the table that starts the next page, when their columns
    line up; drop the continuation's repeated header rows. Returns the logical tables, renumbered."""
    # first and last item of each page's flow
    first: dict[int, object] = {}
    last: dict[int, object] = {}
    for pno, _, obj in flow:
        first.setdefault(pno, obj)
        last[pno] = obj
    ordered = [obj for _, _, obj in flow if isinstance(obj, Table)]
    merged_into: dict[int, Table] = {}
    result: list[Table] = []
    for t in ordered:
        prev_page = t.page - 1
        head = merged_into.get(id(last.get(prev_page))) if prev_page in last else None
        prev = last.get(prev_page)
        if isinstance(prev, Table):
            head = merged_into.get(id(prev), prev)
        if (
            isinstance(prev, Table)
            and first.get(t.page) is t
            and _columns_match(head, t)
        ):
            rows = t.rows
            k = _repeated_header(head, t)
            if k < len(rows) and _rest_of_row(head, rows[k]):
                _join_row(head.rows[-1], rows[k])
                k += 1
            head.rows.extend(rows[k:])
            head.continued_on.append(t.page)
            head.cross_check.extend(t.cross_check)
            merged_into[id(t)] = head
            continue
        result.append(t)
    for i, t in enumerate(result):
        t.index = i
    return result


def _repeated_header(head: Table, cont: Table) -> int:
    """How many of the continuation's first rows repeat the first part's header rows."""
    n = 0
    for hr, cr in zip(head.header, cont.rows):
        if [c.text for c in hr.cells] == [c.text for c in cr.cells]:
            n += 1
        else:
            break
    return n


def _rest_of_row(head: Table, row: Row) -> bool:
    """A row the page break cut in two: the continuation's first row leaves empty a column that
    every other body row fills (分值, 得分), where the last row before the break has its value."""
    last, body = head.rows[-1], head.body
    if len(row.cells) != len(last.cells) or len(body) < 3 or not any(c.text for c in row.cells):
        return False
    for j, (a, b) in enumerate(zip(last.cells, row.cells)):
        if b.text or not is_numeric(a.text):
            continue
        filled = sum(1 for r in body if j < len(r.cells) and r.cells[j].text)
        if filled == len(body):
            return True
    return False


def _join_row(row: Row, rest: Row) -> None:
    """Append the continuation's text cell by cell; the row keeps its first page and boxes."""
    for a, b in zip(row.cells, rest.cells):
        if b.text:
            a.text += b.text
            a.raw += b.raw
            a.spanned = False


def row_label(row: Row) -> str:
    """The text that names a row: its first non-empty, non-numeric cells joined."""
    parts = []
    for c in row.cells:
        if c.text and not is_numeric(c.text) and c.text not in ("—", "-"):
            parts.append(c.text)
        elif parts:
            break
    return "".join(parts)


def lines_in(table: Table) -> list[Line]:
    return [Line(page=r.page, bbox=r.bbox, raw=r.raw, text=" | ".join(r.texts)) for r in table.rows]
