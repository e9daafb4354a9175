"""Arithmetic stated in a sentence: year-on-year changes ("比2022年度减少1,342万元，降幅为22%")
and budget completion ("支出决算为C万元，完成年初预算的P%"), as declared in patterns/rules.yaml."""
from __future__ import annotations

import re

from pipeline.extract.catalog import rules_config
from pipeline.check.core import Context, fmt_interval, fmt_like, result, verdict
from pipeline.extract.indicators import clean_label
from pipeline.check.interval import Interval
from pipeline.extract.numbers import parse_number
from pipeline.schema import CheckResult, Evidence

# --------------------------------------------------------------------------------------- year on year
def change_checks(ctx: Context) -> list[CheckResult]:
    """"S N万元，比2022年度减少M万元，降幅为P%": P recomputed as M over last year's amount."""
    cfg = rules_config().get("year_on_year")
    if not cfg or ctx.doc is None:
        return []
    patterns = [_compile(ctx, p) for p in cfg["patterns"]]
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
    change, change_text, ev_change = _printed(p, *m.span("change"), f"{subject}变动额")
    rate, rate_text, ev_rate = _printed(p, *m.span("rate"), f"{subject}变动率")
    if "amount" in m.groupdict() and m.group("amount"):
        amount, amount_text, ev_amount = _printed(p, *m.span("amount"), subject)
    else:  # "与2023年度相比，S减少…": S's amount is stated before, in this or the previous paragraphs
        found = _stated_before(ctx, paragraphs, k, m.start(), subject, m.group("subject"))
        if found is None:
            return result(rule, "change", "insufficient_data",
                           f"“{subject}”的变动率 {rate_text}%：报告此前未给出{subject}的本年金额，无法复算",
                           evidence=[ev_change, ev_rate])
        amount, amount_text, ev_amount = _printed(*found, subject)
    base = amount - change if up else amount + change
    evidence = [ev_rate, ev_amount, ev_change]
    sign = "−" if up else "+"
    shown = f"{change_text} ÷ ({amount_text} {sign} {change_text}) × 100"
    if base.lo <= 0 <= base.hi:
        return result(rule, "change", "not_applicable",
                       f"“{subject}”上年金额为零（{amount_text} {sign} {change_text}），变动率 {rate_text}% 不适用",
                       evidence=evidence)
    iv = change / base * Interval.exact(100.0)
    point = change.mid / base.mid * 100.0
    what = f"“{subject}”比上年{m.group('dir')} {change_text} 万元"
    again = fmt_like(point, rate_text + "%")
    return verdict(rule, "change", iv.overlaps(rate), f"{what}，变动 {rate_text}%：{shown} = {again}",
                    f"{what}，写作变动 {rate_text}%，按 {shown} 复算为 {again}{fmt_interval(iv.lo, iv.hi, rate_text + '%')}，不一致",
                    stated=rate, recomputed=iv, evidence=evidence, point=point)


def _compile(ctx: Context, pattern: str, group: str | None = None) -> re.Pattern:
    """A rules.yaml pattern with ``{num}`` standing for the catalog's printed number."""
    num = ctx.cat.number.replace("(?P<num>", f"(?P<{group}>" if group else "(?:")
    return re.compile(pattern.replace("{num}", num))


def _printed(para, a: int, b: int, label: str | None = None) -> tuple[Interval, str, Evidence]:
    """The number printed at ``para.text[a:b]``: its interval, its text, and its evidence."""
    text = para.text[a:b]
    value, decimals = parse_number(text)
    page, bbox = para.span_of(a, b)[0]
    s0, s1 = _sentence_around(para.text, a)
    return (Interval.printed(value, decimals), text,
            Evidence(page=page, bbox=bbox, quote=para.raw_of(s0, s1).strip(), label=label, value_text=text))


def _sentence_around(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind(c, 0, pos) for c in "。；;") + 1
    ends = [i for i in (text.find(c, pos) for c in "。；;") if i >= 0]
    return start, (min(ends) + 1 if ends else len(text))


def _stated_before(ctx: Context, paragraphs, k: int, end: int, subject: str, full_subject: str):
    """The last "S N万元" before position ``end`` of paragraph k, looking back a few paragraphs."""
    names = {re.escape(full_subject), re.escape(subject)}
    pat = _compile(ctx, "(?:" + "|".join(sorted(names, key=len, reverse=True)) + r")(?:为|是|共计|合计)?{num}万元", "n")
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
    bases = {name: _compile(ctx, p) for name, p in cfg["bases"].items()}
    actual_re = _compile(ctx, cfg["actual"])
    rate_re = _compile(ctx, cfg["rate"])
    results = []
    paragraphs = ctx.doc.paragraphs
    for k, p in enumerate(paragraphs):
        start = 0  # each rate uses the figures stated after the previous rate
        for m in rate_re.finditer(p.text):
            results.append(_completion_check(p, start, m, bases, actual_re, paragraphs[max(0, k - 2):k]))
            start = m.end()
    return results


