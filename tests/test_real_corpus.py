"""Extraction and validation on the four real PDFs: what they share with the performance reports."""
from __future__ import annotations

from collections import Counter

import pytest

from conftest import REAL, REAL_FILES, assert_only_true_errors, report


def values(r, key):
    return [(i.value, i.source, i.page) for i in r.indicators if i.key == key]


def test_caizhengju_final_accounts():
    r = report(str(REAL_FILES["caizhengju"]))
    # p18 table (预算数 columns) and p23 text: 年初预算 0.95, 支出决算 0.00
    assert (0.95, "table", 18) in values(r, "three_public_budget")
    assert (0.95, "text", 23) in values(r, "three_public_budget")
    assert (0.95, "table", 18) in values(r, "three_public_reception_budget")
    assert [v for v, _, _ in values(r, "three_public_actual")] == [0.0]
    assert [v for v, _, _ in values(r, "three_public_travel_actual")] == [0.0]
    assert [v for v, _, _ in values(r, "three_public_vehicle_actual")] == [0.0]
    assert [v for v, _, _ in values(r, "three_public_reception_actual")] == [0.0]
    assert values(r, "institutional_operating_actual") == [(184.65, "text", 24)]
    assert values(r, "procurement_actual") == [(251.25, "text", 24)]
    assert values(r, "vehicles_total") == [(0.0, "text", 24)]


def test_wanlijiedao_budget():
    r = report(str(REAL_FILES["wanlijiedao"]))
    for key, v in {"three_public_budget": 22.91, "three_public_travel_budget": 0.0,
                   "three_public_reception_budget": 1.35, "three_public_vehicle_budget": 21.56,
                   "three_public_vehicle_purchase_budget": 0.0, "three_public_vehicle_operation_budget": 21.56,
                   "institutional_operating_budget": 786.09}.items():
        assert {x for x, _, _ in values(r, key)} == {v}, key
        assert {s for _, s, _ in values(r, key)} == {"text", "table"}, key  # stated in both, and they agree
    assert values(r, "procurement_planned") == [(830.0, "text", 29)]
    assert values(r, "vehicles_total") == [(7.0, "text", 29)]


def test_shangwuwei_budget():
    r = report(str(REAL_FILES["shangwuwei"]))
    assert {v for v, _, _ in values(r, "three_public_budget")} == {1.0}
    assert {v for v, _, _ in values(r, "three_public_reception_budget")} == {1.0}
    assert {v for v, _, _ in values(r, "institutional_operating_budget")} == {171.01}
    assert values(r, "procurement_planned") == [(38.2, "text", 22)]


def test_shehuigongzuobu_states_no_three_public_spending():
    """社会工作部 has no 三公 spending ('本表无数据'): nothing may be invented for it."""
    r = report(str(REAL_FILES["shehuigongzuobu"]))
    assert not [i for i in r.indicators if i.key.startswith("three_public")]
    assert values(r, "institutional_operating_actual") == [(10.23, "text", 21)]
    assert values(r, "procurement_actual") == [(21.07, "text", 22)]
    for absent in ("budget_execution_rate", "contract_staff_control_rate", "total_score", "staff_quota"):
        assert not values(r, absent)


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_reports_run_many_checks(name):
    r = report(str(REAL_FILES[name]))
    outcomes = Counter(c.outcome for c in r.checks)
    assert outcomes["pass"] >= 50, outcomes
    # the table arithmetic ran: a 合计 row checked against its rows
    assert any(c.kind == "table_sum" and c.outcome == "pass" and "合计" in c.message for c in r.checks)


