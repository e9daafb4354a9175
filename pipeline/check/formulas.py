"""Formula checks (every `formula` of patterns/indicators.yaml: ratio, sum, difference, growth,
average) and cross-mentions (one quantity stated twice with values that do not overlap)."""
from __future__ import annotations

import itertools

from pipeline.extract.catalog import rules_config
from pipeline.extract.indicators import own_subject
from pipeline.check.core import Context, Value, distinct, fmt_interval, fmt_like, indicator_value, operand, result
from pipeline.check.interval import Formula, Interval
from pipeline.schema import CheckResult

MAX_COMBINATIONS = 32  # combinations of distinct stated values tried per formula


# --------------------------------------------------------------------------------------- formulas
def _combinations(ctx: Context, names: list[str]) -> list[dict[str, Value]]:
    options = [[g[0] for g in distinct(ctx.values[n])] for n in names]
    return [dict(zip(names, combo)) for combo in itertools.islice(itertools.product(*options), MAX_COMBINATIONS)]


def evaluate_all(formula: Formula, ctx: Context) -> list[tuple[Interval, dict[str, Value]]]:
    out = []
    for combo in _combinations(ctx, formula.names):
        try:
            out.append((formula.evaluate({k: v.interval for k, v in combo.items()}), combo))
        except ZeroDivisionError:
            continue
    return out


def _point(formula: Formula, combo: dict[str, Value]) -> float:
    """The formula on the printed values themselves: what a reader recomputes by hand."""
    try:
        return formula.evaluate({k: Interval.exact(v.value) for k, v in combo.items()}).mid
    except ZeroDivisionError:
        return float("nan")


def _pick_formula(ctx: Context, texts: list[str]) -> Formula | None:
    for text in texts:
        f = Formula(text)
        if all(ctx.values.get(n) for n in f.names):
            return f
    return None


def _scope_subjects() -> set[str]:
    from pipeline.extract.catalog import load_yaml

    return set(load_yaml("indicators.yaml").get("scope_subjects", []))


def scope_of(ind) -> str | None:
    """The scope a mention's figure is of (indicators.yaml `scope_subjects`: a fund's), None for the
    report's whole."""
    return ind.subject if ind.subject in _scope_subjects() else None


def scoped(ctx: Context, scope: str | None) -> Context:
    """The context of one scope: only the mentions of that scope (a formula never mixes a fund's
    基本支出 with the department's 年初预算)."""
    values: dict[str, list[Value]] = {}
    for ind, v in zip(ctx.report.indicators, _all_values(ctx)):
        if scope_of(ind) == scope:
            values.setdefault(ind.key, []).append(v)
    return Context(ctx.report, ctx.doc, ctx.cat, values)


def _all_values(ctx: Context) -> list[Value]:
    return [indicator_value(i) for i in ctx.report.indicators]


def formula_checks(ctx: Context) -> list[CheckResult]:
    scopes = sorted({scope_of(i) for i in ctx.report.indicators} - {None})
    results = _formula_checks(scoped(ctx, None), "")
    for scope in scopes:
        results.extend(_formula_checks(scoped(ctx, scope), f"@{scope}", quiet=True))
    return results


def _formula_checks(ctx: Context, suffix: str, quiet: bool = False) -> list[CheckResult]:
    """``suffix`` names a scope other than the whole in the rule; ``quiet``: a formula whose parts
    that scope does not state is not listed as unchecked (the whole's formula is)."""
    results = []
    for key, entry in ctx.cat.entries.items():
        if not entry.formula or key not in ctx.values:
            continue
        formula = _pick_formula(ctx, [entry.formula, *entry.fallback_formulas])
        rule = f"{Formula(entry.formula).kind}.{key}{suffix}"
        if formula is None:
            if quiet:
                continue
            missing = [n for n in Formula(entry.formula).names if not ctx.values.get(n)]
            results.append(result(rule, Formula(entry.formula).kind, "insufficient_data",
                                   f"{entry.label}：报告未给出 {'、'.join(ctx.label(n) for n in missing)}，无法复算",
                                   evidence=[v.evidence for v in ctx.values[key]]))
            continue
        rule = f"{formula.kind}.{key}{suffix}"
        evaluated = evaluate_all(formula, ctx)
        mixed = [name for name in formula.names if _off_phase(ctx, name)]
        if mixed:
            # a component stated of another phase than its quantity's (a 年初预算 against what was
            # spent): the formula's parts are not of one phase, nothing to recompute
            results.append(result(rule, formula.kind, "not_applicable",
                                  f"{entry.label}：{'、'.join(ctx.label(n) for n in mixed)}所述口径（预算/执行）与公式不符，不复算",
                                  evidence=[v.evidence for v in ctx.values[key]]))
            continue
        if not evaluated:
            results.append(result(rule, formula.kind, "not_applicable", f"{entry.label}：分母为零，不适用"))
            continue
        for group in distinct(ctx.values[key]):
            stated = group[0]
            results.append(_check_stated(ctx, key, rule, formula, entry.alternative_formulas, stated, group, evaluated))
    return results


