"""Checks between the reports of a batch (issue 17): who is who, figures a report states about
another year's report, figures two reports of one year both state; incremental from the store.

Data: the real 万里街道 2023 and 2024 部门预算 (../shared/corpus/real) and four short reports of our own
(tests/data/cross/README.md lists their planted contradictions and rounding traps, found by hand).
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REAL, ROOT
from pipeline.check.cross import Facts, Mention, check_pair, department_key, match
from pipeline.schema import Reference


# ------------------------------------------------------------------------------ who is who

def test_department_names_are_normalised():
    assert department_key("中共上海市普陀区委社会工作部") == department_key("区委社会工作部")
    assert department_key("上海市普陀区人民政府万里街道办事处") == "万里街道办事处"
    assert department_key("万里街道办事处") == "万里街道办事处"
    assert department_key("司法局") != department_key("财政局")


def _facts(sha, year, rtype, dept="万里街道办事处", district="普陀区", scope="department", values=None, refs=()):
    return Facts(sha256=sha, file=f"{sha}.pdf", district=district, department=department_key(dept), year=year,
                 report_type=rtype, scope=scope, values=values or {}, references=list(refs))


def test_match_rules():
    a, b = _facts("a", 2023, "budget"), _facts("b", 2024, "budget")
    assert match(a, b) == "strict"
    assert match(a, _facts("c", 2024, "budget", district=None)) == "loose"
    assert match(a, _facts("d", 2024, "budget", district="静安区")) is None
    assert match(a, _facts("e", 2024, "budget", scope="unit")) is None, "部门 and 单位 budgets cover different units"
    assert match(a, _facts("f", 2024, "budget", dept="司法局")) is None


def _ref(key, year, value_text, change_text="", sign=1, phase="budget"):
    value = float(value_text.replace("万元", ""))
    change = sign * float(change_text) if change_text else 0.0
    return Reference(key=key, year=year, phase=phase, relation="difference", value=value, value_text=value_text,
                     change=change, change_text=change_text, page=3, bbox=(0, 0, 1, 1), quote="…")


def test_reference_interval_rule():
    last = _facts("a", 2023, "budget", values={"three_public_budget": [Mention(36.8, "36.80万元", 2)],
                                               "three_public_reception_budget": [Mention(2.3, "2.30万元", 2)]})
    refs = [_ref("three_public_budget", 2023, "41.2万元", "4.4"),              # [36.70, 36.90] holds 36.80
            _ref("three_public_reception_budget", 2023, "1.85万元", "0.5", -1)]  # [2.295, 2.405] holds 2.30
    this = _facts("b", 2024, "budget", refs=refs)
    results = check_pair(last, this)
    assert [r.status for r in results] == ["pass", "pass"], [r.message for r in results]
    wrong = _facts("b", 2024, "budget", refs=[_ref("three_public_budget", 2023, "41.2万元", "3.4")])
    (r,) = check_pair(last, wrong)
    assert (r.status, r.severity, r.a, r.b) == ("fail", "error", "b", "a")
    assert "37.8" in r.message and "36.80" in r.message
    # the other year's report must be of the kind named: a 决算 is not checked against a 预算
    final = _facts("c", 2023, "final_accounts", values=last.values)
    assert check_pair(final, this) == []


def test_loose_match_is_never_an_error():
    last = _facts("a", 2023, "budget", district=None, values={"three_public_budget": [Mention(36.8, "36.80", 2)]})
    this = _facts("b", 2024, "budget", refs=[_ref("three_public_budget", 2023, "41.2万元", "3.4")])
    (r,) = check_pair(last, this)
    assert (r.status, r.severity, r.match) == ("fail", "warning", "loose")


# ------------------------------------------------------------------------------ end to end

def _batch(folder: Path, out: Path):
    from pipeline import batch

    return batch(folder, out=out, jobs=1, exports=True)


def _cross_csv(out: Path) -> list[dict]:
    with open(out / "cross_checks.csv", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


# own_reports (the PDFs of tests/data/cross, rendered once a session): tests/conftest.py


def test_real_pair_wanli_2023_2024(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for year in (2023, 2024):
        name = f"sh-putuo_wanlijiedao_{year}_bumen-yusuan.pdf"
        (folder / name).symlink_to(REAL / name)
    summary = _batch(folder, tmp_path / "out")
    assert summary.cross["pairs"] == 1
    rows = _cross_csv(tmp_path / "out")
    by_key = {r["key"]: r for r in rows if r["file_a"].endswith("2024_bumen-yusuan.pdf")}
    # "2024年“三公”经费预算数为47.91万元，比2023年预算增加25万元": 2023 says 22.91
    for key, expected in {"three_public_budget": 22.91, "three_public_vehicle_budget": 21.56,
                          "three_public_vehicle_purchase_budget": 0.0, "three_public_reception_budget": 1.35,
                          "three_public_travel_budget": 0.0}.items():
        assert by_key[key]["status"] == "pass", by_key[key]
        assert float(by_key[key]["expected"]) == pytest.approx(expected)
        assert by_key[key]["year_b"] == "2023" and by_key[key]["match"] == "strict"
    assert not [r for r in rows if r["status"] == "fail"], [r["message"] for r in rows if r["status"] == "fail"]


def test_own_reports_planted_and_traps(own_reports, tmp_path):
    out = tmp_path / "out"
    summary = _batch(own_reports, out)
    assert summary.ok == 4
    rows = _cross_csv(out)
    failed = sorted((r["file_a"], r["key"], r["severity"]) for r in rows if r["status"] == "fail")
    assert failed == [
        ("qinglan_2024_budget.pdf", "three_public_vehicle_budget", "error"),           # 39.35 − 3.85 ≠ 34.50
        ("qinglan_2024_budget.pdf", "three_public_vehicle_purchase_budget", "error"),  # 4.00 − 3.00 ≠ 0
        ("qinglan_2024_selfeval.pdf", "three_public_reception_actual", "error"),       # 1.26 vs the 决算's 1.62
    ], failed
    passed = {(r["file_a"], r["key"], r["file_b"]) for r in rows if r["status"] == "pass"}
    # the rounding traps pass
    assert ("qinglan_2024_budget.pdf", "three_public_budget", "qinglan_2023_budget.pdf") in passed
    assert ("qinglan_2024_budget.pdf", "three_public_reception_budget", "qinglan_2023_budget.pdf") in passed
    assert ("qinglan_2024_selfeval.pdf", "three_public_actual", "qinglan_2024_final.pdf") in passed
    assert ("qinglan_2024_budget.pdf", "three_public_budget", "qinglan_2024_final.pdf") in passed
    assert ("qinglan_2024_budget.pdf", "three_public_vehicle_operation_budget", "qinglan_2023_budget.pdf") in passed


def test_a_new_report_computes_only_its_own_pairs(own_reports, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("qinglan_2023_budget.pdf", "qinglan_2024_budget.pdf"):
        (folder / name).symlink_to(own_reports / name)
    out = tmp_path / "out"
    first = _batch(folder, out)
    assert first.cross["pairs"] == 1
    import sqlite3

    with sqlite3.connect(out / "govaudit.sqlite") as db:
        before = db.execute("SELECT computed_at FROM cross_pairs").fetchall()
    (folder / "qinglan_2024_final.pdf").symlink_to(own_reports / "qinglan_2024_final.pdf")
    second = _batch(folder, out)
    assert second.processed == 1 and second.cross["pairs"] == 2, second.cross  # final with each budget
    with sqlite3.connect(out / "govaudit.sqlite") as db:
        assert db.execute("SELECT count(*) FROM cross_pairs").fetchone()[0] == 3
        assert set(before) <= set(db.execute("SELECT computed_at FROM cross_pairs").fetchall())
    assert _batch(folder, out).cross["pairs"] == 0  # a rerun computes nothing


def test_audit_with_folder(own_reports, tmp_path):
    others = tmp_path / "others"
    others.mkdir()
    (others / "qinglan_2023_budget.pdf").symlink_to(own_reports / "qinglan_2023_budget.pdf")
    exe = Path(sys.executable).with_name("govaudit")
    res = subprocess.run([str(exe), "audit", str(own_reports / "qinglan_2024_budget.pdf"), "--format", "json",
                          "--with", str(others)], capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert res.returncode == 1, res.stderr[-500:]
    data = json.loads(res.stdout)
    cross = [f for f in data["findings"] if f["rule"].startswith("cross.")]
    assert sorted(f["rule"] for f in cross) == ["cross.change.three_public_vehicle_budget.2023",
                                                "cross.change.three_public_vehicle_purchase_budget.2023"]
    assert any(e.get("sha256") for f in cross for e in f["evidence"]), "the other report is named in the evidence"
    passes = [c for c in data["checks"] if c["kind"] == "cross_report" and c["outcome"] == "pass"]
    assert len(passes) >= 3


def test_cross_problems_in_the_problem_list_with_review(own_reports, tmp_path):
    out = tmp_path / "out"
    _batch(own_reports, out)
    with open(out / "findings.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    cross = [r for r in rows if "2023年预算" in r["说明"] or "决算（" in r["说明"] or "不一致" in r["说明"]
             and "qinglan_2024_final.pdf" in r["说明"]]
    files = sorted(r["文件"] for r in cross)
    assert files == ["qinglan_2024_budget.pdf", "qinglan_2024_budget.pdf", "qinglan_2024_selfeval.pdf"], files
    assert all(r["严重程度"] == "错误" and r["状态"] == "待核" for r in cross)
    # the auditor's review of a cross-report problem lasts like any other
    pid = cross[0]["编号"]
    exe = Path(sys.executable).with_name("govaudit")
    res = subprocess.run([str(exe), "review", "set", pid, "--status", "已核实", "--note", "两年口径一致，确有差错",
                          "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    _batch(own_reports, out)
    with open(out / "findings.csv", encoding="utf-8-sig") as f:
        again = {r["编号"]: r for r in csv.DictReader(f)}
    assert again[pid]["状态"] == "已核实" and again[pid]["备注"] == "两年口径一致，确有差错"
