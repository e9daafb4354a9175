"""Checks between two reports of one issuer, declared in patterns/crossreport.yaml.

In: two :class:`Facts` (what a report says about itself and about other reports, light enough to
come from the store's tables). Out: :class:`CrossCheck` results, every one kept whatever it ended in.

- references: "比2023年预算增加25万元" in the 2024 report says that the 2023 budget's figure of the
  same quantity is the 2024 figure − 25; checked against the 2023 report's own figure.
- same_year: a quantity that a 预算, its 决算 and the 绩效自评 of one year all state (三公经费决算…).

Numbers are printed intervals (SPEC: validation semantics); a check fails only when the two
intervals do not overlap. When the other report states the quantity several times with different
values, the check passes if any of them agrees and says the value is contested there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.check.core import fmt_like
from pipeline.check.interval import Interval
from pipeline.extract.catalog import catalog, load_yaml
from pipeline.extract.numbers import parse_number
from pipeline.schema import Reference

TYPE_LABELS = {"budget": "预算", "final_accounts": "决算", "performance_self_evaluation": "绩效自评报告"}


@dataclass
class Mention:
    value: float
    raw_text: str
    page: int | None = None

    @property
    def interval(self) -> Interval:
        parsed = parse_number(self.raw_text.replace("万元", "").replace("%", "").strip())
        decimals = parsed[1] if parsed else 2
        return Interval.printed(self.value, decimals)


@dataclass
class Facts:
    """One report as the cross-report checks see it."""

    sha256: str
    file: str
    district: str | None
    department: str | None
    year: int | None
    report_type: str
    scope: str | None = None  # "department" | "unit" | None (not a 预算/决算)
    values: dict[str, list[Mention]] = field(default_factory=dict)
    references: list[Reference] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.year or '?'}年{TYPE_LABELS.get(self.report_type, '报告')}"


@dataclass
class CrossCheck:
    rule: str
    key: str
    a: str  # sha256 of the report that states it
    b: str  # sha256 of the report it is checked against
    status: str  # pass | fail
    severity: str | None
    match: str  # strict | loose
    stated: float | None
    expected: float | None
    message: str
    page_a: int | None = None
    page_b: int | None = None
    quote_a: str = ""


# ----------------------------------------------------------------------------------- who is who

@lru_cache(maxsize=1)
def _issuer_cfg() -> dict:
    cfg = load_yaml("crossreport.yaml")["issuer"]
    strip = [re.compile(p) for p in cfg.get("strip", [])]
    alias = {}
    for names in cfg.get("aliases", []):
        for n in names:
            alias[n] = names[0]
    return {"strip": strip, "alias": alias}


def department_key(name: str | None) -> str | None:
    """中共上海市普陀区委社会工作部 and 区委社会工作部 -> one key."""
    if not name:
        return None
    cfg = _issuer_cfg()
    for pat in cfg["strip"]:
        name = pat.sub("", name, count=1) or name
    return cfg["alias"].get(name, name)


def match(a: Facts, b: Facts) -> str | None:
    """``strict`` (district and department agree), ``loose`` (department only, a district missing),
    or None (not the same issuer, or budgets of different scopes)."""
    da, db = department_key(a.department), department_key(b.department)
    if not da or da != db or a.sha256 == b.sha256:
        return None
    if a.scope and b.scope and a.scope != b.scope:
        return None
    if a.district and b.district:
        return "strict" if a.district == b.district else None
    return "loose"


# ----------------------------------------------------------------------------------- the checks

def check_pair(a: Facts, b: Facts) -> list[CrossCheck]:
    """Every declared check between a and b, both directions."""
    how = match(a, b)
    if how is None:
        return []
    out = []
    for x, y in ((a, b), (b, a)):
        out += [c for r in x.references if (c := _reference(x, y, r, how))]
        out += _same_year(x, y, how)
    return out


def _target_type(ref: Reference, stater: Facts) -> str:
    types = load_yaml("crossreport.yaml")["references"]["report_types"]
    return stater.report_type if ref.phase == "same" else types.get(ref.phase, "")


def _reference(x: Facts, y: Facts, ref: Reference, how: str) -> CrossCheck | None:
    if y.year != ref.year or y.report_type != _target_type(ref, x):
        return None
    theirs = y.values.get(ref.key)
    if not theirs:
        return None
    parsed = parse_number(ref.value_text.replace("万元", "").strip())
    mine = Interval.printed(ref.value, parsed[1] if parsed else 2)
    if ref.change:
        cp = parse_number(ref.change_text)
        delta = Interval.printed(abs(ref.change), cp[1] if cp else 2)
        expected_iv = mine - delta if ref.change > 0 else mine + delta
    else:
        expected_iv = mine
    expected = ref.value - ref.change
    agree = [t for t in theirs if expected_iv.overlaps(t.interval)]
    name = _label(ref.key)
    said = ("持平" if not ref.change else f"{'增加' if ref.change > 0 else '减少'}{ref.change_text}万元")
    shown = fmt_like(expected, ref.value_text)
    first = agree[0] if agree else theirs[0]
    contested = len({t.value for t in theirs}) > 1
    rule = f"cross.change.{ref.key}.{ref.year}"
    if agree:
        msg = (f"{x.label}称{name}比{ref.year}年{said}，即 {ref.value_text} − 变动 = {shown}；"
               f"{y.label}（{y.file}）写作 {first.raw_text}，一致" + ("（该报告内此数有多个取值）" if contested else ""))
        return CrossCheck(rule, ref.key, x.sha256, y.sha256, "pass", None, how, expected, first.value, msg,
                          ref.page, first.page, ref.quote)
    msg = (f"{x.label}称{name}比{ref.year}年{said}，按 {ref.value_text} 倒推{ref.year}年应为 {shown}，"
           f"而{y.label}（{y.file}第 {first.page} 页）写作 {first.raw_text}，不一致"
           + ("（按名称宽松匹配的同一单位）" if how == "loose" else ""))
    return CrossCheck(rule, ref.key, x.sha256, y.sha256, "fail", "error" if how == "strict" else "warning", how,
                      expected, first.value, msg, ref.page, first.page, ref.quote)


def _label(key: str) -> str:
    entry = catalog().entries.get(key)
    return entry.label if entry else key


@lru_cache(maxsize=1)
def _same_year_rules() -> list[dict]:
    return list(load_yaml("crossreport.yaml").get("same_year", []))


def _same_year(x: Facts, y: Facts, how: str) -> list[CrossCheck]:
    if x.year is None or x.year != y.year:
        return []
    out = []
    for r in _same_year_rules():
        if x.report_type != r["a"] or y.report_type != r["b"]:
            continue
        mine, theirs = x.values.get(r["a_key"]), y.values.get(r["b_key"])
        if not mine or not theirs:
            continue
        m = mine[0]
        agree = [t for t in theirs if m.interval.overlaps(t.interval)]
        first = agree[0] if agree else theirs[0]
        rule = f"cross.same_year.{r['rule']}"
        if agree:
            msg = f"{r['rule']}：{x.label}写作 {m.raw_text}，{y.label}（{y.file}）写作 {first.raw_text}，一致"
            out.append(CrossCheck(rule, r["a_key"], x.sha256, y.sha256, "pass", None, how, m.value, first.value, msg,
                                  m.page, first.page))
            continue
        severity = r.get("severity", "warning") if how == "strict" else "warning"
        msg = (f"{r['rule']}：{x.label}（第 {m.page} 页）写作 {m.raw_text}，{y.label}（{y.file}第 {first.page} 页）"
               f"写作 {first.raw_text}，不一致")
        out.append(CrossCheck(rule, r["a_key"], x.sha256, y.sha256, "fail", severity, how, m.value, first.value, msg,
                              m.page, first.page))
    return out


def as_check_result(c: CrossCheck, other_file: str, mine: bool = True):
    """One cross-report check as a CheckResult of the report that states it (``mine``) or of the
    report it is checked against; the other report's page is in the evidence with its sha256."""
    from pipeline.schema import CheckResult, Evidence

    here, there = (c.page_a, c.page_b) if mine else (c.page_b, c.page_a)
    zero = (0.0, 0.0, 0.0, 0.0)
    evidence = []
    if here:
        evidence.append(Evidence(page=here, bbox=zero, quote=c.quote_a if mine else "", label=c.key))
    if there:
        evidence.append(Evidence(page=there, bbox=zero, quote=f"另一报告：{other_file}", label=c.key,
                                 sha256=c.b if mine else c.a))
    outcome = "pass" if c.status == "pass" else "fail"
    return CheckResult(rule=c.rule, kind="cross_report", outcome=outcome, severity=c.severity if outcome == "fail" else None,
                       message=c.message, stated=c.stated, recomputed=c.expected, evidence=evidence)
