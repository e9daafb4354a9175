"""The document model: what ingestion produces and every later stage reads.

Coordinates are PDF points with the origin at the page's top-left corner (pdfplumber's
convention): ``(x0, top, x1, bottom)``. Pages are numbered from 1.

Every piece of text is kept twice: ``raw`` as printed (for quoting) and ``text`` normalised
for matching (see :mod:`pipeline.read.normalize`).
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

BBox = tuple[float, float, float, float]


def union_bbox(boxes: list[BBox]) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def overlap_share(a: BBox, b: BBox) -> float:
    """The area two boxes share, as a share of the smaller one's (0 when they do not meet)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / smaller if smaller > 0 else 0.0


class Line(BaseModel):
    """One printed line of running text."""

    page: int
    bbox: BBox
    raw: str
    text: str
    # x0, x1 of each character of ``text``, so a span of text has an exact box
    xs: list[tuple[float, float]] = Field(default_factory=list, repr=False)
    rx: list[int] = Field(default_factory=list, repr=False)  # offset in ``raw`` of each text char

    def raw_span(self, start: int, end: int) -> str:
        if not self.rx or start >= len(self.rx):
            return self.raw
        end = min(max(end, start + 1), len(self.rx))
        return self.raw[self.rx[start]: self.rx[end - 1] + 1]

    def span_bbox(self, start: int, end: int) -> BBox:
        if not self.xs or start >= len(self.xs):
            return self.bbox
        end = min(max(end, start + 1), len(self.xs))
        return (self.xs[start][0], self.bbox[1], self.xs[end - 1][1], self.bbox[3])


class Paragraph(BaseModel):
    """Consecutive lines that belong together, possibly across a page break."""

    index: int
    lines: list[Line]
    text: str
    raw: str

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def pages(self) -> list[int]:
        return sorted({ln.page for ln in self.lines})

    def span_of(self, start: int, end: int) -> list[tuple[int, BBox]]:
        """Page and exact bbox of ``text[start:end]``, one box per page it runs over."""
        spans: dict[int, list[BBox]] = {}
        pos = 0
        for ln in self.lines:
            n = len(ln.text)
            if pos < end and pos + n > start:
                a, b = max(start - pos, 0), min(end - pos, n)
                spans.setdefault(ln.page, []).append(ln.span_bbox(a, b))
            pos += n
        return [(p, union_bbox(b)) for p, b in spans.items()] or [(self.page, self.lines[0].bbox)]

    def raw_of(self, start: int, end: int) -> str:
        """The printed (raw) text behind ``text[start:end]``."""
        parts = []
        pos = 0
        for ln in self.lines:
            n = len(ln.text)
            if pos < end and pos + n > start:
                parts.append(ln.raw_span(max(start - pos, 0), min(end - pos, n)))
            pos += n
        return "".join(parts)


class Cell(BaseModel):
    text: str
    raw: str
    bbox: BBox | None = None
    # True when the cell is covered by a merged cell that starts above or to the left.
    spanned: bool = False
    # where its first line of text starts and ends (leftmost x0, rightmost x1): a label's indent
    # tells its level, unless the text is centred (a wrapped label's next lines may start further left)
    x0: float | None = None
    x1: float | None = None


class Row(BaseModel):
    page: int
    bbox: BBox
    cells: list[Cell]

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def raw(self) -> str:
        return " | ".join(c.raw for c in self.cells if not c.spanned)


