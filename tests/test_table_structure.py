"""Understand a table before adding it up (pipeline/extract/structure.py, patterns/layouts.yaml):
栏次 rows head the columns, a 合计 restated below itself is no part of it, codes printed in labels
give levels, text printed across the rules and tables cut by a page break are doubts, and a failed
sum over a reading in doubt is insufficient_data with its reason, never an error."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pytest

from pipeline.check.core import Context
from pipeline.check.tables import table_sum_checks
from pipeline.document import Cell, Document, Page, Row, Source, Table
from pipeline.read.tables import column_numbers, header_rows, stitch_tables
from pipeline.schema import Issuer, Report

CN = Path(os.environ.get("GOVAUDIT_CN_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cn"))


def row(y, *texts, page=1, x0s=None):
    cells = []
    for i, t in enumerate(texts):
        box = (100.0 * i, y, 100.0 * i + 100, y + 20)
        x = (x0s[i] if x0s and i < len(x0s) else box[0] + 2) if t else None
        cells.append(Cell(text=t, raw=t, bbox=box, x0=x, x1=(x + 8 * len(t)) if t else None))
    return Row(page=page, bbox=(0, y, 100.0 * len(texts), y + 20), cells=cells)


def table(rows, n_header=1, page=1, off_grid=0.0, caption="测试表"):
    return Table(index=0, page=page, bbox=(0, rows[0].bbox[1], 400, rows[-1].bbox[3]), rows=rows,
                 n_header_rows=n_header, caption=caption, unit="万元", off_grid=off_grid)


def sums(*tables, pages=1):
    doc = Document(source=Source(path="t.pdf", sha256="0" * 64, pages=pages),
                   pages=[Page(number=n, width=595, height=842, n_chars=100) for n in range(1, pages + 1)],
                   paragraphs=[], tables=list(tables))
    report = Report(source=doc.source, issuer=Issuer(), report_type="budget")
    return table_sum_checks(Context.of(report, doc))


def outcomes(results):
    return sorted((r.outcome, r.stated, r.recomputed) for r in results)


def test_column_number_rows_head_the_columns():
    """杭州's "** | 1 | 2 | 3" under the header: numbers of the columns, never added as amounts."""
    assert column_numbers(row(0, "**", "1", "2", "3"))
    assert column_numbers(row(0, "栏次", "1", "2", "3", "4"))
    assert column_numbers(row(0, "甲", "乙", "1", "2", "3"))
    assert not column_numbers(row(0, "合计", "1", "2", "3"))  # a label: a body row of small amounts
    assert not column_numbers(row(0, "**", "1", "3", "4"))
    rows = [row(0, "单位名称", "合计", "基本支出"), row(20, "**", "1", "2"), row(40, "合计", "30.00", "10.00"),
            row(60, "甲单位", "20.00", "6.00"), row(80, "乙单位", "10.00", "4.00")]
    assert header_rows(rows) == 2
    t = table(rows, n_header=header_rows(rows))
    res = sums(t)
    assert {r.outcome for r in res} == {"pass"} and {r.stated for r in res} == {30.0, 10.0}


def test_restated_total_is_not_a_part():
    """广州/杭州 汇总 tables: 合计, then the department's row printing the same figures, then its units."""
    rows = [row(0, "单位名称", "合计"), row(20, "合计", "30.00"), row(40, "某局", "30.00"),
            row(60, "某局本级", "20.00"), row(80, "某中心", "10.00")]
    res = sums(table(rows))
    assert res and all(r.outcome == "pass" for r in res)


def test_a_true_contradiction_in_a_flat_table_stays_an_error():
    rows = [row(0, "单位名称", "合计"), row(20, "合计", "31.00"), row(40, "甲单位", "20.00"), row(60, "乙单位", "10.00")]
    (r,) = sums(table(rows))
    assert r.outcome == "fail" and r.severity == "error"


def test_parts_with_no_known_level_are_not_added():
    """Labels centred in their cells: no indent tells parents from children, so a failed sum abstains."""
    def centred(y, label, value):
        r = row(y, label, value)
        c = r.cells[0]
        w = 8 * len(label)
        r.cells[0] = c.model_copy(update={"x0": 50 - w / 2, "x1": 50 + w / 2})
        return r
    rows = [row(0, "项目", "合计"), centred(20, "合计", "30.00"), centred(40, "工资福利支出", "20.00"),
            centred(60, "基本工资", "20.00"), centred(80, "商品和服务支出", "10.00")]
    (r,) = sums(table(rows))
    assert r.outcome == "insufficient_data" and "层级" in r.message


