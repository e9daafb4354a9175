"""The command line on real input: JSON shapes, exit codes, the catalog listing."""
from __future__ import annotations

import json
import shutil

from conftest import REAL_FILES, ROOT, run_cli


def test_extract_json_has_spec_keys_and_provenance(tmp_path):
    out = tmp_path / "r.json"
    res = run_cli("extract", str(REAL_FILES["wanlijiedao"]), "-o", str(out))
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data)[:8] == ["source", "issuer", "year", "report_type", "indicators", "scores", "total_score", "findings"]
    assert {k: data["issuer"][k] for k in ("district", "department")} == {"district": "普陀区", "department": "万里街道办事处"}
    assert data["source"]["sha256"] == "20df02bc945c6e3e4a5828da8b68d32c57e67c9d360613537b1b01077aecb1d1"
    ind = next(i for i in data["indicators"] if i["key"] == "institutional_operating_budget" and i["page"] == 29)
    assert ind["value"] == 786.09 and ind["unit"] == "万元" and "786.09" in ind["raw_text"]
    assert "机关运行经费预算为786.09万元" in ind["quote"] and len(ind["bbox"]) == 4
    assert ind["section"] and "机关运行经费" in ind["section"]


def test_extract_document_option_includes_tables(tmp_path):
    res = run_cli("extract", str(REAL_FILES["shehuigongzuobu"]), "--document")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)["document"]
    assert len(doc["pages"]) == 24 and len(doc["tables"]) == 10
    assert doc["tables"][1]["rows"][2]["cells"][1]["text"] == "307.82"


def test_audit_json_and_exit_code():
    res = run_cli("audit", str(REAL_FILES["caizhengju"]), "--format", "json")
    # its one real contradiction (../shared/corpus/real/README.md): 财政拨款收入支出总计 0.3 in the text
    # of p21 against 2,961.68 in the table; exit 1
    assert res.returncode == 1, res.stderr
    data = json.loads(res.stdout)
    assert data["findings"] and len(data["checks"]) > 50
    for f in data["findings"]:
        assert f["severity"] == "error" and f["rule"].endswith("fiscal_grant_total"), f["rule"]
        assert "0.3" in f["message"] and "2,961.68" in f["message"], f["message"]
    assert {c["outcome"] for c in data["checks"]} <= {"pass", "fail", "not_applicable", "insufficient_data"}


def test_audit_table_output_is_readable():
    res = run_cli("audit", str(REAL_FILES["shangwuwei"]))
    assert res.returncode == 0, res.stderr
    assert "普陀区 商务委员会" in res.stdout and "未发现前后矛盾" in res.stdout


def test_patterns_lists_the_catalog():
    res = run_cli("patterns", "--format", "json")
    keys = [i["key"] for i in json.loads(res.stdout)["indicators"]]
    assert "contract_staff_control_rate" in keys and "quarterly_progress_q4" in keys and len(keys) == len(set(keys))


def test_new_wording_is_added_in_patterns_not_code(tmp_path):
    """A department that words 机关运行经费 as '机关日常运转经费' is taught by editing patterns/ only."""
    pats = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", pats)
    text = (pats / "indicators.yaml").read_text(encoding="utf-8")
    text = text.replace("names: ['机关运行经费(?:支出)?(?:决算数?)?']",
                        "names: ['机关运行经费(?:支出)?(?:决算数?)?', '公用经费']")
    (pats / "indicators.yaml").write_text(text, encoding="utf-8")
    before = json.loads(run_cli("extract", str(REAL_FILES["shehuigongzuobu"])).stdout)
    after = json.loads(_run_with_patterns(pats, "extract", str(REAL_FILES["shehuigongzuobu"])).stdout)

    def ops(data):
        return sorted(i["value"] for i in data["indicators"] if i["key"] == "institutional_operating_actual")
    assert ops(before) == [10.23]
    assert ops(after) == [10.23, 10.23]  # "公用经费10.23万元" (p20) now counts too


def _run_with_patterns(pats, *args):
    import os
    import subprocess
    import sys
    env = {**os.environ, "GOVAUDIT_PATTERNS": str(pats)}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)


def test_broken_patterns_folder_is_one_line_exit_2(tmp_path):
    pats = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", pats)
    good = (pats / "indicators.yaml").read_text(encoding="utf-8")
    cases = {
        "unknown kind": (good.replace("kind: vehicles", "kind: cars", 1), "kind 'cars'"),
        "bad regex": (good.replace("names: ['共有车辆'", "names: ['共有(车辆'", 1), "bad regex"),
        "not YAML": (good + "\n  - key: [\n", "not valid YAML"),
    }
    for what, (text, says) in cases.items():
        assert text != good, what
        (pats / "indicators.yaml").write_text(text, encoding="utf-8")
        for args in (("patterns",), ("extract", str(ROOT / "samples" / "longhua_2019.pdf"))):
            res = _run_with_patterns(pats, *args)
            assert res.returncode == 2, (what, args, res.stderr[-300:])
            lines = res.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("govaudit: patterns: ") and says in lines[0], (what, lines)
            assert str(pats) in lines[0]


def test_every_patterns_file_is_installed_with_the_package():
    """A regular (non-editable) install copies patterns/ to <prefix>/share/govaudit/patterns."""
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = data["tool"]["setuptools"]["data-files"]["share/govaudit/patterns"]
    assert sorted(listed) == sorted(f"patterns/{p.name}" for p in (ROOT / "patterns").glob("*.yaml"))
