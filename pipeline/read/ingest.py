"""PDF -> :class:`Document`: pages, text lines in reading order, ruled tables, paragraphs.

One pass over the PDF: a backend (:mod:`pipeline.read.backends`; pdfium by default, pdfplumber as the
reference) gives each page's characters and ruling edges once; the characters are split between
the ruled tables found on the page (pdfplumber's table finder on those edges, see
:mod:`pipeline.read.tables`) and the running text; running headers, footers and page numbers are set
aside; lines become paragraphs, rejoined across page breaks; tables continued on the next page
are stitched into one. camelot cross-checks the tables of the pages whose rules can hold a grid.
"""
from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from pipeline import errors
from pipeline.read import camelot_check
from pipeline.read.backends import PageRecord
from pipeline.document import Document, Line, Page, Paragraph, Source, Table
from pipeline.read.layout import cluster_lines, make_line
from pipeline.read.tables import extract_page_tables, stitch_tables

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3}|[-—–]?\s*\d+\s*[-—–]?)$"
)
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]|第[一二三四五六七八九十]+部分)"
)
_FURNITURE_ZONE = 0.09  # top and bottom share of the page where running headers/footers sit
_SLACK = 0.01  # points: below any printed difference, above float noise between PDF parsers


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_input(path: str | Path) -> Path:
    """Refuse what is not a readable PDF, with a one-line reason (raises InputError)."""
    p = Path(path)
    if not p.exists():
        raise errors.InputError(errors.MISSING, f"{p}: no such file")
    if p.is_dir():
        raise errors.InputError(errors.NOT_PDF, f"{p}: is a directory, not a PDF")
    with open(p, "rb") as f:
        head = f.read(1024)
    if not head:
        raise errors.InputError(errors.EMPTY, f"{p}: empty file (0 bytes)")
    if b"%PDF-" not in head:
        raise errors.InputError(errors.NOT_PDF, f"{p}: not a PDF (no %PDF header)")
    return p


def _open(p: Path, backend: str | None = None):
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    from pipeline.read.backends import open_pdf

    try:
        reader = open_pdf(p, backend)
        n = reader.n_pages
    except Exception as e:  # pdfminer and pdfium raise many kinds for broken files
        cause = e.__cause__ or (e.args[0] if e.args and isinstance(e.args[0], Exception) else e)
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in repr(cause).lower():
            raise errors.InputError(errors.ENCRYPTED, f"{p}: encrypted PDF (needs a password)") from None
        raise errors.InputError(errors.DAMAGED, f"{p}: damaged or truncated PDF ({type(cause).__name__})") from None
    if n == 0:
        reader.close()
        raise errors.InputError(errors.EMPTY, f"{p}: PDF has no pages")
    return reader


def load(path: str | Path, cross_check: bool = True, backend: str | None = None,
         timings: dict | None = None) -> Document:
    """Read a PDF into a Document. ``cross_check``: compare the ruled tables with camelot's.
    ``backend``: "pdfium" (default) or "pdfplumber" (see :mod:`pipeline.read.backends`).
    ``timings``, when given, receives seconds spent per stage: ``text`` (reading pages, lines,
    layout) and ``tables`` (table finding and filling, camelot cross-check)."""
    clock = _Clock(timings)
    p = check_input(path)
    sha = sha256_of(p)
    reader = _open(p, backend)
    try:
        meta = reader.metadata or {}
        producer = meta.get("Producer") or meta.get("Creator")
        pages: list[Page] = []
        per_page: dict[int, tuple[list[Line], list[Table]]] = {}
        candidates: dict[int, PageRecord] = {}  # pages whose rules can hold a grid: camelot looks there
        total_chars = 0
        for index in range(reader.n_pages):
            rec = _page_safely(p, reader, index)
            page_lines, page_tables, n_chars = _read_page(rec, clock=clock)
            total_chars += n_chars
            pages.append(Page(number=rec.page_number, width=float(rec.width), height=float(rec.height),
                              n_chars=n_chars))
            per_page[rec.page_number] = (page_lines, page_tables)
            if page_tables or rec.may_hold_grid():
                candidates[rec.page_number] = rec
        if cross_check and total_chars and candidates:
            with clock("tables"):
                _cross_check_tables(p, pages, per_page, candidates)
        flow: list[tuple[int, float, object]] = []  # (page, top, Line | Table) in reading order
        for number in sorted(per_page):
            page_lines, page_tables = per_page[number]
            items = [(ln.page, ln.bbox[1], ln) for ln in page_lines] + [(t.page, t.bbox[1], t) for t in page_tables]
            flow.extend(sorted(items, key=lambda it: it[1]))
    except errors.InputError:
        raise
    except Exception as e:
        raise errors.InputError(errors.DAMAGED, f"{p}: damaged PDF ({type(e).__name__}: {e})"[:300]) from None
    finally:
        reader.close()
    if total_chars == 0:
        raise errors.InputError(errors.NO_TEXT, f"{p}: no text layer (scanned images?); OCR it first")

    with clock("text"):
        flow = _remove_furniture(flow, pages)
        paragraphs, flow = _paragraphs(flow, pages)
    with clock("tables"):
        tables = stitch_tables(flow, pages)
        _label_tables(tables, paragraphs)
    source = Source(path=str(p), sha256=sha, pages=len(pages), producer=producer)
    clock.finish()
    return Document(source=source, pages=pages, paragraphs=paragraphs, tables=tables)


