"""The validator on the two samples (issue #4).

Every expectation below was worked out by hand from the seed text (../shared/seeds), with the
interval rule of SPEC.md: a printed number stands for the interval its decimals allow.
"""
from __future__ import annotations

from collections import Counter

import pytest

from conftest import LONGHUA, YANTIAN, report


def _checks(path, rule):
    found = [c for c in report(str(path)).checks if c.rule == rule]
    assert found, f"no check {rule} ran on {path.name}"
    return found


def _one(path, rule, outcome=None):
    found = _checks(path, rule)
    if outcome is not None:
        found = [c for c in found if c.outcome == outcome]
        assert found, f"{rule} on {path.name}: no {outcome} among {[c.outcome for c in _checks(path, rule)]}"
    return found[0]


def _quotes(check) -> str:
    """The evidence quotes, thousands separators dropped (龙华 prints 2068, 盐田 prints 4,272.61)."""
    return " ".join(e.quote for e in check.evidence).replace(",", "")


# ----------------------------------------------------------------------------- contradictions found

def test_contract_staff_rate_26_67_versus_29_03_is_an_error():
    c = _one(YANTIAN, "cross_mention.contract_staff_control_rate", "fail")
    assert c.severity == "error"
    assert c.stated == pytest.approx(26.67)
    # recomputed from 9 编外 and 22 在编: 9 / (22 + 9) = 29.03%
    assert c.recomputed == pytest.approx(9 / 31 * 100, abs=1e-4)
    assert "9 ÷ (22 + 9)" in c.message and "26.67%" in c.message and "29.03%" in c.message
    pages = {e.page for e in c.evidence}
    assert {15, 23} <= pages, pages  # 人员管理情况 (p15) and 存在问题 (p23)
    assert "编外人员控制率为 26.67%" in _quotes(c) and "编外人员控制率为 29.03%" in _quotes(c)
    assert any("编外员额数 9 人" in e.quote for e in c.evidence)
    for e in c.evidence:
        x0, top, x1, bottom = e.bbox
        assert 0 <= x0 < x1 <= 600 and 0 <= top < bottom <= 850


def test_contract_staff_rate_on_duty_base_is_a_warning():
    # 26.67% = 8 / (22 + 8): the report counted staff on duty, the scoring rule names 编外人数
    c = _one(YANTIAN, "ratio.contract_staff_control_rate", "fail")
    assert c.severity == "warning"
    assert "8 ÷ (22 + 8)" in c.message
    # and 存在问题's 29.03% is right by the rule's own base
    assert _one(YANTIAN, "ratio.contract_staff_control_rate", "pass").stated == pytest.approx(29.03)


def test_table2_vehicle_rate_44_03_versus_2_11_over_4_70():
    c = _one(YANTIAN, "table_ratio.表2.公务用车购置及运行维护费")
    assert (c.outcome, c.severity) == ("fail", "error")
    assert c.stated == pytest.approx(44.03)
    assert c.recomputed == pytest.approx(2.11 / 4.70 * 100, abs=1e-4)  # 44.89%
    lo, hi = c.interval
    assert lo == pytest.approx(2.105 / 4.705 * 100) and hi == pytest.approx(2.115 / 4.695 * 100)
    assert all(e.page == 17 for e in c.evidence)
    assert "2.11 ÷ 4.70" in c.message


def test_longhua_second_quarter_progress_50_9_versus_35_71():
    c = _one(LONGHUA, "ratio.quarterly_progress_q2", "fail")
    assert c.severity == "error"
    assert c.stated == pytest.approx(50.9)
    assert c.recomputed == pytest.approx(10442 / 29238 * 100, abs=1e-4)  # 35.71%
    assert "10442" in _quotes(c) and "29238" in _quotes(c)


def test_table_sums_that_do_not_add_up():
    # 表1-4: 201.37 + 7,950.83 + 0.56 + 5.69 + 67.76 + 21.10 = 8,247.31, printed 合计 8,219.95
    c = _one(YANTIAN, "table_sum.表1-4.合计.原值")
    assert (c.outcome, c.severity) == ("fail", "error")
    assert c.recomputed == pytest.approx(8247.31) and c.stated == pytest.approx(8219.95)
    assert len(c.evidence) == 7  # the 合计 cell and its six categories; 其中 rows are not added
    # 表2: 三公 合计 4.79, its parts 0.00 + 4.70 + — = 4.70
    c = _one(YANTIAN, "table_sum.表2.“三公”经费支出合计.全年预算数")
    assert (c.outcome, c.recomputed) == ("fail", pytest.approx(4.70))


