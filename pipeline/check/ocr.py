"""Numbers read by OCR: their confidence on the indicators, and the one rule that a finding
resting on a doubtful digit is never an error.

A finding whose numbers were all read with high confidence stays what its check made it; if any
digit of its evidence was read below ``DOUBTFUL`` (a seal across it, a smudge, a faint scan), the
error becomes a warning that says so ("OCR 置信度低"), naming the page, the printed number and its
confidence, so the auditor looks at the crop (the evidence box on the page image) before
believing it. The few characters read just before the number (the words naming it) are doubted
with it. A number on an OCR'd page whose characters cannot be found again is doubtful too.

Likewise a failed check becomes a warning ("OCR 可能漏读") when a cell of its table, in the row or
column of its evidence, holds print that OCR could not read at all (the reading stage reads such
cells again and keeps those still empty): the number the check missed may be printed there.
"""
from __future__ import annotations

from pipeline.document import Document
from pipeline.schema import CheckResult, Evidence, Report

# recognition confidence (0..1, per character) below which a digit is doubtful. PP-OCR reads
# clean print at 0.99+; a digit under a seal or smudge drops to 0.5-0.9 (bench/README.md).
DOUBTFUL = 0.95
LOW_CONFIDENCE = "OCR 置信度低"
# a table cell in the row or column of a failed check holds print that OCR read as nothing
MAYBE_MISSED = "OCR 可能漏读"
# the characters read just before a number name it ("四季度…为 33.32%"): a doubtful word there
# (季 read as 李) can give a number the wrong meaning, so they are doubted with its digits
CONTEXT = 12


def _pages(doc: Document | None) -> dict:
    if doc is None:
        return {}
    return {pg.number: pg for pg in doc.pages if pg.ocr_regions}


def _inside(box, regions) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(r[0] <= cx <= r[2] and r[1] <= cy <= r[3] for r in regions)


def evidence_confidence(pages: dict, ev: Evidence) -> float | None:
    """Lowest OCR confidence of the digits in the evidence box; None when it was not read by
    OCR; 0.0 when it lies in an OCR region but no OCR character is found there."""
    pg = pages.get(ev.page)
    if pg is None or not _inside(ev.bbox, pg.ocr_regions):
        return None
    conf = pg.ocr_confidence(ev.bbox, context=CONTEXT)
    return 0.0 if conf is None else conf


def attach_confidence(report: Report, doc: Document | None) -> None:
    """Each indicator printed in an OCR'd area gets the lowest confidence of its digits."""
    pages = _pages(doc)
    if not pages:
        return
    for ind in report.indicators:
        ev = Evidence(page=ind.page, bbox=ind.bbox, quote=ind.quote)
        conf = evidence_confidence(pages, ev)
        if conf is not None:
            ind.confidence = round(conf, 4)


def doubt_errors(results: list[CheckResult], doc: Document | None) -> None:
    """The central rule: a failed check whose evidence holds a doubtful OCR digit is a warning."""
    pages = _pages(doc)
    if not pages:
        return
    for r in results:
        if r.outcome != "fail" or r.severity != "error":
            continue
        doubtful = []
        for ev in r.evidence:
            conf = evidence_confidence(pages, ev)
            if conf is not None and conf < DOUBTFUL:
                doubtful.append((ev, conf))
        if doubtful:
            what = "；".join(f"第{ev.page}页“{ev.value_text or ev.label or ''}”{conf:.2f}" for ev, conf in doubtful[:3])
            r.severity = "warning"
            r.message = f"{LOW_CONFIDENCE}（{what}），请对照原件核实：{r.message}"
            continue
        missed = unread_cells(pages, doc, r.evidence)
        if missed:
            page, box = missed[0]
            r.severity = "warning"
            r.message = (f"{MAYBE_MISSED}（第{page}页表格中 {box[0]:.0f},{box[1]:.0f} 处的单元格有字迹但未读出），"
                         f"请对照原件核实：{r.message}")


def unread_cells(pages: dict, doc: Document, evidence: list[Evidence]) -> list[tuple[int, tuple]]:
    """Cells of the evidence's table, in the row or the column of one of its cells, that hold
    print OCR read as nothing (``Page.ocr_unread``, see pipeline.read.ocr): a number the check did
    not see may be printed there."""
    out = []
    for ev in evidence:
        pg = pages.get(ev.page)
        if pg is None:
            continue
        unread = pg.ocr_unread
        if not unread:
            continue
        area = _table_area(doc, ev)
        if area is None:
            continue
        for u in unread:
            cx, cy = (u[0] + u[2]) / 2, (u[1] + u[3]) / 2
            if not (area[0] <= cx <= area[2] and area[1] <= cy <= area[3]):
                continue
            if ev.bbox[0] <= cx <= ev.bbox[2] or ev.bbox[1] <= cy <= ev.bbox[3]:
                if (ev.page, u) not in out:
                    out.append((ev.page, u))
    return out


def _table_area(doc: Document, ev: Evidence):
    """The box, on the evidence's page, of the table whose row holds the evidence."""
    cx, cy = (ev.bbox[0] + ev.bbox[2]) / 2, (ev.bbox[1] + ev.bbox[3]) / 2
    for t in doc.tables:
        if any(r.page == ev.page and r.bbox[0] <= cx <= r.bbox[2] and r.bbox[1] <= cy <= r.bbox[3] for r in t.rows):
            return t.bbox_on(ev.page)
    return None
