"""The validator: execute the checks declared in patterns/ over a report and its document.

Every check ends pass, fail, not_applicable or insufficient_data, and all are kept in
``report.checks``; each fail becomes a finding (``error``: a contradiction beyond rounding;
``warning``: an ambiguity, such as a rate computed on another base than the scoring rule names).
Numbers are intervals (pipeline.interval): a check passes when the recomputed interval overlaps
the stated one.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from .catalog import Catalog, catalog, rules_config
from .document import Document, Row, Table
from .extractors import clean_label, column_titles
from .interval import Formula, Interval
from .numbers import parse_number
from .schema import CheckResult, Evidence, Finding, Indicator, Report, Score
from .tables import is_numeric, row_label

MAX_COMBINATIONS = 32


# --------------------------------------------------------------------------------------- values
@dataclass
class Value:
    """A number the checks can use: its interval, and where it was printed."""

    interval: Interval
    value: float
    text: str
    evidence: Evidence


def indicator_value(ind: Indicator) -> Value:
    exact = ind.unit in catalog().exact_units
    return Value(Interval.printed(ind.value, ind.decimals, exact), ind.value, ind.raw_text,
                 Evidence(page=ind.page, bbox=ind.bbox, quote=ind.quote, label=ind.key, value_text=ind.raw_text))


def distinct(values: list[Value]) -> list[list[Value]]:
    """Group mentions that agree (overlapping intervals); each group is one stated value."""
    groups: list[list[Value]] = []
    for v in values:
        for g in groups:
            if g[0].interval.overlaps(v.interval):
                g.append(v)
                break
        else:
            groups.append([v])
    return groups


def fmt_like(x: float, text: str) -> str:
    """``x`` printed the way the report printed the stated value: its decimals (at least two
    for a rate) and its % sign, so 29.032258 beside "26.67%" reads 29.03%."""
    if x is None or x != x:
        return "—"
    m = re.search(r"\.(\d+)", text or "")
    d = len(m.group(1)) if m else 0
    if "%" in (text or ""):
        return f"{x:,.{max(d, 2)}f}%"
    return f"{x:,.{max(d, 2)}f}"


def fmt(x: float) -> str:
    if x is None:
        return "—"
    s = f"{x:,.4f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


@dataclass
class Context:
    report: Report
    doc: Document | None
    cat: Catalog
    values: dict[str, list[Value]] = field(default_factory=dict)

    @classmethod
    def of(cls, report: Report, doc: Document | None) -> "Context":
        ctx = cls(report, doc, catalog())
        for ind in report.indicators:
            ctx.values.setdefault(ind.key, []).append(indicator_value(ind))
        return ctx

    def label(self, key: str) -> str:
        e = self.cat.entries.get(key)
        return e.label if e else key


def _verdict(rule: str, kind: str, ok: bool, passed: str, failed: str, *, stated: Interval, recomputed: Interval,
             evidence: list[Evidence], stated_value: float | None = None, point: float | None = None) -> CheckResult:
    """pass or an error, for checks whose recomputation is one interval (sums, scores, changes);
    ``point``: the recomputation on the printed values, when it is not the interval's middle."""
    common = dict(stated=stated.mid if stated_value is None else stated_value,
                  recomputed=round(recomputed.mid if point is None else point, 6),
                  interval=recomputed, stated_interval=stated, evidence=evidence)
    if ok:
        return _result(rule, kind, "pass", passed, **common)
    return _result(rule, kind, "fail", failed, severity="error", **common)


def _result(rule: str, kind: str, outcome: str, message: str, *, severity=None, stated=None, recomputed=None,
            interval: Interval | None = None, stated_interval: Interval | None = None,
            evidence: list[Evidence] | None = None) -> CheckResult:
    return CheckResult(rule=rule, kind=kind, outcome=outcome, severity=severity if outcome == "fail" else None,
                       message=message, stated=stated, recomputed=recomputed,
                       interval=interval.tuple() if interval else None,
                       stated_interval=stated_interval.tuple() if stated_interval else None,
                       evidence=evidence or [])


# --------------------------------------------------------------------------------------- formulas
def _combinations(ctx: Context, names: list[str]) -> list[dict[str, Value]]:
    options = [[g[0] for g in distinct(ctx.values[n])] for n in names]
    return [dict(zip(names, combo)) for combo in itertools.islice(itertools.product(*options), MAX_COMBINATIONS)]


