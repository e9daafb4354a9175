"""Checks between two reports of one issuer, declared in patterns/crossreport.yaml.

In: two :class:`Facts` (what a report says about itself and about other reports, light enough to
come from the store's tables). Out: :class:`CrossCheck` results, every one kept whatever it ended in.

- references: "比2023年预算增加25万元" in the 2024 report says that the 2023 budget's figure of the
  same quantity is the 2024 figure − 25; checked against the 2023 report's own figure.
- same_year: a quantity that a 预算, its 决算 and the 绩效自评 of one year all state (三公经费决算…).

A reference is keyed by a catalog indicator, or by its subject ("财政拨款收入", issue 24) when its
figure is none: then the counterpart is the other report's prose statement of that subject
(Report.statements), and a named report that states no such subject leaves the check
insufficient_data, never an error.

Numbers are printed intervals (SPEC: validation semantics), each of its own precision and unit
("16497.86" in 万元 and "164,978,640" in 元 are one figure); a check fails only when the two
intervals do not overlap. When the other report states the quantity several times with values
that do not agree, the check passes if any of them agrees and says the value is contested there.

Within one report (:func:`stated_change_checks`): two stated changes of one quantity (a balanced
budget's 收入 and 支出) must imply one prior figure.
"""
from __future__ import annotations

import math
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
    value: float  # in the canonical unit (万元 for amounts)
    raw_text: str
    page: int | None = None
    decimals: int | None = None  # of ``value``, as extraction counted them (Indicator.decimals)
    quote: str = ""  # the sentence or row it was read from, when known

    @property
    def interval(self) -> Interval:
        return Interval.printed(self.value, self.decimals if self.decimals is not None else
                                printed_decimals(self.value, self.raw_text))


def printed_decimals(value: float, raw_text: str) -> int:
    """Decimals of ``value`` from the printed text when extraction's count is not at hand: the text's
    own decimals shifted by the unit it was printed in ("164,978,640" for 16497.864 万元: 0 + 4)."""
    parsed = parse_number(re.sub(r"[^\d.,+-]", "", raw_text))
    if parsed is None:
        return 2
    raw, decimals = parsed
    if raw and value:
        shift = round(math.log10(abs(raw / value)))
        if shift and abs(raw / value - 10.0 ** shift) < 1e-6 * 10.0 ** shift:
            decimals += shift
    return decimals


def contested(mentions: list[Mention]) -> bool:
    """Stated several times with values that are not one printed figure (intervals apart)."""
    return any(not a.interval.overlaps(b.interval) for i, a in enumerate(mentions) for b in mentions[i + 1:])


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
    statements: dict[str, list[Mention]] = field(default_factory=dict)  # subject -> what the prose states

    @property
    def label(self) -> str:
        return f"{self.year or '?'}年{TYPE_LABELS.get(self.report_type, '报告')}"