def test_procurement_rate_on_adjusted_base_is_a_warning():
    c = _one(YANTIAN, "ratio.procurement_execution_rate", "fail")
    assert c.severity == "warning"
    assert c.recomputed == pytest.approx(2039.49 / 2128.07 * 100, abs=1e-4)


def test_longhua_project_expenditure_stated_twice():
    # 决算情况 says 项目支出 21,835.93; 项目管理 says 项目支出…决算数 23,491.01 (the whole department's)
    c = _one(LONGHUA, "cross_mention.project_expenditure", "fail")
    assert c.severity == "error"
    assert sorted([c.stated, c.recomputed]) == pytest.approx([21835.93, 23491.01])


def test_findings_are_exactly_the_failed_checks():
    for path, errors, warnings in ((YANTIAN, 7, 2), (LONGHUA, 3, 0)):
        r = report(str(path))
        failed = [c for c in r.checks if c.outcome == "fail"]
        assert Counter((f.rule, f.severity) for f in r.findings) == Counter((c.rule, c.severity) for c in failed)
        order = [f.severity for f in r.findings]
        assert order == sorted(order, key=["error", "warning"].index), "most severe first"
        assert (r.n_errors, r.n_warnings) == (errors, warnings), [f.rule for f in r.findings]
        for f in r.findings:
            assert f.message and f.evidence and f.stated is not None and f.recomputed is not None
            assert all(e.quote and e.page >= 1 for e in f.evidence)


# ----------------------------------------------------------------------------- consistent within rounding

@pytest.mark.parametrize("path, rule, stated, parts", [
    (YANTIAN, "ratio.three_public_control_rate", 44.03, ("2.11", "4.79")),  # 44.05% vs 44.03%
    (YANTIAN, "ratio.quarterly_progress_q3", 85.32, ("4272.61", "5008.04")),
    (YANTIAN, "sum.budget_initial", 4755.14, ("1318.82", "3436.31")),  # 4,755.13
    (LONGHUA, "ratio.quarterly_progress_q1", 30.02, ("2068", "6887")),  # 30.0276%
    (LONGHUA, "score.total", 97.89, ()),
])
def test_not_errors(path, rule, stated, parts):
    checks = _checks(path, rule)
    assert all(c.outcome == "pass" for c in checks), [(c.outcome, c.message) for c in checks]
    c = next(c for c in checks if c.stated == pytest.approx(stated))
    lo, hi = c.interval
    slo, shi = c.stated_interval
    assert lo <= shi and slo <= hi
    for p in parts:
        assert p in _quotes(c), (p, _quotes(c))


def test_longhua_total_is_sum_of_three_items():
    c = _one(LONGHUA, "score.total", "pass")
    assert c.recomputed == pytest.approx(25 + 18.89 + 54)


# ----------------------------------------------------------------------------- every passing check, listed

