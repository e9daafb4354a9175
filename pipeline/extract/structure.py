"""What a table's rows are, before any check adds them up: the reading of its structure, and how
sure it is (``Table.reading``, a :class:`pipeline.document.TableReading`).

In: a Document's tables (cells with their boxes and text extents). Out: for each table its
hierarchy (by subject codes, numbering, indentation, or flat), the rows that restate the total, the
header rows that only number the columns (栏次), and its doubts — text printed across the rules,
a table cut by a page break that could not be joined to its continuation. The thresholds and the
words of each doubt are data (patterns/layouts.yaml), loaded into a typed model so that a bad
value fails at load with one line.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from pipeline.document import ColumnRole, Document, Line, Row, Table, TableDoubt, TableReading
from pipeline.extract.catalog import PATTERNS_DIR, load_yaml
from pipeline.patterns import validated
from pipeline.read.tables import column_numbers, is_numeric


class _Doubts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    off_grid: str
    may_continue: str
    continues_unjoined: str
    double_counted: str
    flat_unsure: str
    indent_only: str


def _regexes(words: list[str]) -> list[re.Pattern]:
    return [re.compile(w) for w in words]


class _Columns(BaseModel):
    model_config = ConfigDict(extra="forbid")
    roles: dict[Literal["code", "sequence", "rate", "change", "label"], list[str]]
    years: dict[Literal["prior", "current"], list[str]]
    phases: dict[Literal["budget", "adjusted", "actual"], list[str]]
    funds: dict[str, list[str]]

    @field_validator("roles", "years", "phases", "funds")
    @classmethod
    def _compiles(cls, v: dict) -> dict:
        for words in v.values():
            _regexes(words)  # re.error -> a validation error naming the field
        return v


class LayoutRules(BaseModel):
    """patterns/layouts.yaml."""

    model_config = ConfigDict(extra="forbid")
    off_grid_share: float
    continuation_top_zone: float
    indent_step: float
    restated_total: bool = True
    damaged_label: str
    own_row: str  # read by the read stage (pipeline/read/tables.py): a label that opens a row of its own
    doubts: _Doubts
    columns: _Columns


@lru_cache(maxsize=None)
def layout_rules() -> LayoutRules:
    return validated(LayoutRules, load_yaml("layouts.yaml"), PATTERNS_DIR / "layouts.yaml")


def read_structure(doc: Document) -> None:
    """Fill ``reading`` on every table of the document (once)."""
    lines: dict[int, list[Line]] = {}  # each page's lines, gathered once for the page-break doubts
    for p in doc.paragraphs:
        for ln in p.lines:
            lines.setdefault(ln.page, []).append(ln)
    for t in doc.tables:
        if t.reading is None:
            t.reading = _reading(t, doc, lines)


def reading_of(t: Table, doc: Document | None) -> TableReading:
    if t.reading is None:
        if doc is not None:
            read_structure(doc)
        else:
            t.reading = _reading(t, None, {})
    return t.reading


def body_rows(t: Table) -> list[Row]:
    """The rows that hold figures: header rows and blank rows left out."""
    return [r for r in t.body if any(c.text for c in r.cells) and not column_numbers(r)]


def _reading(t: Table, doc: Document | None, lines: dict[int, list[Line]]) -> TableReading:
    rules = layout_rules()
    reading = TableReading(column_number_rows=sum(column_numbers(r) for r in t.header))
    if t.off_grid >= rules.off_grid_share:
        reading.doubts.append(TableDoubt(kind="off_grid", reason=rules.doubts.off_grid, pages=t.pages))
    if doc is not None:
        reading.doubts.extend(_continuation_doubts(t, doc, rules, lines))
    rows = body_rows(t)
    reading.indents, centred = label_starts(rows)
    reading.hierarchy = _hierarchy(reading.indents, centred)
    if rules.restated_total:
        reading.restated_totals = _restated(rows)
    reading.columns = _column_roles(t, rows, rules)
    return reading


# ------------------------------------------------------------------------------ columns
_YEAR = re.compile(r"(20\d{2})\s*年")


def _column_roles(t: Table, rows: list[Row], rules: LayoutRules) -> list[ColumnRole]:
    """Each column's role, and the year, phase and fund its title names."""
    from pipeline.extract.indicators import column_titles

    cfg = rules.columns
    out = []
    for j, title in enumerate(column_titles(t)):
        role = next((name for name, words in cfg.roles.items() if any(re.search(w, title) for w in words)), None)
        if role is None:
            cells = [r.cells[j].text for r in rows if j < len(r.cells) and r.cells[j].text]
            numbers = sum(is_numeric(x) or x in ("-", "—") for x in cells)
            role = "amount" if cells and numbers >= 0.6 * len(cells) else "text"
        m = _YEAR.search(title)
        out.append(ColumnRole(
            title=title, role=role, year=int(m.group(1)) if m else None,
            relative_year=next((k for k, ws in cfg.years.items() if any(re.search(w, title) for w in ws)), None),
            phase=next((k for k, ws in cfg.phases.items() if any(re.search(w, title) for w in ws)), None),
            fund=next((k for k, ws in cfg.funds.items() if any(re.search(w, title) for w in ws)), None)))
    return out


