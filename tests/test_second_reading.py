"""A failed table check is read again, from the page image, before it is an error (issue 12 item 5,
issue 18): pipeline/read/image_grid.py and pipeline/check/second_reading.py."""
from __future__ import annotations

import pytest

from conftest import REAL_FILES, ROOT, YANTIAN, require
from pipeline.document import CrossCheck


def _audit(monkeypatch, verdict: str | None):
    from pipeline.api import build_report
    from pipeline.check.validate import validate
    from pipeline.read import image_grid
    from pipeline.read.ingest import load

    asked = []
    if verdict is not None:
        def fake(path, table, reason="check_failed", pages=None, read=None):
            asked.append((table.caption, tuple(pages or ())))
            return [CrossCheck(page=p, reason=reason, reader="page_image", verdict=verdict, ours=(1, 1),
                               other=(2, 2)) for p in pages]
        monkeypatch.setattr(image_grid, "second_reading", fake)
    doc = load(YANTIAN)
    report = build_report(doc)
    validate(report, doc)
    return report, asked, doc


def _table_findings(report):
    return {f.rule: f for f in report.findings if f.rule.startswith("table_")}


def test_the_page_image_agrees_on_the_samples_true_table_errors():
    """The real second reading: the page images show yantian's tables as we read them, so the
    errors stand (表1-4 固定资产 合计, 表2 …: written in tests/test_problems.py) and the verdicts are
    kept on the tables."""
    report, _, doc = _audit(None, None)
    found = _table_findings(report)
    assert found and all(f.severity == "error" for f in found.values())
    verdicts = [c for t in doc.tables for c in t.cross_check if c.reason == "check_failed"]
    assert verdicts and {(c.reader, c.verdict) for c in verdicts} == {("page_image", "agrees")}
    assert all(c.ours == c.other for c in verdicts)
    # and in the report, on each failed table check (its JSON: checks[].second_reading)
    failed = [c for c in report.checks if c.outcome == "fail" and c.kind.startswith("table_")]
    assert failed and all(c.second_reading and {v.verdict for v in c.second_reading} == {"agrees"} for c in failed)
    assert '"second_reading":[{"page":14,"reason":"check_failed","verdict":"agrees","reader":"page_image"' in \
        report.model_dump_json()


def test_another_grid_makes_the_error_a_warning(monkeypatch):
    report, asked, _ = _audit(monkeypatch, "grid_differs")
    assert asked, "the page image was not asked"
    found = _table_findings(report)
    assert found
    for f in found.values():
        assert f.severity == "warning" and f.message.startswith("结构存疑"), f.message
        assert "页面图像" in f.message


@pytest.mark.parametrize("verdict", ["agrees", "not_found"])
def test_the_same_grid_or_none_leaves_the_error(monkeypatch, verdict):
    report, asked, _ = _audit(monkeypatch, verdict)
    assert asked
    assert all(f.severity == "error" for f in _table_findings(report).values())