@dataclass
class CrossCheck:
    rule: str
    key: str
    a: str  # sha256 of the report that states it
    b: str  # sha256 of the report it is checked against
    status: str  # pass | fail | insufficient_data
    severity: str | None
    match: str  # strict | loose
    stated: float | None
    expected: float | None
    message: str
    page_a: int | None = None
    page_b: int | None = None
    quote_a: str = ""
    quote_b: str = ""  # the other report's figure as it reads there


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
    by_subject = ref.key not in catalog().entries
    theirs = y.statements.get(ref.key) if by_subject else y.values.get(ref.key)
    if not theirs:
        if not by_subject:
            return None
        # the named report is there and says nothing of this subject: no counterpart (coverage)
        msg = (f"{ref.key}：{x.label}称其比{ref.year}年{'持平' if not ref.change else '变动'}，"
               f"{y.label}（{y.file}）未见同一主语的数额，无法核对")
        return CrossCheck(f"cross.change.{ref.key}.{ref.year}", ref.key, x.sha256, y.sha256, "insufficient_data",
                          None, how, ref.value, None, msg, ref.page, None, ref.quote)
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
    contested_there = contested(theirs)
    rule = f"cross.change.{ref.key}.{ref.year}"
    if agree:
        msg = (f"{x.label}称{name}比{ref.year}年{said}，即 {ref.value_text} − 变动 = {shown}；"
               f"{y.label}（{y.file}）写作 {first.raw_text}，一致" + ("（该报告内此数有多个取值）" if contested_there else ""))
        return CrossCheck(rule, ref.key, x.sha256, y.sha256, "pass", None, how, expected, first.value, msg,
                          ref.page, first.page, ref.quote, _as_read(first, ref))
    msg = (f"{x.label}称{name}比{ref.year}年{said}，按 {ref.value_text} 倒推{ref.year}年应为 {shown}，"
           f"而{y.label}（{y.file}第 {first.page} 页）写作 {first.raw_text}，不一致"
           + ("（按名称宽松匹配的同一单位）" if how == "loose" else ""))
    # a subject stated there several times with values that are not one figure: which one is meant is
    # in doubt (a loose match of words), never an error
    doubt = by_subject and contested_there
    if doubt:
        msg += "（该报告内同一主语有多个不同数额，所指存疑）"
    severity = "error" if how == "strict" and not doubt else "warning"
    return CrossCheck(rule, ref.key, x.sha256, y.sha256, "fail", severity, how,
                      expected, first.value, msg, ref.page, first.page, ref.quote, _as_read(first, ref))


def _as_read(m: Mention, ref: Reference) -> str:
    return m.quote or f"{ref.subject or _label(ref.key)} {m.raw_text}"


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
        evidence.append(Evidence(page=here, bbox=zero, quote=c.quote_a if mine else c.quote_b, label=c.key))
    if there:
        read = c.quote_b if mine else c.quote_a
        evidence.append(Evidence(page=there, bbox=zero, quote=f"另一报告：{other_file}" + (f"：{read}" if read else ""),
                                 label=c.key, sha256=c.b if mine else c.a))
    outcome = c.status if c.status in ("pass", "insufficient_data") else "fail"
    return CheckResult(rule=c.rule, kind="cross_report", outcome=outcome, severity=c.severity if outcome == "fail" else None,
                       message=c.message, stated=c.stated, recomputed=c.expected, evidence=evidence)


# ----------------------------------------------------------------------------------- within one report

@lru_cache(maxsize=1)
def _balanced_cfg() -> tuple[list[tuple[str, str]], list[re.Pattern]]:
    cfg = load_yaml("crossreport.yaml")["balanced"]
    return [tuple(p) for p in cfg.get("pairs", [])], [re.compile(p) for p in cfg.get("ignore", [])]


def _quantity(subject: str) -> str:
    for pat in _balanced_cfg()[1]:
        subject = pat.sub("", subject)
    return subject


def _partners(a: str, b: str) -> bool:
    """Subjects of one quantity by the declared pairs: 财政拨款收入 and 财政拨款支出预算."""
    qa, qb = _quantity(a), _quantity(b)
    return any((w1 in qa and qa.replace(w1, w2) == qb) or (w2 in qa and qa.replace(w2, w1) == qb)
               for w1, w2 in _balanced_cfg()[0])


def _printed(text: str, value: float) -> Interval:
    parsed = parse_number(text.replace("万元", "").strip())
    return Interval.printed(value, parsed[1] if parsed else 2)


def _prior(ref: Reference) -> Interval:
    mine = _printed(ref.value_text, ref.value)
    if not ref.change:
        return mine
    delta = _printed(ref.change_text, abs(ref.change))
    return mine - delta if ref.change > 0 else mine + delta


def _names_year_and_phase(ref: Reference) -> bool:
    return bool(re.search(r"\d{4}年", ref.basis)) and ref.phase != "same"