def _evaluate(formula: Formula, ctx: Context) -> list[tuple[Interval, dict[str, Value]]]:
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


def formula_checks(ctx: Context) -> list[CheckResult]:
    results = []
    for key, entry in ctx.cat.entries.items():
        if not entry.formula or key not in ctx.values:
            continue
        formula = _pick_formula(ctx, [entry.formula, *entry.fallback_formulas])
        rule = f"{Formula(entry.formula).kind}.{key}"
        if formula is None:
            missing = [n for n in Formula(entry.formula).names if not ctx.values.get(n)]
            results.append(_result(rule, Formula(entry.formula).kind, "insufficient_data",
                                   f"{entry.label}：报告未给出 {'、'.join(ctx.label(n) for n in missing)}，无法复算",
                                   evidence=[v.evidence for v in ctx.values[key]]))
            continue
        rule = f"{formula.kind}.{key}"
        evaluated = _evaluate(formula, ctx)
        if not evaluated:
            results.append(_result(rule, formula.kind, "not_applicable", f"{entry.label}：分母为零，不适用"))
            continue
        for group in distinct(ctx.values[key]):
            stated = group[0]
            results.append(_check_stated(ctx, key, rule, formula, entry.alternative_formulas, stated, group, evaluated))
    return results


def _check_stated(ctx, key, rule, formula, alternatives, stated: Value, group, evaluated) -> CheckResult:
    label = ctx.label(key)
    passing = [(iv, combo) for iv, combo in evaluated if iv.overlaps(stated.interval)]
    best_iv, best_combo = min(passing or evaluated, key=lambda e: abs(e[0].mid - stated.value))
    shown = formula.render({k: v.value for k, v in best_combo.items()}, fmt)
    point = _point(formula, best_combo)
    evidence = [v.evidence for v in group] + [v.evidence for v in best_combo.values()]
    common = dict(stated=stated.value, recomputed=round(point, 6), interval=best_iv,
                  stated_interval=stated.interval, evidence=evidence)
    if passing:
        return _result(rule, formula.kind, "pass", f"{label} {stated.text} 与复算 {shown} = {fmt_like(point, stated.text)} 一致",
                       **common)
    for alt_text in alternatives:
        alt = Formula(alt_text)
        if not all(ctx.values.get(n) for n in alt.names):
            continue
        for iv, combo in _evaluate(alt, ctx):
            if iv.overlaps(stated.interval):
                alt_shown = alt.render({k: v.value for k, v in combo.items()}, fmt)
                return _result(
                    rule, formula.kind, "fail", severity="warning",
                    message=(f"{label}写作 {stated.text}，按评分规则口径 {shown} 应为 {fmt_like(point, stated.text)}；"
                             f"报告实际按另一口径 {alt_shown} = {fmt_like(_point(alt, combo), stated.text)} 计算，口径不一致"),
                    **{**common, "evidence": evidence + [v.evidence for v in combo.values()]})
    return _result(rule, formula.kind, "fail", severity="error",
                   message=f"{label}写作 {stated.text}，按报告自身数据复算 {shown} = {fmt_like(point, stated.text)}"
                           f"（区间 {fmt(best_iv.lo)}～{fmt(best_iv.hi)}），超出舍入误差，前后矛盾",
                   **common)


# --------------------------------------------------------------------------------------- cross-mention
def cross_mention_checks(ctx: Context) -> list[CheckResult]:
    skip = set(rules_config()["cross_mention"].get("skip", []))
    results = []
    for key, values in ctx.values.items():
        if key in skip or len(values) < 2:
            continue
        groups = distinct(values)
        sources = {v.evidence.quote: None for v in values}
        label = ctx.label(key)
        kinds = ["table" if " | " in v.evidence.quote else "text" for v in values]
        kind = "text_vs_table" if len(set(kinds)) > 1 else "cross_mention"
        rule = f"{kind}.{key}"
        if len(groups) == 1:
            results.append(_result(rule, kind, "pass", f"{label}在 {len(values)} 处均为 {values[0].text}",
                                   stated=values[0].value, evidence=[v.evidence for v in values]))
            continue
        del sources
        first, other = groups[0][0], groups[1][0]
        recomputed, interval, extra = other.value, other.interval, []
        entry = ctx.cat.entries.get(key)
        formula = _pick_formula(ctx, [entry.formula, *entry.fallback_formulas]) if entry and entry.formula else None
        how = ""
        if formula is not None:
            evaluated = _evaluate(formula, ctx)
            if evaluated:
                iv, combo = evaluated[0]
                point = _point(formula, combo)
                recomputed, interval, extra = round(point, 6), iv, [v.evidence for v in combo.values()]
                how = f"；按 {formula.render({k: v.value for k, v in combo.items()}, fmt)} 复算为 {fmt_like(point, first.text)}"
        places = "，".join(f"第{g[0].evidence.page}页写作 {g[0].text}" for g in groups)
        results.append(_result(rule, kind, "fail", severity="error",
                               message=f"同一指标“{label}”前后数值不一致：{places}{how}",
                               stated=first.value, recomputed=recomputed, interval=interval,
                               stated_interval=first.interval,
                               evidence=[v.evidence for g in groups for v in g] + extra))
    return results