def test_the_audit_does_not_import_camelot(monkeypatch):
    """The second reading of yantian's three failed table checks needs neither camelot nor pandas
    (issue 18: their import was more than the rest of an audit)."""
    import subprocess
    import sys

    code = ("import sys; from pipeline.api import audit; audit(sys.argv[1]); "
            "print(sorted(m for m in ('camelot', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(YANTIAN)], capture_output=True, text=True, cwd=ROOT,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


# ----------------------------------------------------------------------------- the reading itself

def _table(path, caption_start: str):
    from pipeline.read.ingest import load

    doc = load(path, cross_check=False, ocr="never")
    return next(t for t in doc.tables if (t.caption or "").startswith(caption_start))


def test_a_merged_column_in_our_reading_is_seen():
    """表1-4 (p14) has a header and 15 rows in four columns; a reading that lost the rule between 原值 and 其中:在用
    (their cells merged) is not what the page shows."""
    from pipeline.read.image_grid import second_reading

    t = _table(YANTIAN, "表1-4")
    (v,) = second_reading(str(YANTIAN), t.model_copy(deep=True))
    assert (v.page, v.reader, v.verdict, v.ours, v.other) == (14, "page_image", "agrees", (16, 4), (16, 4))
    merged = t.model_copy(deep=True)
    for row in merged.rows:
        a, b = row.cells[1], row.cells[2]
        a.text, a.bbox = a.text + b.text, (a.bbox[0], a.bbox[1], b.bbox[2], b.bbox[3])
        del row.cells[2]
    (v,) = second_reading(str(YANTIAN), merged)
    assert (v.verdict, v.ours, v.other) == ("grid_differs", (16, 3), (16, 4))
    assert merged.cross_check == [v]


def test_character_strokes_are_not_rules():
    """caizhengju p5 (real): the 所 of 财政所 above the 心 of 收付中心 line up across a row rule
    into a run as long as a short column rule; with the glyphs taken out of the image the page
    shows the 4 × 3 list we read (camelot too)."""
    from pipeline.read.image_grid import second_reading

    path = require(REAL_FILES["caizhengju"])
    from pipeline.read.ingest import load

    t = next(t for t in load(path, cross_check=False, ocr="never").tables if t.page == 5)
    (v,) = second_reading(str(path), t.model_copy(deep=True))
    assert (v.verdict, v.ours, v.other) == ("agrees", (4, 3), (4, 3))


def test_lattices_from_rules():
    """Joints, groups and a row left open at a page break (Chromium draws no rule under the last
    row of a page: the column rules end together below the last row rule)."""
    from pipeline.read.image_grid import lattices

    hs = [(100, 100, 400, 100), (100, 120, 400, 120), (100, 140, 400, 140)]
    vs = [(100, 100, 100, 200), (250, 100, 250, 200), (400, 100, 400, 200)]
    (t,) = lattices(hs, vs)
    assert t.shape == (3, 2) and t.ys == [100, 120, 140, 200]
    # a second table further down, not touching the first, is its own lattice
    hs2 = hs + [(100, 300, 300, 300), (100, 330, 300, 330)]
    vs2 = [(100, 100, 100, 140), (250, 100, 250, 140), (400, 100, 400, 140),
           (100, 300, 100, 330), (200, 300, 200, 330), (300, 300, 300, 330)]
    a, b = lattices(hs2, vs2)
    assert (a.shape, b.shape) == ((2, 2), (1, 2))
    # one rule ending short is not an open row
    vs3 = [(100, 100, 100, 140), (250, 100, 250, 190), (400, 100, 400, 140)]
    (t,) = lattices(hs, vs3)
    assert t.shape == (2, 2)


def test_no_verdict_where_the_image_cannot_be_compared(tmp_path):
    """A page with /Rotate (its image and our coordinates are turned against each other) and a
    file pdfium cannot open give no verdict: the error stands, as it would without a second
    reading."""
    import pikepdf

    from pipeline.read.image_grid import second_reading

    t = _table(YANTIAN, "表1-4")
    turned = tmp_path / "turned.pdf"
    with pikepdf.open(YANTIAN) as pdf:
        pdf.pages[13].Rotate = 90
        pdf.save(turned)
    fresh = t.model_copy(deep=True)
    assert second_reading(str(turned), fresh) == [] and fresh.cross_check == []
    assert second_reading(str(ROOT / "README.md"), fresh) == [] and fresh.cross_check == []


def test_a_file_rewritten_under_the_same_name_is_read_anew(tmp_path):
    """Nothing of one document's page images outlives its check (a long-lived process audits a
    file, the file is replaced, the process audits it again)."""
    import shutil

    import pikepdf

    from pipeline.read.image_grid import second_reading

    t = _table(YANTIAN, "表1-4")
    path = tmp_path / "report.pdf"
    shutil.copy(YANTIAN, path)
    assert [v.verdict for v in second_reading(str(path), t.model_copy(deep=True))] == ["agrees"]
    with pikepdf.open(YANTIAN) as pdf:
        pdf.pages[13].Rotate = 90
        pdf.save(path)
    assert second_reading(str(path), t.model_copy(deep=True)) == []
