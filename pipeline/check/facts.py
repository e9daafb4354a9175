"""One subject stated twice within a report must be stated with one value (issue 24, item 2a), for
any number of the prose, not only the catalog's: "“开办企业一窗通”为4078家企业提供…" and "为3797家企业
提供了开办企业一站式服务" cannot both be true of one year.

The facts are those of pipeline/extract/facts.py. Two facts are one statement only when everything
that could tell them apart agrees: the normalised subject, the measure and unit (and a count's
noun), the year, for a 其中 part the subject of the whole it breaks down, and every qualifier word
their statements and heading paths name (累计 / 当年, 日均, 预算 / 决算, 政府性基金, 本级, the place or
project: 万里街道, …项目); a fact that is a target, one of a list (分别为), a share, a change, an
approximation, or that a catalog indicator already covers is not compared. Two facts of one
sentence are never compared (the sentence itself tells them apart: "由166项增至185项"). The values
are intervals of their own printing (4,078 家 is exact; 16,497.86 万元 is ±0.005 万元) and a group
fails only when two of them do not overlap: an error, since subject, year and qualifiers are the
same. Understand or abstain: anything in doubt leaves the fact out, and the coverage says why.

Shares (item 2c): "其中：基本支出2336.91万元，占79.49%" is recomputed as the part over the whole its
其中 breaks down (:func:`share_checks`).

In: a Context (report, document). Out: CheckResults of kind ``fact`` (rules ``fact.<subject>`` and
``fact.share.<part>``), then insufficient_data results counting the facts not checked, by reason.
"""
from __future__ import annotations

import re
from collections import Counter

from pipeline.check.core import Context, fmt_interval, fmt_like, result
from pipeline.check.interval import Interval
from pipeline.extract.facts import Fact, facts_of, rules
from pipeline.schema import CheckResult, Evidence

KIND = "fact"

# why a fact entered no comparison, in the order they are tested (the coverage counts them)
REASONS = {
    "catalog": "目录指标，由指标核对",  # counted in the totals, not as unchecked
    "not_counted": "时长或百分点，不是数量",
    "approximate": "约数或界限（约、余、以上、超过）",
    "target": "目标值或标准值，不是实际数",
    "relation": "分项、列举、占比或变动数（其中、分别为、占、比上年）",
    "no_subject": "主语不明或过于笼统",
    "single": "同一主语只出现一次，无可比对的另一处",
    "separated": "同一主语的另一处限定不同（期间、阶段、范围）或同句并列，不可比",
}


def fact_checks(ctx: Context) -> list[CheckResult]:
    if ctx.doc is None:
        return []
    facts = facts_of(ctx.doc, ctx.report.indicators, ctx.report.year)
    if not facts:
        return []
    why: dict[int, str] = {}
    groups: dict[tuple, list[int]] = {}
    for i, f in enumerate(facts):
        reason = _excluded(f)
        if reason:
            why[i] = reason
        else:
            groups.setdefault(_identity(f), []).append(i)
    results: list[CheckResult] = []
    entered: set[int] = set()
    for ident, members in groups.items():
        comparable = _comparable_sets(facts, members)
        if not comparable:
            for i in members:
                why[i] = "single" if len(members) == 1 else "separated"
            continue
        for subset in comparable:
            results.append(_compare(ident, [facts[i] for i in subset]))
            entered.update(subset)
        for i in members:
            if i not in entered:
                why[i] = "separated"
    shares, used = share_checks(facts, ctx.label)
    results.extend(shares)
    for i in used:
        entered.add(i)
        why.pop(i, None)
    results.extend(_coverage(len(facts), len(entered), why))
    return results


def share_checks(facts: list[Fact], label=lambda key: key) -> tuple[list[CheckResult], set[int]]:
    """"其中：财政拨款收入B万元，占x%" (item 2c): x = B ÷ the whole the 其中 breaks down, where the base
    the share names is that whole or none. Where it does not, but another amount printed before it in
    the paragraph is the base that gives x (a nested 其中 may break down another figure than the last),
    the share is read as of that base: never an error. Returns the results and the facts they used."""
    at = {(f.paragraph, f.offset): i for i, f in enumerate(facts)}
    results, used = [], set()
    for i, rate in enumerate(facts):
        if rate.share_of is None or rate.approximate or "target" in rate.relations:
            continue
        p = at.get((rate.paragraph, rate.share_of))
        part = facts[p] if p is not None else None
        if part is None or part.whole_at is None or part.approximate or rate.base not in ("", part.whole):
            continue
        w = at.get(part.whole_at)
        whole = facts[w] if w is not None else None
        if whole is None or whole.approximate or whole.interval[0] <= 0:
            continue
        name = part.subject or (label(part.key) if part.key else part.subject_text)
        results.append(_share(rate, part, whole, name, [f for f in facts if f.paragraph in (part.paragraph, whole.paragraph)
                                                       and (f.paragraph, f.offset) < (part.paragraph, part.offset)
                                                       and f is not whole]))
        used.update({i, p, w})
    return results, used


def _ratio(part: Fact, base: Fact) -> Interval:
    return _iv(part) / _iv(base) * Interval.exact(100.0)