# --------------------------------------------------------------------------------------- tables
_MARKERS = [
    (re.compile(r"^[一二三四五六七八九十]+、"), 1),
    (re.compile(r"^\([一二三四五六七八九十]+\)"), 2),
    (re.compile(r"^\d{1,2}[.、．](?!\d)"), 2),
    (re.compile(r"^\(\d{1,2}\)"), 3),
]
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")


@dataclass
class _TRow:
    row: Row
    label: str
    level: int | None  # 0: table total; 1..: depth; None: plain row
    subset: bool = False


def _row_levels(t: Table, cfg: dict) -> list[_TRow]:
    total_re, subset_re = re.compile(cfg["total_row"]), re.compile(cfg["subset_row"])
    out: list[_TRow] = []
    subset_level: int | None = None
    for row in t.body:
        if not any(c.text for c in row.cells):
            continue
        raw_label = row_label(row)
        code = "".join(c.text for c in row.cells[:3] if c.text.isdigit())
        label = clean_label(raw_label)
        is_subset = bool(subset_re.match(raw_label))
        level = None
        for pat, lvl in _MARKERS:
            if pat.match(re.sub(subset_re, "", raw_label).lstrip(":")):
                level = lvl
                break
        if level is None and code and _CODE.match(code):
            level = {3: 1, 5: 2, 7: 3}[len(code)]
        if level is None and total_re.match(label or raw_label):
            level = 0
        if is_subset:
            subset_level = level if level is not None else 99
        elif subset_level is not None:
            if level is not None and level >= subset_level and level != 0:
                is_subset = True  # "其中：1. 土地" … "2. 房屋": the whole 其中 list
            else:
                subset_level = None
        out.append(_TRow(row, label, level, is_subset))
    return out


def _children(rows: list[_TRow], i: int) -> list[_TRow]:
    parent = rows[i]
    if parent.level == 0:
        pool = [r for j, r in enumerate(rows) if j != i and r.level != 0 and not r.subset]
    else:
        pool = []
        for r in rows[i + 1:]:
            if r.level is not None and r.level <= parent.level:
                break
            if not r.subset:
                pool.append(r)
    leveled = [r.level for r in pool if r.level is not None]
    if leveled:
        top = min(leveled)
        return [r for r in pool if r.level == top]
    return pool if parent.level == 0 else []


def _two_sided(t: Table) -> bool:
    for row in t.body:
        seen_number = False
        for c in row.cells:
            if is_numeric(c.text) and not c.text.isdigit():  # an amount; bare digits may be a subject code
                seen_number = True
            elif seen_number and c.text and not c.text.isdigit() and c.text not in ("—", "-"):
                return True
    return False


def _cell_value(text: str) -> Interval | None:
    parsed = parse_number(text)
    if parsed is None:
        return None
    return Interval.printed(*parsed)


def _cell_evidence(t: Table, row: Row, j: int, title: str) -> Evidence:
    cell = row.cells[j]
    return Evidence(page=row.page, bbox=cell.bbox or row.bbox, quote=(t.caption + "：" if t.caption else "") + row.raw,
                    label=title, value_text=cell.raw or cell.text)


