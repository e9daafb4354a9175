"""Real 2021-2026 部门/单位预算 of twelve cities (../shared/corpus/cn, its README.md lists them):
the false errors the first run raised there, each read on its page, fixed at its cause, and the true
figures around them that must still be read. Every expected value below was read by hand from the
rendered page named beside it.

Causes (one test each):
- a term bound while the words just before it name another quantity ("会议费预算支出30万元",
  "财政拨款预算支出", "政府性基金支出预算支出", "因公出国（境）费支出0万元"): indicators.yaml
  `term_qualifiers`;
- another year's figure in the text ("比2025年年初预算数9819.98万元" in a 2026 budget):
  indicators.yaml `year_subject`;
- a fund's or the 财政拨款 figures taken for the whole budget (基本支出 of 一般公共预算财政拨款, 财政拨款基本
  支出预算): indicators.yaml `scope_subjects`, the 其中 parts inheriting their whole's scope;
- tables of two years side by side (2025年 | 2026年, 上年 | 当年) or one row per year, and 三公 tables
  split by fund: indicators.yaml `table_years`, `table_funds`; the 公务用车 小计 column;
- the 货物/工程/服务 parts of 政府采购 taken for its total; the year's purchase plan of equipment taken
  for the equipment held: budget.yaml phrasings (`after`, `unless`);
- a text figure that cuts a table figure instead of rounding it: a warning 截位, not an error.

The corpus is not part of the project: GOVAUDIT_CN_CORPUS points at it, else ../shared/corpus/cn;
missing files skip.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REAL, ROOT, document, report

CN = Path(os.environ.get("GOVAUDIT_CN_CORPUS", ROOT.parent / "shared" / "corpus" / "cn"))

FILES = {
    "beijing_0712b1": "beijing_2026_bumen-yusuan_0712b1.pdf",
    "beijing_116f55": "beijing_2026_bumen-yusuan_116f55.pdf",
    "chongqing_129d77": "chongqing_2026_bumen-yusuan_129d77.pdf",
    "fuzhou_c884f9": "fuzhou_2026_bumen-yusuan_c884f9.pdf",
    "guangzhou_58417d": "guangzhou_2026_bumen-yusuan_58417d.pdf",
    "guangzhou_967369": "guangzhou_2026_bumen-yusuan_967369.pdf",
    "shenzhen_384278": "shenzhen_2026_bumen-yusuan_384278.pdf",
    "shenzhen_746a2e": "shenzhen_2026_bumen-yusuan_746a2e.pdf",
    "suzhou_8933f1": "suzhou_2026_bumen-yusuan_8933f1.pdf",
    "suzhou_fadd5a": "suzhou_2026_bumen-yusuan_fadd5a.pdf",
    "suzhou_590ce1": "suzhou_2026_danwei-yusuan_590ce1.pdf",
    "wuxi_8a53f1": "wuxi_2026_bumen-yusuan_8a53f1.pdf",
    "wuxi_6925d6": "wuxi_2026_danwei-yusuan_6925d6.pdf",
    "wuxi_6df438": "wuxi_2026_danwei-yusuan_6df438.pdf",
    "xian_ad4ecf": "xian_2021_bumen-yusuan_ad4ecf.pdf",
    "xian_65b3ed": "xian_2022_bumen-yusuan_65b3ed.pdf",
    "xian_cb0e35": "xian_2026_bumen-yusuan_cb0e35.pdf",
    "yantai_47b2d1": "yantai_2026_bumen-yusuan_47b2d1.pdf",
}

# Errors of these files (other than table_sum.*, the table structure's) confirmed on the page:
# rule -> the printed numbers it rests on, and the pages. None so far: yantai_47b2d1's 三公 30.62 / 8.22
# (p18) against 27.22 / 5.22 (p26-27), the one candidate, is the table's 2025年预算数 block against the
# text's 2026 figures; its 2026年预算数 block prints 27.22 = 22.00 + 0 + 5.22, as the text does.
TRUE_ERRORS: dict[str, dict[str, dict]] = {}


def cn(name: str) -> str:
    path = CN / FILES[name]
    if not path.exists():
        pytest.skip(f"cn corpus file missing: {path}")
    return str(path)


def audited(name: str):
    return report(cn(name))  # conftest.report: each file audited once per session


def values(r, key, source=None, page=None):
    return sorted(round(i.value, 6) for i in r.indicators if i.key == key
                  and (source is None or i.source == source) and (page is None or i.page == page))


def errors(r, prefix: str = "") -> list:
    return [f for f in r.findings if f.severity == "error" and f.rule.startswith(prefix)]


def outcomes(r, rule: str) -> list[str]:
    return [c.outcome for c in r.checks if c.rule == rule]


# (that no error but the true ones is left, table sums included: tests/test_cn_corpus.py)


# ------------------------------------------------------------------------ a term under another quantity's words
@pytest.mark.parametrize("name, wrong, kept", [
    # 苏州应急管理局 p30-31: 会议费预算支出30 / 培训费…105 / 机关运行经费预算支出474.89 / 因公出国（境）费预算支出0 /
    # 政府性基金支出预算支出0 / p27 财政拨款预算支出7,062.8: none is the 年初预算; p26 支出预算 4,069.62 + 2,993.18
    ("suzhou_8933f1", [0.0, 15.0, 30.0, 105.0, 474.89, 7062.8],
     {"basic_budget": [4069.62, 4069.62, 4069.62], "project_budget": [2993.18], "three_public_budget": [15.0]}),
    # 无锡人社局 p43 财政拨款预算支出152,585.76; p50 三公 parts, 会议费13.55, 培训费77.72; p51 机关运行经费625.43
    ("wuxi_8a53f1", [0.0, 13.55, 17.98, 18.6, 24.82, 36.58, 77.72, 625.43, 152585.76],
     {"basic_budget": [26790.33, 26790.33, 26790.33], "project_budget": [127331.43]}),
    # 无锡教育局（本级） p34 财政拨款预算支出105,814.6 (80.56% of the whole), p39-40 三公/会议费/培训费/机关运行经费
    ("wuxi_6df438", [0.0, 0.7, 2.0, 135.29, 709.8, 105814.6],
     {"basic_budget": [2531.48, 2531.48, 2531.48], "project_budget": [128818.12]}),
    # 西安信访局 p14: 会议费预算支出0.00 / 培训费预算支出21.98; p8 本部门当年预算支出2,838.42 is the 年初预算
    ("xian_cb0e35", [0.0, 21.98], {"budget_initial": [2838.42]}),
    # 西安生态环境局 p20-21: 会议费预算支出180.63 / 培训费预算支出125.88; p14 预算支出52016.12 stays
    ("xian_65b3ed", [180.63, 125.88], {"budget_initial": [52016.12]}),
    # 福州商务局 p27: 政府性基金预算支出1800.00 is the fund's, not the 年初预算
    ("fuzhou_c884f9", [1800.0], {"basic_budget": [3861.25, 3861.25], "project_budget": [21134.69]}),
])
def test_a_term_right_after_another_quantitys_name_is_not_its_figure(name, wrong, kept):
    r = audited(name)
    assert not set(values(r, "budget_initial")) & set(wrong), values(r, "budget_initial")
    assert not errors(r, "sum.budget_initial") and not errors(r, "cross_mention.budget_initial")
    for key, want in kept.items():
        assert values(r, key, "text") == want, key


def test_the_parts_of_the_three_public_budget_are_not_its_spending():
    """苏州应急管理局 p30: "“三公”经费支出预算15万元…。其中，因公出国（境）费支出0万元…公务接待费支出15万元":
    a budget report's parts of the 三公 budget, not three 三公 actual totals."""
    r = audited("suzhou_8933f1")
    assert values(r, "three_public_actual") == []
    assert not errors(r, "cross_mention.three_public_actual")
    assert values(r, "three_public_reception_budget", "text", 30) == [15.0, 15.0]
    assert values(r, "three_public_travel_budget", "text", 30) == [0.0, 0.0]
    assert "pass" in outcomes(r, "sum.three_public_budget")  # 15 = 0 + 0 + 15
    # 西安委宣传部 2021 p11: "“三公”经费预算支出6.51万元" is the budget
    r = audited("xian_ad4ecf")
    assert values(r, "three_public_actual") == []
    assert values(r, "three_public_budget", "text", 11) == [6.51]


