"""The scoring table: each item's 得分 recomputed from the report's own scoring rule, each item
within its 分值, and the total = Σ items (patterns/rules.yaml)."""
from __future__ import annotations

import itertools

from pipeline.extract.catalog import rules_config
from pipeline.check.core import Context, distinct, fmt, result, verdict
from pipeline.check.formulas import evaluate_all
from pipeline.extract.indicators import clean_label
from pipeline.check.interval import Formula, Interval
from pipeline.schema import CheckResult, Evidence, Score

# --------------------------------------------------------------------------------------- scores
def _band_points(iv: Interval, bands: list[dict]) -> set[float]:
    """Points of every band the interval reaches (one when it sits inside a band)."""
    out = set()
    for b in bands:
        lo = b.get("from", b.get("above", float("-inf")))
        hi = b.get("to", b.get("below", float("inf")))
        lo_open, hi_open = "above" in b, "below" in b
        if (iv.hi > lo or (iv.hi == lo and not lo_open)) and (iv.lo < hi or (iv.lo == hi and not hi_open)):
            out.add(float(b["points"]))
    return out


def _score_value(s: Score) -> Interval | None:
    return None if s.score is None else Interval.printed(s.score, s.decimals)


def _score_evidence(s: Score) -> Evidence:
    return Evidence(page=s.page or 1, bbox=s.bbox or (0, 0, 0, 0), quote=s.quote or "", label=s.level3 or s.level1,
                    value_text=f"{s.score:.{s.decimals}f}" if s.score is not None else None)


def score_checks(ctx: Context) -> list[CheckResult]:
    cfg = rules_config()
    results = []
    scores = ctx.report.scores
    for item in cfg.get("score_items", []):
        row = next((s for s in scores if s.level3 and clean_label(s.level3) == item["item"]), None)
        if row is None or row.score is None:
            continue
        rule = f"score.{item['item']}"
        stated = _score_value(row)
        evidence = [_score_evidence(row)]
        if "formula" in item:
            f = Formula(" ".join(item["formula"].split()))
            if not all(ctx.values.get(n) for n in f.names):
                results.append(result(rule, "score", "insufficient_data", f"“{item['item']}”得分：缺少复算所需指标",
                                       evidence=evidence))
                continue
            options = evaluate_all(f, ctx)
            candidates = [iv for iv, _ in options]
            evidence += [v.evidence for v in options[0][1].values()] if options else []
        else:
            per_part = []
            for part in item["parts"]:
                vals = ctx.values.get(part["indicator"])
                if not vals:
                    per_part = None
                    break
                pts = set()
                for g in distinct(vals):
                    pts |= _band_points(g[0].interval, part["bands"])
                    evidence.append(g[0].evidence)
                per_part.append(sorted(pts))
            if per_part is None:
                results.append(result(rule, "score", "insufficient_data", f"“{item['item']}”得分：缺少复算所需指标",
                                       evidence=evidence))
                continue
            candidates = [Interval.exact(sum(c)) for c in itertools.product(*per_part)]
        ok = [c for c in candidates if c.overlaps(stated)]
        best = (ok or candidates)[0] if candidates else None
        if best is None:
            continue
        results.append(verdict(
            rule, "score", bool(ok), f"“{item['item']}”得分 {fmt(row.score)} 与评分标准复算一致",
            f"“{item['item']}”得分写作 {fmt(row.score)}，按报告自身评分标准和指标值应得 {fmt(best.mid)} 分",
            stated=stated, recomputed=best, evidence=evidence, stated_value=row.score))
    results.extend(_score_total(ctx))
    return results


def _score_total(ctx: Context) -> list[CheckResult]:
    report = ctx.report
    totals = ctx.values.get("total_score", [])
    items = [s for s in report.scores if s.score is not None]
    if not totals or not items:
        return []
    total = Interval.exact(0.0)
    for s in items:
        total = total + _score_value(s)
    results = []
    for g in distinct(totals):
        stated = g[0]
        evidence = [v.evidence for v in g] + [_score_evidence(s) for s in items]
        what = f"{len(items)} 项得分之和"
        results.append(verdict(
            "score.total", "score_total", total.overlaps(stated.interval), f"总分 {stated.text} = {what} {fmt(total.mid)}",
            f"自评总分写作 {stated.text}，而{what}为 {fmt(total.mid)}",
            stated=stated.interval, recomputed=total, evidence=evidence, stated_value=stated.value))
    return results


def score_range_checks(ctx: Context) -> list[CheckResult]:
    """Every item of the scoring table scores between 0 and its 分值 (rules.yaml: score_within_max)."""
    if not rules_config().get("score_within_max"):
        return []
    results = []
    for s in ctx.report.scores:
        if s.score is None or s.max_score is None:
            continue
        name = s.level3 or s.level2 or s.level1
        rule = f"score.range.{name}"
        stated = _score_value(s)
        common = dict(stated=s.score, recomputed=s.max_score, interval=Interval(0.0, s.max_score),
                      stated_interval=stated, evidence=[_score_evidence(s)])
        if 0 <= stated.hi and stated.lo <= s.max_score:
            results.append(result(rule, "score_range", "pass", f"“{name}”得分 {fmt(s.score)} 在 0～{fmt(s.max_score)} 分之间",
                                   **common))
        else:
            results.append(result(rule, "score_range", "fail", severity="error",
                                   message=f"“{name}”得分 {fmt(s.score)} 超出该项分值 {fmt(s.max_score)} 分", **common))
    return results