class _Clock:
    """Seconds per stage into ``timings`` (no-op when None); what is not timed is "text"."""

    def __init__(self, timings: dict | None):
        self.timings = timings
        self.start = time.perf_counter()
        if timings is not None:
            timings.setdefault("text", 0.0)
            timings.setdefault("tables", 0.0)

    @contextmanager
    def __call__(self, stage: str):
        if self.timings is None:
            yield
            return
        t = time.perf_counter()
        try:
            yield
        finally:
            self.timings[f"_{stage}"] = self.timings.get(f"_{stage}", 0.0) + time.perf_counter() - t

    def finish(self) -> None:
        if self.timings is not None:
            total = time.perf_counter() - self.start
            tables = self.timings.pop("_tables", 0.0)
            self.timings.pop("_text", None)
            self.timings["tables"] += tables
            self.timings["text"] += total - tables


def _page_safely(p: Path, reader, index: int) -> PageRecord:
    try:
        return reader.page(index)
    except Exception as e:
        raise errors.InputError(
            errors.DAMAGED, f"{p}: page {index + 1} cannot be read ({type(e).__name__})"
        ) from None


def _read_page(rec: PageRecord, extra_grids=(), clock=None) -> tuple[list[Line], list[Table], int]:
    chars = [c for c in rec.chars if c.get("upright", True) and c["text"].strip()]
    if clock is not None:
        with clock("tables"):
            tables, used = extract_page_tables(rec, chars, 0, extra_grids)
    else:
        tables, used = extract_page_tables(rec, chars, 0, extra_grids)
    rest = [c for i, c in enumerate(chars) if i not in used] if used else chars
    lines = [make_line(rec.page_number, cs) for cs in cluster_lines(rest)]
    return [ln for ln in lines if ln.text], tables, len(chars)


def _cross_check_tables(p: Path, pages: list[Page], per_page, candidates: dict[int, PageRecord]) -> None:
    """camelot on the pages whose rules can hold a grid: verdicts on the tables, and the tables
    pdfplumber's finder missed (filled from the page record already read: no second parse)."""
    grids = camelot_check.read_grids(str(p), sorted(candidates), {pg.number: pg.height for pg in pages})
    for number, cams in grids.items():
        lines, tables = per_page[number]
        missed = []
        for cam in cams:
            t = next((t for t in tables if camelot_check.match(t.bbox, [cam])), None)
            if t is not None:
                t.cross_check.append(camelot_check.compare(t, cam, number))
            elif cam.shape[0] >= 2 and cam.shape[1] >= 2:
                missed.append(cam.grid)
        if missed:  # the page again with camelot's grids added; its characters fill them
            page_lines, page_tables, _ = _read_page(candidates[number], missed)
            for t in page_tables:
                if t.finder == "camelot":
                    t.cross_check.append(f"camelot p{number}: found by camelot only")
            per_page[number] = (page_lines, page_tables)


def _signature(text: str) -> str:
    return re.sub(r"\d+", "#", text.replace(" ", ""))


def _remove_furniture(flow, pages: list[Page]):
    """Running headers/footers: lines in the top/bottom band that repeat across pages, and page numbers."""
    heights = {pg.number: pg.height for pg in pages}
    band_lines = [
        it for it in flow
        if isinstance(it[2], Line)
        and (it[2].bbox[3] < heights[it[0]] * _FURNITURE_ZONE or it[2].bbox[1] > heights[it[0]] * (1 - _FURNITURE_ZONE))
    ]
    counts = Counter(_signature(it[2].text) for it in band_lines)
    n_pages = len(pages)
    repeated = {s for s, c in counts.items() if c >= 2 and c >= 0.3 * n_pages}
    by_number = {pg.number: pg for pg in pages}
    drop = set()
    for it in band_lines:
        ln: Line = it[2]
        if _signature(ln.text) in repeated or _PAGE_NUMBER.match(ln.text.replace(" ", "")):
            by_number[it[0]].furniture.append(ln)
            drop.add(id(ln))
    return [it for it in flow if id(it[2]) not in drop]