# ------------------------------------------------------------------------ another year's figure
@pytest.mark.parametrize("name, last_year, basic, project", [
    # 北京信访办 p3-4 "比2025年年初预算数9819.98万元减少193.20万元"; p4-5 基本 7485.22, 项目 2141.55
    ("beijing_0712b1", 9819.98, 7485.22, 2141.55),
    # 北京水务局 p6-7 "比2025年年初预算数1025099.89万元增加…"; p8 基本 186874.72, 项目 837932.45
    ("beijing_116f55", 1025099.89, 186874.72, 837932.45),
])
def test_another_years_figure_is_not_the_reports(name, last_year, basic, project):
    r = audited(name)
    assert last_year not in values(r, "budget_initial")
    assert not errors(r, "sum.budget_initial")
    assert values(r, "basic_budget", "text") == [basic]
    assert values(r, "project_budget", "text") == [project]


# ------------------------------------------------------------------------ fund and 财政拨款 scope
def test_the_parts_of_a_funds_figure_are_that_funds():
    """重庆科技局 p2-3: 年初预算数168,441.81 (全部资金); "一般公共预算财政拨款支出154,304.22万元，比2025年增加
    3,013.74万元。其中：基本支出5,362.42万元…；项目支出148,941.8万元": the fund's parts, not the whole's."""
    r = audited("chongqing_129d77")
    assert values(r, "budget_initial", "text") == [168441.81, 168441.81]
    parts = {i.key: (i.value, i.subject) for i in r.indicators if i.key in ("basic_budget", "project_budget")}
    assert parts == {"basic_budget": (5362.42, "fund"), "project_budget": (148941.8, "fund")}
    assert "fail" not in outcomes(r, "sum.budget_initial")


