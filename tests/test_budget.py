"""部门/单位 预算·决算 (patterns/budget.yaml): headline figures, text against tables, per-item
explanations, comparison words, empty tables, completeness, years, and the 类/款/项 chain of the
table sums. Expected values are read by hand from the rendered pages of ../shared/corpus/real."""
from __future__ import annotations

import shutil

import pytest

from conftest import REAL, REAL_FILES, document, report

SIFAJU = REAL / "sh-putuo_sifaju_2026_danwei-yusuan.pdf"
FULIYUAN = REAL / "sh-putuo_fuliyuan_2024_danwei-yusuan.pdf"
WANLI_2024 = REAL / "sh-putuo_wanlijiedao_2024_bumen-yusuan.pdf"
ZHENGFUBAN = REAL / "sh-putuo_zhengfuban_2025_bumen-yusuan.pdf"


def _values(r, key, source=None):
    return sorted((i.value, i.source, i.page) for i in r.indicators if i.key == key
                  and (source is None or i.source == source))


# ------------------------------------------------------------------------------------ headline figures
def test_final_accounts_headline_figures():
    """财政局 2024 决算: p21 text, p6-7 收入支出决算总表, p12-13 财政拨款收入支出决算总表, p15 一般公共预算
    财政拨款支出决算表, p16-17 基本支出决算表, p24 政府采购 and 车辆."""
    r = report(str(REAL_FILES["caizhengju"]))
    assert _values(r, "income_total") == [(2995.39, "table", 7), (2995.39, "text", 21)]
    assert _values(r, "expenditure_total") == [(2995.39, "table", 7), (2995.39, "text", 21)]
    assert _values(r, "income_current_year") == [(2946.25, "table", 6), (2946.25, "table", 8), (2946.25, "text", 21)]
    assert (2940.05, "table", 6) in _values(r, "expenditure_current_year")
    assert _values(r, "fiscal_grant_total", "table") == [(2961.68, "table", 13), (2961.68, "table", 13)]
    assert _values(r, "fiscal_grant_total", "text") == [(0.3, "text", 21)]
    assert (2940.05, "table", 15) in _values(r, "gpb_grant_expenditure")
    assert _values(r, "gpb_basic_expenditure") == [(2336.91, "table", 15), (2336.91, "text", 23)]
    assert _values(r, "gpb_project_expenditure") == [(603.14, "table", 15)]
    assert _values(r, "gpb_personnel_expenses") == [(2152.26, "table", 17), (2152.26, "text", 23)]
    assert _values(r, "gpb_public_expenses") == [(184.65, "table", 17), (184.65, "text", 23)]
    assert _values(r, "procurement_total") == [(251.25, "text", 24)]
    assert [v for v, _, _ in _values(r, "procurement_goods")] == [4.79]
    assert [v for v, _, _ in _values(r, "procurement_services")] == [246.47]
    assert [v for v, _, _ in _values(r, "vehicles_law_enforcement")] == [0]
    assert _values(r, "equipment_over_1m") == [(2, "text", 24)]
    assert not _values(r, "gov_fund_grant_expenditure")  # blank cells: nothing invented


def test_budget_headline_figures_in_wan_yuan():
    """万里街道 2024 部门预算: tables in 元 (15,621,110.00 -> 1562.111 万元), the 编制说明 in 万元."""
    r = report(str(WANLI_2024))
    assert r.report_type == "budget"
    income = _values(r, "income_total")
    assert (15621.11, "text", 6) in income and any(s == "table" and p == 10 for _, s, p in income)
    assert all(v == pytest.approx(15621.11, abs=0.01) for v, _, _ in income)
    ind = next(i for i in r.indicators if i.key == "income_total" and i.source == "table")
    assert ind.unit == "万元" and ind.decimals >= 4 and "," in ind.raw_text  # printed text kept, in 元
    gpb = _values(r, "gpb_grant_expenditure")
    assert {s for _, s, _ in gpb} == {"text", "table"}
    assert _values(r, "gov_fund_grant_expenditure", "text") == [(0.0, "text", 6)]


def test_unit_budget_procurement_split():
    r = report(str(FULIYUAN))
    assert _values(r, "procurement_total") == [(120.6, "text", 16)]
    assert [v for v, _, _ in _values(r, "procurement_services")] == [120.6]
    assert next(c for c in r.checks if c.rule == "sum.procurement_total").outcome == "pass"