# ------------------------------------------------------------------------------ page breaks
def _continuation_doubts(t: Table, doc: Document, rules: LayoutRules,
                         lines: dict[int, list[Line]]) -> list[TableDoubt]:
    """A table that ends one page and a table that opens the next, with the same columns, the
    second repeating the first's header or having none, that were not joined into one: either may
    be missing the other's rows."""
    heights = {p.number: p.height for p in doc.pages}
    out = []
    nxt = _first_table(doc, t.pages[-1] + 1)
    if nxt is not None and nxt is not t and _looks_continued(t, nxt, heights, rules, lines):
        out.append(TableDoubt(kind="may_continue", reason=rules.doubts.may_continue, pages=[t.pages[-1], nxt.page]))
    prev = _last_table(doc, t.page - 1)
    if prev is not None and prev is not t and _looks_continued(prev, t, heights, rules, lines):
        out.append(TableDoubt(kind="continues_unjoined", reason=rules.doubts.continues_unjoined,
                              pages=[prev.pages[-1], t.page]))
    return out


def _first_table(doc: Document, page: int) -> Table | None:
    on = [t for t in doc.tables if t.page == page]
    return min(on, key=lambda t: t.bbox[1]) if on else None


def _last_table(doc: Document, page: int) -> Table | None:
    on = [t for t in doc.tables if page in t.pages]
    return max(on, key=lambda t: (t.pages[-1] == page, t.bbox_on(page)[3])) if on else None


def _looks_continued(a: Table, b: Table, heights: dict[int, float], rules: LayoutRules,
                     lines: dict[int, list[Line]]) -> bool:
    """b may continue a: b opening its page near the top with a's header or none (whatever its
    number of columns), a ending its page with nothing but a page number after it, and no title of
    b's own above it (a line above b that was not printed above a too: "九、…表", a new 单位 line)."""
    if not b.rows or b.rows[0].bbox[1] > heights.get(b.page, 842.0) * rules.continuation_top_zone:
        return False
    end = a.pages[-1]
    below_a = [ln for ln in lines.get(end, []) if ln.bbox[1] >= a.bbox_on(end)[3] - 1]
    above_a = {_squeeze(ln.text) for ln in lines.get(a.page, []) if ln.bbox[3] <= a.bbox[1] + 1}
    above_b = [ln for ln in lines.get(b.page, []) if ln.bbox[3] <= b.bbox[1] + 1]
    if any(not _PAGE_NUMBER.match(ln.text.replace(" ", "")) for ln in below_a):
        return False  # a note or the next section after the table: it ended there
    if any(_squeeze(ln.text) not in above_a and not _CONTINUED.match(ln.text) for ln in above_b):
        return False  # the next table has a title of its own
    # the same header, or none (a continuation whose columns the finder split otherwise: a merged
    # cell, a rule not drawn, counts as one too)
    same_header = [c.text for c in a.rows[0].cells] == [c.text for c in b.rows[0].cells]
    no_header = any(is_numeric(c.text) for c in b.rows[0].cells) and not column_numbers(b.rows[0])
    return same_header or no_header