def test_fiscal_grant_basic_budget_is_not_the_whole_budgets():
    """苏州自然资源和规划局 p36 支出预算合计 86,999.14: 基本支出12,947.96; p41 财政拨款基本支出预算12,889.17."""
    r = audited("suzhou_fadd5a")
    got = sorted((i.value, i.subject) for i in r.indicators if i.key == "basic_budget")
    assert got == [(12889.17, "fiscal_grant"), (12889.17, "fund"), (12947.96, None)]
    assert not errors(r, "cross_mention.basic_budget")


def test_grant_funded_figures_keep_their_scope_after_caizhengbokuan():
    """"…财政拨款的机关运行经费预算为2,180.26万元" (上海审计局 p20) is the table's 机关运行经费 (p19)."""
    path = CN / "shanghai_2026_danwei-yusuan_445dce.pdf"
    if not path.exists():
        pytest.skip(f"cn corpus file missing: {path}")
    r = report(str(path))
    assert outcomes(r, "text_vs_table.institutional_operating_budget") == ["pass"]


# ------------------------------------------------------------------------ tables of several years / funds
@pytest.mark.parametrize("name, page, expected", [
    # 深圳司法局 p39 表9: rows 2025年 97.23 | 74.00 | 5.13 | 18.10 and 2026年 103.23 | 80.00 | 5.13 | 18.10
    ("shenzhen_384278", 39, {"three_public_travel_budget": [80.0], "three_public_reception_budget": [5.13],
                             "three_public_vehicle_budget": [18.1]}),
    # 深圳市委宣传部 p39: 2026年 121.95 | 108.60 | 4.55 | 8.80
    ("shenzhen_746a2e", 39, {"three_public_travel_budget": [108.6], "three_public_reception_budget": [4.55],
                             "three_public_vehicle_budget": [8.8]}),
    # 西安生态环境局 p58 表13 (元): 2021年 block 180,655 …, 2022年 block 2,033,060 | 0 | 133,060 | 1,900,000
    ("xian_65b3ed", 58, {"three_public_travel_budget": [0.0], "three_public_reception_budget": [13.306],
                         "three_public_vehicle_budget": [190.0]}),
    # 西安信访局 p32 表13 (元): 上年 242,000 | 120,000 | … ; 当年 320,800 | 101,000 | 10,000 | 91,000
    ("xian_cb0e35", 32, {"three_public_reception_budget": [1.0], "three_public_vehicle_budget": [9.1]}),
    # 西安委宣传部 2021 p41 表13 (元): 2020年 block 160,000 | 0 | 80,000 | 80,000; 2021年 65,100 | 0 | 65,100 | 0
    ("xian_ad4ecf", 41, {"three_public_reception_budget": [6.51], "three_public_vehicle_budget": [0.0]}),
    # 烟台市委宣传部 p18 表7: 2025年预算数 30.62 | 22.00 | 0.40 | … | 8.22; 2026年预算数 27.22 | 22.00 | … | 5.22
    ("yantai_47b2d1", 18, {"three_public_budget": [27.22], "three_public_travel_budget": [22.0],
                           "three_public_reception_budget": [5.22]}),
])
def test_only_the_report_years_columns_and_rows_are_read(name, page, expected):
    r = audited(name)
    for key, want in expected.items():
        assert values(r, key, "table", page) == want, key
    assert not errors(r, "sum.three_public")
    assert not errors(r, "text_vs_table.three_public")