def _page_margins(flow, pages: list[Page]) -> dict[int, tuple[float, float]]:
    """Left and right edges of the running text on each page (most common x0, largest x1)."""
    per_page: dict[int, list[Line]] = {}
    for pno, _, obj in flow:
        if isinstance(obj, Line):
            per_page.setdefault(pno, []).append(obj)
    all_lines = [ln for lns in per_page.values() for ln in lns]
    doc_left = Counter(round(ln.bbox[0]) for ln in all_lines).most_common(1)[0][0] if all_lines else 72
    doc_right = max((ln.bbox[2] for ln in all_lines), default=500)
    margins = {}
    for pg in pages:
        lns = per_page.get(pg.number, [])
        if len(lns) >= 4:
            left = Counter(round(ln.bbox[0]) for ln in lns).most_common(1)[0][0]
            left = min(left, min(ln.bbox[0] for ln in lns) + 40)
            right = max(ln.bbox[2] for ln in lns)
        else:
            left, right = doc_left, min(doc_right, pg.width)
        margins[pg.number] = (left, right)
    return margins


def _paragraphs(flow, pages: list[Page]):
    margins = _page_margins(flow, pages)
    paragraphs: list[Paragraph] = []
    current: list[Line] = []
    prev_item = None  # the previous flow object (Line or Table)

    def flush():
        if current:
            text = "".join(ln.text for ln in current)
            raw = "".join(ln.raw for ln in current)
            paragraphs.append(Paragraph(index=len(paragraphs), lines=list(current), text=text, raw=raw))
            current.clear()

    for pno, _, obj in flow:
        if isinstance(obj, Table):
            flush()
            obj.after_paragraph = len(paragraphs) - 1
            prev_item = obj
            continue
        line: Line = obj
        if current and _starts_new(current[-1], line, margins):
            flush()
        current.append(line)
        prev_item = line
    flush()
    return paragraphs, flow


def _starts_new(prev: Line, line: Line, margins) -> bool:
    size = max(prev.bbox[3] - prev.bbox[1], 1.0)
    left, right = margins[line.page]
    p_left, p_right = margins[prev.page]
    if _HEADING_START.match(line.text):
        return True
    # thresholds widened by _SLACK: a line exactly on one (a full line 1.5 em short of the margin,
    # say) is decided the same whatever the last bits of its coordinates
    if prev.bbox[2] < p_right - 1.5 * size - _SLACK and not _wrapped_word(prev, line, p_right):
        return True  # the previous line stops short: its paragraph ended
    if line.bbox[0] > left + 1.2 * size + _SLACK:  # first-line indent
        return True
    if line.page == prev.page:
        gap = line.bbox[1] - prev.bbox[3]
        if gap > 1.3 * size + _SLACK:
            return True
        if abs((line.bbox[3] - line.bbox[1]) - size) > 0.3 * size + _SLACK:  # font size changes
            return True
    elif line.page != prev.page + 1:
        return True
    return False


# a run that a line breaker keeps whole: a number with its unit, Latin text, and the closing
# punctuation that may not start a line
_UNBREAKABLE = re.compile(r"^[-+]?[0-9A-Za-z.,%‰/]+[%‰]?[。，、；：）)”」%]*|^[。，、；：）)”」]+")


def _wrapped_word(prev: Line, line: Line, right: float) -> bool:
    """The previous line stopped short only because the right edge is ragged or the next line's
    first word did not fit (LibreOffice and Word move "5.32%。" to the next line whole), and no
    sentence closed there: not a paragraph end."""
    if _SENTENCE_CLOSE.search(prev.text) or not line.xs:
        return False
    size = max(prev.bbox[3] - prev.bbox[1], 1.0)
    width = 0.0
    m = _UNBREAKABLE.match(line.text)
    if m and re.match(r"[\d.,%A-Za-z。，、；：）)”」]", line.text):
        n = len(m.group(0))
        width = line.xs[min(n, len(line.xs)) - 1][1] - line.xs[0][0]
    # a ragged right edge leaves up to a couple of characters' room; a sentence running on
    # is not a paragraph end
    return prev.bbox[2] + max(width, 1.5 * size) > right - 2.5 * size


_SENTENCE_CLOSE = re.compile(r"[。！？：；:;]$")

_CAPTION = re.compile(r"^(?:附?表\s*[\d一二三四五六七八九十]+(?:[-—.．]\d+)?|.{2,40}表$)")
_UNIT = re.compile(r"单位\s*[:：]\s*(万元|亿元|元|千元)")


def _label_tables(tables: list[Table], paragraphs: list[Paragraph]) -> None:
    """Caption and unit from the few paragraphs just above each table."""
    for t in tables:
        start = t.after_paragraph
        for k in range(start, max(start - 3, -1), -1):
            text = paragraphs[k].text
            if t.unit is None and (m := _UNIT.search(text)):
                t.unit = m.group(1)
                text = _UNIT.sub("", text).strip()
            if t.caption is None and text and _CAPTION.match(text) and len(text) <= 60:
                t.caption = text
        if t.unit is None:
            head = " ".join(c.text for r in t.header for c in r.cells)
            if m := re.search(r"[（(](万元|亿元|元)[)）]", head):
                t.unit = m.group(1)