def _off_phase(ctx: Context, name: str) -> bool:
    """Every mention of the component was stated under another phase than its quantity's."""
    from pipeline.extract.indicators import _phase_fits

    entry = ctx.cat.entries.get(name)
    values = ctx.values.get(name, [])
    return bool(entry and entry.phase and values
                and all(v.phase is not None and not _phase_fits(entry.phase, v.phase) for v in values))


def _check_stated(ctx, key, rule, formula, alternatives, stated: Value, group, evaluated) -> CheckResult:
    label = ctx.label(key)
    passing = [(iv, combo) for iv, combo in evaluated if iv.overlaps(stated.interval)]
    best_iv, best_combo = min(passing or evaluated, key=lambda e: abs(e[0].mid - stated.value))
    shown = formula.render({k: v.text for k, v in best_combo.items()}, operand)
    point = _point(formula, best_combo)
    evidence = [v.evidence for v in group] + [v.evidence for v in best_combo.values()]
    common = dict(stated=stated.value, recomputed=round(point, 6), interval=best_iv,
                  stated_interval=stated.interval, evidence=evidence)
    if passing:
        return result(rule, formula.kind, "pass", f"{label} {stated.text} 与复算 {shown} = {fmt_like(point, stated.text)} 一致",
                       **common)
    for alt_text in alternatives:
        alt = Formula(alt_text)
        if not all(ctx.values.get(n) for n in alt.names):
            continue
        for iv, combo in evaluate_all(alt, ctx):
            if iv.overlaps(stated.interval):
                alt_shown = alt.render({k: v.text for k, v in combo.items()}, operand)
                return result(
                    rule, formula.kind, "fail", severity="warning",
                    message=(f"{label}写作 {stated.text}，按评分规则口径 {shown} 应为 {fmt_like(point, stated.text)}；"
                             f"报告实际按另一口径 {alt_shown} = {fmt_like(_point(alt, combo), stated.text)} 计算，口径不一致"),
                    **{**common, "evidence": evidence + [v.evidence for v in combo.values()]})
    return result(rule, formula.kind, "fail", severity="error",
                   message=f"{label}写作 {stated.text}，按报告自身数据复算 {shown} = {fmt_like(point, stated.text)}"
                           f"{fmt_interval(best_iv.lo, best_iv.hi, stated.text)}，超出舍入误差，前后矛盾",
                   **common)


# --------------------------------------------------------------------------------------- cross-mention
def cross_mention_checks(ctx: Context) -> list[CheckResult]:
    """One quantity stated in two places must agree. Two mentions are the same statement only when
    they share the key *and* the subject and phase the sentence gave them (Indicator.subject /
    .phase): the department's 预算执行率 is not compared with a project's, nor a budget figure with
    an actual one. A phase that was not said agrees with any phase."""
    skip = set(rules_config()["cross_mention"].get("skip", []))
    results = []
    by_key: dict[str, list] = {}
    for ind in ctx.report.indicators:
        by_key.setdefault(ind.key, []).append(ind)
    for key, inds in by_key.items():
        if key in skip or len(inds) < 2:
            continue
        for subject, values in statement_sets(inds):
            if len(values) >= 2:
                results.append(_cross_mention(ctx, key, subject, values))
    return results