class CrossCheck(BaseModel):
    """A second reading of one page of a table, asked only where it can tell us something
    (``reason``), and what it saw beside our reading: camelot's (:mod:`pipeline.read.camelot_check`,
    the reading stage's questions) or the rendered page image's lattice
    (:mod:`pipeline.read.image_grid`, when a table check fails)."""

    page: int
    # why it was asked: our finder found no table on a page whose rules could hold one, the
    # table's structure is in doubt, a table check failed (the check stage asks), or on request
    reason: Literal["no_table_found", "structure_in_doubt", "check_failed", "requested"]
    # agrees: same grid (and, camelot, cell texts); grid_differs: another shape; texts_differ:
    # same shape, some cell texts differ (ours kept); camelot_only: a table only camelot found
    # (adopted, filled with our characters); not_found: no table there in the other reading either
    verdict: Literal["agrees", "grid_differs", "texts_differ", "camelot_only", "not_found"]
    reader: Literal["camelot", "page_image"] = "camelot"
    ours: tuple[int, int] | None = None  # rows × columns of our grid on that page
    other: tuple[int, int] | None = None  # rows × columns of the other reading's
    differing_cells: list[tuple[int, int]] = Field(default_factory=list)  # (row, column) on the page
    cells_compared: int = 0  # cells where both readings have text


class TableDoubt(BaseModel):
    """Why a table's reading is unsure: what kind of doubt, in words, and the pages it touches."""

    kind: Literal["off_grid", "may_continue", "continues_unjoined"]
    reason: str
    pages: list[int] = Field(default_factory=list)


class ColumnRole(BaseModel):
    """What one column of a table holds: its title (header rows joined), its role, and for an
    amount the year, phase and fund its title names (None: not named)."""

    title: str
    role: Literal["code", "sequence", "label", "rate", "change", "amount", "text"]
    year: int | None = None
    relative_year: Literal["prior", "current"] | None = None
    phase: Literal["budget", "adjusted", "actual"] | None = None
    fund: str | None = None


class TableReading(BaseModel):
    """What the table's structure was understood to be (pipeline.extract.structure): how its rows
    nest, which rows only number the columns (栏次) or restate the total, and what is in doubt.
    A table check over a table with doubts ends insufficient_data, never an error."""

    # what tells the levels apart where codes and numbering do not: indents, one indent (flat), or
    # nothing known (labels centred, or no text extents: OCR)
    hierarchy: Literal["indent", "flat", "unknown"] = "unknown"
    column_number_rows: int = 0  # 栏次 rows among the header rows
    restated_totals: list[int] = Field(default_factory=list)  # body rows (index) that restate 合计
    indents: dict[int, float] = Field(default_factory=dict)  # body row -> where its label starts (not centred)
    doubts: list[TableDoubt] = Field(default_factory=list)
    columns: list[ColumnRole] = Field(default_factory=list)

    @property
    def sure(self) -> bool:
        return not self.doubts


class Table(BaseModel):
    """A ruled table; one logical table even when printed across several pages."""

    index: int
    page: int
    bbox: BBox
    rows: list[Row]
    n_header_rows: int = 1
    caption: str | None = None  # e.g. "表 1-4 固定资产情况表"
    unit: str | None = None  # e.g. "万元" from a "单位：万元" line
    continued_on: list[int] = Field(default_factory=list)  # further pages of a stitched table
    # Index of the paragraph just before the table, so a table knows where it sits in the flow.
    after_paragraph: int = -1
    # Which finder found the grid, and what camelot's second reading said, page by page (only
    # where it was asked: see CrossCheck.reason).
    finder: str = "pdfplumber"
    cross_check: list[CrossCheck] = Field(default_factory=list)
    # the share of the cells' characters printed across their cell's top or bottom rule (the text
    # sits between the ruled rows, as in tables whose names print half a row above their codes):
    # where it is high, which figure belongs to which row is not known from the grid
    off_grid: float = 0.0
    # how its structure was understood (filled by the extract stage, read by the checks)
    reading: TableReading | None = None

    @property
    def pages(self) -> list[int]:
        return [self.page, *self.continued_on]

    @property
    def header(self) -> list[Row]:
        return self.rows[: self.n_header_rows]

    @property
    def body(self) -> list[Row]:
        return self.rows[self.n_header_rows:]

    @property
    def n_cols(self) -> int:
        return max((len(r.cells) for r in self.rows), default=0)

    def shape_on(self, page: int) -> tuple[int, int]:
        """Rows × columns of the table on one page (a stitched table's continuation lost the
        header rows it repeats)."""
        rows = [r for r in self.rows if r.page == page]
        return len(rows), max((len(r.cells) for r in rows), default=0)

    def bbox_on(self, page: int) -> BBox:
        """The box of the table's rows on one page (a stitched table's bbox is its first page's)."""
        boxes = [r.bbox for r in self.rows if r.page == page]
        return union_bbox(boxes) if boxes else self.bbox

    def column_titles(self) -> list[str]:
        """One title per column, joining the header rows (merged cells filled across)."""
        titles = [""] * self.n_cols
        for row in self.header:
            last = ""
            for i, c in enumerate(row.cells):
                t = c.text if not c.spanned else last
                last = t
                if t and t not in titles[i]:
                    titles[i] += t
        return titles


