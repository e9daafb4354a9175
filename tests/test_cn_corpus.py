"""The real budgets of twelve cities (../shared/corpus/cn): every error govaudit raises there is a
true contradiction of the published page, listed here with its numbers and pages; any other error
is false. Out-of-scope files get no error at all."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import assert_only_true_errors, report

CN = Path(os.environ.get("GOVAUDIT_CN_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cn"))
FILES = {p.stem: p for p in sorted(CN.glob("*.pdf"))}
# the 140-page 绩效目标表 runs in bench/ (its own kind: no budget arithmetic), not in the suite
SLOW = {"guangzhou_2026_xiangmu-jixiao-mubiao_716802"}
OUT_OF_SCOPE = {"hangzhou_2025_other-wenjian_c2ceba", "quanzhou_2024_other-han_292cfc",
                "quanzhou_2026_other-tongji_46c4e6"}

# rule -> the printed numbers it rests on, each read by hand on the page (PDF page numbers)
TRUE_ERRORS: dict[str, dict[str, set[str]]] = {
    "hangzhou_2026_bumen-yusuan_be0459": {
        # One unit's figures are in each 汇总 table's 合计 but its row is printed in none (the gaps agree:
        # 1,471.68 in all, 199.00 of it 项目支出, 144.00 公务用车运行维护费). p21-22 表2 收入预算总表:
        # 合计 (and the department's row restating it) 404,415.23 / 400,391.78 / 366,195.79, the eleven
        # unit rows printed add up to 402,943.55 / 398,920.12 / 364,724.13; its 事业收入, 其他收入 and
        # 上年结转 columns do add up (the row cut by the page break, 12,437.3|6, is read whole)
        "table_sum.表2.合计.总计": {"404,415.23", "113,529.06", "27,401.68"},
        "table_sum.表2.合计.本年收入小计": {"400,391.78", "111,332.55", "27,386.46"},
        "table_sum.表2.合计.本年收入一般公共预算": {"366,195.79", "107,490.66", "27,379.26"},
        # p29 表7 “三公”经费预算表: 合计 4,112.82 / 4,011.89 / 2,987.20, but the nine unit rows printed
        # add up to 3,968.82 / 3,867.89 / 2,843.20 (144.00 short in each, 运行维护费 included); its
        # 公务接待费 (100.93) and 购置费 (1,024.69) columns do add up
        "table_sum.表7.合计.“三公”经费合计": {"4,112.82", "887.56", "124.24"},
        "table_sum.表7.合计.公务用车购置及运行费小计": {"4,011.89", "827.56", "120.48"},
        "table_sum.表7.合计.公务用车购置及运行费公务用车运行维护费": {"2,987.20", "724.60", "77.80"},
        # p32-33 表10 项目支出预算表: 合计 106,512.00 and 一般公共预算 77,027.38, the 33 project rows
        # printed add up to 106,313.00 and 76,828.38 (199.00 short in both)
        "table_sum.表10.合计.总计": {"106,512.00", "6,192.04", "229.27"},
        "table_sum.表10.合计.财政拨款收入一般公共预算": {"77,027.38", "3,304.88", "229.27"},
    },
    # (the one other candidate, yantai_47b2d1's 三公 30.62 / 8.22 on p18 against 27.22 / 5.22 in the
    # text, is the table's 2025年预算数 block: its 2026 block prints 27.22 = 22.00 + 0 + 5.22, as the
    # text does; tests/test_cn_budgets.py)
}


def audited(name: str):
    return report(str(FILES[name]))  # conftest.report: each file audited once a session


def test_the_corpus_is_there():
    assert CN.exists(), f"test input missing: {CN}"
    assert len(FILES) == 32 and set(TRUE_ERRORS) <= set(FILES) and OUT_OF_SCOPE <= set(FILES)


@pytest.mark.parametrize("name", sorted(set(FILES) - SLOW))
def test_no_false_error_on_the_cn_corpus(name):
    r = audited(name)
    expected = TRUE_ERRORS.get(name, {})
    errors = [f for f in r.findings if f.severity == "error"]
    if name in OUT_OF_SCOPE:  # no arithmetic check at all, and the coverage says why
        assert r.report_type == "unknown" and not errors
        assert [c.rule for c in r.checks] == ["report_type.out_of_scope"]
        assert r.coverage.checked == 0 and "不是财政报告" in r.coverage.not_checked[0].reason
        return
    assert_only_true_errors(r, expected)

def test_a_performance_targets_file_gets_only_its_own_checks():
    """广州市生态环境局 项目支出绩效目标表 (140 pages): its own kind, only table arithmetic, no error."""
    name = "guangzhou_2026_xiangmu-jixiao-mubiao_716802"
    if name not in FILES:
        pytest.skip("corpus missing")
    r = audited(name)
    assert r.report_type == "performance_targets"
    assert {c.kind for c in r.checks} <= {"table_sum", "table_ratio"}
    assert not [f for f in r.findings if f.severity == "error"]


def test_an_unknown_check_family_fails_at_load_in_one_line(monkeypatch):
    from pipeline.check import validate
    from pipeline.errors import PatternsError
    from pipeline.schema import Report

    real = validate.load_yaml

    def fake(name):
        data = dict(real(name))
        if name == "metadata.yaml":
            data["checks_by_type"] = {"performance_targets": ["table_sums"]}
        return data
    monkeypatch.setattr(validate, "load_yaml", fake)
    r = Report.model_validate({"source": {"path": "x.pdf", "sha256": "0" * 64, "pages": 1}, "issuer": {},
                               "report_type": "performance_targets"})
    with pytest.raises(PatternsError) as e:
        validate.families_for(r)
    assert "checks_by_type.performance_targets" in str(e.value) and "table_sums" in str(e.value)
    assert "\n" not in str(e.value)
