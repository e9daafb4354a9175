"""Coverage (issue 12, item 6): each report says how many checkable statements were checked and
which could not be, with the reason — in the JSON (Report.coverage) and in `audit`'s table; a
report whose checks ended in insufficient_data is never shown as plainly free of contradictions."""
from __future__ import annotations

import json

from conftest import LONGHUA, report
from pipeline.check.validate import validate
from pipeline.document import Source
from pipeline.publish.terminal import print_findings
from pipeline.schema import Indicator, Issuer, Report


def _ind(key: str, value: float, text: str, unit: str = "%", decimals: int = 2) -> Indicator:
    return Indicator(key=key, value=value, unit=unit, raw_text=text, decimals=decimals, page=1,
                     bbox=(0, 0, 1, 1), quote=f"…{text}…")


def _report(*inds: Indicator) -> Report:
    return Report(source=Source(path="x.pdf", sha256="0" * 64, pages=1), issuer=Issuer(), indicators=list(inds))


def test_a_rate_without_its_components_is_listed_as_not_checked_with_the_reason():
    r = validate(_report(_ind("contract_staff_control_rate", 29.03, "29.03%")))
    assert r.coverage is not None
    assert r.coverage.checked == 0
    [nc] = r.coverage.not_checked
    assert nc.what == "编外人员控制率"
    assert "编外人员" in nc.reason and "无法复算" in nc.reason


def test_checked_counts_every_check_that_ran_to_pass_or_fail():
    r = validate(_report(
        _ind("contract_staff_control_rate", 29.03, "29.03%"),
        _ind("contract_staff", 9, "9", unit="人", decimals=0),
        _ind("staff_on_payroll", 22, "22", unit="人", decimals=0),
        _ind("funded_staff_control_rate", 84.62, "84.62%"),  # its components are not stated
    ))
    outcomes = [c.outcome for c in r.checks]
    assert r.coverage.checked == outcomes.count("pass") + outcomes.count("fail") == 1
    assert [nc.what for nc in r.coverage.not_checked] == ["财政供养人员控制率"]
    assert len(r.coverage.not_checked) == outcomes.count("insufficient_data")


def test_coverage_is_in_the_report_json():
    r = validate(_report(_ind("contract_staff_control_rate", 29.03, "29.03%")))
    data = json.loads(r.model_dump_json())
    assert data["coverage"]["checked"] == 0
    assert data["coverage"]["not_checked"][0]["what"] == "编外人员控制率"
    assert data["coverage"]["not_checked"][0]["reason"]


def test_the_table_never_says_no_contradiction_without_what_was_not_checked(capsys):
    r = validate(_report(_ind("contract_staff_control_rate", 29.03, "29.03%")))
    print_findings(r)
    out = capsys.readouterr().out
    assert "覆盖：可复核陈述 1 项，已复核 0 项，未能复核 1 项" in out
    assert "未复核：编外人员控制率" in out
    assert "未发现前后矛盾。" not in out  # the unqualified sentence
    assert "数据不足" in out and "不能据此认为全文无矛盾" in out


def test_a_fully_checked_clean_report_says_so_with_its_coverage(capsys):
    r = validate(_report(
        _ind("contract_staff_control_rate", 29.03, "29.03%"),
        _ind("contract_staff", 9, "9", unit="人", decimals=0),
        _ind("staff_on_payroll", 22, "22", unit="人", decimals=0),
    ))
    assert r.coverage.checked == 1 and r.coverage.not_checked == []
    print_findings(r)
    out = capsys.readouterr().out
    assert "覆盖：可复核陈述 1 项，已复核 1 项，未能复核 0 项" in out
    assert "未发现前后矛盾。" in out


def test_the_longhua_sample_lists_the_rates_it_could_not_recompute(capsys):
    r = report(str(LONGHUA))
    outcomes = [c.outcome for c in r.checks]
    assert r.coverage.checked == outcomes.count("pass") + outcomes.count("fail")
    whats = {nc.what for nc in r.coverage.not_checked}
    # 龙华 states 固定资产利用率 and 财政供养人员控制率 but none of their components
    assert {"固定资产利用率", "财政供养人员控制率"} <= whats
    assert all(nc.reason for nc in r.coverage.not_checked)
    print_findings(r)
    out = capsys.readouterr().out
    assert f"已复核 {r.coverage.checked} 项，未能复核 {len(r.coverage.not_checked)} 项" in out
