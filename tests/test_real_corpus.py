"""Extraction and validation on the four real PDFs: what they share with the performance reports."""
from __future__ import annotations

from collections import Counter

import pytest

from conftest import REAL_FILES, report


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
def test_real_reports_have_no_error_findings_and_many_checks(name):
    r = report(str(REAL_FILES[name]))
    assert r.n_errors == 0, [f.message for f in r.findings]
    outcomes = Counter(c.outcome for c in r.checks)
    assert outcomes["pass"] >= 50, outcomes
    # the table arithmetic ran: a 合计 row checked against its rows
    assert any(c.kind == "table_sum" and c.outcome == "pass" and "合计" in c.message for c in r.checks)


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
