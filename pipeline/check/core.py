"""What every check shares: values as intervals with their evidence, the context a check reads,
and the one way a check states its outcome (pass / fail / not_applicable / insufficient_data)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.catalog import Catalog, catalog
from pipeline.document import Document
from pipeline.check.interval import Interval
from pipeline.schema import CheckResult, Evidence, Indicator, Report

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


def verdict(rule: str, kind: str, ok: bool, passed: str, failed: str, *, stated: Interval, recomputed: Interval,
             evidence: list[Evidence], stated_value: float | None = None, point: float | None = None) -> CheckResult:
    """pass or an error, for checks whose recomputation is one interval (sums, scores, changes);
    ``point``: the recomputation on the printed values, when it is not the interval's middle."""
    common = dict(stated=stated.mid if stated_value is None else stated_value,
                  recomputed=round(recomputed.mid if point is None else point, 6),
                  interval=recomputed, stated_interval=stated, evidence=evidence)
    if ok:
        return result(rule, kind, "pass", passed, **common)
    return result(rule, kind, "fail", failed, severity="error", **common)


def result(rule: str, kind: str, outcome: str, message: str, *, severity=None, stated=None, recomputed=None,
            interval: Interval | None = None, stated_interval: Interval | None = None,
            evidence: list[Evidence] | None = None) -> CheckResult:
    return CheckResult(rule=rule, kind=kind, outcome=outcome, severity=severity if outcome == "fail" else None,
                       message=message, stated=stated, recomputed=recomputed,
                       interval=interval.tuple() if interval else None,
                       stated_interval=stated_interval.tuple() if stated_interval else None,
                       evidence=evidence or [])
