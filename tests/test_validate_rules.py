"""Rule kinds on hand-made reports: each one both passes and fails where it should."""
from __future__ import annotations

from pipeline.document import Source
from pipeline.schema import Issuer, Report, Score
from pipeline.check.validate import validate


def _report(*scores: Score) -> Report:
    return Report(source=Source(path="x.pdf", sha256="0" * 64, pages=1), issuer=Issuer(), scores=list(scores))


def test_item_score_above_its_maximum_is_an_error():
    r = validate(_report(Score(level1="部门决策", level3="预算编制合理性", max_score=5.0, score=5.0, page=1),
                         Score(level1="部门管理", level3="预算执行率", max_score=6.0, score=6.5, page=2, decimals=1)))
    by_rule = {c.rule: c for c in r.checks if c.kind == "score_range"}
    assert by_rule["score.range.预算编制合理性"].outcome == "pass"
    bad = by_rule["score.range.预算执行率"]
    assert (bad.outcome, bad.severity) == ("fail", "error")
    assert "6.5" in bad.message and "6" in bad.message
    assert [f.rule for f in r.findings] == ["score.range.预算执行率"]
    assert r.findings[0].evidence[0].page == 2
