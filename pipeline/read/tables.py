"""Ruled tables: find them on a page, fill their cells with the page's characters, stitch
tables that run across a page break into one.

The grid comes from pdfplumber's table finder (ruling lines); :mod:`pipeline.read.camelot_check`
cross-checks it with camelot's lattice parser. Cell text is always taken from the page's own
characters, never from the finder's text, so that cells and running text are normalised alike.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

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
    cell_at = _CellIndex(boxes)
    taken: list[int] = []  # given to the table only if it is kept: a dropped grid's text stays text
    for i, ch in enumerate(chars):
        if i in used:
            continue
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        b = cell_at(cx, cy)
        if b is not None:
            cell_chars[b].append(ch)
            taken.append(i)
    _keep_numbers_whole(cell_chars, cell_at)
    rows: list[Row] = []
    printed = across = 0
    for grid_row in grid:
        cells = []
        for b in grid_row:
            if b is None:
                cells.append(Cell(text="", raw="", spanned=True))
                continue
            lines = cluster_lines(cell_chars[b])
            raw = "".join(chars_to_raw(cs) for cs in lines)
            inked = [ch for ch in cell_chars[b] if ch.get("text", "x").strip()]
            printed += len(inked)
            across += sum(_across_rule(ch, b) for ch in inked)
            first = [ch for ch in (lines[0] if lines else []) if ch.get("text", "x").strip()]
            cells.append(Cell(text="".join(normalize(chars_to_raw(cs)) for cs in lines), raw=raw, bbox=b,
                              x0=min((ch["x0"] for ch in first), default=None),
                              x1=max((ch["x1"] for ch in first), default=None)))
        real = [b for b in grid_row if b is not None]
        rbox = (min(b[0] for b in real), min(b[1] for b in real), max(b[2] for b in real), max(b[3] for b in real))
        rows.append(Row(page=page_no, bbox=rbox, cells=cells))
    if len(rows) < _MIN_ROWS or all(not c.text for r in rows for c in r.cells):
        return None
    used.update(taken)
    return Table(index=index, page=page_no, bbox=(x0, top, x1, bottom), rows=rows,
                 n_header_rows=header_rows(rows), off_grid=round(across / printed, 3) if printed else 0.0)


_NUMBER_CHAR = re.compile(r"[\d.,%\-+]")


def _keep_numbers_whole(cell_chars: dict, cell_at) -> None:
    """A number too wide for its narrow cell runs over the rule into the next one ("93.36" printed as
    "93.3" | "6"): the characters of one unbroken run of a number belong to the cell that holds the
    run's middle."""
    owner = {id(ch): b for b, chs in cell_chars.items() for ch in chs}
    chars = sorted((ch for chs in cell_chars.values() for ch in chs if _NUMBER_CHAR.fullmatch(ch.get("text", ""))),
                   key=lambda ch: (round(ch["top"]), ch["x0"]))
    runs: list[list[dict]] = []
    for ch in chars:
        prev = runs[-1][-1] if runs else None
        size = ch["bottom"] - ch["top"]
        if prev is not None and abs(prev["top"] - ch["top"]) < 0.3 * size and 0 <= ch["x0"] - prev["x1"] < 0.2 * size:
            runs[-1].append(ch)
        else:
            runs.append([ch])
    for run in runs:
        cells = {owner[id(ch)] for ch in run}
        if len(cells) < 2:
            continue
        mid = ((run[0]["x0"] + run[-1]["x1"]) / 2, (run[0]["top"] + run[0]["bottom"]) / 2)
        home = cell_at(*mid)
        if home is None:
            continue
        for ch in run:
            b = owner[id(ch)]
            if b != home:
                cell_chars[b].remove(ch)
                cell_chars[home].append(ch)
        cell_chars[home].sort(key=lambda ch: (round(ch["top"]), ch["x0"]))


def _across_rule(ch: dict, cell: BBox) -> bool:
    """A character printed across its cell's top or bottom rule: more than a third of its height
    lies outside the cell."""
    h = ch["bottom"] - ch["top"]
    return h > 0 and max(0.0, cell[1] - ch["top"]) + max(0.0, ch["bottom"] - cell[3]) > h / 3


class _CellIndex:
    """The first cell box (in grid order) holding a point, found by bisection over the sorted cell
    edges instead of testing every box: the edges cut the table into slots, and each slot knows the
    first box covering it. A point exactly on an edge (where two boxes may hold it, bounds being
    inclusive) is looked up box by box, as before."""

    def __init__(self, boxes: list[BBox]):
        self.boxes = boxes
        self.xs = sorted({v for b in boxes for v in (b[0], b[2])})
        self.ys = sorted({v for b in boxes for v in (b[1], b[3])})
        self.slots: dict[tuple[int, int], BBox] = {}
        for b in boxes:
            i0, i1 = bisect_left(self.xs, b[0]), bisect_left(self.xs, b[2])
            j0, j1 = bisect_left(self.ys, b[1]), bisect_left(self.ys, b[3])
            for i in range(i0, i1):
                for j in range(j0, j1):
                    self.slots.setdefault((i, j), b)

    def __call__(self, x: float, y: float) -> BBox | None:
        i, j = bisect_right(self.xs, x), bisect_right(self.ys, y)
        if (i and self.xs[i - 1] == x) or (j and self.ys[j - 1] == y):  # on an edge
            return next((b for b in self.boxes if b[0] <= x <= b[2] and b[1] <= y <= b[3]), None)
        return self.slots.get((i - 1, j - 1))