def table_sum_checks(ctx: Context) -> list[CheckResult]:
    cfg = rules_config()["table_sums"]
    rate_re, code_re = re.compile(cfg["rate_column"]), re.compile(cfg["code_column"])
    results = []
    for t in ctx.doc.tables if ctx.doc else []:
        if _two_sided(t):
            continue
        titles = column_titles(t)
        rows = _row_levels(t, cfg)
        name = t.caption or f"第{t.page}页表格"
        for i, parent in enumerate(rows):
            if parent.level is None or parent.subset:
                continue
            kids = _children(rows, i)
            if not kids:
                continue
            label_col = max((k for k, c in enumerate(parent.row.cells) if c.text and not is_numeric(c.text)),
                            default=-1)
            for j, title in enumerate(titles):
                if (j <= label_col or code_re.search(title) or rate_re.search(title)
                        or j >= len(parent.row.cells) or "%" in parent.row.cells[j].text):
                    continue
                stated = _cell_value(parent.row.cells[j].text)
                if stated is None or not is_numeric(parent.row.cells[j].text):
                    continue
                parts = [(k, _cell_value(k.row.cells[j].text) if j < len(k.row.cells) else None) for k in kids]
                if all(v is None for _, v in parts) or any(is_numeric(k.row.cells[j].text) and "%" in k.row.cells[j].text for k, _ in parts):
                    continue
                total = Interval.exact(0.0)
                for _, v in parts:
                    total = total + (v or Interval.exact(0.0))  # "—" or blank: nothing there
                evidence = [_cell_evidence(t, parent.row, j, title)] + [
                    _cell_evidence(t, k.row, j, title) for k, v in parts if v is not None]
                what = f"{name}“{parent.label or row_label(parent.row)}”行“{title}”列"
                kids_text = " + ".join(k.row.cells[j].text or "0" for k, _ in parts)
                rule = f"table_sum.{_table_id(t)}.{parent.label or clean_label(row_label(parent.row))}.{title}"
                results.append(_verdict(
                    rule, "table_sum", total.overlaps(stated), f"{what} {parent.row.cells[j].text} = {kids_text}",
                    f"{what}写作 {parent.row.cells[j].text}，其分项之和 {kids_text} = {fmt(total.mid)}，不相等",
                    stated=stated, recomputed=total, evidence=evidence))
    return results


_TABLE_NO = re.compile(r"附?表\s*[\d一二三四五六七八九十]+(?:[-—.．]\d+)*")


def _table_id(t: Table) -> str:
    """A short stable name for rule ids: the caption's number (表1-4), else its page."""
    m = _TABLE_NO.match(t.caption or "")
    return re.sub(r"\s+", "", m.group(0)) if m else f"p{t.page}"


def _find_col(titles: list[str], words: list[str], none: list[str] = ()) -> int | None:
    for j, title in enumerate(titles):
        if any(w in title for w in words) and not any(n in title for n in none):
            return j
    return None


def table_ratio_checks(ctx: Context) -> list[CheckResult]:
    results = []
    for t in ctx.doc.tables if ctx.doc else []:
        header = "".join(c.text for r in t.header for c in r.cells)
        for spec in rules_config()["table_ratios"]:
            if not all(w in header for w in spec["when"]):
                continue
            titles = column_titles(t)
            jr = _find_col(titles, [spec["rate"]])
            jn = _find_col(titles, spec["numerator"], spec.get("numerator_none", []))
            jd = _find_col(titles, spec["denominator"], spec.get("denominator_none", []) + [spec["rate"]])
            if None in (jr, jn, jd):
                continue
            alts = [_find_col(titles, words) for words in spec.get("alternatives", [])]
            for row in t.body:
                results.extend(_row_ratio(ctx, t, row, titles, jr, jn, jd, [a for a in alts if a is not None]))
            break
    return results


