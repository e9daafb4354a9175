"""PDF -> :class:`Document`: pages, text lines in reading order, ruled tables, paragraphs.

One pass over the PDF: a backend (:mod:`pipeline.read.backends`; pdfium by default, pdfplumber as the
reference) gives each page's characters and ruling edges once; the characters are split between
the ruled tables found on the page (pdfplumber's table finder on those edges, see
:mod:`pipeline.read.tables`) and the running text; running headers, footers and page numbers are set
aside; lines become paragraphs, rejoined across page breaks; tables continued on the next page
are stitched into one. camelot reads a page again only where it can tell us something (see
:mod:`pipeline.read.camelot_check`): no table found on a page whose rules could hold one, or a
table whose structure is in doubt.
"""
from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from pipeline import errors
from pipeline.read.files import read_head
from pipeline.read.backends import PageRecord
from pipeline.document import CrossCheck, Document, Line, Page, Paragraph, Source, Table
from pipeline.read.layout import cluster_lines, make_line
from pipeline.read.ocr import OcrReader
from pipeline.read.tables import extract_page_tables, stitch_tables

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3}|[-—–]?\s*\d+\s*[-—–]?)$"
)
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]|第[一二三四五六七八九十]+部分"
    r"|附[件表]\s*\d*(?:[:：]|$))"  # an attachment label ("附件", "附表2：…"), often at the top of a page
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
    """Refuse what is not a readable PDF, with a one-line reason (raises InputError). Only regular
    files are read: a FIFO, socket or device (also behind a symlink) is refused before any read,
    since reading one may never end (a FIFO) or never stop (/dev/zero)."""
    p = Path(path)
    head = read_head(p)
    if not head:
        raise errors.InputError(errors.EMPTY, f"{p}: empty file (0 bytes)")
    if b"%PDF-" not in head:
        raise errors.InputError(errors.NOT_PDF, f"{p}: not a PDF (no %PDF header)")
    return p


