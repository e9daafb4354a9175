"""Stated changes of any subject (issue 24, first part): cross-report references keyed by the
subject when the figure is no catalog indicator, a balanced budget's two implied prior figures,
and figures compared as intervals of their own printed precision and unit.

Data: the real 万里街道 2023 and 2024 部门预算 (../shared/corpus/real), and the 2024 one edited on the
page (tests/test_mutations.py ``mutate``, into tmp_path) so that 财政拨款收入's change reads 867.75
where the 2023 budget's 16497.86 makes it 876.75.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import REAL
from pipeline.check.cross import Facts, Mention, check_pair, contested, department_key, stated_change_checks
from pipeline.check.interval import Interval
from pipeline.extract.references import normalise_subject, subject_before
from pipeline.schema import Reference

W23 = "sh-putuo_wanlijiedao_2023_bumen-yusuan.pdf"
W24 = "sh-putuo_wanlijiedao_2024_bumen-yusuan.pdf"


# ------------------------------------------------------------------------------ subjects

def test_subjects_are_normalised():
    assert normalise_subject("“三公”经费预算数为") == "三公经费预算"  # quotes, 为, the declared synonym
    assert normalise_subject(" 因公出国(境)费") == "因公出国境费"
    text = "2024年，上海市普陀区人民政府万里街道办事处收入预算15621.11万元，其中:财政拨款收入15621.11万元"
    assert subject_before(text, text.rindex("15621.11")) == "财政拨款收入"
    # another year's figure is not a statement of this report's
    t = "2023年当年预算执行数为60.13万元"
    assert subject_before(t, t.index("60.13"), 2024) is None
    assert subject_before("合计:12.5万元", 3) is None  # too short to name a quantity


# ------------------------------------------------------------------------------ item 3: intervals

def test_mention_interval_keeps_the_unit_of_print():
    # "164,978,640" printed in 元 is 16497.864 万元 to ±0.00005 万元 (±0.5 元), not ±0.5 万元
    m = Mention(16497.864, "164,978,640", 10)
    assert m.interval.hi - m.interval.lo == pytest.approx(1e-4)
    assert Mention(16497.864, "164,978,640", 10, decimals=4).interval.lo == pytest.approx(16497.86395)
    assert Mention(22.91, "22.91万元", 3).interval.hi == pytest.approx(22.915)
    # the text's 16497.86 and the table's 164,978,640 元 are one figure, not "多个取值"
    assert not contested([Mention(16497.86, "16497.86", 6), Mention(16497.864, "164,978,640", 10)])
    assert contested([Mention(16497.86, "16497.86", 6), Mention(16497.964, "164,979,640", 10)])
    # a 元 figure apart from the text by 1 元 is apart beyond rounding
    assert not Mention(16497.8650, "164,978,650", 10).interval.overlaps(Mention(16497.864, "164,978,640").interval)


def _facts(sha, year, values=None, statements=None, refs=()):
    return Facts(sha256=sha, file=f"{sha}.pdf", district="普陀区", department=department_key("万里街道办事处"),
                 year=year, report_type="budget", scope="department", values=values or {},
                 statements=statements or {}, references=list(refs))


def _subject_ref(subject, value_text, change_text, sign=-1, year=2023, basis="比2023年预算"):
    return Reference(key=subject, subject=subject, year=year, phase="budget", relation="difference",
                     value=float(value_text), value_text=value_text, change=sign * float(change_text),
                     change_text=change_text, page=6, bbox=(0, 0, 1, 1), quote="…", basis=basis)


def test_subject_reference_against_the_other_reports_statement():
    last = _facts("a", 2023, statements={"财政拨款收入": [Mention(16497.86, "16497.86万元", 6, 2)]},
                  values={"income_total": [Mention(16497.86, "16497.86", 6, 2),
                                           Mention(16497.864, "164,978,640", 10, 4)]})
    good = _facts("b", 2024, refs=[_subject_ref("财政拨款收入", "15621.11", "876.75")])
    (c,) = check_pair(last, good)
    assert c.status == "pass" and c.expected == pytest.approx(16497.86), c.message
    bad = _facts("b", 2024, refs=[_subject_ref("财政拨款收入", "15621.11", "867.75")])
    (c,) = check_pair(last, bad)
    assert (c.status, c.severity) == ("fail", "error")
    assert "16488.86" in c.message and "16497.86" in c.message and "16497.86" in c.quote_b
    # the named report states no such subject: insufficient_data with the reason, never an error
    other = _facts("b", 2024, refs=[_subject_ref("某专项经费", "15621.11", "867.75")])
    (c,) = check_pair(last, other)
    assert c.status == "insufficient_data" and c.severity is None and "未见同一主语" in c.message
    # a report of another year or kind is not the one named: nothing
    assert check_pair(_facts("c", 2022, statements=last.statements), bad) == []
    # the subject stated there with values that are not one figure: which one is meant is in doubt
    two = _facts("a", 2023, statements={"财政拨款收入": [Mention(16497.86, "16497.86万元", 6, 2),
                                                     Mention(12000.0, "12000.00万元", 7, 2)]})
    (c,) = check_pair(two, bad)
    assert (c.status, c.severity) == ("fail", "warning")


# ------------------------------------------------------------------------------ item 2: within one report

class _Ctx:
    def __init__(self, refs):
        from pipeline.schema import Issuer, Report, Source

        self.report = Report(source=Source(path="x.pdf", sha256="0" * 64, pages=1), issuer=Issuer(), year=2024,
                             report_type="budget", references=refs)
        self.doc = None


def _balanced(ref_a, ref_b):
    return [c for c in stated_change_checks(_Ctx([ref_a, ref_b])) if c.rule.startswith("stated_change.balanced")]


def test_balanced_budget_changes_imply_one_prior_figure():
    income = _subject_ref("财政拨款收入", "15621.11", "876.75")
    spend = _subject_ref("财政拨款支出预算", "15621.11", "876.75")
    (c,) = _balanced(income, spend)
    assert c.outcome == "pass"
    (c,) = _balanced(_subject_ref("财政拨款收入", "15621.11", "867.75"), spend)
    assert (c.outcome, c.severity) == ("fail", "error")
    assert "16488.86" in c.message and "16497.86" in c.message and len(c.evidence) == 2
    # 增加 on one side: X − A against X + B
    (c,) = _balanced(_subject_ref("财政拨款收入", "15621.11", "876.75", sign=1), spend)
    assert c.outcome == "fail"
    # the sentences do not both name the year and the phase ("比上年"): not_applicable, never an error
    loose = _subject_ref("财政拨款收入", "15621.11", "867.75", basis="比上年")
    (c,) = _balanced(loose, spend)
    assert c.outcome == "not_applicable" and c.severity is None
    # not one figure (收入 15621.11, 支出 15000.00): no balanced pair; unrelated subjects: none
    assert _balanced(_subject_ref("财政拨款收入", "15000.00", "867.75"), spend) == []
    assert _balanced(_subject_ref("公务接待费", "15621.11", "867.75"), spend) == []


# ------------------------------------------------------------------------------ the real pair

def _batch(folder: Path, out: Path):
    from pipeline import batch

    return batch(folder, out=out, jobs=1, exports=True)


def _rows(out: Path) -> list[dict]:
    with open(out / "cross_checks.csv", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def edited_2024(tmp_path_factory):
    from test_mutations import Mutation, mutate

    m = Mutation(W24, 6, "比2023年预算减少876.75万元；事业收入", "876.75", "867.75", "财政拨款收入's change")
    folder = tmp_path_factory.mktemp("wanli_edited")
    (folder / W23).symlink_to(REAL / W23)
    mutate(REAL / W24, m, folder / W24)
    return folder


def test_real_pair_subject_reference_passes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (W23, W24):
        (folder / name).symlink_to(REAL / name)
    _batch(folder, tmp_path / "out")
    rows = [r for r in _rows(tmp_path / "out") if r["file_a"].endswith(W24)]
    c = next(r for r in rows if r["key"] == "财政拨款收入")
    assert c["status"] == "pass" and float(c["expected"]) == pytest.approx(16497.86), c
    # 16497.86 (text) and 164,978,640 元 (tables) are one figure: the message does not call it contested
    assert not [r for r in _rows(tmp_path / "out") if "多个取值" in r["message"]]
    assert not [r for r in _rows(tmp_path / "out") if r["status"] == "fail"]


def test_real_pair_edited_change_is_an_error_with_both_figures(edited_2024, tmp_path):
    out = tmp_path / "out"
    _batch(edited_2024, out)
    rows = _rows(out)
    (bad,) = [r for r in rows if r["status"] == "fail"]
    assert bad["file_a"].endswith(W24) and bad["key"] == "财政拨款收入" and bad["severity"] == "error", bad
    assert float(bad["stated"]) == pytest.approx(16488.86) and float(bad["expected"]) == pytest.approx(16497.86)
    # the finding in the problem list carries both reports' figures in its evidence
    from pipeline.check.cross import as_check_result
    from pipeline.run.cross import _check_of
    from pipeline.run.store import Store

    with Store.open(out) as store:
        row = store.db.execute("SELECT * FROM cross_checks WHERE status='fail'").fetchone()
        res = as_check_result(_check_of(row), W23)
    quotes = " ".join(e.quote.replace(" ", "") for e in res.evidence)
    assert "867.75" in quotes and "15621.11" in quotes and "16497.86" in quotes, quotes
    assert any(e.sha256 for e in res.evidence)


def test_real_edited_balanced_budget_within_the_report(edited_2024):
    from conftest import report

    r = report(str(edited_2024 / W24))
    (c,) = [c for c in r.checks if c.rule.startswith("stated_change.balanced")]
    assert (c.outcome, c.severity) == ("fail", "error"), c.message
    assert "867.75" in c.message and "876.75" in c.message
    assert any(f.rule == c.rule for f in r.findings)
    # the unedited report: the same pair agrees
    (c,) = [c for c in report(str(REAL / W24)).checks if c.rule.startswith("stated_change.balanced")]
    assert c.outcome == "pass"


def test_dropped_references_are_counted_in_the_coverage():
    from conftest import report

    r = report(str(REAL / W24))
    (n,) = [n for n in r.coverage.not_checked if n.what == "跨报告引用"]
    assert n.reason.startswith("5 处") and "预算安排" in n.reason