def stated_change_checks(ctx):
    """Two stated changes of one quantity imply one prior figure (patterns/crossreport.yaml
    ``balanced``): "财政拨款收入15621.11万元，比2023年预算减少876.75万元" and "财政拨款支出预算15621.11万元，
    比2023年预算减少867.75万元" cannot both be true. Plus one insufficient_data result per reason a
    stated change made no reference (the coverage counts them)."""
    from pipeline.check.core import fmt_interval
    from pipeline.schema import CheckResult, Evidence

    report = ctx.report
    refs = [r for r in report.references if r.subject and r.relation == "difference"]
    seen: set[tuple] = set()
    for i, a in enumerate(refs):
        for b in refs[i + 1:]:
            if (a.year, a.phase) != (b.year, b.phase) or not _partners(a.subject, b.subject):
                continue
            if not _printed(a.value_text, a.value).overlaps(_printed(b.value_text, b.value)):
                continue  # not stated as one figure: not a balanced pair
            ident = (a.subject, b.subject, a.year, a.value_text, a.change_text, b.change_text)
            if ident in seen:
                continue
            seen.add(ident)
            pa, pb = _prior(a), _prior(b)
            ev = [Evidence(page=r.page, bbox=r.bbox, quote=r.quote, label=r.subject,
                           value_text=r.change_text or r.value_text) for r in (a, b)]
            shown_a, shown_b = fmt_like(a.value - a.change, a.value_text), fmt_like(b.value - b.change, b.value_text)
            rule = f"stated_change.balanced.{_quantity(a.subject)}.{a.year}"
            what = f"{a.subject}与{b.subject}的上年数"
            if pa.overlaps(pb):
                yield CheckResult(rule=rule, kind="stated_change", outcome="pass",
                                  message=f"{what}：{a.subject}倒推{a.year}年为 {shown_a}，{b.subject}倒推为 {shown_b}，一致",
                                  stated=round(a.value - a.change, 6), recomputed=round(b.value - b.change, 6),
                                  interval=(pb.lo, pb.hi), stated_interval=(pa.lo, pa.hi), evidence=ev)
                continue
            named = _names_year_and_phase(a) and _names_year_and_phase(b)
            msg = (f"{what}：两者同为 {a.value_text}，{a.subject}{a.basis}{_said(a)}，倒推为 {shown_a}"
                   f"{fmt_interval(pa.lo, pa.hi, a.value_text)}；{b.subject}{b.basis}{_said(b)}，倒推为 {shown_b}"
                   f"{fmt_interval(pb.lo, pb.hi, b.value_text)}，同一上年数不一致")
            if not named:
                yield CheckResult(rule=rule, kind="stated_change", outcome="not_applicable",
                                  message=msg + "（未同时写明所比年份与预算/决算，不作判定）", evidence=ev)
                continue
            yield CheckResult(rule=rule, kind="stated_change", outcome="fail", severity="error", message=msg,
                              stated=round(a.value - a.change, 6), recomputed=round(b.value - b.change, 6),
                              interval=(pb.lo, pb.hi), stated_interval=(pa.lo, pa.hi), evidence=ev)
    yield from _dropped(ctx)


def _said(ref: Reference) -> str:
    if not ref.change:
        return "持平"
    return f"{'增加' if ref.change > 0 else '减少'}{ref.change_text}万元"


def _dropped(ctx):
    """The stated changes of an amount that made no reference, one result per reason with the count."""
    from pipeline.extract.references import DROP_REASONS, extract_references
    from pipeline.schema import CheckResult, Evidence

    if ctx.doc is None or ctx.report.year is None:
        return
    dropped: list[tuple[str, str, int]] = []
    extract_references(ctx.doc, ctx.report.indicators, ctx.report.year, ctx.report.report_type, dropped)
    by_reason: dict[str, list[tuple[str, str, int]]] = {}
    for d in dropped:
        by_reason.setdefault(d[0], []).append(d)
    for reason, items in by_reason.items():
        yield CheckResult(rule=f"stated_change.no_reference.{reason}", kind="stated_change",
                          outcome="insufficient_data",
                          message=f"跨报告引用：{len(items)} 处所述变动未建立引用，{DROP_REASONS[reason]}",
                          evidence=[Evidence(page=pg, bbox=(0.0, 0.0, 0.0, 0.0), quote=q[:200]) for _, q, pg in items[:5]])
