"""Ingestion and metadata on the four real published PDFs (Shanghai Putuo 决算/预算)."""
from __future__ import annotations

import pytest

from conftest import REAL_FILES, document
from pipeline.extract.metadata import detect

EXPECTED_META = {
    "caizhengju": ("普陀区", "财政局", 2024, "final_accounts", 25),
    "shehuigongzuobu": ("普陀区", "区委社会工作部", 2024, "final_accounts", 24),
    "wanlijiedao": ("普陀区", "万里街道办事处", 2023, "budget", 35),
    "shangwuwei": ("普陀区", "商务委员会", 2025, "budget", 26),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_META))
def test_metadata(name):
    doc = document(str(REAL_FILES[name]))
    meta = detect(doc)
    district, department, year, rtype, pages = EXPECTED_META[name]
    assert (meta.issuer.district, meta.issuer.department, meta.year, meta.report_type) == (district, department, year, rtype)
    assert doc.source.pages == pages == len(doc.pages)


def _table(doc, caption_part):
    found = [t for t in doc.tables if t.caption and caption_part in t.caption]
    assert found, f"no table captioned {caption_part!r}; captions: {[t.caption for t in doc.tables]}"
    return found[0]


def test_three_public_table_final_accounts_cells():
    """财政局 2024 决算 p18: 财政拨款“三公”经费支出决算表, 合计 and 公务接待费 budget 0.95."""
    doc = document(str(REAL_FILES["caizhengju"]))
    t = _table(doc, "三公")
    assert t.page == 18 and t.unit == "万元"
    data = [r.texts for r in t.body if any(r.texts)]
    assert data[0][0] == "0.95" and data[0][10] == "0.95"
    assert "因公出国(境)费" in "".join(c.text for r in t.header for c in r.cells)


def test_three_public_table_budget_cells():
    """万里街道 2023 预算 p28: 合计 22.91 = 0 + 1.35 + 21.56, 机关运行经费 786.09."""
    doc = document(str(REAL_FILES["wanlijiedao"]))
    t = _table(doc, "三公")
    assert t.page == 28 and t.unit == "万元"
    assert [r.texts for r in t.body][0] == ["22.91", "0", "1.35", "21.56", "0", "21.56", "786.09"]


def test_table_across_pages_is_stitched_without_repeating_header():
    """社会工作部 收入决算表 runs from page 6 onto page 7: one table, rows of both pages."""
    doc = document(str(REAL_FILES["shehuigongzuobu"]))
    t = _table(doc, "收入决算表")
    assert t.pages == [6, 7]
    labels = [r.texts[0] for r in t.rows]
    assert "合计" in labels and "2210203" in labels  # first data row on p6, last row on p7
    assert sum(1 for r in t.rows if r.texts[:1] == ["项目"]) == 1
    assert {r.page for r in t.rows} == {6, 7}


def test_units_converted_from_yuan_tables():
    """商务委 2025 预算 tables are in 元; the 三公 table in 万元."""
    doc = document(str(REAL_FILES["shangwuwei"]))
    assert _table(doc, "财务收支预算总表").unit == "元"
    assert _table(doc, "三公").unit == "万元"


def test_running_text_is_normalised_and_raw_kept():
    doc = document(str(REAL_FILES["shehuigongzuobu"]))
    para = next(p for p in doc.paragraphs if "机关运行经费支出" in p.text and "万元" in p.text)
    assert "机关运行经费支出10.23万元" in para.text  # spaces between CJK and digits removed
    assert "10.23 万元" in para.raw  # the printed text keeps them
    i = para.text.index("10.23")
    (page, bbox), = para.span_of(i, i + 5)
    assert page == 21 and bbox[2] - bbox[0] < 40  # the box is the number's, not the line's


def test_running_headers_and_page_numbers_are_removed():
    doc = document(str(REAL_FILES["caizhengju"]))
    texts = [p.text for p in doc.paragraphs]
    assert not any(t.isdigit() for t in texts), [t for t in texts if t.isdigit()]


def test_baseline_shifted_year_stays_in_its_line():
    """财政局 title: '2024' is set in Arial on a lower baseline than '年度部门决算'."""
    doc = document(str(REAL_FILES["caizhengju"]))
    assert any("2024年度部门决算" in p.text for p in doc.paragraphs if p.page == 1)


def test_tables_cross_checked_with_camelot():
    """Every ruled table of 社会工作部 is seen by camelot too, with the same grid and texts (asked on
    every page whose rules can hold a grid; by default camelot reads only where it adds information)."""
    from pipeline.read.ingest import load

    assert all(not t.cross_check for t in document(str(REAL_FILES["shehuigongzuobu"])).tables)
    doc = load(REAL_FILES["shehuigongzuobu"], cross_check="all")
    assert len(doc.tables) == 10
    for t in doc.tables:
        assert t.finder == "pdfplumber"
        assert t.cross_check and all(v.verdict == "agrees" and v.reason == "requested" for v in t.cross_check), \
            (t.caption, t.cross_check)
    stitched = next(t for t in doc.tables if t.caption == "收入决算表")
    assert len(stitched.cross_check) == 2  # one verdict per page of the stitched table
