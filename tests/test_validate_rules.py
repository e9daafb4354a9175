"""Rule kinds on hand-made reports: each one both passes and fails where it should."""
from __future__ import annotations

from pipeline.document import Source
from pipeline.schema import Indicator, Issuer, Report, Score
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


def _quarters(*rates: float) -> list[Indicator]:
    return [Indicator(key=f"quarterly_progress_q{i}", value=v, unit="%", raw_text=f"{v:.2f}%", decimals=2, page=1,
                      bbox=(0, 0, 1, 1), quote=f"第{i}季度支出进度{v:.2f}%") for i, v in enumerate(rates, 1)]


def _score_check(*, max_score: float | None, score: float, decimals: int = 1):
    r = Report(source=Source(path="x.pdf", sha256="0" * 64, pages=1), issuer=Issuer(),
               indicators=_quarters(22.15, 47.80, 70.36, 96.02),
               scores=[Score(level1="过程", level3="预算执行率", max_score=max_score, score=score, page=1,
                             decimals=decimals)])
    r = validate(r)
    return next(c for c in r.checks if c.rule == "score.预算执行率"), r


def test_formula_score_item_on_another_scale_is_not_applicable():
    """The 预算执行率 rule (quarterly, full marks 6) does not apply to an item of 分值 10 scored by
    the report's own standard ("得分=预算执行率×指标分值"): no error, whatever the quarters say."""
    check, r = _score_check(max_score=10.0, score=9.6)
    assert check.outcome == "not_applicable" and "10" in check.message
    assert not [f for f in r.findings if f.rule.startswith("score.预算执行率")]


def test_formula_score_item_on_its_own_scale_is_recomputed():
    # 22.15/25 + 47.80/50 + 70.36/75 + 96.02/100 = 3.7403…; + 2 × 3.7403/4 = 5.61
    ok, _ = _score_check(max_score=6.0, score=5.61, decimals=2)
    assert ok.outcome == "pass", ok.message
    bad, r = _score_check(max_score=6.0, score=6.0, decimals=0)
    assert (bad.outcome, bad.severity) == ("fail", "error")
    assert "score.预算执行率" in [f.rule for f in r.findings]


def test_formula_score_item_without_a_read_max_fails_only_as_a_warning():
    check, _ = _score_check(max_score=None, score=6.0, decimals=0)
    assert (check.outcome, check.severity) == ("fail", "warning") and "分值" in check.message


def test_every_formula_score_item_states_its_full_marks():
    from pipeline.extract.catalog import rules_config
    for item in rules_config()["score_items"]:
        if "formula" in item:
            assert float(item["max_points"]) > 0, item["item"]