def _share(rate: Fact, part: Fact, whole: Fact, name: str, others: list[Fact]) -> CheckResult:
    recomputed = _ratio(part, whole)
    point = part.value / whole.value * 100
    rule = f"{KIND}.share.{name}"
    ev = [_evidence(rate), _evidence(part), _evidence(whole)]
    how = f"{part.raw_text} ÷ {whole.raw_text} × 100 = {fmt_like(point, rate.raw_text)}"
    common = dict(stated=rate.value, recomputed=round(point, 6), interval=recomputed, stated_interval=_iv(rate))
    if _iv(rate).overlaps(recomputed):
        return result(rule, KIND, "pass", f"“{name}”占比 {rate.raw_text}：{how}，一致", evidence=ev, **common)
    for base in others:
        if (base.measure == "amount" and base.interval[0] > 0 and not {"change", "share", "list"} & set(base.relations)
                and _iv(rate).overlaps(_ratio(part, base))):
            shown = fmt_like(part.value / base.value * 100, rate.raw_text)
            return result(rule, KIND, "pass", f"“{name}”占比 {rate.raw_text}：不是占其所属合计 {whole.raw_text} 之比"
                                              f"（{how}），而是 {part.raw_text} ÷ {base.raw_text} × 100 = {shown}",
                          evidence=ev + [_evidence(base)], **common)
    m = re.search(r"\.(\d+)", rate.raw_text)
    step = 10.0 ** -(len(m.group(1)) if m else 0)
    if Interval(rate.value, rate.value + step).overlaps(recomputed):  # 23.946 printed 23.94
        return result(rule, KIND, "fail", severity="warning",
                      message=f"“{name}”占比写作 {rate.raw_text}，按其所属合计复算 {how}：按截位而非四舍五入列示，"
                              f"截位误差，非前后矛盾", evidence=ev, **common)
    return result(rule, KIND, "fail", severity="error",
                  message=f"“{name}”占比写作 {rate.raw_text}，按其所属合计复算 {how}"
                          f"{fmt_interval(recomputed.lo, recomputed.hi, rate.raw_text)}，不一致",
                  evidence=ev, **common)


def _excluded(f: Fact) -> str | None:
    if f.key is not None:
        return "catalog"
    if f.not_counted:
        return "not_counted"
    if f.approximate:
        return "approximate"
    if "target" in f.relations:
        return "target"
    allowed = set(rules().compared_relations)
    if any(r not in allowed and not (r == "part" and f.whole) for r in f.relations):
        return "relation"
    if f.subject is None:
        return "no_subject"
    return None


def _identity(f: Fact) -> tuple:
    """What a fact is of: a 其中 part is compared only with parts of a whole of the same subject."""
    return (f.subject, f.measure, f.unit, f.noun, f.year, f.whole if "part" in f.relations else None)


def _signature(f: Fact) -> frozenset:
    return frozenset((kind, w) for kind, words in f.qualifiers.items() for w in words)


def _comparable_sets(facts: list[Fact], members: list[int]) -> list[list[int]]:
    """The members split by what their sentences name (every qualifier word the same); a set is
    compared when it holds facts of two sentences or more, and none of its sentences states the
    subject twice with different values (the sentence tells them apart by something not read)."""
    by_sig: dict[frozenset, list[int]] = {}
    for i in members:
        by_sig.setdefault(_signature(facts[i]), []).append(i)
    out = []
    for subset in by_sig.values():
        sentences: dict[tuple, list[Fact]] = {}
        for i in subset:
            sentences.setdefault((facts[i].paragraph, facts[i].sentence), []).append(facts[i])
        if len(sentences) < 2:
            continue
        if any(len(_distinct(fs)) > 1 for fs in sentences.values()):
            continue
        out.append(subset)
    return out


def _iv(f: Fact) -> Interval:
    return Interval(*f.interval)


def _distinct(facts: list[Fact]) -> list[list[Fact]]:
    groups: list[list[Fact]] = []
    for f in facts:
        for g in groups:
            if _iv(g[0]).overlaps(_iv(f)):
                g.append(f)
                break
        else:
            groups.append([f])
    return groups


def _evidence(f: Fact) -> Evidence:
    return Evidence(page=f.page, bbox=f.bbox, quote=f.quote, label=f.subject, value_text=f.raw_text)


def _compare(ident: tuple, facts: list[Fact]) -> CheckResult:
    subject = ident[0]
    rule = f"{KIND}.{subject}"
    what = f"“{subject}”" + (f"（{facts[0].noun}数）" if facts[0].noun and facts[0].noun not in subject else "")
    groups = _distinct(facts)
    evidence = [_evidence(f) for g in groups for f in g]
    first = groups[0][0]
    if len(groups) == 1:
        return result(rule, KIND, "pass", f"{what}在 {len(facts)} 处均为 {first.raw_text}",
                      stated=first.value, evidence=evidence)
    other = groups[1][0]
    places = "，".join(f"第{g[0].page}页写作 {g[0].raw_text}" for g in groups)
    return result(rule, KIND, "fail", severity="error",
                  message=f"同一事项{what}前后数值不一致：{places}",
                  stated=first.value, recomputed=other.value, interval=_iv(other), stated_interval=_iv(first),
                  evidence=evidence)


def _coverage(total: int, entered: int, why: dict[int, str]) -> list[CheckResult]:
    """What the facts came to: one insufficient_data result with the totals, then one per reason
    with how many facts it kept out of every comparison (coverage's ``not_checked``)."""
    counts = Counter(why.values())
    catalog = counts.pop("catalog", 0)
    rest = sum(counts.values())
    if not rest:
        return []
    out = [result(f"{KIND}.coverage", KIND, "insufficient_data",
                  f"正文数字事实共 {total} 个：目录指标 {catalog} 个由指标核对，{entered} 个经事实比对核对，"
                  f"{rest} 个未核对（原因分列）")]
    for reason, text in REASONS.items():
        if counts.get(reason):
            out.append(result(f"{KIND}.coverage.{reason}", KIND, "insufficient_data",
                              f"数字事实 {counts[reason]} 个未核对：{text}"))
    return out