def _open(p: Path, backend: str | None = None):
    """A reader on ``p``; a file the readers refuse (or find without pages) is opened the way
    qpdf and pdfium do (pikepdf rebuilds a broken or missing cross-reference table) and read
    from the repaired copy: the reader then has ``repaired_path``."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    from pipeline.read.backends import open_pdf

    refuse_bombs(p)
    cause: BaseException | None = None
    try:
        reader = open_pdf(p, backend)
        n = reader.n_pages
    except MemoryError:
        raise
    except Exception as e:  # pdfminer and pdfium raise many kinds for broken files
        cause = e.__cause__ or (e.args[0] if e.args and isinstance(e.args[0], Exception) else e)
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in repr(cause).lower():
            raise errors.InputError(errors.ENCRYPTED, f"{p}: encrypted PDF (needs a password)") from None
    else:
        if n:
            return reader
        reader.close()
    repaired = _repair(p, cause)
    try:
        reader = open_pdf(repaired, backend)
        n = reader.n_pages
    except MemoryError:
        Path(repaired).unlink(missing_ok=True)
        raise
    except Exception as e:
        Path(repaired).unlink(missing_ok=True)
        raise errors.InputError(errors.DAMAGED, f"{p}: damaged or truncated PDF "
                                                f"({type(cause or e).__name__}); repair failed") from None
    if n == 0:
        reader.close()
        Path(repaired).unlink(missing_ok=True)
        raise errors.InputError(errors.EMPTY, f"{p}: PDF has no pages")
    reader.repaired_path = repaired
    return reader


def _repair(p: Path, cause: BaseException | None) -> str:
    """Open ``p`` with qpdf (pikepdf), which rebuilds a broken cross-reference table from the
    objects themselves as pdfium does, and save a clean copy into a temporary file (its path is
    returned). InputError when qpdf cannot either, or when the result has no pages or lost the
    content of any page (a truncated file is damaged, not repaired)."""
    import os
    import tempfile

    import pikepdf

    why = f" ({type(cause).__name__})" if cause else ""
    try:
        pdf = pikepdf.open(p)
    except pikepdf.PasswordError:
        raise errors.InputError(errors.ENCRYPTED, f"{p}: encrypted PDF (needs a password)") from None
    except MemoryError:
        raise
    except Exception:
        raise errors.InputError(errors.DAMAGED, f"{p}: damaged or truncated PDF{why}") from None
    with pdf:
        try:
            n = len(pdf.pages)
            if n == 0:
                raise errors.InputError(errors.EMPTY, f"{p}: PDF has no pages")
            for page in pdf.pages:
                for stream in _content_streams(page.obj):
                    stream.read_raw_bytes()
            fd, tmp = tempfile.mkstemp(prefix="govaudit-repaired-", suffix=".pdf")
            os.close(fd)
            try:
                pdf.save(tmp)
            except BaseException:
                os.unlink(tmp)
                raise
        except (errors.InputError, MemoryError):
            raise
        except Exception:  # a page tree that loops, content that is gone: qpdf cannot make it whole
            raise errors.InputError(errors.DAMAGED, f"{p}: damaged or truncated PDF{why}") from None
    return tmp


def _content_streams(page) -> list:
    """The content streams of a page dictionary (pikepdf), and of the form XObjects it draws,
    recursively, each once."""
    import pikepdf

    found, seen, todo = [], set(), [page]
    while todo:
        node = todo.pop()
        contents = node.get("/Contents") if node is page else node
        items = contents if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
        for s in items:
            if isinstance(s, pikepdf.Stream) and s.objgen not in seen:
                seen.add(s.objgen)
                found.append(s)
        resources = node.get("/Resources")
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        if isinstance(xobjects, pikepdf.Dictionary):
            for _, x in xobjects.items():
                if isinstance(x, pikepdf.Stream) and x.get("/Subtype") == "/Form" and x.objgen not in seen:
                    seen.add(x.objgen)
                    found.append(x)
                    todo.append(x)
    return found


@contextmanager
def unencrypted(p: Path):
    """``p``, or for a PDF encrypted with an owner password only (readable, but extraction
    "not allowed"), a decrypted temporary copy: camelot refuses such a file with a line on stderr."""
    import os
    import tempfile

    import pikepdf

    try:
        pdf = pikepdf.open(p)
    except Exception:  # the readers opened it; camelot will say what it says
        pdf = None
    tmp = None
    if pdf is not None:
        with pdf:
            if pdf.is_encrypted:
                fd, tmp = tempfile.mkstemp(prefix="govaudit-decrypted-", suffix=".pdf")
                os.close(fd)
                try:
                    pdf.save(tmp)  # saved without encryption
                except Exception:
                    os.unlink(tmp)
                    tmp = None
    try:
        yield Path(tmp) if tmp else p
    finally:
        if tmp:
            os.unlink(tmp)


def refuse_bombs(p: Path) -> None:
    """Raise InputError (``too_large``) when a page's content streams would inflate past the
    limit (``--max-stream-mb``): a decompression bomb, refused before any reader inflates it.
    Flate data is inflated here a megabyte at a time and counted, never held."""
    import zlib

    import pikepdf

    from pipeline.limits import current

    budget = current().stream_mb << 20
    try:
        pdf = pikepdf.open(p)
    except Exception:  # encrypted, or not even qpdf can open it: the readers say why
        return
    with pdf:
        try:
            for number, page in enumerate(pdf.pages, start=1):
                total = 0
                for stream in _content_streams(page.obj):
                    total += _inflated_size(stream, budget - total, zlib)
                    if total > budget:
                        raise errors.InputError(
                            errors.TOO_LARGE, f"{p}: page {number} content inflates to more than "
                            f"{current().stream_mb} MB (a decompression bomb?); not read "
                            "(raise --max-stream-mb to allow more)")
        except errors.InputError:
            raise
        except Exception:  # a structure qpdf cannot walk: the readers decide
            return


def _inflated_size(stream, budget: int, zlib) -> int:
    """Bytes ``stream`` decodes to, counted up to just past ``budget``. Flate (applied any number
    of times) is inflated in bounded steps; other filters count their raw size."""
    import pikepdf

    filters = stream.get("/Filter")
    filters = list(filters) if isinstance(filters, pikepdf.Array) else [filters] if filters is not None else []
    raw = stream.read_raw_bytes()
    if not filters or any(f != "/FlateDecode" for f in filters):
        return len(raw)

    def inflate(chunks):
        d = zlib.decompressobj()
        for chunk in chunks:
            while chunk:
                yield d.decompress(chunk, 1 << 20)
                chunk = d.unconsumed_tail
                if d.eof:
                    return

    chunks = (raw[i:i + (1 << 20)] for i in range(0, len(raw), 1 << 20))
    for _ in filters:
        chunks = inflate(chunks)
    total = 0
    try:
        for out in chunks:
            total += len(out)
            if total > budget:
                break
    except zlib.error:  # corrupt data: the readers stop there too
        pass
    return total


def load(path: str | Path, cross_check: bool | str = True, backend: str | None = None,
         timings: dict | None = None, ocr: str | None = None, ocr_cache=None) -> Document:
    """Read a PDF into a Document. ``cross_check``: True (default) asks camelot for a second
    reading where it adds information (a page whose rules could hold a table where our finder found
    none, a table whose structure is in doubt); "all": on every page whose rules can hold a grid;
    False: never. ``backend``: "pdfium" (default) or "pdfplumber" (see
    :mod:`pipeline.read.backends`). ``timings``, when given, receives seconds spent per stage:
    ``text`` (reading pages, lines, layout) and ``tables`` (table finding and filling, camelot)."""
    from pipeline.limits import current

    clock = _Clock(timings)
    limits = current()
    p = check_input(path)
    sha = sha256_of(p)
    reader = _open(p, backend)
    src = Path(getattr(reader, "repaired_path", p))  # the bytes read: a damaged file's repaired copy
    notes = ["repaired"] if src != p else []
    # OCR (pipeline.read.ocr): ``ocr`` auto|always|never; ``ocr_cache``: get/put by page-image hash
    ocr_reader = OcrReader(src, ocr, ocr_cache)
    try:
        meta = reader.metadata or {}
        producer = meta.get("Producer") or meta.get("Creator")
        pages: list[Page] = []
        per_page: dict[int, tuple[list[Line], list[Table]]] = {}
        candidates: dict[int, tuple[PageRecord, str]] = {}  # pages camelot reads again, and why
        total_chars = 0
        for index in range(reader.n_pages):
            if total_chars >= limits.doc_chars:
                notes.append(f"only pages 1-{index} of {reader.n_pages} read: the document holds more than "
                             f"{limits.doc_chars:,} characters (--max-doc-chars)")
                break
            rec = ocr_reader.page(_page_safely(p, reader, index), index)
            rec = _within_limits(rec, min(limits.page_chars, limits.doc_chars - total_chars), notes)
            doubtful: list[Table] = []
            page_lines, page_tables, n_chars = _read_page(rec, clock=clock, doubtful=doubtful)
            total_chars += n_chars
            pages.append(Page(number=rec.page_number, width=float(rec.width), height=float(rec.height),
                              n_chars=n_chars))
            per_page[rec.page_number] = (page_lines, page_tables)
            if rec.page_number not in ocr_reader.done and (reason := _ask_camelot(cross_check, rec, page_tables,
                                                                                  doubtful)):
                candidates[rec.page_number] = (rec, reason)
        if cross_check and total_chars and candidates:
            with clock("tables"), unencrypted(src) as readable:
                _cross_check_tables(readable, pages, per_page, candidates)
        flow: list[tuple[int, float, object]] = []  # (page, top, Line | Table) in reading order
        for number in sorted(per_page):
            page_lines, page_tables = per_page[number]
            items = [(ln.page, ln.bbox[1], ln) for ln in page_lines] + [(t.page, t.bbox[1], t) for t in page_tables]
            flow.extend(sorted(items, key=lambda it: it[1]))
    except errors.InputError:
        raise
    except MemoryError:
        raise errors.InputError(errors.TOO_LARGE, over_memory_message(p)) from None
    except Exception as e:
        from pipeline.limits import out_of_memory

        if out_of_memory(e):
            raise errors.InputError(errors.TOO_LARGE, over_memory_message(p)) from None
        raise errors.InputError(errors.DAMAGED, f"{p}: damaged PDF ({type(e).__name__}: {e})"[:300]) from None
    finally:
        reader.close()
        ocr_reader.close()
        if src != p:
            src.unlink(missing_ok=True)
    if total_chars == 0:
        raise errors.InputError(errors.NO_TEXT, f"{p}: no text layer (scanned images?); " + (
            "OCR found no text either" if ocr_reader.done else "OCR it first" if ocr_reader.mode == "never"
            else f"OCR failed ({next(iter(ocr_reader.failed.values()))})" if ocr_reader.failed
            else "no page image to OCR"))
    notes += ocr_reader.annotate(pages, timings)

    with clock("text"):
        flow = _remove_furniture(flow, pages)
        paragraphs, flow = _paragraphs(flow, pages)
    with clock("tables"):
        tables = stitch_tables(flow, pages)
        _label_tables(tables, paragraphs)
    source = Source(path=str(p), sha256=sha, pages=len(pages), producer=producer, ocr_pages=ocr_reader.pages,
                    ocr_turns={pg.number: pg.ocr_turns for pg in pages if pg.ocr_turns % 4}, repaired=src != p)
    clock.finish()
    return Document(source=source, pages=pages, paragraphs=paragraphs, tables=tables, notes=notes)


def over_memory_message(p) -> str:
    from pipeline.limits import over_memory_message as message
    return message(p)


def _within_limits(rec: PageRecord, max_chars: int, notes: list[str]) -> PageRecord:
    """The page record cut to its first ``max_chars`` characters (content order); what is left out
    is summarised in ``notes``, not read."""
    if len(rec.chars) <= max_chars:
        return rec
    notes.append(f"page {rec.page_number}: {len(rec.chars):,} characters, only the first {max_chars:,} read "
                 "(--max-page-chars / --max-doc-chars)")
    rec.chars = rec.chars[:max(0, max_chars)]
    return rec


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
    except MemoryError:
        raise
    except Exception as e:
        raise errors.InputError(
            errors.DAMAGED, f"{p}: page {index + 1} cannot be read ({type(e).__name__})"
        ) from None


def _read_page(rec: PageRecord, extra_grids=(), clock=None,
               doubtful: list[Table] | None = None) -> tuple[list[Line], list[Table], int]:
    """A page's running-text lines, its tables and its number of characters; ``doubtful``, when
    given, receives the tables whose structure is in doubt (:func:`_stray_chars`)."""
    chars = [c for c in rec.chars if c.get("upright", True) and c["text"].strip()]
    if clock is not None:
        with clock("tables"):
            tables, used = extract_page_tables(rec, chars, 0, extra_grids)
    else:
        tables, used = extract_page_tables(rec, chars, 0, extra_grids)
    rest = [c for i, c in enumerate(chars) if i not in used] if used else chars
    if doubtful is not None and tables:
        doubtful.extend(t for t in tables if _stray_chars(t, rest))
    lines = [make_line(rec.page_number, cs) for cs in cluster_lines(rest)]
    return [ln for ln in lines if ln.text], tables, len(chars)


def _stray_chars(table: Table, rest: list[dict]) -> bool:
    """Characters inside the table's box that fell in no cell: the grid does not cover what is
    printed in it (a rule missing or misread), so the table's structure is in doubt."""
    x0, top, x1, bottom = table.bbox
    return any(x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom
               for c in rest if c["x1"] >= x0 and c["x0"] <= x1 and c["bottom"] >= top and c["top"] <= bottom)