YANTIAN_PASS = """
cross_mention.budget_adjusted cross_mention.budget_execution_rate cross_mention.budget_initial
cross_mention.contract_staff cross_mention.expenditure_actual cross_mention.staff_admin
cross_mention.staff_institution cross_mention.staff_on_payroll difference.budget_adjustment_amount
growth.budget_adjustment_rate ratio.budget_execution_rate ratio.contract_staff_control_rate
ratio.daily_public_control_rate ratio.fixed_asset_utilization_rate ratio.funded_staff_control_rate
ratio.project_execution_rate ratio.quarterly_progress_q1 ratio.quarterly_progress_q2
ratio.quarterly_progress_q3 ratio.quarterly_progress_q4 ratio.quarterly_timing_rate_q1
ratio.quarterly_timing_rate_q2 ratio.quarterly_timing_rate_q3 ratio.quarterly_timing_rate_q4
ratio.three_public_control_rate score.total score.公用经费控制率 score.固定资产利用率 score.编外人员控制率
score.财政供养人员控制率 score.预算执行率 sum.budget_initial sum.three_public_actual
sum.three_public_vehicle_actual sum.three_public_vehicle_budget
table_sum.表1-3.总计.已支付金额 table_sum.表1-3.总计.指标金额 table_sum.表1-3.总计.计划金额
table_sum.表2.“三公”经费支出合计.支出数 table_sum.表2.公务用车购置及运行维护费.全年预算数
table_sum.表2.公务用车购置及运行维护费.支出数
text_vs_table.daily_public_actual text_vs_table.daily_public_budget text_vs_table.daily_public_control_rate
text_vs_table.fixed_asset_utilization_rate text_vs_table.fixed_assets_in_use text_vs_table.fixed_assets_total
text_vs_table.procurement_actual text_vs_table.procurement_adjusted text_vs_table.procurement_execution_rate
text_vs_table.procurement_planned text_vs_table.three_public_actual text_vs_table.three_public_budget
text_vs_table.three_public_control_rate text_vs_table.total_score
table_ratio.表1-3.总计 table_ratio.表1-3.机关办公设备维护费 table_ratio.表1-3.盐田区综合数据平台
table_ratio.表1-3.盐田区政务云资源扩容 table_ratio.表1-3.盐田区智慧城市C端服务一期
table_ratio.表1-4.合计 table_ratio.表1-4.土地、房屋及构筑物 table_ratio.表1-4.通用设备(个、台、辆等)
table_ratio.表1-4.车辆 table_ratio.表1-4.单价100万(含)以上(不含车辆) table_ratio.表1-4.文物和陈列品(个、件等)
table_ratio.表1-4.图书档案(本、套等) table_ratio.表1-4.家具、用具(个、套等) table_ratio.表1-4.特种动植物(个、套等)
table_ratio.表2.“三公”经费支出合计 table_ratio.表2.日常公用经费支出合计
score.range.预算编制合理性 score.range.编外人员控制率 score.range.公用经费控制率 score.range.惠企助企安企
score.range.公众或服务对象满意度 change.年初部门预算收入 change.部门年初预算支出收入
"""

LONGHUA_PASS = """
average.quarterly_timing_rate_avg cross_mention.budget_initial cross_mention.daily_public_actual
cross_mention.daily_public_control_rate cross_mention.procurement_execution_rate
ratio.daily_public_control_rate ratio.procurement_execution_rate ratio.project_execution_rate
ratio.quarterly_progress_q1 ratio.quarterly_progress_q3 ratio.quarterly_progress_q4
ratio.quarterly_timing_rate_q1 ratio.quarterly_timing_rate_q2 ratio.quarterly_timing_rate_q3
ratio.quarterly_timing_rate_q4 ratio.three_public_control_rate score.total sum.budget_initial
sum.expenditure_actual text_vs_table.quarterly_progress_q1 text_vs_table.quarterly_progress_q2
text_vs_table.quarterly_progress_q3 text_vs_table.quarterly_progress_q4 text_vs_table.quarterly_timing_rate_avg
text_vs_table.quarterly_timing_rate_q1 text_vs_table.quarterly_timing_rate_q2
text_vs_table.quarterly_timing_rate_q3 text_vs_table.quarterly_timing_rate_q4
table_ratio.p19.第一季度 table_ratio.p19.第二季度 table_ratio.p19.第三季度 table_ratio.p19.第四季度
score.range.部门决策 score.range.部门管理 score.range.部门绩效
"""


@pytest.mark.parametrize("path, listed", [(YANTIAN, YANTIAN_PASS), (LONGHUA, LONGHUA_PASS)])
def test_every_passing_check_still_runs_and_passes(path, listed, capsys):
    r = report(str(path))
    passed = Counter(c.rule for c in r.checks if c.outcome == "pass")
    want = listed.split()
    missing = [rule for rule in want if passed[rule] == 0]
    assert not missing, f"checks that no longer run or pass on {path.name}: {missing}"
    kinds = Counter(c.kind for c in r.checks)
    with capsys.disabled():
        print(f"\n{path.name}: {len(r.checks)} checks, "
              + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))


def test_insufficient_data_is_kept_not_guessed():
    # 龙华 states 固定资产利用率 and 编外人员控制率 but none of their components
    r = report(str(LONGHUA))
    insufficient = {c.rule for c in r.checks if c.outcome == "insufficient_data"}
    assert {"ratio.fixed_asset_utilization_rate", "ratio.contract_staff_control_rate"} <= insufficient
    assert all(c.recomputed is None for c in r.checks if c.outcome == "insufficient_data")