class Page(BaseModel):
    number: int
    width: float
    height: float
    n_chars: int
    # Running headers, footers and page numbers, removed from the text flow.
    furniture: list[Line] = Field(default_factory=list)
    # OCR (pipeline.read.ocr): the areas read from the page image (the whole page for a scan),
    # each text line read there with its characters' confidences, and the quarter turns
    # clockwise that made a sideways scan upright (coordinates are those of the upright page).
    ocr_regions: list[BBox] = Field(default_factory=list)
    ocr_spans: list["OcrSpan"] = Field(default_factory=list, repr=False)
    ocr_turns: int = 0
    # table cells that hold print OCR read as nothing, even when read again alone: a check over
    # their row or column can only warn (pipeline.check.ocr, "OCR 可能漏读")
    ocr_unread: list[BBox] = Field(default_factory=list)

    def ocr_confidence(self, bbox: BBox, digits_only: bool = True, context: int = 0) -> float | None:
        """The lowest recognition confidence of the OCR characters inside ``bbox`` (centre
        inside horizontally, half the line's height inside vertically); only digits when
        ``digits_only`` and some are there; plus the ``context`` characters read just before
        them (the words that name the number, on its line or the line above). None when nothing
        read by OCR lies there."""
        chars: list[tuple[str, float, bool]] = []  # reading order: (char, confidence, inside)
        for s in sorted(self.ocr_spans, key=lambda s: (s.bbox[1], s.bbox[0])):
            top, bottom = s.bbox[1], s.bbox[3]
            vertical = min(bottom, bbox[3]) - max(top, bbox[1]) >= 0.5 * (bottom - top)
            for ch, (x0, x1, conf) in zip(s.text, s.chars):
                chars.append((ch, conf, vertical and bbox[0] - 0.5 <= (x0 + x1) / 2 <= bbox[2] + 0.5))
        inside = [i for i, c in enumerate(chars) if c[2]]
        if not inside:
            return None
        found = [chars[i] for i in inside]
        if digits_only and any(ch.isdigit() for ch, _, _ in found):
            found = [f for f in found if f[0].isdigit() or f[0] in ".,%"]  # separators count too
        found += chars[max(inside[0] - context, 0): inside[0]]
        return min(c for _, c, _ in found)


class OcrSpan(BaseModel):
    """One text line read by OCR: its box (PDF points), text, lowest character confidence, and
    per character (same order as ``text``) its x0, x1 and recognition confidence (0..1)."""

    bbox: BBox
    text: str
    conf: float
    chars: list[tuple[float, float, float]] = Field(default_factory=list)


class Source(BaseModel):
    path: str
    sha256: str
    pages: int
    producer: str | None = None
    repaired: bool = False  # the PDF was damaged and opened only after repair (pdfium / qpdf)
    ocr_pages: list[int] = Field(default_factory=list)  # pages whose text was read by OCR
    # pages scanned sideways: quarter turns clockwise that made them upright (their boxes are in
    # the upright page's coordinates; page pictures are turned the same way)
    ocr_turns: dict[int, int] = Field(default_factory=dict)


class Document(BaseModel):
    source: Source
    pages: list[Page]
    paragraphs: list[Paragraph]
    tables: list[Table]
    # what reading left out or changed, one line each ("repaired", a page over the character limit):
    # carried into Report.notes
    notes: list[str] = Field(default_factory=list)

    def full_text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)