_PAGE_NUMBER = re.compile(r"^[-—–第页共/\d]{0,12}$")
_CONTINUED = re.compile(r"^[(（]?续(?:表|上表)?[)）]?")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ------------------------------------------------------------------------------ hierarchy
def _label_cell(rows: list[Row]) -> int | None:
    """The column that names the rows: the first whose cells are mostly words."""
    n = max((len(r.cells) for r in rows), default=0)
    for j in range(n):
        texts = [r.cells[j].text for r in rows if j < len(r.cells) and r.cells[j].text]
        if texts and sum(not is_numeric(x) for x in texts) >= 0.6 * len(texts):
            return j
    return None


def label_starts(rows: list[Row]) -> tuple[dict[int, float], int]:
    """Where each row's label starts (its first line's x0), for the labels of the naming column that
    are not centred in their cells (centred text starts wherever its length puts it); and how many
    were centred."""
    j = _label_cell(rows)
    if j is None:
        return {}, 0
    step = layout_rules().indent_step
    starts: dict[int, float] = {}
    centred = 0
    for i, r in enumerate(rows):
        c = r.cells[j] if j < len(r.cells) else None
        if c is None or c.x0 is None or c.x1 is None or not c.bbox or is_numeric(c.text):
            continue
        left, right = c.x0 - c.bbox[0], c.bbox[2] - c.x1
        width = c.bbox[2] - c.bbox[0]
        if abs(left - right) <= max(step, 0.08 * width) and left > max(step, 0.1 * width):
            centred += 1  # a centred label (合计, a heading) tells no indent
            continue
        starts[i] = c.x0
    return starts, centred


def _hierarchy(starts: dict[int, float], centred: int) -> str:
    """What the labels' indents tell: "indent" where they start at two to four distinct indents
    (parents and children told apart by indent alone), "flat" where they all start at one (or
    there is one row), "unknown" where they cannot tell (mostly centred, too few rows, too many
    indents)."""
    if not starts or centred > len(starts):
        return "unknown"
    if len(starts) == 1:
        return "flat"  # one row: nothing to nest
    step = layout_rules().indent_step
    levels_at: list[float] = []
    for x in sorted(starts.values()):
        if not levels_at or x - levels_at[-1] >= step:
            levels_at.append(x)
    if len(levels_at) == 1:
        return "flat"
    return "indent" if len(starts) >= 3 and len(levels_at) <= 4 else "unknown"


def _figures(row: Row) -> list[str]:
    return [c.text for c in row.cells if is_numeric(c.text)]


def _restated(rows: list[Row]) -> list[int]:
    """Rows that print the figures of the row above them, where that row prints figures other than
    zero (the department's row under 合计 in a 汇总 table): the same figure in every column, or in all
    but one of three or more (so that one misprinted figure is still seen as a restated total)."""
    out = []
    for i in range(1, len(rows)):
        a, b = rows[i - 1], rows[i]
        if len(a.cells) != len(b.cells):
            continue
        pairs = [(x.text, y.text) for x, y in zip(a.cells, b.cells)
                 if (is_numeric(x.text) or is_numeric(y.text)) and x.text.replace(",", "").strip("0.")]
        same = sum(x == y for x, y in pairs)
        if pairs and (same == len(pairs) or (len(pairs) >= 3 and same >= len(pairs) - 1)):
            out.append(i)
    return out
