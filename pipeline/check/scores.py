"""The scoring table: each item's 得分 recomputed from the report's own scoring rule, each item
within its 分值, and the total = Σ items (patterns/rules.yaml)."""
from __future__ import annotations

import itertools

from pipeline.extract.catalog import rules_config
from pipeline.check.core import Context, distinct, fmt, fmt_like, result, verdict
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


def _full_marks(item: dict) -> float | None:
    """The points a score rule gives at most (its `max_points`, else the best band of each part);
    None for a formula item without `max_points` (such an item is never applied)."""
    if "max_points" in item:
        return float(item["max_points"])
    if "parts" in item:
        return sum(max(float(b["points"]) for b in part["bands"]) for part in item["parts"])
    return None


def _score_value(s: Score) -> Interval | None:
    """A score as an interval. Points printed whole or in halves without further decimals ("4",
    "3.5") are points awarded, exact like a head count; a score printed to more decimals ("4.73",
    "5.00") may be a rounded computation and stands for its rounding interval."""
    if s.score is None:
        return None
    if s.decimals == 0 or (s.decimals == 1 and float(s.score * 2).is_integer()):
        return Interval.exact(s.score)
    return Interval.printed(s.score, s.decimals)


def _score_text(s: Score) -> str:
    """A score as printed (its decimals)."""
    return f"{s.score:.{s.decimals}f}"


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
        full = _full_marks(item)
        if full is None:
            # a rule that does not state its full marks cannot tell whether the report uses its scheme
            results.append(result(rule, "score", "not_applicable",
                                  f"“{item['item']}”得分：评分规则未给出满分，无法确认本报告采用同一评分标准",
                                  evidence=evidence))
            continue
        if row.max_score is not None and abs(row.max_score - full) > 1e-9:
            # the report scores this item on a scale of its own: the rule is another scheme's
            results.append(result(rule, "score", "not_applicable",
                                  f"“{item['item']}”得分：本报告该项分值 {fmt(row.max_score)} 分，"
                                  f"评分规则按 {fmt(full)} 分计，评分标准不同", evidence=evidence))
            continue
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
        res = verdict(
            rule, "score", bool(ok), f"“{item['item']}”得分 {_score_text(row)} 与评分标准复算一致",
            f"“{item['item']}”得分写作 {_score_text(row)}，按报告自身评分标准和指标值应得 {fmt_like(best.mid, _score_text(row))} 分",
            stated=stated, recomputed=best, evidence=evidence, stated_value=row.score)
        if res.outcome == "fail" and row.max_score is None:
            # the item's 分值 was not read: the report may score it on a scale of its own
            res.severity = "warning"
            res.message = f"结构存疑：{res.message}；评分表未读出该项分值，无法确认按 {fmt(full)} 分的评分标准计分"
        results.append(res)
    results.extend(_score_total(ctx))
    return results


def _score_total(ctx: Context) -> list[CheckResult]:
    """Total = Σ item scores. Decisive (an error when it fails) only where the table as read is
    whole: its items' 分值 add up to the table's own 分值 total (the printed 合计, else 100). When
    they do not, rows were lost or split in reading (a page break, a merged cell), so a shortfall
    may be ours: the failure is a warning that says so (结构存疑)."""
    report = ctx.report
    totals = ctx.values.get("total_score", [])
    items = [s for s in report.scores if s.score is not None]
    if not totals or not items:
        return []
    total = Interval.exact(0.0)
    for s in items:
        total = total + _score_value(s)
    doubt = _structure_doubt(report)
    results = []
    for g in distinct(totals):
        stated = g[0]
        evidence = [v.evidence for v in g] + [_score_evidence(s) for s in items]
        what = f"{len(items)} 项得分之和"
        res = verdict(
            "score.total", "score_total", total.overlaps(stated.interval), f"总分 {stated.text} = {what} {fmt(total.mid)}",
            f"自评总分写作 {stated.text}，而{what}为 {fmt(total.mid)}",
            stated=stated.interval, recomputed=total, evidence=evidence, stated_value=stated.value)
        if res.outcome == "fail" and doubt:
            res.severity = "warning"
            res.message = f"结构存疑：{res.message}；{doubt}"
        results.append(res)
    return results


FULL_MARKS = 100.0  # the 分值 total of a scoring table that prints none


def _structure_doubt(report) -> str | None:
    """Why the scoring table as read may not hold every item, or None when it does: Σ 分值 of the
    items read against the table's own 分值 total, and items read without a 得分."""
    printed = next((i.components["分值合计"] for i in report.indicators
                    if i.key == "total_score" and "分值合计" in i.components), None)
    want = FULL_MARKS if printed is None else printed
    rows = [s for s in report.scores if s.max_score is not None]
    if not rows:
        return "评分表未读出各项分值，无法确认各项齐全"
    got = sum(s.max_score for s in rows)
    if abs(got - want) > 0.005 * len(rows):     # 分值 are printed to 2 decimals at most
        where = "表中分值合计" if printed is not None else "满分"
        return (f"读出的 {len(rows)} 项分值之和为 {fmt(got)}，与{where} {fmt(want)} 不符，"
                f"可能有行在分页处丢失或被拆分")
    unscored = [s for s in rows if s.score is None]
    if unscored:
        return f"{len(unscored)} 项未读出得分（{'、'.join(s.level3 or s.level2 or s.level1 or '?' for s in unscored[:3])}）"
    return None


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
            results.append(result(rule, "score_range", "pass", f"“{name}”得分 {_score_text(s)} 在 0～{fmt(s.max_score)} 分之间",
                                   **common))
        else:
            results.append(result(rule, "score_range", "fail", severity="error",
                                   message=f"“{name}”得分 {_score_text(s)} 超出该项分值 {fmt(s.max_score)} 分", **common))
    return results