def header_rows(rows: list[Row]) -> int:
    """Header rows are the top rows before the first row holding an amount; a row that numbers
    the columns (栏次: "** | 1 | 2 | 3 …", "栏次 | 1 | 2 …") heads them too."""
    for i, r in enumerate(rows):
        if any(is_numeric(c.text) for c in r.cells) and not column_numbers(r):
            return max(i, 1)
    return 1


_MARK = re.compile(r"^(?:\*+|[甲乙丙丁]|[\u4e00-\u9fa5]{1,3}次|序号|编号)$")


def column_numbers(row: Row) -> bool:
    """A row that numbers the columns: whole numbers running on by one from left to right (1 2 3 …,
    or 1 2 … after 甲 乙), three or more (two beside a mark), and nothing else but marks (**, 栏次,
    行次, 甲, 乙)."""
    numbers: list[int] = []
    marked = False
    for c in row.cells:
        t = c.text.replace(" ", "")
        if not t or c.spanned:
            continue
        if t.isdigit() and len(t) <= 3:
            numbers.append(int(t))
        elif _MARK.match(t):
            marked = True
        else:
            return False
    return (len(numbers) >= (2 if marked else 3) and numbers[0] <= 2
            and all(b == a + 1 for a, b in zip(numbers, numbers[1:])))


def extract_page_tables(page, chars: list[dict], base_index: int,
                        extra_grids: list[list[list[BBox]]] = ()) -> tuple[list[Table], set[int]]:
    """pdfplumber's ruled tables on one page (plus ``extra_grids`` found by another finder),
    filled with ``chars``; returns the tables and the indices of the chars they used."""
    used: set[int] = set()
    tables: list[Table] = []
    grids = [("pdfplumber", [list(r.cells) for r in found.rows]) for found in _closed(page).find_tables()] \
        if (page.edges or page.rects) else []
    grids += [("camelot", g) for g in extra_grids]
    for finder, grid in grids:
        t = grid_to_table(page.page_number, grid, chars, used, base_index + len(tables))
        if t is not None:
            t.finder = finder
            tables.append(t)
    return tables, used


_CUT_ZONE = 0.25  # a table cut open by a page break ends in the bottom (or starts in the top) quarter