def test_new_keys_have_chinese_labels_and_units():
    from pipeline.publish.frames import label_of

    assert label_of("fiscal_grant_total") == ("财政拨款收入支出总计", "万元")
    assert label_of("procurement_sme") == ("授予中小企业合同金额", "万元")
    assert label_of("vehicles_law_enforcement") == ("执法执勤用车", "辆")
    assert label_of("equipment_over_500k") == ("单价50万元以上设备", "台(套)")


# ------------------------------------------------------------------------------------ text against tables
def test_caizhengju_p21_contradiction_with_both_numbers_and_pages():
    r = report(str(REAL_FILES["caizhengju"]))
    f = next(f for f in r.findings if f.rule == "budget.text_vs_table.fiscal_grant_total")
    assert f.severity == "error" and "0.3" in f.message and "2,961.68" in f.message
    assert {e.page for e in f.evidence} == {21, 13}
    assert {e.value_text for e in f.evidence} == {"0.3", "2,961.68"}


def test_per_item_explanations_checked_against_their_rows():
    """财政局 p22: 11 items, each 支出决算为B against the 一般公共预算财政拨款支出决算表 row of its 项."""
    r = report(str(REAL_FILES["caizhengju"]))
    items = [c for c in r.checks if c.kind == "item_vs_table"]
    assert len(items) == 11 and all(c.outcome == "pass" for c in items)
    c = next(c for c in items if c.rule == "budget.item.行政运行")
    assert c.stated == 1511.89 and {e.page for e in c.evidence} == {22, 15}
    # 社会工作部: one code column (2013901), 全年预算 items
    r = report(str(REAL_FILES["shehuigongzuobu"]))
    items = [c for c in r.checks if c.kind == "item_vs_table"]
    assert len(items) == 9 and all(c.outcome == "pass" for c in items)


def test_comparison_words_and_their_declared_tolerance():
    from pipeline.extract.catalog import budget_config

    assert budget_config()["comparisons"]["basically_equal"] == 0.05
    r = report(str(REAL_FILES["caizhengju"]))
    comps = [c for c in r.checks if c.kind == "comparison"]
    assert len(comps) >= 12 and all(c.outcome == "pass" for c in comps)
    assert any("基本持平" in e.quote for c in comps for e in c.evidence)


def test_budget_item_changes_recomputed():
    """万里街道 2024 p6: "2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年预算执行数减少57.14%"."""
    r = report(str(WANLI_2024))
    c = next(c for c in r.checks if c.rule == "budget.item.专项普查活动.比上年")
    assert c.outcome == "pass"
    assert sum(c.kind == "comparison" and c.outcome == "pass" for c in r.checks) >= 30


def test_blank_cell_where_the_text_states_a_figure_is_an_error():
    """三公 预算数 blanked in the 决算 table while p23 still states 年初预算为0.95万元."""
    from pipeline.api import build_report
    from pipeline.check.validate import validate

    doc = document(str(REAL_FILES["caizhengju"])).model_copy(deep=True)
    t = next(t for t in doc.tables if t.page == 18)
    for c in t.body[0].cells:
        if c.text == "0.95":
            c.text = c.raw = ""
    r = validate(build_report(doc), doc)
    bad = [f for f in r.findings if f.rule == "budget.text_vs_table.three_public_budget"]
    assert bad and bad[0].severity == "error" and "为空" in bad[0].message
    assert {e.page for e in bad[0].evidence} == {23, 18}


def test_empty_table_needs_its_note_and_missing_table_is_named():
    from pipeline.api import build_report
    from pipeline.check.validate import validate

    doc = document(str(REAL_FILES["shehuigongzuobu"])).model_copy(deep=True)
    r = validate(build_report(doc), doc)
    empty = [c for c in r.checks if c.kind == "empty_table"]
    assert len(empty) == 3 and all(c.outcome == "pass" for c in empty)  # 三公, 政府性基金, 国有资本经营
    for p in doc.paragraphs:
        if "故本表无数据" in p.text:
            p.text = p.raw = "说明:"
    doc.tables = [t for t in doc.tables if "收入决算表" != t.caption]
    for p in doc.paragraphs:  # its printed title too: a title over an unread grid counts as present
        if p.text == "收入决算表":
            p.text = p.raw = "—"
    r = validate(build_report(doc), doc)
    warnings = {f.rule: f for f in r.findings if f.severity == "warning"}
    assert "budget.empty_table.three_public_final" in warnings
    assert warnings["budget.completeness.income_final"].message == "缺少应公开的收入决算表"