def test_three_public_sums_now_pass_on_the_report_years_figures():
    assert "pass" in outcomes(audited("shenzhen_384278"), "sum.three_public_budget")  # 103.23 = 80 + 18.10 + 5.13
    assert "pass" in outcomes(audited("yantai_47b2d1"), "sum.three_public_budget")  # 27.22 = 22 + 0 + 5.22
    r = audited("xian_65b3ed")  # text p20 公务接待费13.31 against 133,060 元 (p58)
    assert "pass" in outcomes(r, "text_vs_table.three_public_reception_budget")
    assert "pass" in outcomes(r, "sum.three_public_vehicle_budget")


def test_a_fund_column_stands_for_its_heading_only_when_the_other_funds_are_zero():
    from pipeline.extract.indicators import _fund_whole
    from pipeline.document import Cell, Row

    titles = ["因公出国(境)费一般公共预算", "因公出国(境)费政府性基金预算", "因公出国(境)费国有资本经营预算"]
    row = lambda *texts: Row(page=1, bbox=(0, 0, 1, 1), cells=[Cell(text=t, raw=t) for t in texts])
    assert _fund_whole(titles, row("80.00", "0.00", ""), 0)
    assert not _fund_whole(titles, row("80.00", "5.00", "0.00"), 0)  # the 财政拨款 figure is 85, not 80


