"""A failed table check is read again by camelot before it is an error (issue 12 item 5, issue 18)."""
from __future__ import annotations

import pytest

from conftest import YANTIAN
from pipeline.document import CrossCheck


def _audit(monkeypatch, verdict: str | None):
    from pipeline.api import build_report
    from pipeline.check.validate import validate
    from pipeline.read import camelot_check
    from pipeline.read.ingest import load

    asked = []
    if verdict is not None:
        def fake(path, table, reason="check_failed", pages=None):
            asked.append((table.caption, tuple(pages or ())))
            cells = [(i, j) for i, row in enumerate(r for r in table.rows if r.page == pages[0])
                     for j in range(len(row.cells))]  # every cell of the page: the check's too
            return [CrossCheck(page=p, reason=reason, verdict=verdict, ours=(1, 1), camelot=(2, 2),
                               differing_cells=cells) for p in pages]
        monkeypatch.setattr(camelot_check, "second_reading", fake)
    doc = load(YANTIAN)
    report = build_report(doc)
    validate(report, doc)
    return report, asked


def _table_findings(report):
    return {f.rule: f for f in report.findings if f.rule.startswith("table_")}


def test_camelot_agrees_on_the_samples_true_table_errors():
    """The real second reading: camelot sees yantian's 表1-4 and 表2 as we do, so the errors stand
    and the verdicts are kept on the tables."""
    from pipeline.api import build_report
    from pipeline.check.validate import validate
    from pipeline.read.ingest import load

    doc = load(YANTIAN)
    report = build_report(doc)
    validate(report, doc)
    found = _table_findings(report)
    assert found and all(f.severity == "error" for f in found.values())
    verdicts = [c for t in doc.tables for c in t.cross_check if c.reason == "check_failed"]
    assert verdicts and {c.verdict for c in verdicts} == {"agrees"}


def test_another_grid_makes_the_error_a_warning(monkeypatch):
    report, asked = _audit(monkeypatch, "grid_differs")
    assert asked, "camelot was not asked"
    found = _table_findings(report)
    assert found
    for f in found.values():
        assert f.severity == "warning" and f.message.startswith("结构存疑"), f.message


@pytest.mark.parametrize("verdict", ["agrees", "texts_differ"])
def test_the_same_grid_leaves_the_error(monkeypatch, verdict):
    """Other cell texts alone are camelot's own misplacement with some fonts (Noto Sans CJK), not doubt:
    the yantian sample rendered in Noto (tests/test_invariance.py) keeps its errors."""
    report, asked = _audit(monkeypatch, verdict)
    assert asked
    assert all(f.severity == "error" for f in _table_findings(report).values())