# All 11 corpus PDFs and their true contradictions, each checked by hand on the rendered pages
# (rule -> the printed numbers it rests on). Any other error is false; an error of another check
# family on the same printed numbers (one contradiction seen twice) is allowed.
ALL_REAL = {p.stem.removeprefix("sh-putuo_"): p for p in sorted(REAL.glob("sh-putuo_*.pdf"))}
TRUE_ERRORS = {
    # README: 财政拨款收入支出总计 0.3 (p21 text) against 2,961.68 (p13 财政拨款收入支出决算总表)
    "caizhengju_2024_bumen-juesuan": {"budget.text_vs_table.fiscal_grant_total": {"0.3", "2,961.68"}},
    # README: 行政运行 prints 项目支出 64,840,547.00 that its own row leaves no room for (p11, p14)
    "sifaju_2026_danwei-yusuan": {
        "table_sum.p11.司法.支出预算项目支出": {"64,840,547.00"},
        "table_sum.p14.司法.一般公共预算支出项目支出": {"64,840,547.00"},
        "budget.row_sum.expenditure_budget.行政运行": {"14,348,853.34", "64,840,547.00"},
        "budget.row_sum.gpb_budget.行政运行": {"14,348,853.34", "64,840,547.00"},
        # p6 编制说明: 1434.89 against 1690.69 is −15.13%, printed "减少1.10%"
        "budget.item.行政运行.比上年": {"1434.89", "1690.69", "1.10%"},
        # p6: the item is 56.12 (table 561,240) and "2026年预算安排57.8万元" in the same sentence
        "budget.item.行政单位离退休.安排": {"56.12", "57.8"},
        # p7: the item is 207 (table 2,070,000), "预算安排170.03万元", "比…241.76…增加21.74%"
        "budget.item.购房补贴.安排": {"207", "170.03"},
        "budget.item.购房补贴.比上年": {"170.03", "241.76", "21.74%"},
    },
    # p6: 社会福利事业单位 738.66 in the text, 6,964,796 元 in the 一般公共预算支出功能分类预算表 (p11)
    "fuliyuan_2024_danwei-yusuan": {"budget.item.社会福利事业单位": {"738.66", "6,964,796"}},
    # p6: 45.41 against 11.67 is +289.12%, printed 314.82%
    "wanlijiedao_2023_bumen-yusuan": {
        "budget.item.一般行政管理事务.比上年": {"45.41", "11.67", "314.82%"},
        # p7: item 220.63 (table) and "2023年预算安排441.25万元"; 60.54% fits neither against 132.59
        "budget.item.机关事业单位职业年金缴费支出.安排": {"220.63", "441.25"},
        "budget.item.机关事业单位职业年金缴费支出.比上年": {"441.25", "132.59", "60.54%"},
    },
    # p9: item 350.35 (table 3,503,499 元) and "2024年预算安排352.67万元" in the same sentence
    "wanlijiedao_2024_bumen-yusuan": {"budget.item.住房公积金.安排": {"350.35", "352.67"}},
}


def test_all_corpus_files_are_listed():
    assert len(ALL_REAL) == 11 and set(TRUE_ERRORS) <= set(ALL_REAL)


@pytest.mark.parametrize("name", sorted(ALL_REAL))
def test_no_false_error_on_the_real_corpus(name):
    assert_only_true_errors(report(str(ALL_REAL[name])), TRUE_ERRORS.get(name, {}))


def test_traps_are_not_errors():
    """wanlijiedao 2024 p29 ("301 2", "301 7") and fuliyuan 2024 p9/p11 ("7 11 02"): no table_sum finding."""
    for name in ("wanlijiedao_2024_bumen-yusuan", "fuliyuan_2024_danwei-yusuan"):
        r = report(str(ALL_REAL[name]))
        assert not [f for f in r.findings if f.rule.startswith("table_sum")], name


def test_table_sum_on_function_classification_codes():
    """社会工作部 支出决算表 p8: 合计 307.82 = 264.87 + 10.82 + 2.71 + 29.42 (类 rows)."""
    r = report(str(REAL_FILES["shehuigongzuobu"]))
    hits = [c for c in r.checks if c.kind == "table_sum" and c.evidence[0].page == 8 and c.stated == 307.82]
    assert hits and all(c.outcome == "pass" for c in hits)
    assert any(abs(c.recomputed - (264.87 + 10.82 + 2.71 + 29.42)) < 1e-6 for c in hits)


@pytest.mark.parametrize("name, projects, budget, page", [
    ("caizhengju", 4, 598.42, 23),  # then 绩效跟踪评价 … 598.42 and 绩效自评 … 598.42: not goal-setting
    ("shangwuwei", 25, 11381.60, 22),
    ("shehuigongzuobu", 1, 175.52, 21),
    ("wanlijiedao", 5, 3328.13, 29),
])
def test_performance_goal_projects(name, projects, budget, page):
    """编报绩效目标的项目 N 个，涉及预算金额 …: the 项目绩效目标 these reports share with type 1."""
    r = report(str(REAL_FILES[name]))
    assert values(r, "performance_goal_projects") == [(projects, "text", page)]
    assert values(r, "performance_goal_budget") == [(budget, "text", page)]
    goal = next(i for i in r.indicators if i.key == "performance_goal_projects")
    assert goal.unit == "个" and goal.decimals == 0