def _completion_check(p, start: int, m: re.Match, bases: dict[str, re.Pattern], actual_re: re.Pattern,
                      before=()) -> CheckResult:
    """``before``: the paragraphs just before, where a budget the rate names may be stated when the
    paragraph itself does not ("1.收入情况。…年初预算为A万元…" then "2.支出情况。…完成年初预算的P%")."""
    segment = p.text[start:m.start()]

    def last(pat: re.Pattern, look_back: bool = False) -> tuple[Interval, str, Evidence] | None:
        hits = list(pat.finditer(segment))
        if hits:
            return _printed(p, start + hits[-1].start("v"), start + hits[-1].end("v"))
        if look_back and start == 0:
            for q in reversed(list(before)):
                found = [h for h in pat.finditer(q.text) if not _of_a_subject(q.text, h.start())]
                if found:
                    return _printed(q, found[-1].start("v"), found[-1].end("v"))
        return None

    first = min([h.start() for pat in [*bases.values(), actual_re] for h in pat.finditer(segment)], default=0)
    subject = _clean_subject(segment[:first]) or _clean_subject(p.text.split("。")[0]) or f"第{p.page}页"
    rule = f"completion.{subject}"
    named = m.group("base") or m.groupdict().get("base_share") or next(iter(bases))
    rate, rate_text, ev_rate = _printed(p, *m.span("v"))
    actual = last(actual_re)
    stated_bases = {name: found for name, pat in bases.items() if (found := last(pat, look_back=name == named))}
    if actual is None or named not in stated_bases:
        return result(rule, "completion", "insufficient_data",
                       f"“{subject}”完成{named}预算的 {rate_text}%：同一处未给出决算数和{named}预算数，无法复算",
                       evidence=[ev_rate])
    c, c_text, ev_c = actual

    def ratio(base) -> Interval | None:
        b = base[0]
        return None if b.lo <= 0 <= b.hi else c / b * Interval.exact(100.0)

    b, b_text, ev_b = stated_bases[named]
    iv = ratio(stated_bases[named])
    point = c.mid / b.mid * 100 if iv is not None else None
    evidence = [ev_rate, ev_c, ev_b]
    shown = f"{c_text} ÷ {b_text} × 100"
    if iv is not None and iv.overlaps(rate):
        return result(rule, "completion", "pass",
                       f"“{subject}”完成{named}预算的 {rate_text}% = {shown} = {fmt_like(point, rate_text + '%')}",
                       stated=rate.mid, recomputed=round(point, 6), interval=iv, stated_interval=rate,
                       evidence=evidence)
    for other, found in stated_bases.items():
        alt = ratio(found) if other != named else None
        if alt is not None and alt.overlaps(rate):
            alt_point = c.mid / found[0].mid * 100
            return result(rule, "completion", "fail", severity="warning",
                           message=f"“{subject}”写作完成{named}预算的 {rate_text}%（{named}预算 {b_text} 万元），"
                                   f"实为按{other}预算计算：{c_text} ÷ {found[1]} × 100 = {fmt_like(alt_point, rate_text + '%')}，"
                                   f"所称口径与计算口径不一致",
                           stated=rate.mid, recomputed=round(alt_point, 6), interval=alt, stated_interval=rate,
                           evidence=evidence + [found[2]])
    if iv is None:
        return result(rule, "completion", "not_applicable",
                       f"“{subject}”{named}预算为 {b_text} 万元，完成比例 {rate_text}% 无从计算", evidence=evidence)
    return result(rule, "completion", "fail", severity="error",
                   message=f"“{subject}”写作完成{named}预算的 {rate_text}%，按 {shown} 复算为 "
                           f"{fmt_like(point, rate_text + '%')}{fmt_interval(iv.lo, iv.hi, rate_text + '%')}，不一致",
                   stated=rate.mid, recomputed=round(point, 6), interval=iv, stated_interval=rate, evidence=evidence)


def _of_a_subject(text: str, pos: int) -> bool:
    """A budget stated of a subject (“三公”经费, a project, a fund: indicators.yaml ``subjects``) in its
    clause: not the department's, never borrowed for the department's completion rate."""
    from pipeline.extract.catalog import catalog

    clause = re.split(r"[。；;，,]", text[:pos])[-1]
    return any(pat.search(clause) for pats in catalog().subjects.values() for pat in pats)


def _clean_subject(text: str) -> str:
    """The name before a figure: its clause, without numbering, 其中 and punctuation."""
    text = re.split(r"[。;；]", text)[-1] if re.search(r"[^。;；]", text) else text
    return clean_label(text.strip("，,:： ")).strip("，,:： ")[:30]