def test_standard_sets_are_complete_in_every_corpus_report():
    for path in sorted(REAL.glob("*.pdf")):
        r = report(str(path))
        done = [c for c in r.checks if c.kind == "completeness"]
        assert len(done) == 9 and all(c.outcome == "pass" for c in done), path.name


def test_other_year_in_a_date_or_heading_is_a_warning():
    from pipeline.api import build_report
    from pipeline.check.validate import validate

    doc = document(str(REAL_FILES["caizhengju"])).model_copy(deep=True)
    for p in doc.paragraphs:
        for old, new in (("截至2024年12月31日", "截至2023年12月31日"),
                         ("第三部分上海市普陀区财政局2024年度部门决算情况", "第三部分上海市普陀区财政局2023年度部门决算情况")):
            if old in p.text:
                p.text = p.text.replace(old, new)
                for ln in p.lines:
                    ln.text = ln.text.replace(old[-12:], new[-12:])
    r = validate(build_report(doc), doc)
    years = [f for f in r.findings if f.rule.startswith("budget.year.")]
    assert {f.rule for f in years} == {"budget.year.date", "budget.year.heading"}
    assert all(f.severity == "warning" and "2023" in f.message and "2024" in f.message for f in years)


def test_unit_named_in_the_text_against_the_cover():
    from pipeline.api import build_report
    from pipeline.check.validate import validate

    r = report(str(REAL_FILES["shehuigongzuobu"]))
    names = [c for c in r.checks if c.kind == "unit_name"]
    assert names and all(c.outcome == "pass" for c in names)
    doc = document(str(REAL_FILES["caizhengju"])).model_copy(deep=True)
    p = next(p for p in doc.paragraphs if p.page == 24 and "共有车辆" in p.text)
    p.text = p.text.replace("上海市普陀区财政局", "上海市普陀区商务局")
    r = validate(build_report(doc), doc)
    assert any(f.rule == "budget.unit_name" and f.severity == "warning" and "商务局" in f.message for f in r.findings)


# ------------------------------------------------------------------------------------ 类/款/项 chain
def test_unpadded_codes_are_kuan_rows_and_the_total_is_exact():
    """万里街道 2024 p29: "301 2 津贴补贴", "301 7 绩效工资" are 款 rows of 301: 88,282,511 exact."""
    r = report(str(WANLI_2024))
    sums = [c for c in r.checks if c.kind == "table_sum" and c.stated == 88282511]
    assert sums and all(c.outcome == "pass" for c in sums)
    assert all("位置" in c.message and "301 2" in c.message for c in sums)
    assert not [f for f in r.findings if f.rule.startswith("table_sum")]


def test_misprinted_lei_code_is_one_chain_never_siblings():
    """福利院 p9, p11: 210 / 210 11 / "7 11 02" are one chain of 503,724, never 2 × 503,724."""
    r = report(str(FULIYUAN))
    chain = [c for c in r.checks if c.kind == "table_sum" and c.stated == 503724]
    assert chain and all(c.outcome == "pass" and c.recomputed == 503724 for c in chain)
    assert not [f for f in r.findings if f.rule.startswith("table_sum")]


def test_sifaju_project_column_error_still_found():
    r = report(str(SIFAJU))
    bad = {f.rule: f for f in r.findings if f.rule.startswith("table_sum")}
    assert set(bad) == {"table_sum.p11.司法.支出预算项目支出", "table_sum.p14.司法.一般公共预算支出项目支出"}
    assert all(f.severity == "error" and "64,840,547.00" in f.message for f in bad.values())


def test_row_total_against_basic_and_project_columns():
    """sifaju p11 and p14: the 行政运行 row's 合计 14,348,853.34 cannot hold 项目支出 64,840,547.00."""
    r = report(str(SIFAJU))
    rows = [c for c in r.checks if c.kind == "row_sum"]
    bad = [c for c in rows if c.outcome == "fail"]
    assert len(rows) >= 40 and {c.rule for c in bad} == {"budget.row_sum.expenditure_budget.行政运行",
                                                          "budget.row_sum.gpb_budget.行政运行"}
    assert all(c.severity == "error" and {e.page for e in c.evidence} in ({11}, {14}) for c in bad)
    # 决算 tables in 万元: each figure rounded on its own, the row still balances within rounding
    r = report(str(REAL_FILES["caizhengju"]))
    assert all(c.outcome == "pass" for c in r.checks if c.kind == "row_sum")