def test_fixed_assets_stated_in_prose():
    # "固定资产3149.52万元，其中：…；其他固定资产0万元": the total, not the 其他 line
    r = report(str(REAL_FILES["wanlijiedao"]))
    assert values(r, "fixed_assets_total") == [(3149.52, "text", 29)]


def test_year_on_year_changes_recomputed():
    """"与2023年度相比，收入支出总计减少56.95万元，下降1.87%" against 收入支出总计2995.39万元 stated before."""
    r = report(str(REAL_FILES["caizhengju"]))
    changes = {c.rule: c for c in r.checks if c.kind == "change"}
    assert set(changes) == {"change.收入支出总计", "change.一般公共预算财政拨款支出", "change.机关运行经费支出"}
    assert all(c.outcome == "pass" for c in changes.values())
    c = changes["change.收入支出总计"]
    assert c.recomputed == pytest.approx(56.95 / (2995.39 + 56.95) * 100, abs=1e-4)
    assert {e.value_text for e in c.evidence} == {"1.87", "2995.39", "56.95"}
    assert changes["change.机关运行经费支出"].recomputed == pytest.approx(2.55 / (184.65 - 2.55) * 100, abs=1e-4)
    # 社会工作部 is new in 2024: 增长100.00% from nothing cannot be recomputed
    new = [c for c in report(str(REAL_FILES["shehuigongzuobu"])).checks if c.kind == "change"]
    assert len(new) == 4 and all(c.outcome == "not_applicable" for c in new)


def _audit_edited(name: str, where: str, old: str, new: str):
    """The report audited after one printed number is changed (same length: the boxes still line up)."""
    from conftest import document
    from pipeline.api import build_report
    from pipeline.check.validate import validate

    doc = document(str(REAL_FILES[name])).model_copy(deep=True)
    para = next(p for p in doc.paragraphs if where in p.text)
    para.text = para.text.replace(old, new)
    for ln in para.lines:
        ln.text = ln.text.replace(old, new)
    return validate(build_report(doc), doc)


def test_completion_that_does_not_add_up_is_an_error():
    r = _audit_edited("caizhengju", "完成年初预算的98.20%", "98.20%", "97.20%")
    bad = [f for f in r.findings if f.rule == "completion.一般公共预算财政拨款支出"]
    assert len(bad) == 1 and bad[0].severity == "error" and "97.20%" in bad[0].message


def test_year_on_year_change_that_does_not_add_up_is_an_error():
    r = _audit_edited("caizhengju", "减少56.95万元，下降1.87%", "1.87%", "2.87%")
    bad = [f for f in r.findings if f.rule == "change.收入支出总计"]
    assert len(bad) == 1 and bad[0].severity == "error"
    assert "2.87%" in bad[0].message and "1.87%" in bad[0].message


def test_budget_completion_recomputed_and_wrong_base_is_a_warning():
    r = report(str(REAL_FILES["caizhengju"]))
    c = next(c for c in r.checks if c.rule == "completion.一般公共预算财政拨款支出")
    assert c.outcome == "pass" and c.recomputed == pytest.approx(2940.05 / 2993.92 * 100, abs=1e-4)
    # "因公出国(境)费决算为0.00万元，完成预算的0%": no budget in that clause, nothing borrowed from 三公
    assert next(c for c in r.checks if c.rule == "completion.因公出国(境)费").outcome == "insufficient_data"

    # 社会工作部 p18: "年初预算为0万元，全年预算为321.02万元，支出决算为307.82万元，完成年初预算的95.89%"
    r = report(str(REAL_FILES["shehuigongzuobu"]))
    w = [f for f in r.findings if f.rule == "completion.一般公共预算财政拨款支出"]
    assert len(w) == 1 and w[0].severity == "warning"
    assert w[0].recomputed == pytest.approx(307.82 / 321.02 * 100, abs=1e-4)
    assert "完成年初预算的95.89%" in w[0].evidence[0].quote.replace(" ", "") and w[0].evidence[0].page == 18
    items = [c for c in r.checks if c.kind == "completion" and c.rule != "completion.一般公共预算财政拨款支出"]
    assert len(items) == 3 and all(c.outcome == "pass" for c in items)