def test_a_table_whose_unit_is_nowhere_said_gives_no_amount():
    """单位：元 printed above the grid among the paragraphs of its page (not just the three before it) is the
    table's unit; a table that says no unit anywhere gives no amount (元 or 万元 is not known)."""
    from pipeline.document import Cell, Document, Line, Page, Paragraph, Row, Source, Table
    from pipeline.extract.indicators import _from_table, table_unit
    from pipeline.extract.catalog import catalog

    def para(k, text, page=1):
        line = Line(page=page, bbox=(50.0, 100.0 + k, 545.0, 110.0 + k), raw=text, text=text)
        return Paragraph(index=k, lines=[line], text=text, raw=text)

    def cells(*texts):
        return [Cell(text=t, raw=t, bbox=(100.0 * j, 0.0, 100.0 * j + 90, 10.0)) for j, t in enumerate(texts)]

    rows = [Row(page=1, bbox=(0, 0, 1, 1), cells=cells("“三公”经费预算合计", "因公出国(境)费预算", "公务接待费预算")),
            Row(page=1, bbox=(0, 0, 1, 1), cells=cells("65,100.00", "0.00", "65,100.00"))]
    texts = ["表13", "一般公共预算拨款“三公”经费支出预算表", "单位：元", "上年 当年", "（不含上年结转）"]
    doc = Document(source=Source(path="x.pdf", sha256="0" * 64, pages=1),
                   pages=[Page(number=1, width=595.0, height=842.0, n_chars=100)],
                   paragraphs=[para(k, t) for k, t in enumerate(texts)],
                   tables=[Table(index=0, page=1, bbox=(0, 200, 500, 300), rows=rows, after_paragraph=len(texts) - 1)])
    t = doc.tables[0]
    assert table_unit(t, doc) == "元"
    got = {i.key: i.value for i in _from_table(t, None, catalog(), 2021, doc)}
    assert got["three_public_reception_budget"] == 6.51
    doc.paragraphs[2] = para(2, "（本表金额）")
    assert table_unit(t, doc) is None
    assert not [i for i in _from_table(t, None, catalog(), 2021, doc) if i.unit == "万元"]


# ------------------------------------------------------------------------ 政府采购 parts, equipment plans
@pytest.mark.parametrize("name, page, total, parts", [
    # 广州信访局 p22 "政府采购安排625.65万元，其中：货物类采购预算20.95万元，工程类采购预算18万元，服务类采购预算586.7万元"
    ("guangzhou_58417d", 22, 625.65, (20.95, 18.0, 586.7)),
    # 广州城管局 p37: 142,330.95 = 401.41 + 1,387.13 + 140,542.41
    ("guangzhou_967369", 37, 142330.95, (401.41, 1387.13, 140542.41)),
    # 重庆科技局 p4: 6,143.52 = 5,242.52 + 0 + 901; then "其中一般公共预算拨款政府采购2,521.44万元：…2,020.44…501"
    ("chongqing_129d77", 4, 6143.52, (5242.52, 0.0, 901.0)),
])
def test_procurement_parts_are_parts_of_the_total(name, page, total, parts):
    r = audited(name)
    assert values(r, "procurement_total", "text", page) == [total]
    got = tuple(values(r, k, "text", page) for k in ("procurement_goods", "procurement_works", "procurement_services"))
    assert got == tuple([p] for p in parts)
    assert outcomes(r, "sum.procurement_total") == ["pass"]
    assert not [v for v in values(r, "procurement_planned") if v in parts]
    assert not errors(r, "cross_mention.procurement")


def test_the_years_purchase_plan_is_not_the_equipment_held():
    """深圳司法局 p15: "单价100万元以上设备16台（套）" held; "2026年计划购置车辆0辆、0.00万元…；单价100万元以上
    设备0台（套）、0.00万元" the plan."""
    r = audited("shenzhen_384278")
    assert values(r, "equipment_over_1m") == [16.0]
    assert not errors(r, "cross_mention.equipment_over_1m")


# ------------------------------------------------------------------------ true errors stay errors
def test_true_errors_are_raised():
    """Each confirmed contradiction (TRUE_ERRORS: rule -> {"numbers": printed numbers, "pages": pages}) is
    an error resting on those numbers and pages."""
    for name, rules in TRUE_ERRORS.items():
        r = audited(name)
        for rule, spec in rules.items():
            found = [f for f in errors(r) if f.rule == rule]
            assert found, (name, rule)
            printed = " ".join(e.value_text or "" for f in found for e in f.evidence)
            assert all(n in printed for n in spec["numbers"]), (name, rule, printed)
            assert set(spec["pages"]) <= {e.page for f in found for e in f.evidence}, (name, rule)