def test_digits_that_are_no_number_leave_the_row_unsummed():
    """Two cells read as one ("3,1206,351,000": seen on an OCR'd 万里街道 page turned 90°) are digits
    but no number: the row is not added up (neither a crash nor a part taken as 0), the others are."""
    from pipeline.api import build_report
    from pipeline.check.validate import validate

    doc = document(str(SIFAJU)).model_copy(deep=True)  # the cached one is shared

    def amounts(page):  # the 行政运行 row: 合计 14,348,853.34 | 基本 14,348,853.34 | 项目 64,840,547.00
        row = next(r for t in doc.tables for r in t.body if r.page == page and r.cells and "行政运行" in r.raw)
        return [c for c in row.cells if c.text.replace(",", "").replace(".", "").isdigit() and "." in c.text]

    amounts(11)[2].text = "3,1206,351,000"  # a part (项目支出): was taken as 0
    amounts(14)[0].text = "3,1206,351,000"  # the total (合计): was a TypeError
    r = validate(build_report(doc), doc)
    rows = {c.rule for c in r.checks if c.kind == "row_sum"}
    assert len(rows) >= 38
    assert not rows & {"budget.row_sum.expenditure_budget.行政运行", "budget.row_sum.gpb_budget.行政运行"}


def test_a_check_family_that_fails_is_a_result_not_a_lost_file(monkeypatch):
    """A bug of ours in one family on an unforeseen reading: that family says it could not run
    (coverage names it), the others still run and the report is kept."""
    from pipeline.api import build_report
    from pipeline.check import validate as v

    def budget_checks(ctx):
        raise TypeError("unsupported operand type(s) for +: 'NoneType' and 'float'")

    monkeypatch.setattr(v, "CHECKS", tuple(budget_checks if f.__name__ == "budget_checks" else f for f in v.CHECKS))
    doc = document(str(SIFAJU)).model_copy(deep=True)  # the cached one is shared
    r = v.validate(build_report(doc), doc)
    broken = [c for c in r.checks if c.rule == "budget.could_not_run"]
    assert len(broken) == 1 and broken[0].outcome == "insufficient_data" and "TypeError" in broken[0].message
    assert any(n.what.startswith("budget") and "未能运行" in n.reason for n in r.coverage.not_checked)
    # the table family still ran: sifaju's two 项目支出 column errors (above) are there
    assert {f.rule for f in r.findings if f.rule.startswith("table_sum")} == \
        {"table_sum.p11.司法.支出预算项目支出", "table_sum.p14.司法.一般公共预算支出项目支出"}


def test_irregular_structure_that_balances_no_reading_is_a_warning():
    """A 项 row whose misprinted code and wrong amount leave both readings unbalanced: 结构存疑."""
    from pipeline.api import build_report
    from pipeline.check.validate import validate

    doc = document(str(FULIYUAN)).model_copy(deep=True)
    t = next(t for t in doc.tables if t.page == 11)
    row = next(r for r in t.body if r.cells[0].text == "7")
    row.cells[4].text = row.cells[4].raw = "503,000"
    r = validate(build_report(doc), doc)
    bad = [f for f in r.findings if f.rule.startswith("table_sum.p11.")]
    assert bad and all(f.severity == "warning" and f.message.startswith("结构存疑") for f in bad)


# ------------------------------------------------------------------------------------ patterns as data
def test_bad_budget_yaml_is_a_one_line_patterns_error(tmp_path, monkeypatch):
    from pipeline.errors import PatternsError
    from pipeline.extract import catalog as cat

    src = cat.PATTERNS_DIR
    for f in src.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    text = (tmp_path / "budget.yaml").read_text(encoding="utf-8")
    (tmp_path / "budget.yaml").write_text(text.replace("key: fiscal_grant_total, row: '总计', col: [决算数]",
                                                       "key: no_such_key, row: '总计', col: [决算数]", 1),
                                          encoding="utf-8")
    monkeypatch.setattr(cat, "PATTERNS_DIR", tmp_path)
    for fn in (cat.load_yaml, cat.budget_config):
        fn.cache_clear()
    try:
        with pytest.raises(PatternsError) as e:
            cat.budget_config()
        assert "no_such_key" in str(e.value) and "\n" not in str(e.value)
    finally:
        monkeypatch.setattr(cat, "PATTERNS_DIR", src)
        for fn in (cat.load_yaml, cat.budget_config):
            fn.cache_clear()