def _ask_camelot(cross_check: bool | str, rec: PageRecord, tables: list[Table], doubtful: list[Table]) -> str | None:
    """Why camelot should read this page again, or None (:mod:`pipeline.read.camelot_check`)."""
    if not cross_check:
        return None
    if cross_check == "all":
        return "requested" if tables or rec.may_hold_grid() else None
    if doubtful:
        return "structure_in_doubt"
    if not tables and rec.may_hold_grid():
        from pipeline.read.camelot_check import could_find_grid

        return "no_table_found" if could_find_grid(rec.edges) else None
    return None


def _cross_check_tables(p: Path, pages: list[Page], per_page, candidates: dict[int, tuple[PageRecord, str]]) -> None:
    """camelot on the pages it was asked about: verdicts on the tables, and the tables our finder
    missed (filled from the page record already read: no second parse)."""
    from pipeline.read import camelot_check

    grids = camelot_check.read_grids(str(p), sorted(candidates), {pg.number: pg.height for pg in pages})
    for number, cams in grids.items():
        rec, reason = candidates[number]
        lines, tables = per_page[number]
        missed = []
        for cam in cams:
            t = next((t for t in tables if camelot_check.match(t.bbox, [cam])), None)
            if t is not None:
                t.cross_check.append(camelot_check.compare(t, cam, number, reason))
            elif cam.shape[0] >= 2 and cam.shape[1] >= 2:
                missed.append(cam)
        if missed:  # the page again with camelot's grids added; its characters fill them
            page_lines, page_tables, _ = _read_page(rec, [cam.grid for cam in missed])
            for t in page_tables:
                if t.finder == "camelot":
                    t.cross_check.append(CrossCheck(page=number, reason=reason, verdict="camelot_only",
                                                    ours=None, other=(len(t.rows), t.n_cols)))
                else:  # verdicts given above stay with the table
                    t.cross_check = next((o.cross_check for o in tables if o.bbox == t.bbox), [])
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
    # a page with few lines takes the right edge of the full pages of its own size (a report with a
    # landscape annex has wider lines there than on its portrait pages)
    full_right: dict[int, float] = {}
    for pg in pages:
        lns = per_page.get(pg.number, [])
        if len(lns) >= 4:
            w = round(pg.width)
            full_right[w] = max(full_right.get(w, 0.0), max(ln.bbox[2] for ln in lns))
    for pg in pages:
        lns = per_page.get(pg.number, [])
        if len(lns) >= 4:
            left = Counter(round(ln.bbox[0]) for ln in lns).most_common(1)[0][0]
            left = min(left, min(ln.bbox[0] for ln in lns) + 40)
            right = max(ln.bbox[2] for ln in lns)
        else:
            left, right = doc_left, full_right.get(round(pg.width)) or min(doc_right, pg.width)
        margins[pg.number] = (left, right)
    return margins


def _paragraphs(flow, pages: list[Page]):
    margins = _page_margins(flow, pages)
    paragraphs: list[Paragraph] = []
    current: list[Line] = []

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
            continue
        line: Line = obj
        if current and _starts_new(current[-1], line, margins):
            flush()
        current.append(line)
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
# A list of figures "33.32%、62.51%、85.32%" is one such run: line breakers (ICU's, in LibreOffice and
# Chromium) find no break between "、" and the digit after it.
_UNBREAKABLE = re.compile(r"^(?:[-+]?[0-9A-Za-z.,%‰/]+[%‰]?(?:[、，](?=\d))?)+[。，、；：）)”」%]*|^[。，、；：）)”」]+")


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