def test_parent_and_child_in_one_column_by_indent_abstain():
    rows = [row(0, "项目", "合计"), row(20, "合计", "30.00"), row(40, "工资福利支出", "20.00", x0s=[2]),
            row(60, "基本工资", "12.00", x0s=[14]), row(80, "津贴补贴", "8.00", x0s=[14]),
            row(100, "商品和服务支出", "10.00", x0s=[2])]
    (r,) = sums(table(rows))
    assert r.outcome == "insufficient_data" and "缩进" in r.message


def test_a_part_printed_again_below_itself_is_a_doubt():
    """西安 表10: a unit, its 专用项目 and its one project print the same figure one under another:
    rows that nest, whatever their indent says."""
    rows = [row(0, "项目", "金额"), row(20, "合计", "30.00"), row(40, "某局", "20.00"), row(60, "专用项目", "20.00"),
            row(80, "某项目", "20.00"), row(100, "另一单位", "10.00")]
    (r,) = sums(table(rows))
    assert r.outcome == "insufficient_data" and "层级" in r.message


def test_codes_printed_in_labels_give_levels():
    """广州's "[301]工资福利支出" / "[30101]基本工资": a parent is never added with its children."""
    rows = [row(0, "经济科目", "合计"), row(20, "合计", "30.00"), row(40, "[301]工资福利支出", "20.00"),
            row(60, "[30101]基本工资", "12.00"), row(80, "[30102]津贴补贴", "8.00"), row(100, "[302]商品和服务支出", "10.00")]
    res = sums(table(rows))
    assert outcomes(res) == [("pass", 20.0, 20.0), ("pass", 30.0, 30.0)]


def test_a_figure_right_of_the_label_is_no_code():
    """杭州 表6 "电费 | 791": an integer amount is no subject code (it once became the only part of 合计)."""
    rows = [row(0, "科目", "合计"), row(20, "合计", "800.00"), row(40, "办公费", "9.00"), row(60, "电费", "791")]
    res = sums(table(rows))
    assert outcomes(res) == [("pass", 800.0, 800.0)]


def test_total_of_rounded_subtotals_passes_by_its_details():
    """无锡 公开06表: 合计 25,530.51 is the sum of the detail rows; the two subtotals, each rounded on
    its own, add up to 25,530.49. The total agrees with its details: no contradiction."""
    rows = [row(0, "科目编码", "科目名称", "人员经费"), row(20, "合计", "", "25,530.51"),
            row(40, "301", "工资福利支出", "23,647.92"), row(60, "30101", "基本工资", "10,000.01"),
            row(80, "30102", "津贴补贴", "13,647.93"), row(100, "303", "对个人和家庭的补助", "1,882.57"),
            row(120, "30301", "离休费", "1,882.57")]
    res = sums(table(rows))
    total = next(r for r in res if r.stated == 25530.51)
    assert total.outcome == "pass" and "末级明细" in total.message
    # …but a total that misses its details too is an error
    rows[1] = row(20, "合计", "", "25,530.61")
    total = next(r for r in sums(table(rows)) if r.stated == 25530.61)
    assert total.outcome == "fail" and total.severity == "error"


def test_text_printed_across_the_rules_is_a_doubt():
    """重庆: names half a row above their codes; a failed sum there is not ours to call an error."""
    rows = [row(0, "科目编码", "科目名称", "合计"), row(20, "201", "一般公共服务支出", "30.00"),
            row(40, "20101", "人大事务", "20.00"), row(60, "20102", "政协事务", "5.00")]
    (r,) = sums(table(rows, off_grid=0.6))
    assert r.outcome == "insufficient_data" and "横线" in r.message
    (r,) = sums(table(rows, off_grid=0.0))
    assert r.outcome == "fail" and r.severity == "error"


