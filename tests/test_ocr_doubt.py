"""OCR doubt that reasons (issue 25): a failed check becomes "OCR 置信度低" only when a doubtful
digit of one of its own figures could make it pass; punctuation and the words around a figure
never count; the message names the digit and how far it can move the result."""
from __future__ import annotations

from pipeline.check.interval import Interval
from pipeline.check.ocr import LOW_CONFIDENCE, doubt_errors, doubtful_digits
from pipeline.document import Document, OcrSpan, Page, Source
from pipeline.schema import CheckResult, Evidence


def _span(text: str, x: float, y: float, low: dict[int, float] | None = None) -> OcrSpan:
    chars = [(x + 6 * i, x + 6 * i + 5, (low or {}).get(i, 0.99)) for i in range(len(text))]
    return OcrSpan(bbox=(x, y, x + 6 * len(text), y + 10), text=text, conf=min(c for _, _, c in chars), chars=chars)


def _doc(*spans: OcrSpan) -> Document:
    page = Page(number=1, width=600, height=800, n_chars=100, ocr_regions=[(0, 0, 600, 800)], ocr_spans=list(spans))
    return Document(source=Source(path="s.pdf", sha256="0" * 64, pages=1), pages=[page], paragraphs=[], tables=[])


def _box(span: OcrSpan, start: int, n: int):
    return (span.chars[start][0], span.bbox[1], span.chars[start + n - 1][1], span.bbox[3])


def _sum_failure(total_span, parts_span, stated, parts: list[float]) -> CheckResult:
    recomputed = sum((Interval.printed(v, 2) for v in parts), Interval.exact(0.0))
    st = Interval.printed(stated, 2)
    return CheckResult(rule="table_sum.t", kind="table_sum", outcome="fail", severity="error", message="合计不符",
                       stated=stated, recomputed=recomputed.mid, interval=recomputed.tuple(), stated_interval=st.tuple(),
                       evidence=[Evidence(page=1, bbox=_box(total_span, 0, len(total_span.text)), quote="", value_text=total_span.text),
                                 Evidence(page=1, bbox=_box(parts_span, 0, len(parts_span.text)), quote="", value_text=parts_span.text)])


def test_a_doubtful_digit_that_cannot_move_the_sum_enough_leaves_the_error():
    """合计 161.03 against 116.03: 45.00 apart; the doubtful 6 (units place) moves its figure by 6 at most."""
    total, part = _span("161.03", 100, 100), _span("116.03", 100, 120, {2: 0.54})
    r = _sum_failure(total, part, 161.03, [116.03])
    doubt_errors([r], _doc(total, part))
    assert r.severity == "error"


def test_a_doubtful_digit_that_could_explain_the_failure_gives_a_warning_naming_it():
    """The same 45.00 gap with the tens digit (the 1 of 116.03 → 1?6.03) in doubt: up to 80 — it could."""
    total, part = _span("161.03", 100, 100), _span("116.03", 100, 120, {1: 0.54})
    r = _sum_failure(total, part, 161.03, [116.03])
    doubt_errors([r], _doc(total, part))
    assert r.severity == "warning" and LOW_CONFIDENCE in r.message
    assert "116.03" in r.message and "第2位数字“1”" in r.message and "0.54" in r.message and "80" in r.message


def test_punctuation_and_words_nearby_never_count():
    """A full-width "，" read as "," at 0.52 just before the figure: not a digit of it."""
    total = _span("合计，161.03", 100, 100, {2: 0.52, 1: 0.40})
    part = _span("116.03", 100, 120)
    r = _sum_failure(total, part, 161.03, [116.03])
    r.evidence[0] = r.evidence[0].model_copy(update={"bbox": _box(total, 3, 6), "value_text": "161.03"})
    doc = _doc(total, part)
    assert doubtful_digits({1: doc.pages[0]}, r.evidence[0]) == []
    doubt_errors([r], doc)
    assert r.severity == "error"


def test_a_rate_moves_by_the_share_of_its_figure():
    """165.64 / 174.98 = 94.66%, printed 96.66%: a doubtful last decimal of 174.98 moves the rate
    by far less than 2 points (an error); a doubtful tens digit of 165.64 could (a warning)."""
    def failure(num, den):
        rate = Interval.printed(96.66, 2)
        iv = Interval.printed(165.64, 2) / Interval.printed(174.98, 2) * Interval.exact(100.0)
        return CheckResult(rule="ratio.x", kind="ratio", outcome="fail", severity="error", message="比率不符",
                           stated=96.66, recomputed=iv.mid, interval=iv.tuple(), stated_interval=rate.tuple(),
                           evidence=[Evidence(page=1, bbox=_box(num, 0, 6), quote="", value_text="165.64"),
                                     Evidence(page=1, bbox=_box(den, 0, 6), quote="", value_text="174.98")])
    num, den = _span("165.64", 100, 100), _span("174.98", 100, 120, {5: 0.50})
    r = failure(num, den)
    doubt_errors([r], _doc(num, den))
    assert r.severity == "error"
    num, den = _span("165.64", 100, 100, {1: 0.50}), _span("174.98", 100, 120)
    r = failure(num, den)
    doubt_errors([r], _doc(num, den))
    assert r.severity == "warning" and "“6”" in r.message


def test_a_label_that_lost_its_numeral_is_never_the_total():
    """"一、“三公”经费支出合计" read as "、“三公”经费支出合计" (the 一 not detected): not the table's
    合计; a failed sum in that table is a warning 结构存疑."""
    from pipeline.check.core import Context
    from pipeline.check.tables import table_sum_checks
    from pipeline.document import Cell, Row, Table
    from pipeline.schema import Issuer, Report

    def row(y, *texts):
        return Row(page=1, bbox=(0, y, 300, y + 20), cells=[Cell(text=t, raw=t, bbox=(100 * i, y, 100 * i + 100, y + 20),
                                                                  x0=100 * i + 2, x1=100 * i + 40) for i, t in enumerate(texts)])
    rows = [row(0, "项目", "预算数"), row(20, "合计", "174.98"), row(40, "、“三公”经费支出合计", "13.29"),
            row(60, "1.因公出国(境)费", "0.00"), row(80, "2.公务接待费", "13.29"), row(100, "二、会议费", "161.70")]
    t = Table(index=0, page=1, bbox=(0, 0, 300, 120), rows=rows, n_header_rows=1, caption="表", unit="万元")
    doc = Document(source=Source(path="s.pdf", sha256="0" * 64, pages=1),
                   pages=[Page(number=1, width=600, height=800, n_chars=1)], paragraphs=[], tables=[t])
    res = table_sum_checks(Context.of(Report(source=doc.source, issuer=Issuer(), report_type="budget"), doc))
    assert not [r for r in res if r.stated == 13.29 and r.outcome == "fail" and r.severity == "error"]
    assert not [r for r in res if r.severity == "error"]
    assert any(r.severity == "warning" and "结构存疑" in r.message for r in res)