def statement_sets(inds: list) -> list[tuple[str | None, list[Value]]]:
    """The mentions of one key split into sets that state the same thing: one set per subject,
    and within it one per stated phase (mentions whose phase was not said join every set)."""
    out = []
    subjects: dict[str | None, list] = {}
    for ind in inds:
        subjects.setdefault(ind.subject, []).append(ind)
    for subject, group in subjects.items():
        phases = sorted({i.phase for i in group if i.phase})
        if len(phases) <= 1:
            out.append((subject, [indicator_value(i) for i in group]))
            continue
        for phase in phases:
            out.append((subject, [indicator_value(i) for i in group if i.phase in (phase, None)]))
    return out


def _truncations(values: list[Value], kinds: list[str]) -> str | None:
    """When the table's mentions agree and every text mention that differs from them is the table's
    figure cut at the text's decimals (877,080 元 printed 87.70 万元): what each should have read."""
    import math

    from pipeline.check.budget import truncated

    table = distinct([v for v, k in zip(values, kinds) if k == "table"])
    if len(table) != 1:
        return None
    t = table[0][0]
    notes = []
    for v, k in zip(values, kinds):
        if k == "table" or v.interval.overlaps(t.interval):
            continue
        width = v.interval.hi - v.interval.lo  # the printed precision in 万元 (a figure in 元 included)
        if width <= 0:
            return None  # an exact count: nothing is rounded
        rounded = truncated(v.value, round(-math.log10(width)), t.value)
        if rounded is None:
            return None
        notes.append(f"第{v.evidence.page}页 {v.text} 四舍五入应为 {rounded}")
    return "；".join(dict.fromkeys(notes)) or None


def _cross_mention(ctx: Context, key: str, subject: str | None, values: list[Value]) -> CheckResult:
    groups = distinct(values)
    label = ctx.label(key)
    kinds = ["table" if " | " in v.evidence.quote else "text" for v in values]
    kind = "text_vs_table" if len(set(kinds)) > 1 else "cross_mention"
    entry = ctx.cat.entries.get(key)
    # the entry's own subject is the plain statement; another subject in scope is named in the rule
    rule = f"{kind}.{key}" + (f"@{subject}" if entry and subject and subject != own_subject(entry, ctx.cat) else "")
    if len(groups) == 1:
        return result(rule, kind, "pass", f"{label}在 {len(values)} 处均为 {values[0].text}",
                      stated=values[0].value, evidence=[v.evidence for v in values])
    first, other = groups[0][0], groups[1][0]
    recomputed, interval, extra = other.value, other.interval, []
    own = scoped(ctx, subject if subject in _scope_subjects() else None)  # the recomputation, in the mentions' scope
    formula = _pick_formula(own, [entry.formula, *entry.fallback_formulas]) if entry and entry.formula else None
    how = ""
    if formula is not None:
        evaluated = evaluate_all(formula, own)
        if evaluated:
            iv, combo = evaluated[0]
            point = _point(formula, combo)
            recomputed, interval, extra = round(point, 6), iv, [v.evidence for v in combo.values()]
            how = f"；按 {formula.render({k: v.text for k, v in combo.items()}, operand)} 复算为 {fmt_like(point, first.text)}"
    places = "，".join(f"第{g[0].evidence.page}页写作 {g[0].text}" for g in groups)
    cut = _truncations(values, kinds) if kind == "text_vs_table" else None
    if cut:
        return result(rule, kind, "fail", severity="warning",
                      message=f"“{label}”{places}：正文按截位而非四舍五入列示表中数（{cut}），截位误差，非前后矛盾",
                      stated=first.value, recomputed=other.value, interval=other.interval,
                      stated_interval=first.interval, evidence=[v.evidence for g in groups for v in g])
    return result(rule, kind, "fail", severity="error",
                  message=f"同一指标“{label}”前后数值不一致：{places}{how}",
                  stated=first.value, recomputed=recomputed, interval=interval,
                  stated_interval=first.interval,
                  evidence=[v.evidence for g in groups for v in g] + extra)