def test_a_table_cut_by_a_page_break_and_not_joined_is_a_doubt():
    """A table ending page 1 and a headerless one opening page 2 with the same columns, not joined
    (columns shifted): the first's 合计 may lack the second's rows."""
    first = table([row(700, "科目编码", "科目名称", "合计"), row(720, "201", "一般公共服务支出", "30.00"),
                   row(740, "20101", "人大事务", "20.00")])
    second = table([row(60, "20102", "政协事务", "10.00", page=2), row(80, "20103", "政府办公厅", "0.00", page=2)], page=2)
    second.rows = [r.model_copy(update={"cells": [c.model_copy(update={"bbox": (c.bbox[0] + 30, c.bbox[1], c.bbox[2] + 30, c.bbox[3])})
                                                  for c in r.cells]}) for r in second.rows]
    res = sums(first, second, pages=2)
    r = next(r for r in res if "一般公共服务支出" in r.message)
    assert r.outcome == "insufficient_data" and "续表" in r.message
    assert not [r for r in res if r.outcome == "fail"]


def test_repeated_title_lines_do_not_stop_stitching():
    """深圳 表8: each page repeats the title, 部门名称 and 单位 above the grid and its header row."""
    from pipeline.document import Line

    def line(page, y, text):
        return Line(page=page, bbox=(0, y, 300, y + 12), raw=text, text=text)

    head = [row(100, "科目编码", "科目名称", "合计")]
    a = table(head + [row(120, "301", "工资福利支出", "30.00"), row(140, "30101", "基本工资", "20.00")])
    b = table([row(100, "科目编码", "科目名称", "合计", page=2), row(120, "30102", "津贴补贴", "10.00", page=2)], page=2)
    flow = [(1, 60, line(1, 60, "表8")), (1, 80, line(1, 80, "部门名称:某局 单位:万元")), (1, 100, a),
            (1, 800, line(1, 800, "—36—")), (2, 60, line(2, 60, "表8")), (2, 80, line(2, 80, "部门名称:某局 单位:万元")),
            (2, 100, b)]
    (t,) = stitch_tables(flow, [])
    assert t.pages == [1, 2] and [r.cells[0].text for r in t.body] == ["301", "30101", "30102"]
    # a new table under a title of its own is not a continuation
    flow[4] = (2, 60, line(2, 60, "表9"))
    assert len(stitch_tables(flow, [])) == 2


def test_bad_layout_value_fails_at_load_in_one_line(tmp_path, monkeypatch):
    import shutil

    from pipeline.errors import PatternsError
    from pipeline.extract import catalog, structure

    src = Path(catalog.PATTERNS_DIR)
    for f in src.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "layouts.yaml").write_text((src / "layouts.yaml").read_text(encoding="utf-8")
                                           .replace("off_grid_share: 0.2", "off_grid_share: lots"), encoding="utf-8")
    monkeypatch.setattr(catalog, "PATTERNS_DIR", tmp_path)
    monkeypatch.setattr(structure, "PATTERNS_DIR", tmp_path)
    catalog.load_yaml.cache_clear()
    structure.layout_rules.cache_clear()
    try:
        with pytest.raises(PatternsError) as e:
            structure.layout_rules()
        assert "layouts.yaml" in str(e.value) and "off_grid_share" in str(e.value) and "\n" not in str(e.value)
    finally:
        catalog.load_yaml.cache_clear()
        structure.layout_rules.cache_clear()


# ------------------------------------------------------------------------- on the real files
@lru_cache(maxsize=None)
def _doc(name):
    from pipeline.extract.structure import read_structure
    from pipeline.read.ingest import load

    path = CN / name
    if not path.exists():
        pytest.skip(f"corpus missing: {path}")
    doc = load(path, ocr="never")
    read_structure(doc)
    return doc


def test_chongqing_text_across_the_rules_is_seen():
    doc = _doc("chongqing_2026_bumen-yusuan_129d77.pdf")
    flagged = [t for t in doc.tables if any(d.kind == "off_grid" for d in t.reading.doubts)]
    assert len(flagged) >= 10  # of 14: the code tables; the small ones print inside their rows


def test_shenzhen_table_8_is_read_across_its_three_pages():
    doc = _doc("shenzhen_2026_bumen-yusuan_384278.pdf")
    t = next(t for t in doc.tables if t.caption == "表8")
    assert t.pages == [36, 37, 38]
    assert "30299" in {r.cells[1].text for r in t.body}  # the last row, on p38


def test_shanghai_continuation_under_a_header_word_is_joined():
    """上海市数据局 p8-9: "收入预算" printed over the grid is no text after the table."""
    doc = _doc("shanghai_2026_danwei-yusuan_c072ba.pdf")
    t = next(t for t in doc.tables if 8 in t.pages)
    assert t.pages == [8, 9] and t.reading.sure