def cut_rules(edges: list[dict], height: float, tol: float = 1.5) -> list[dict]:
    """Rules a page break left out. A row cut by a page break is drawn open by some renderers
    (Chromium prints the row's column rules down to the page's foot, and on the next page up from
    its head, with no rule across): the table finder, which needs closed cells, then drops that
    row and every cell merged into it. Where three or more column rules end (or start) at the
    same height near the foot (head) of the page and no rule runs across them there, the rule
    across is added, so the cut row is read as a row (stitch_tables joins its two halves)."""
    vs = [e for e in edges if e.get("orientation") == "v" and e["height"] >= 3]
    hs = [e for e in edges if e.get("orientation") == "h"]
    extra = []
    for end, in_zone in (("bottom", lambda y: y > height * (1 - _CUT_ZONE)),
                         ("top", lambda y: y < height * _CUT_ZONE)):
        group: list[dict] = []
        for e in sorted(vs, key=lambda e: e[end]) + [None]:
            if e is not None and (not group or e[end] - group[-1][end] <= tol):
                group.append(e)
                continue
            y = group[len(group) // 2][end] if group else 0.0
            # only rules that go no further: a rule drawn row by row also ends at every row line
            xs = sorted({round(g["x0"], 1) for g in group if not any(
                abs(v["x0"] - g["x0"]) <= tol and (v["bottom"] > y + tol if end == "bottom" else v["top"] < y - tol)
                for v in vs)})
            if len(xs) >= 3 and in_zone(y) and not _ruled_across(hs, y, xs, tol):
                extra.append({"object_type": "line", "orientation": "h", "x0": xs[0], "x1": xs[-1],
                              "top": y, "bottom": y, "doctop": y, "width": xs[-1] - xs[0], "height": 0.0})
            group = [e] if e is not None else []
    return extra


def _ruled_across(hs: list[dict], y: float, xs: list[float], tol: float) -> bool:
    """Whether horizontal rules at height y cover every gap between the column rules xs."""
    at = [h for h in hs if abs(h["top"] - y) <= tol]
    return all(any(h["x0"] - tol <= (a + b) / 2 <= h["x1"] + tol for h in at) for a, b in zip(xs, xs[1:]))


def _closed(page):
    """The page with the rules a page break left out added (see cut_rules), for the finder."""
    extra = cut_rules(page.edges, page.height) if getattr(page, "edges", None) else []
    if not extra:
        return page
    from dataclasses import is_dataclass, replace
    if is_dataclass(page):
        return replace(page, edges=list(page.edges) + extra)
    return page  # a pdfplumber Page: its edges are computed, not ours to extend


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
    # each page's flow; the last table of a page and the first of the next are joined when only
    # page furniture lies between them (see _ends_page, _starts_page)
    by_page: dict[int, list[object]] = {}
    for pno, _, obj in flow:
        by_page.setdefault(pno, []).append(obj)
    ordered = [obj for _, _, obj in flow if isinstance(obj, Table)]
    merged_into: dict[int, Table] = {}
    result: list[Table] = []
    for t in ordered:
        prev_items = by_page.get(t.page - 1, [])
        prev = next((o for o in reversed(prev_items) if isinstance(o, Table)), None)
        head = merged_into.get(id(prev), prev) if prev is not None else None
        if (
            prev is not None
            and _ends_page(prev, prev_items)
            and _starts_page(t, by_page.get(t.page, []), _lead_lines(head, by_page.get(head.page, [])))
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
            head.off_grid = max(head.off_grid, t.off_grid)
            merged_into[id(t)] = head
            continue
        result.append(t)
    for i, t in enumerate(result):
        t.index = i
    return result


_FURNITURE_LINE = re.compile(r"^[\s\-—–\d第页共/]{0,12}$")  # "25", "—9—", "第3页共9页"
_CONTINUED = re.compile(r"^[(（]?续(?:表|上表)?[)）]?")


def _ends_page(t: Table, items: list[object]) -> bool:
    """Nothing but a page number (or nothing) follows the table on its page."""
    page = t.pages[-1]
    bottom = t.bbox_on(page)[3]
    after = [o for o in items[items.index(t) + 1:]  # a header word printed over the grid is inside it
             if not (isinstance(o, Line) and o.bbox[3] <= bottom + 1)]
    return all(isinstance(o, Line) and _FURNITURE_LINE.match(o.text) for o in after)


def _lead_lines(t: Table, items: list[object], n: int = 4) -> set[str]:
    """The texts of the few lines printed just above a table (its title, 部门名称, 单位)."""
    before = items[:items.index(t)] if t in items else []
    return {_squeeze(o.text) for o in before[-n:] if isinstance(o, Line)}


def _starts_page(t: Table, items: list[object], head_lead: set[str]) -> bool:
    """The table opens its page, after nothing but what the first part printed above itself
    again (its title, 部门名称, 单位 repeated on every page), a "续表" line or a page header."""
    before = items[:items.index(t)]
    return len(before) <= 4 and all(
        isinstance(o, Line) and (_squeeze(o.text) in head_lead or _CONTINUED.match(o.text)
                                 or _FURNITURE_LINE.match(o.text)) for o in before)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


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
    """A row the page break cut in two. Either the continuation's first row leaves empty a column
    that every other body row fills (分值, 得分), where the last row before the break has its value;
    or the two halves complement each other: the last row lacks such a column's value and the
    first row has it, while the first row lacks a column the last row has (its label: a cut row's
    numbers may fall in its lower half when the cell text is centred)."""
    last, body = head.rows[-1], head.body
    if len(row.cells) != len(last.cells) or len(body) < 3 or not any(c.text for c in row.cells):
        return False
    if _own_row().match(next((c.text for c in row.cells if c.text), "").replace(" ", "")):
        return False  # a 合计 / 总分 row carried alone onto the next page is a row of its own
    others = [r for r in body if r is not last]

    def always_filled(j: int) -> bool:
        return all(j < len(r.cells) and r.cells[j].text for r in others)

    full = [j for j in range(len(row.cells)) if always_filled(j)]
    if any(not row.cells[j].text and is_numeric(last.cells[j].text) for j in full):
        return True
    gets_number = any(not last.cells[j].text and is_numeric(row.cells[j].text) for j in full)
    lacks_label = any(not row.cells[j].text and last.cells[j].text and not is_numeric(last.cells[j].text)
                      for j in full)
    return gets_number and lacks_label


@lru_cache(maxsize=1)
def _own_row() -> re.Pattern:
    """patterns/layouts.yaml ``own_row``: labels that open a row of their own, never the rest of a
    row cut by a page break."""
    from pipeline.patterns import patterns_dir, read_yaml

    return re.compile((read_yaml(patterns_dir() / "layouts.yaml") or {}).get("own_row", r"(?!)"))


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