# ------------------------------------------------------------------------ 截位: a cut figure is a warning
def test_truncation_is_told_from_rounding():
    from pipeline.check.budget import truncated

    assert truncated(87.70, 2, 87.708) == "87.71"  # 877,080 元 printed 87.70 万元: cut, not rounded
    assert truncated(87.71, 2, 87.708) is None  # rounded: nothing to say
    assert truncated(87.60, 2, 87.708) is None  # neither: a plain contradiction
    assert truncated(-3.45, 2, -3.458) == "-3.46"


def test_a_cut_text_figure_against_a_table_is_a_warning_not_an_error():
    from pipeline.check.core import Context
    from pipeline.check.formulas import cross_mention_checks
    from pipeline.document import Source
    from pipeline.schema import Indicator, Issuer, Report

    def ind(value, raw, decimals, quote, source):
        return Indicator(key="three_public_reception_budget", value=value, unit="万元", raw_text=raw,
                         decimals=decimals, page=1 if source == "text" else 9, bbox=(0, 0, 1, 1), quote=quote,
                         source=source)

    text = ind(87.70, "87.70万元", 2, "公务接待费预算87.70万元。", "text")
    table = ind(87.708, "877,080.00", 6, "表: 合计 | 877,080.00", "table")
    r = Report(source=Source(path="x.pdf", sha256="0" * 64, pages=9), issuer=Issuer(), indicators=[text, table])
    [c] = cross_mention_checks(Context.of(r, None))
    assert (c.kind, c.outcome, c.severity) == ("text_vs_table", "fail", "warning")
    assert "截位" in c.message and "87.71" in c.message
    other = ind(87.60, "87.60万元", 2, "公务接待费预算87.60万元。", "text")
    r = Report(source=Source(path="x.pdf", sha256="0" * 64, pages=9), issuer=Issuer(), indicators=[other, table])
    [c] = cross_mention_checks(Context.of(r, None))
    assert c.severity == "error" and "截位" not in c.message


def test_a_cut_figure_in_the_budget_text_and_item_checks_is_a_warning():
    """The real Putuo pages, one table cell changed by hand so that the text cuts it: 财政局 2024 决算 p7
    收入总计 2,995.39 → 2,995.397 (text p21 2995.39); 万里街道 2024 预算 专项普查活动 257,700 元 → 257,799 元
    (text p6 25.77 万元, rounded would be 25.78)."""
    from pipeline.api import build_report
    from pipeline.check.validate import validate
    from pipeline.extract.budget import locate_cells

    path = REAL / "sh-putuo_caizhengju_2024_bumen-juesuan.pdf"
    doc = document(str(path)).model_copy(deep=True)
    [loc] = [x for x in locate_cells(doc, "final_accounts") if x.key == "income_total"]
    assert loc.cell.text == "2,995.39"
    loc.cell.text = loc.cell.raw = "2,995.397"
    r = validate(build_report(doc), doc)
    found = [f for f in r.findings if f.rule == "budget.text_vs_table.income_total"]
    assert found and all(f.severity == "warning" and "截位" in f.message for f in found)
    assert not [f for f in r.findings if "income_total" in f.rule and f.severity == "error"]

    doc = document(str(REAL / "sh-putuo_wanlijiedao_2024_bumen-yusuan.pdf")).model_copy(deep=True)
    changed = 0
    for t in doc.tables:
        for row in t.body:
            if "专项普查活动" in row.raw:
                for c in row.cells:
                    if c.text == "257,700":
                        c.text = c.raw = "257,799"
                        changed += 1
    assert changed
    r = validate(build_report(doc), doc)
    [c] = [c for c in r.checks if c.rule == "budget.item.专项普查活动"]
    assert (c.outcome, c.severity) == ("fail", "warning") and "截位" in c.message and "25.78" in c.message
