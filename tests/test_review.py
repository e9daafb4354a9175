"""The auditor's review of problems lasts (issue 15, item 3): set through `govaudit review set` and
through an edited 问题清单.xlsx (`govaudit review import`), kept across a rerun, a new batch into
the same OUT and a new edition of the file; a problem that disappears is shown as resolved."""
from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest
from click.testing import CliRunner

from conftest import LONGHUA, YANTIAN, require
from pipeline.api import batch as run_batch
from pipeline.cli.main import main
from pipeline.publish.problem_list import HEADERS
from pipeline.run.store import Store


def batch(src, out, **kw):
    """The batch and the exports a review shows in (report.html, slow to draw, is left out)."""
    from pipeline.publish.export import write_exports

    summary = run_batch(src, out, exports=False, **kw)
    write_exports(out, ("csv", "xlsx", "json"))
    return summary


def _sheet(out):
    from openpyxl import load_workbook

    ws = load_workbook(out / "问题清单.xlsx").active
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


def _cli(*args):
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return res


def _by_id(rows):
    return {r[HEADERS["id"]]: r for r in rows}


@pytest.fixture()
def reviewed(tmp_path):
    """A batch of yantian with one problem set 已排除 by command and one 已核实 by the xlsx."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    shutil.copy(require(YANTIAN), src / "yantian.pdf")
    batch(src, out, jobs=1, timeout=None)
    rows = _sheet(out)
    assert len(rows) == 6 and {r[HEADERS["status"]] for r in rows} == {"待核"}
    first, second = rows[0][HEADERS["id"]], rows[1][HEADERS["id"]]

    res = _cli("review", "set", first, "--status", "已排除", "--note", "口径已说明", "-o", str(out))
    assert res.exit_code == 0, res.output

    from openpyxl import load_workbook
    wb = load_workbook(out / "问题清单.xlsx")
    ws = wb.active
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index(HEADERS["id"])].value == second:
            row[header.index(HEADERS["status"])].value = "已核实"
            row[header.index(HEADERS["note"])].value = "与会计核对无误"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    res = _cli("review", "import", str(edited), "-o", str(out))
    assert res.exit_code == 0 and "已导入 1 条" in res.output, res.output  # the one set above is unchanged
    return src, out, first, second


def _assert_reviews(out, first, second):
    rows = _by_id(_sheet(out))
    assert (rows[first][HEADERS["status"]], rows[first][HEADERS["note"]]) == ("已排除", "口径已说明")
    assert (rows[second][HEADERS["status"]], rows[second][HEADERS["note"]]) == ("已核实", "与会计核对无误")
    assert sum(r[HEADERS["status"]] == "待核" for r in rows.values()) == len(rows) - 2
    # the report JSON and the Report loaded from the store (what report.html reads) carry them
    with Store.open(out, create=False) as store:
        sha = next(r["sha256"] for r in store.list_reports() if r["file"] == "yantian.pdf")
        report = store.load_report(sha)
    reviews = {p.id: p.review for p in report.problems}
    assert reviews[first].status == "已排除" and reviews[first].at
    data = json.loads((out / "reports" / "yantian.json").read_text(encoding="utf-8"))
    assert {p["id"]: p["review"]["status"] for p in data["problems"]}[second] == "已核实"


def test_review_survives_a_rerun_and_a_new_batch(reviewed, tmp_path):
    src, out, first, second = reviewed
    _assert_reviews(out, first, second)
    batch(src, out, jobs=1, timeout=None)  # rerun: the file is skipped, the exports rewritten
    _assert_reviews(out, first, second)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(require(LONGHUA), other / "longhua.pdf")
    batch(other, out, jobs=1, timeout=None)  # a new batch into the same OUT
    _assert_reviews(out, first, second)
    assert len(_sheet(out)) == 9  # longhua's three problems added, none lost


def test_bad_review_input_is_refused_in_one_line(reviewed, tmp_path):
    from typing import get_args

    from pipeline.cli.review import STATUSES
    from pipeline.schema import ReviewStatus

    assert STATUSES == get_args(ReviewStatus)
    _, out, first, _ = reviewed
    res = _cli("review", "set", "000000000000", "--status", "已排除", "-o", str(out))
    assert res.exit_code == 2 and "没有这个问题编号" in res.output
    res = _cli("review", "set", first, "--status", "done", "-o", str(out))
    assert res.exit_code == 2
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append([HEADERS["id"], HEADERS["status"], HEADERS["note"]])
    wb.active.append([first, "通过", ""])
    wb.save(tmp_path / "bad.xlsx")
    res = _cli("review", "import", str(tmp_path / "bad.xlsx"), "-o", str(out))
    assert res.exit_code == 2 and "第2行“通过”" in res.output
    assert _by_id(_sheet(out))[first][HEADERS["status"]] == "已排除"  # nothing applied


def test_new_edition_keeps_reviews_and_a_vanished_problem_is_resolved(reviewed):
    import pikepdf

    src, out, first, second = reviewed
    # a new edition of the same file with the same text (new sha256): the same problems, same reviews
    with pikepdf.open(src / "yantian.pdf", allow_overwriting_input=True) as pdf:
        pdf.docinfo["/Title"] = "第二版"
        pdf.save(src / "yantian.pdf")
    batch(src, out, jobs=1, timeout=None)
    rows = _sheet(out)
    assert len(rows) == 6 and {r[HEADERS["present"]] for r in rows} == {"存在"}
    assert first not in _by_id(rows)  # new sha256, new ids
    assert Counter(r[HEADERS["status"]] for r in rows) == {"待核": 4, "已排除": 1, "已核实": 1}
    # the file replaced by a report without these problems: they stay listed, as resolved
    shutil.copy(require(LONGHUA), src / "yantian.pdf")
    batch(src, out, jobs=1, timeout=None)
    rows = _sheet(out)
    resolved = [r for r in rows if r[HEADERS["present"]] == "已解决"]
    assert len(resolved) == 12 and len(rows) == 15  # both editions' six, and longhua's three
    assert {r[HEADERS["status"]] for r in resolved} >= {"已排除", "已核实"}
    assert all(r[HEADERS["district"]] == "盐田区" for r in resolved)