def _row_ratio(ctx, t: Table, row: Row, titles, jr, jn, jd, alts) -> list[CheckResult]:
    if max(jr, jn, jd) >= len(row.cells):
        return []
    rate, num, den = (_cell_value(row.cells[j].text) for j in (jr, jn, jd))
    if rate is None or num is None or den is None:
        return []
    name = t.caption or f"第{t.page}页表格"
    what = f"{name}“{clean_label(row_label(row))}”行"
    evidence = [_cell_evidence(t, row, j, titles[j]) for j in (jr, jn, jd)]
    shown = f"{row.cells[jn].text} ÷ {row.cells[jd].text}"
    rule = f"table_ratio.{_table_id(t)}.{clean_label(row_label(row))}"
    if den.lo <= 0 <= den.hi:
        return [_result(rule, "table_ratio", "not_applicable", f"{what}{titles[jd]}为零，比率不适用", evidence=evidence)]
    iv = num / den * Interval.exact(100.0)
    point = num.mid / den.mid * 100.0
    common = dict(stated=rate.mid, recomputed=round(point, 6), interval=iv, stated_interval=rate, evidence=evidence)
    if iv.overlaps(rate):
        return [_result(rule, "table_ratio", "pass", f"{what}{titles[jr]} {row.cells[jr].text} = {shown}", **common)]
    for ja in alts:
        alt = _cell_value(row.cells[ja].text) if ja < len(row.cells) else None
        if alt is not None and not (alt.lo <= 0 <= alt.hi):
            aiv = num / alt * Interval.exact(100.0)
            if aiv.overlaps(rate):
                return [_result(rule, "table_ratio", "fail", severity="warning",
                                message=f"{what}{titles[jr]}写作 {row.cells[jr].text}，按“{titles[jd]}”应为 {fmt_like(point, row.cells[jr].text)}，"
                                        f"报告按“{titles[ja]}”计算，口径不一致", **common)]
    return [_result(rule, "table_ratio", "fail", severity="error",
                    message=f"{what}{titles[jr]}写作 {row.cells[jr].text}，按本行 {shown} 复算为 {fmt_like(point, row.cells[jr].text)}"
                            f"（区间 {fmt(iv.lo)}～{fmt(iv.hi)}），不一致", **common)]


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
                results.append(_result(rule, "score", "insufficient_data", f"“{item['item']}”得分：缺少复算所需指标",
                                       evidence=evidence))
                continue
            options = _evaluate(f, ctx)
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
                results.append(_result(rule, "score", "insufficient_data", f"“{item['item']}”得分：缺少复算所需指标",
                                       evidence=evidence))
                continue
            candidates = [Interval.exact(sum(c)) for c in itertools.product(*per_part)]
        ok = [c for c in candidates if c.overlaps(stated)]
        best = (ok or candidates)[0] if candidates else None
        if best is None:
            continue
        results.append(_verdict(
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
        results.append(_verdict(
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
            results.append(_result(rule, "score_range", "pass", f"“{name}”得分 {fmt(s.score)} 在 0～{fmt(s.max_score)} 分之间",
                                   **common))
        else:
            results.append(_result(rule, "score_range", "fail", severity="error",
                                   message=f"“{name}”得分 {fmt(s.score)} 超出该项分值 {fmt(s.max_score)} 分", **common))
    return results


# --------------------------------------------------------------------------------------- year on year
def change_checks(ctx: Context) -> list[CheckResult]:
    """"S N万元，比2022年度减少M万元，降幅为P%": P recomputed as M over last year's amount."""
    cfg = rules_config().get("year_on_year")
    if not cfg or ctx.doc is None:
        return []
    num = ctx.cat.number.replace("(?P<num>", "(?:")
    patterns = [re.compile(p.replace("{num}", num)) for p in cfg["patterns"]]
    results = []
    paragraphs = ctx.doc.paragraphs
    for k, p in enumerate(paragraphs):
        for pat in patterns:
            for m in pat.finditer(p.text):
                results.append(_change_check(ctx, cfg, paragraphs, k, m))
    return results


def _change_check(ctx: Context, cfg: dict, paragraphs, k: int, m: re.Match) -> CheckResult:
    p = paragraphs[k]
    subject = re.sub(cfg["subject_prefix"], "", m.group("subject")) or m.group("subject")
    rule = f"change.{subject}"
    up = m.group("dir") in cfg["increase"]

    def printed(para, a: int, b: int, label: str) -> tuple[Interval, str, Evidence]:
        text = para.text[a:b]
        value, decimals = parse_number(text)
        page, bbox = para.span_of(a, b)[0]
        s0, s1 = _sentence_around(para.text, a)
        return (Interval.printed(value, decimals), text,
                Evidence(page=page, bbox=bbox, quote=para.raw_of(s0, s1).strip(), label=label, value_text=text))

    change, change_text, ev_change = printed(p, *m.span("change"), f"{subject}变动额")
    rate, rate_text, ev_rate = printed(p, *m.span("rate"), f"{subject}变动率")
    if "amount" in m.groupdict() and m.group("amount"):
        amount, amount_text, ev_amount = printed(p, *m.span("amount"), subject)
    else:  # "与2023年度相比，S减少…": S's amount is stated before, in this or the previous paragraphs
        found = _stated_before(ctx, paragraphs, k, m.start(), subject, m.group("subject"))
        if found is None:
            return _result(rule, "change", "insufficient_data",
                           f"“{subject}”的变动率 {rate_text}%：报告此前未给出{subject}的本年金额，无法复算",
                           evidence=[ev_change, ev_rate])
        para, a, b = found
        amount, amount_text, ev_amount = printed(para, a, b, subject)
    base = amount - change if up else amount + change
    evidence = [ev_rate, ev_amount, ev_change]
    sign = "−" if up else "+"
    shown = f"{change_text} ÷ ({amount_text} {sign} {change_text}) × 100"
    if base.lo <= 0 <= base.hi:
        return _result(rule, "change", "not_applicable",
                       f"“{subject}”上年金额为零（{amount_text} {sign} {change_text}），变动率 {rate_text}% 不适用",
                       evidence=evidence)
    iv = change / base * Interval.exact(100.0)
    point = change.mid / base.mid * 100.0
    what = f"“{subject}”比上年{m.group('dir')} {change_text} 万元"
    again = fmt_like(point, rate_text + "%")
    return _verdict(rule, "change", iv.overlaps(rate), f"{what}，变动 {rate_text}%：{shown} = {again}",
                    f"{what}，写作变动 {rate_text}%，按 {shown} 复算为 {again}（区间 {fmt(iv.lo)}～{fmt(iv.hi)}），不一致",
                    stated=rate, recomputed=iv, evidence=evidence, point=point)


def _sentence_around(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind(c, 0, pos) for c in "。；;") + 1
    ends = [i for i in (text.find(c, pos) for c in "。；;") if i >= 0]
    return start, (min(ends) + 1 if ends else len(text))


def _stated_before(ctx: Context, paragraphs, k: int, end: int, subject: str, full_subject: str):
    """The last "S N万元" before position ``end`` of paragraph k, looking back a few paragraphs."""
    num = ctx.cat.number.replace("(?P<num>", "(?P<n>")
    names = {re.escape(full_subject), re.escape(subject)}
    pat = re.compile("(?:" + "|".join(sorted(names, key=len, reverse=True)) + r")(?:为|是|共计|合计)?" + num + "万元")
    for j in range(k, max(k - 4, -1), -1):
        text = paragraphs[j].text if j < k else paragraphs[j].text[:end]
        hits = list(pat.finditer(text))
        if hits:
            return paragraphs[j], hits[-1].start("n"), hits[-1].end("n")
    return None


# --------------------------------------------------------------------------------------- completion
def completion_checks(ctx: Context) -> list[CheckResult]:
    """"…支出决算为C万元，完成年初预算的P%": P recomputed as C over the budget it names."""
    cfg = rules_config().get("completion")
    if not cfg or ctx.doc is None:
        return []
    num = ctx.cat.number.replace("(?P<num>", "(?:")
    bases = {name: re.compile(p.replace("{num}", num)) for name, p in cfg["bases"].items()}
    actual_re = re.compile(cfg["actual"].replace("{num}", num))
    rate_re = re.compile(cfg["rate"].replace("{num}", num))
    results = []
    for p in ctx.doc.paragraphs:
        start = 0  # each rate uses the figures stated after the previous rate
        for m in rate_re.finditer(p.text):
            results.append(_completion_check(p, start, m, bases, actual_re))
            start = m.end()
    return results


def _completion_check(p, start: int, m: re.Match, bases: dict[str, re.Pattern], actual_re: re.Pattern) -> CheckResult:
    segment = p.text[start:m.start()]

    def last(pat: re.Pattern) -> tuple[Interval, str, Evidence] | None:
        hits = list(pat.finditer(segment))
        if not hits:
            return None
        a, b = start + hits[-1].start("v"), start + hits[-1].end("v")
        text = p.text[a:b]
        value, decimals = parse_number(text)
        page, bbox = p.span_of(a, b)[0]
        s0, s1 = _sentence_around(p.text, a)
        return Interval.printed(value, decimals), text, Evidence(page=page, bbox=bbox, quote=p.raw_of(s0, s1).strip(),
                                                                   value_text=text)
    first = min([h.start() for pat in [*bases.values(), actual_re] for h in pat.finditer(segment)], default=0)
    subject = _clean_subject(segment[:first]) or _clean_subject(p.text.split("。")[0]) or f"第{p.page}页"
    rule = f"completion.{subject}"
    named = m.group("base") or next(iter(bases))
    rate_text = m.group("v")
    value, decimals = parse_number(rate_text)
    rate = Interval.printed(value, decimals)
    page, bbox = p.span_of(*m.span("v"))[0]
    s0, s1 = _sentence_around(p.text, m.start("v"))
    ev_rate = Evidence(page=page, bbox=bbox, quote=p.raw_of(s0, s1).strip(), value_text=rate_text)
    actual = last(actual_re)
    stated_bases = {name: found for name, pat in bases.items() if (found := last(pat))}
    if actual is None or named not in stated_bases:
        return _result(rule, "completion", "insufficient_data",
                       f"“{subject}”完成{named}预算的 {rate_text}%：同一处未给出决算数和{named}预算数，无法复算",
                       evidence=[ev_rate])
    c, c_text, ev_c = actual

    def ratio(base) -> Interval | None:
        b = base[0]
        return None if b.lo <= 0 <= b.hi else c / b * Interval.exact(100.0)

    b, b_text, ev_b = stated_bases[named]
    iv = ratio(stated_bases[named])
    evidence = [ev_rate, ev_c, ev_b]
    shown = f"{c_text} ÷ {b_text} × 100"
    if iv is not None and iv.overlaps(rate):
        return _result(rule, "completion", "pass",
                       f"“{subject}”完成{named}预算的 {rate_text}% = {shown} = {fmt_like(c.mid / b.mid * 100, rate_text + '%')}",
                       stated=rate.mid, recomputed=round(c.mid / b.mid * 100, 6), interval=iv, stated_interval=rate,
                       evidence=evidence)
    for other, found in stated_bases.items():
        alt = ratio(found) if other != named else None
        if alt is not None and alt.overlaps(rate):
            point = c.mid / found[0].mid * 100
            return _result(rule, "completion", "fail", severity="warning",
                           message=f"“{subject}”写作完成{named}预算的 {rate_text}%（{named}预算 {b_text} 万元），"
                                   f"实为按{other}预算计算：{c_text} ÷ {found[1]} × 100 = {fmt_like(point, rate_text + '%')}，"
                                   f"所称口径与计算口径不一致",
                           stated=rate.mid, recomputed=round(point, 6), interval=alt, stated_interval=rate,
                           evidence=evidence + [found[2]])
    if iv is None:
        return _result(rule, "completion", "not_applicable",
                       f"“{subject}”{named}预算为 {b_text} 万元，完成比例 {rate_text}% 无从计算", evidence=evidence)
    point = c.mid / b.mid * 100
    return _result(rule, "completion", "fail", severity="error",
                   message=f"“{subject}”写作完成{named}预算的 {rate_text}%，按 {shown} 复算为 "
                           f"{fmt_like(point, rate_text + '%')}（区间 {fmt(iv.lo)}～{fmt(iv.hi)}），不一致",
                   stated=rate.mid, recomputed=round(point, 6), interval=iv, stated_interval=rate, evidence=evidence)


def _clean_subject(text: str) -> str:
    """The name before a figure: numbering, 主要用于… and punctuation dropped."""
    text = re.split(r"[。;；]", text)[-1] if re.search(r"[^。;；]", text) else text
    text = _NUMBERING.sub("", re.sub(r"^其中[:：]?", "", text.strip("，,:： ")))
    return text.strip("，,:： ")[:30]


_NUMBERING = re.compile(r"^(?:\d{1,2}[、.．]|[一二三四五六七八九十]+、|\(\d{1,2}\))\s*")


# --------------------------------------------------------------------------------------- engine
CHECKS = (formula_checks, cross_mention_checks, table_sum_checks, table_ratio_checks, score_checks,
          score_range_checks, change_checks, completion_checks)


def validate(report: Report, doc: Document | None = None) -> Report:
    ctx = Context.of(report, doc)
    results: list[CheckResult] = []
    for check in CHECKS:
        results.extend(check(ctx))
    report.checks = results
    failed = [r for r in results if r.outcome == "fail"]
    failed.sort(key=lambda r: (r.severity != "error", r.evidence[0].page if r.evidence else 0))
    report.findings = [Finding(rule=r.rule, severity=r.severity, message=r.message, stated=r.stated,
                               recomputed=r.recomputed, interval=r.interval, evidence=r.evidence) for r in failed]
    return report
