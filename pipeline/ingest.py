"""PDF -> :class:`Document`: pages, text lines in reading order, ruled tables, paragraphs.

One pass over the PDF with pdfplumber: each page's characters are split between the ruled tables
found on it (see :mod:`pipeline.tables`) and the running text; running headers, footers and page
numbers are set aside; lines become paragraphs, rejoined across page breaks; tables continued on
the next page are stitched into one.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from . import camelot_check, errors
from .document import Document, Line, Page, Paragraph, Source, Table
from .layout import char_size, cluster_lines, make_line
from .tables import extract_page_tables, stitch_tables

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3}|[-—–]?\s*\d+\s*[-—–]?)$"
)
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]|第[一二三四五六七八九十]+部分)"
)
_FURNITURE_ZONE = 0.09  # top and bottom share of the page where running headers/footers sit


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


def _open(p: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(p)
        n = len(pdf.pages)
    except Exception as e:  # pdfminer raises many kinds for broken files
        cause = e.__cause__ or (e.args[0] if e.args and isinstance(e.args[0], Exception) else e)
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in repr(cause).lower():
            raise errors.InputError(errors.ENCRYPTED, f"{p}: encrypted PDF (needs a password)") from None
        raise errors.InputError(errors.DAMAGED, f"{p}: damaged or truncated PDF ({type(cause).__name__})") from None
    if n == 0:
        pdf.close()
        raise errors.InputError(errors.EMPTY, f"{p}: PDF has no pages")
    return pdf


def load(path: str | Path, cross_check: bool = True) -> Document:
    """Read a PDF into a Document. ``cross_check``: compare the ruled tables with camelot's."""
    p = check_input(path)
    sha = sha256_of(p)
    pdf = _open(p)
    try:
        producer = (pdf.metadata or {}).get("Producer") or (pdf.metadata or {}).get("Creator")
        pages: list[Page] = []
        per_page: dict[int, tuple[list[Line], list[Table]]] = {}
        ruled: list[int] = []  # pages with ruling lines: where camelot looks too
        total_chars = 0
        for pdfpage in pdf.pages:
            page_lines, page_tables, n_chars, has_rules = _read_page_safely(p, pdfpage)
            total_chars += n_chars
            pages.append(Page(number=pdfpage.page_number, width=float(pdfpage.width),
                              height=float(pdfpage.height), n_chars=n_chars))
            per_page[pdfpage.page_number] = (page_lines, page_tables)
            if has_rules:
                ruled.append(pdfpage.page_number)
        if cross_check and total_chars:
            _cross_check_tables(p, pdf, pages, per_page, ruled)
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
        pdf.close()
    if total_chars == 0:
        raise errors.InputError(errors.NO_TEXT, f"{p}: no text layer (scanned images?); OCR it first")

    flow = _remove_furniture(flow, pages)
    paragraphs, flow = _paragraphs(flow, pages)
    tables = stitch_tables(flow, pages)
    _label_tables(tables, paragraphs)
    source = Source(path=str(p), sha256=sha, pages=len(pages), producer=producer)
    return Document(source=source, pages=pages, paragraphs=paragraphs, tables=tables)


def _read_page_safely(p: Path, pdfpage, extra_grids=()):
    try:
        return _read_page(pdfpage, extra_grids)
    except Exception as e:
        raise errors.InputError(
            errors.DAMAGED, f"{p}: page {pdfpage.page_number} cannot be read ({type(e).__name__})"
        ) from None
    finally:
        pdfpage.close()  # frees the page's parsed objects: memory stays flat on long PDFs


def _read_page(pdfpage, extra_grids=()) -> tuple[list[Line], list[Table], int, bool]:
    page = pdfpage.dedupe_chars()  # fake bold: the same glyph printed twice, slightly shifted
    chars = [c for c in page.chars if c.get("upright", True) and c["text"].strip()]
    tables, used = extract_page_tables(page, chars, 0, extra_grids)
    rest = [c for i, c in enumerate(chars) if i not in used]
    lines = [make_line(pdfpage.page_number, cs) for cs in cluster_lines(rest)]
    has_rules = bool(page.edges)
    return [ln for ln in lines if ln.text], tables, len(chars), has_rules


def _cross_check_tables(p: Path, pdf, pages: list[Page], per_page, ruled: list[int]) -> None:
    """camelot on the ruled pages: verdicts on the tables, and the tables pdfplumber missed."""
    grids = camelot_check.read_grids(str(p), ruled, {pg.number: pg.height for pg in pages})
    for number, cams in grids.items():
        lines, tables = per_page[number]
        missed = []
        for cam in cams:
            t = next((t for t in tables if camelot_check.match(t.bbox, [cam])), None)
            if t is not None:
                t.cross_check.append(camelot_check.compare(t, cam, number))
            elif cam.shape[0] >= 2 and cam.shape[1] >= 2:
                missed.append(cam.grid)
        if missed:  # read the page again with camelot's grids added; its characters fill them
            page_lines, page_tables, _, _ = _read_page_safely(p, pdf.pages[number - 1], missed)
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
    if prev.bbox[2] < p_right - 1.5 * size and not _wrapped_word(prev, line, p_right):
        return True  # the previous line stops short: its paragraph ended
    if line.bbox[0] > left + 1.2 * size:  # first-line indent
        return True
    if line.page == prev.page:
        gap = line.bbox[1] - prev.bbox[3]
        if gap > 1.3 * size:
            return True
        if abs((line.bbox[3] - line.bbox[1]) - size) > 0.3 * size:  # font size changes
            return True
    elif line.page != prev.page + 1:
        return True
    return False


# a run that a line breaker keeps whole: a number with its unit, Latin text, and the closing
# punctuation that may not start a line
_UNBREAKABLE = re.compile(r"^[-+]?[\w.,%‰/]+[%‰]?[。，、；：）)”」%]*|^[。，、；：）)”」]+")


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
