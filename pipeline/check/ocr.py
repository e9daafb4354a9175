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

import re
from dataclasses import dataclass

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


# checks whose recomputation adds and subtracts its figures: a digit moves the result by what it
# moves its figure; in the others (ratios, rates, changes) by the same share
ADDITIVE = {"sum", "table_sum", "row_sum", "difference", "text_vs_table", "cross_mention", "cross_table",
            "item_vs_table", "item_amount", "cross", "cross_report"}


@dataclass
class DoubtfulDigit:
    """A digit of a printed figure read below ``DOUBTFUL``: which, and how far it can move the figure
    (any other digit in its place: down by digit × place, up by (9 − digit) × place)."""

    figure: str
    position: int  # 1-based among the figure's characters
    char: str
    confidence: float
    place: float

    @property
    def swing(self) -> float:
        return max(int(self.char), 9 - int(self.char)) * self.place


def doubtful_digits(pages: dict, ev: Evidence) -> list[DoubtfulDigit] | None:
    """The doubtful digits of the figure printed in the evidence box (its own characters only:
    punctuation and the words around it never count); None when it was not read by OCR, [] when
    every digit is sure. A figure on an OCR'd page whose characters cannot be found again is one
    doubtful figure (a single entry of place 0: it can be anything)."""
    pg = pages.get(ev.page)
    if pg is None or not _inside(ev.bbox, pg.ocr_regions):
        return None
    chars: list[tuple[str, float]] = []
    for sp in sorted(pg.ocr_spans, key=lambda s: (s.bbox[1], s.bbox[0])):
        top, bottom = sp.bbox[1], sp.bbox[3]
        if min(bottom, ev.bbox[3]) - max(top, ev.bbox[1]) < 0.5 * (bottom - top):
            continue
        for ch, (x0, x1, conf) in zip(sp.text, sp.chars):
            if ev.bbox[0] - 0.5 <= (x0 + x1) / 2 <= ev.bbox[2] + 0.5:
                chars.append((ch, conf))
    text = "".join(ch for ch, _ in chars)
    m = _FIGURE.search(text)
    if m is None:
        return [DoubtfulDigit(ev.value_text or "", 0, "0", 0.0, 0.0)]
    figure = m.group(0)
    whole = figure.split(".")[0].replace(",", "")
    out, seen_int = [], 0
    for k, ch in enumerate(figure):
        conf = chars[m.start() + k][1]
        if not ch.isdigit():
            continue
        if "." in figure and k > figure.index("."):
            place = 10.0 ** -(k - figure.index("."))
        else:
            seen_int += 1
            place = 10.0 ** (len(whole) - seen_int)
        if conf < DOUBTFUL:
            out.append(DoubtfulDigit(figure, k + 1, ch, conf, place))
    return out


_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _could_explain(r: CheckResult, ev: Evidence, digits: list[DoubtfulDigit]) -> float | None:
    """How far the doubtful digits of one figure can move the check's result, in the check's own
    terms, if that is enough to make it pass; None when they cannot explain the failure. Without
    the check's numbers (or for a figure that cannot be found again), any doubt may explain it."""
    if any(d.place == 0 for d in digits) or r.stated_interval is None or r.interval is None:
        return float("inf")
    (a, b), (c, d) = r.stated_interval, r.interval
    gap = max(c - b, a - d, 0.0)
    figure = digits[0].figure
    printed = abs(float(figure.replace(",", "")) or 0.0)
    swing = sum(dd.swing for dd in digits)
    scale = max(abs(r.stated or 0.0), abs(r.recomputed or 0.0))
    if printed == 0 or scale == 0:
        return float("inf")
    if r.kind in ADDITIVE:
        first = r.evidence[0].value_text if r.evidence else None
        same_unit = all(e.unit == ev.unit for e in r.evidence[:1])
        f = abs(r.stated) / abs(float(_FIGURE.search(first).group(0).replace(",", ""))) \
            if same_unit and first and _FIGURE.search(first) and r.stated else scale / printed
        move = swing * (f if f else scale / printed)
        return move if move >= gap else None
    share = swing / printed  # a rate moves by the share its figure moves
    return share * scale if share * scale >= gap else None


def doubt_errors(results: list[CheckResult], doc: Document | None) -> None:
    """The central rule: a failed check is a warning when a doubtful OCR digit of one of its own
    figures could make it pass (another digit in its place); a doubtful digit that cannot move the
    result that far leaves the error standing."""
    pages = _pages(doc)
    if not pages:
        return
    for r in results:
        if r.outcome != "fail" or r.severity != "error":
            continue
        explains = []
        for ev in r.evidence:
            digits = doubtful_digits(pages, ev)
            if digits:
                move = _could_explain(r, ev, digits)
                if move is not None:
                    explains.append((ev, digits, move))
        if explains:
            what = "；".join(_doubt_words(ev, digits, move) for ev, digits, move in explains[:3])
            r.severity = "warning"
            r.message = f"{LOW_CONFIDENCE}（{what}），请对照原件核实：{r.message}"
            continue
        missed = unread_cells(pages, doc, r.evidence)
        if missed:
            page, box = missed[0]
            r.severity = "warning"
            r.message = (f"{MAYBE_MISSED}（第{page}页表格中 {box[0]:.0f},{box[1]:.0f} 处的单元格有字迹但未读出），"
                         f"请对照原件核实：{r.message}")


def _doubt_words(ev: Evidence, digits: list[DoubtfulDigit], move: float) -> str:
    if any(d.place == 0 for d in digits):
        return f"第{ev.page}页“{ev.value_text or ev.label or ''}”未能在识别结果中找到"
    d = min(digits, key=lambda x: x.confidence)
    reach = "" if move == float("inf") else f"，可使结果变动至多 {move:,.4g}"
    return (f"第{ev.page}页“{d.figure}”第{d.position}位数字“{d.char}”置信度{d.confidence:.2f}"
            f"（该位可使此数变动至多 {d.swing:,.4g}{reach}）")


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
