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
    phase: str | None = None  # the phase its sentence or column stated (Indicator.phase)


def indicator_value(ind: Indicator) -> Value:
    exact = ind.unit in catalog().exact_units
    return Value(Interval.printed(ind.value, ind.decimals, exact), ind.value, ind.raw_text,
                 Evidence(page=ind.page, bbox=ind.bbox, quote=ind.quote, label=ind.key, value_text=ind.raw_text),
                 ind.phase)


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


# ------------------------------------------------------------------------------ numbers for people
# One way to write a number in a message: as the report printed it, or, for a recomputed value, at
# the printed precision of the figure it is compared with, with its unit.
_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?")


def printed_number(text: str) -> str:
    """The number in a printed text, as printed: "2,039.49 万元" -> "2,039.49"."""
    m = _NUMBER.search(text or "")
    return m.group(0) if m else (text or "").strip()


def printed_unit(text: str) -> str:
    """What follows the number in a printed text: "%" for "26.67%", " 万元" for "4,755.14 万元"."""
    m = _NUMBER.search(text or "")
    if not m:
        return ""
    rest = text[m.end():].strip()
    return "" if not rest else rest if rest.startswith("%") else f" {rest}"


def _decimals(text: str) -> int:
    m = re.search(r"\.(\d+)", printed_number(text))
    return len(m.group(1)) if m else 0


def _as_float(text: str) -> float | None:
    try:
        return float(printed_number(text).replace(",", "").replace("−", "-"))
    except ValueError:
        return None


def _commas(text: str) -> bool:
    """Thousands separators as the report writes them: "2068" stays "2068" in a report without them."""
    stated = _as_float(text)
    return "," in (text or "") or stated is None or abs(stated) < 1000


def _number(x: float, decimals: int, commas: bool) -> str:
    s = f"{x:,.{decimals}f}" if commas else f"{x:.{decimals}f}"
    return "0" + s[2:] if s.startswith("-0") and float(s.replace(",", "")) == 0 else s


def fmt_like(x: float | None, text: str) -> str:
    """``x`` written like the printed figure ``text`` it is compared with: its decimals, its
    thousands separator, its unit ("%", " 万元"). A value beyond rounding of the printed one never
    rounds to it, so the two always read differently where a check fails."""
    if x is None or x != x:
        return "无法计算"
    return _number(x, _decimals(text), _commas(text)) + printed_unit(text)


def fmt_interval(lo: float, hi: float, text: str) -> str:
    """The recomputed interval for a detail line, at the printed precision of ``text`` and rounded
    outwards (so it still holds every value the printed operands allow): "（区间 44.73%～45.05%）";
    empty when the recomputation is exact (whole counts: nothing to round)."""
    import math

    if hi - lo <= 1e-9 * max(1.0, abs(lo), abs(hi)):
        return ""
    d = _decimals(text)
    while True:
        k = 10 ** d
        a, b = math.floor(lo * k + 1e-9) / k, math.ceil(hi * k - 1e-9) / k
        if a != b or d >= 6:
            break
        d += 1
    commas = _commas(text)
    unit = printed_unit(text)
    return f"（区间 {_number(a, d, commas)}{unit}～{_number(b, d, commas)}{unit}）"


def operand(v) -> str:
    """An operand in a rendered formula: a printed text's number as printed, else ``fmt``."""
    return printed_number(v) if isinstance(v, str) else fmt(v)


def fmt(x: float | None) -> str:
    """A number with no printed form to follow (a count, a sum of points): at most four decimals."""
    if x is None or x != x:
        return "无法计算"
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
