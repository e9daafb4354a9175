"""Year-on-year changes recomputed inside one report (patterns/rules.yaml ``stated_changes``).

A sentence that states a change — "人员经费支出468.92万元，比上年增加12.40万元，增长2.72%", "较上年
（798.40万元）增长5.48%", "与2022年相比，公用经费减少3,200元" — is recomputed from the prior figure
wherever the same report states it: in the sentence itself, in a table row of the same subject whose
current-year cell holds the same figure (its prior-year column of the same phase), or in a sentence
that states the subject of the prior year. Without a prior figure a change and its rate are
recomputed against each other. A 与上年对比 table (本年 | 上年 | 增减额 | 增减率) is recomputed row by
row. Amounts in 元, 万元 and 亿元 are compared in 万元 with the interval of their own printing.

Understand or abstain: subjects must be the same after normalisation (patterns/crossreport.yaml
``subjects``), a table's columns must name the years (or 本年 / 上年) and agree in phase, a table in
doubt (extract.structure) never yields an error, and a change whose prior figure is stated nowhere
in the report is insufficient_data (another report of the batch may state it: check/cross.py).

In: a Context (report, document). Out: CheckResults of kind ``change``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from pipeline.check.core import Context, fmt, fmt_interval, fmt_like, result
from pipeline.check.interval import Interval
from pipeline.check.prose import _sentence_around
from pipeline.check.tables import _cell_evidence, _table_id
from pipeline.document import Paragraph, Table
from pipeline.extract.catalog import PATTERNS_DIR, catalog, rules_config
from pipeline.extract.indicators import clean_label, table_unit
from pipeline.extract.numbers import parse_number, to_canonical
from pipeline.extract.references import normalise_subject
from pipeline.extract.structure import body_rows, reading_of
from pipeline.patterns import validated
from pipeline.read.tables import row_label
from pipeline.schema import CheckResult, Evidence


class SideBySide(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current: list[str]
    prior: list[str]
    change: list[str]
    rate: list[str]


class ChangeRules(BaseModel):
    """patterns/rules.yaml ``stated_changes``."""

    model_config = ConfigDict(extra="forbid")
    side_by_side: SideBySide
    compare: list[str]
    prior: list[str]
    increase: list[str]
    decrease: list[str]
    rate_words: list[str]
    units: list[str]
    phases: dict[str, str]
    change_column: list[str]
    change_rate_column: list[str]


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _Patterns:
    rules: ChangeRules
    after: re.Pattern      # "比上年（M万元）增加C万元，增长P%" after the figure it compares
    with_subject: re.Pattern  # "与上年相比，S增加C万元，增长P%"
    amount: re.Pattern     # a printed amount with its unit
    pair: re.Pattern       # "S本年A万元，上年B万元，同比增减额C万元，同比增减率R%"
    old: list[re.Pattern]  # check/prose.py's year_on_year patterns (they check change against rate there)


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    rules = validated(ChangeRules, rules_config().get("stated_changes") or {}, PATTERNS_DIR / "rules.yaml")
    num = catalog().number

    def n(group: str) -> str:
        return num.replace("(?P<num>", f"(?P<{group}>")

    units, dirs, prior = _alt(rules.units), _alt(rules.increase + rules.decrease), _alt(rules.prior)
    phases = _alt(rules.phases)
    basis = rf"(?P<basis>(?:{prior})|(?P<year>20\d{{2}})年度?)(?:同期)?(?P<phase>{phases})?"
    tail = (rf"(?P<dir>{dirs})了?(?:{n('change')}\s*(?P<cunit>{units}|%|个百分点))?"
            rf"(?:[，,]\s*(?:{_alt(rules.rate_words)})(?:为|了)?\s*{n('rate')}\s*%)?")
    cmp = _alt([w for w in rules.compare if w != "同比"])
    after = re.compile(rf"(?:(?:{cmp}){basis}(?:的)?(?:\s*[（(]?\s*{n('prior')}\s*(?P<punit>{units})\s*[)）]?)?[，,]?|同比){tail}")
    with_subject = re.compile(rf"与{basis}(?:相比|比较|对比)[，,]?(?P<subject>[\u4e00-\u9fa5“”\"()（）]{{2,30}}?){tail}")
    amount = re.compile(n("v") + rf"\s*(?P<unit>{units})")
    sb = rules.side_by_side
    pair = re.compile(rf"(?P<subject>[\u4e00-\u9fa5“”\"]{{2,20}}?)(?:{_alt(sb.current)}){n('cur')}\s*(?P<cunit>{units})[，,]\s*"
                      rf"(?:{_alt(sb.prior)}){n('prior')}\s*(?P<punit>{units})"
                      rf"(?:[，,]\s*(?:{_alt(sb.change)}){n('change')}\s*(?P<chunit>{units}))?"
                      rf"(?:[，,]\s*(?:{_alt(sb.rate)}){n('rate')}\s*%)?")
    old_cfg = rules_config().get("year_on_year") or {}
    old = [re.compile(p.replace("{num}", num.replace("(?P<num>", "(?:"))) for p in old_cfg.get("patterns", [])]
    return _Patterns(rules, after, with_subject, amount, pair, old)


@dataclass
class _Figure:
    """A printed amount in 万元, with its interval, as printed, and where."""
    iv: Interval
    text: str
    evidence: Evidence

    @property
    def mid(self) -> float:
        return self.iv.mid


def _figure(text: str, unit: str | None, evidence: Evidence) -> _Figure | None:
    parsed = parse_number(text)
    if parsed is None:
        return None
    value, decimals = to_canonical(parsed[0], parsed[1], unit)
    return _Figure(Interval.printed(value, decimals), text + (unit or ""), evidence)


def _prose_figure(p: Paragraph, a: int, b: int, unit: str | None, label: str) -> _Figure | None:
    page, bbox = p.span_of(a, b)[0]
    s0, s1 = _sentence_around(p.text, a)
    text = p.text[a:b]
    return _figure(text, unit, Evidence(page=page, bbox=bbox, quote=p.raw_of(s0, s1).strip(), label=label,
                                        value_text=text))


_DELIM = re.compile(r"[，,。；;：:、]|其中")


def _clause_start(text: str, pos: int) -> int:
    start = 0
    for d in _DELIM.finditer(text, 0, pos):
        start = d.end()
    return start


def _subject(words: str) -> str | None:
    s = normalise_subject(words)
    return s if len(s) >= 2 and not re.search(r"\d", s) else None


def _same(a: str, b: str) -> bool:
    """One subject: equal after normalisation, or a table row's label without the 支出 the prose adds."""
    return a == b or a == b + "支出" or b == a + "支出"


# ------------------------------------------------------------------------------------ the report's figures
def _years_of(year: int) -> tuple[re.Pattern, re.Pattern]:
    rules = _patterns().rules
    prior = re.compile(rf"^(?:{_alt(rules.prior)}|{year - 1}年度?)")
    own = re.compile(rf"^(?:本年度?|当年|今年|全年|{year}年度?)")
    return prior, own


def _statements(ctx: Context, year: int) -> tuple[list[tuple[str, _Figure]], list[tuple[str, _Figure]]]:
    """Every amount of the prose with its subject: (own year's, prior year's). A figure is the prior
    year's when its clause opens with 上年 / the year before; any other year named makes it neither."""
    pats = _patterns()
    prior_re, own_re = _years_of(year)
    own, prior = [], []
    for p in ctx.doc.paragraphs:
        if not re.search(r"\d", p.text):
            continue
        for m in pats.amount.finditer(p.text):
            start = _clause_start(p.text, m.start())
            words = p.text[start:m.start()].strip()
            words = re.sub(r"^(?:[一二三四五六七八九十]+、|\(?[一二三四五六七八九十\d]+\)|\d+[.、])", "", words)
            target = own
            if (pm := prior_re.match(words)):
                target, words = prior, words[pm.end():]
            elif re.match(r"^\d{4}年", words) and not own_re.match(words):
                continue  # another year's figure
            if re.search(r"比|较|与|增加|减少|增长|下降", words):
                continue  # a change, not a statement of the figure
            subject = _subject(words)
            if subject is None:
                continue
            fig = _prose_figure(p, m.start("v"), m.end("v"), m.group("unit"), subject)
            if fig is not None:
                target.append((subject, fig))
    return own, prior


@dataclass
class _TableYears:
    table: Table
    cur: int
    prior: int
    phase: str | None
    change: int | None
    rate: int | None


def _year_columns(ctx: Context, t: Table, year: int) -> _TableYears | None:
    """The table's current-year and prior-year amount columns (of one phase), and its change and
    change-rate columns; None when the titles do not say which year a column is."""
    rules = _patterns().rules
    cols = reading_of(t, ctx.doc).columns

    def of_year(c, y: int, rel: str) -> bool:
        return c.role == "amount" and (c.year == y or (c.year is None and c.relative_year == rel))

    cur = [j for j, c in enumerate(cols) if of_year(c, year, "current")]
    prior = [j for j, c in enumerate(cols) if of_year(c, year - 1, "prior")]
    pairs = [(a, b) for a in cur for b in prior if cols[a].phase == cols[b].phase and cols[a].fund == cols[b].fund]
    if len(pairs) != 1:
        return None
    a, b = pairs[0]
    change = [j for j, c in enumerate(cols) if c.role == "change" and any(w in c.title for w in rules.change_column)
              and not any(w in c.title for w in rules.change_rate_column)]
    rate = [j for j, c in enumerate(cols) if c.role == "rate" and any(w in c.title for w in rules.change_rate_column)]
    return _TableYears(t, a, b, cols[a].phase, change[0] if len(change) == 1 else None,
                       rate[0] if len(rate) == 1 else None)


def _cell(t: Table, row, j: int, unit: str | None, title: str) -> _Figure | None:
    if j >= len(row.cells):
        return None
    return _figure(row.cells[j].text.replace(" ", ""), unit, _cell_evidence(t, row, j, title))


def _doubts(t: Table) -> list[str]:
    reading = t.reading
    return [d.reason for d in reading.doubts] if reading else []


# ------------------------------------------------------------------------------------------------ checks
def year_on_year_checks(ctx: Context) -> list[CheckResult]:
    year = ctx.report.year
    if ctx.doc is None or year is None:
        return []
    pats = _patterns()
    tables = [ty for t in ctx.doc.tables if (ty := _year_columns(ctx, t, year)) is not None]
    own, prior = _statements(ctx, year)
    out: list[CheckResult] = []
    for ty in tables:
        out.extend(_table_rows(ctx, ty))
    for p in ctx.doc.paragraphs:
        if not re.search(r"比|较|与", p.text):
            continue
        old = [(m.start(), m.end()) for pat in pats.old for m in pat.finditer(p.text)]
        for m in pats.after.finditer(p.text):
            out.extend(_prose_change(ctx, p, m, None, own, prior, tables, old))
        for m in pats.with_subject.finditer(p.text):
            out.extend(_prose_change(ctx, p, m, m.group("subject"), own, prior, tables, old))
        for m in pats.pair.finditer(p.text):
            out.extend(_pair_change(p, m))
    return out


def _pair_change(p: Paragraph, m: re.Match) -> list[CheckResult]:
    """"S本年A，上年B，同比增减额C，同比增减率R%": C against A − B, R against (A − B) ÷ B."""
    subject = _subject(re.sub(r"^.*?(?:20\d{2}年度?)", "", m.group("subject")))
    if subject is None or not (m.group("change") or m.group("rate")):
        return []
    rule = f"change.{subject}"
    cur = _prose_figure(p, *m.span("cur"), m.group("cunit"), subject)
    base = _prose_figure(p, *m.span("prior"), m.group("punit"), f"{subject}上年数")
    out = []
    if m.group("change"):
        change = _prose_figure(p, *m.span("change"), m.group("chunit"), "变动额")
        sign = -1 if change.mid < 0 else 1
        if sign < 0:  # printed with its sign: compare magnitudes under the direction it names
            change = _Figure(-change.iv, change.text, change.evidence)
        out.append(_difference(rule, subject, cur, base, change, sign, "同句", []))
    if m.group("rate"):
        rate = _prose_figure(p, *m.span("rate"), None, "变动率")
        sign = -1 if rate.mid < 0 else 1
        if sign < 0:
            rate = _Figure(-rate.iv, rate.text, rate.evidence)
        out.append(_rate(rule + ".增减率", subject, cur, base, rate, sign, "同句", []))
    return out


def _direction(m: re.Match) -> int:
    return 1 if m.group("dir") in _patterns().rules.increase else -1


def _prose_change(ctx, p: Paragraph, m: re.Match, named: str | None, own, prior, tables, old) -> list[CheckResult]:
    rules = _patterns().rules
    year = ctx.report.year
    if any(a <= m.start() < b or m.start() <= a < m.end() for a, b in old):
        return []  # check/prose.py recomputes this one (its change against its rate)
    if m.group("year") and int(m.group("year")) != year - 1:
        return []  # another year than the one before: its figures are not read here
    cunit = m.group("cunit")
    if cunit == "个百分点" or (not m.group("change") and not m.group("rate")):
        return []
    sign = _direction(m)
    change = rate = None
    if m.group("change"):
        if cunit == "%":
            rate = _prose_figure(p, *m.span("change"), None, "变动率")
        else:
            change = _prose_figure(p, *m.span("change"), cunit, "变动额")
    if m.group("rate"):
        rate = _prose_figure(p, *m.span("rate"), None, "变动率")
    # the figure it compares: the amount printed just before the comparison, else the subject's
    # figure stated in the report
    current = subject = None
    if named is None:
        before = list(_patterns().amount.finditer(p.text, _sentence_around(p.text, m.start())[0], m.start()))
        if before and re.fullmatch(r"\s*[，,]?\s*", p.text[before[-1].end():m.start()]):
            a = before[-1]
            subject = _subject(re.sub(r"^.*?(?:20\d{2}年度?|本年度?|全年|当年)", "",
                                      p.text[_clause_start(p.text, a.start()):a.start()].strip()))
            current = _prose_figure(p, a.start("v"), a.end("v"), a.group("unit"), subject or "")
        else:
            subject = _subject(p.text[_clause_start(p.text, m.start()):m.start()].strip())
    else:
        subject = _subject(named)
    if subject is None:
        return []
    rule = f"change.{subject}"
    if current is None:
        found = [f for s, f in own if _same(s, subject)] or _catalog_figures(ctx, named or subject)
        values = {round(f.mid, 6) for f in found}
        if len(values) != 1:
            why = "报告未给出其本年金额" if not values else "其本年金额在报告中有多个取值"
            ev = [f.evidence for f in (change, rate) if f]
            return [result(rule, "change", "insufficient_data", f"“{subject}”的变动：{why}，无法复算", evidence=ev)]
        current = found[-1]
    phase = rules.phases.get(m.group("phase") or "")
    base = _prior_figure(ctx, p, m, subject, current, phase, prior, tables)
    if isinstance(base, str):
        if change is not None and rate is not None:
            return [_rate_from_change(rule, subject, current, change, rate, sign)]
        ev = [f.evidence for f in (current, change, rate) if f]
        return [result(rule, "change", "insufficient_data", f"“{subject}”的变动：{base}，无法复算", evidence=ev)]
    fig, where, doubts = base
    out = []
    if change is not None:
        out.append(_difference(rule, subject, current, fig, change, sign, where, doubts))
    if rate is not None:
        out.append(_rate(rule + ".增减率", subject, current, fig, rate, sign, where, doubts))
    return out


def _catalog_figures(ctx, words: str) -> list[_Figure]:
    """The report's statements of the catalog quantity the words name ("“三公”经费支出" is
    three_public_actual): read as the prose binder reads them, one value or none."""
    from pipeline.check.core import indicator_value
    from pipeline.extract.indicators import _bind

    phrase = re.sub(r"\s+", "", words) + "1万元"
    keys = {c.entry.key for c in _bind(phrase, ctx.cat, ctx.report.report_type, ctx.report.year)
            if c.num_start == len(phrase) - 3 and c.entry.kind == "amount"}
    if len(keys) != 1:
        return []
    key = keys.pop()
    out = []
    for ind in ctx.report.indicators:
        if ind.key == key and ind.unit == "万元":
            v = indicator_value(ind)
            out.append(_Figure(v.interval, v.text if v.text.endswith(("元", "万元")) else v.text + "万元", v.evidence))
    return out


def _prior_figure(ctx, p, m, subject, current: _Figure, phase, prior, tables):
    """The prior year's figure of ``subject``: (figure, where it is printed, the doubts of its table),
    or why there is none."""
    found: list[tuple[_Figure, str, list[str]]] = []
    if m.groupdict().get("prior"):
        fig = _prose_figure(p, *m.span("prior"), m.group("punit"), f"{subject}上年数")
        if fig is not None:
            found.append((fig, "同句", []))
    if not found:
        for ty in tables:
            if phase and ty.phase and ty.phase != phase and not (phase == "budget" and ty.phase == "adjusted"):
                continue  # the comparison names another phase than the table's columns
            unit = table_unit(ty.table, ctx.doc)
            if unit is None:
                continue
            titles = [c.title for c in ty.table.reading.columns]
            for row in body_rows(ty.table):
                label = _subject(clean_label(row_label(row)))
                if label is None or not _same(label, subject):
                    continue
                cur = _cell(ty.table, row, ty.cur, unit, titles[ty.cur])
                if cur is None or not cur.iv.overlaps(current.iv):
                    continue
                fig = _cell(ty.table, row, ty.prior, unit, titles[ty.prior])
                if fig is not None:
                    found.append((fig, f"{ty.table.caption or f'第{ty.table.page}页表格'}“{titles[ty.prior]}”列",
                                  _doubts(ty.table)))
    if not found:
        found = [(f, f"第{f.evidence.page}页", []) for s, f in prior if _same(s, subject)]
    if not found:
        return "报告未给出其上年数"
    values = {round(f.mid, 6) for f, _, _ in found}
    if len(values) > 1:
        return "其上年数在报告中有多个取值"
    return found[0]


def _difference(rule, subject, cur: _Figure, base: _Figure, change: _Figure, sign: int, where, doubts) -> CheckResult:
    iv = cur.iv - base.iv
    stated = change.iv if sign > 0 else -change.iv
    word = "增加" if sign > 0 else "减少"
    shown = f"{cur.text} − {base.text}"
    point = cur.mid - base.mid
    evidence = [change.evidence, cur.evidence, base.evidence]
    what = f"“{subject}”比上年{word} {change.text}"
    common = dict(stated=round(stated.mid, 6), recomputed=round(point, 6), interval=iv, stated_interval=stated,
                  evidence=evidence)
    if iv.overlaps(stated):
        return result(rule, "change", "pass", f"{what}：{shown}（上年数见{where}）= {fmt(point)} 万元", **common)
    msg = (f"{what}，按本年 {cur.text} 与上年 {base.text}（见{where}）复算为 {fmt(point)} 万元"
           f"{fmt_interval(iv.lo, iv.hi, '0.0000')}，不一致")
    if doubts:
        return result(rule, "change", "insufficient_data", msg + f"；但该表结构存疑（{'；'.join(doubts)}），不作判定",
                      **common)
    return result(rule, "change", "fail", msg, severity="error", **common)


def _rate(rule, subject, cur: _Figure, base: _Figure, rate: _Figure, sign: int, where, doubts) -> CheckResult:
    evidence = [rate.evidence, cur.evidence, base.evidence]
    if base.iv.lo <= 0 <= base.iv.hi:
        return result(rule, "change", "not_applicable", f"“{subject}”上年数为零（{base.text}），变动率不适用",
                      evidence=evidence)
    iv = (cur.iv - base.iv) / base.iv * Interval.exact(100.0)
    stated = rate.iv if sign > 0 else -rate.iv
    point = (cur.mid - base.mid) / base.mid * 100
    rate_text = rate.text
    shown = f"({cur.text} − {base.text}) ÷ {base.text} × 100"
    common = dict(stated=round(stated.mid, 6), recomputed=round(point, 6), interval=iv, stated_interval=stated,
                  evidence=evidence)
    what = f"“{subject}”比上年{'增长' if sign > 0 else '下降'} {rate_text}%"
    if iv.overlaps(stated):
        return result(rule, "change", "pass", f"{what}：{shown} = {fmt_like(point, rate_text + '%')}（上年数见{where}）",
                      **common)
    msg = f"{what}，按 {shown}（上年数见{where}）复算为 {fmt_like(point, rate_text + '%')}，不一致"
    if doubts:
        return result(rule, "change", "insufficient_data", msg + f"；但该表结构存疑（{'；'.join(doubts)}），不作判定",
                      **common)
    return result(rule, "change", "fail", msg, severity="error", **common)


def _rate_from_change(rule, subject, cur: _Figure, change: _Figure, rate: _Figure, sign: int) -> CheckResult:
    """No prior figure printed: the rate against the change, the prior being the figure less the change."""
    base = cur.iv - change.iv if sign > 0 else cur.iv + change.iv
    evidence = [rate.evidence, cur.evidence, change.evidence]
    if base.lo <= 0 <= base.hi:
        return result(rule + ".增减率", "change", "not_applicable",
                      f"“{subject}”上年数为零（{cur.text} {'−' if sign > 0 else '+'} {change.text}），变动率不适用",
                      evidence=evidence)
    iv = change.iv / base * Interval.exact(100.0)
    point = change.mid / base.mid * 100
    shown = f"{change.text} ÷ ({cur.text} {'−' if sign > 0 else '+'} {change.text}) × 100"
    what = f"“{subject}”比上年{'增加' if sign > 0 else '减少'} {change.text}，变动 {rate.text}%"
    common = dict(stated=round(rate.mid, 6), recomputed=round(point, 6), interval=iv, stated_interval=rate.iv,
                  evidence=evidence)
    if iv.overlaps(rate.iv):
        return result(rule + ".增减率", "change", "pass", f"{what}：{shown} = {fmt_like(point, rate.text + '%')}", **common)
    return result(rule + ".增减率", "change", "fail", severity="error",
                  message=f"{what}，按 {shown} 复算为 {fmt_like(point, rate.text + '%')}"
                          f"{fmt_interval(iv.lo, iv.hi, rate.text + '%')}，不一致", **common)


# ------------------------------------------------------------------------------------------- tables
def _table_rows(ctx: Context, ty: _TableYears) -> list[CheckResult]:
    t = ty.table
    if ty.change is None and ty.rate is None:
        return []
    titles = [c.title for c in t.reading.columns]
    name = t.caption or f"第{t.page}页表格"
    doubts = _doubts(t)
    rows = body_rows(t)
    change_cells = [r.cells[ty.change].text for r in rows if ty.change is not None and ty.change < len(r.cells)]
    signed = any(c.strip().startswith(("-", "−")) for c in change_cells)
    out = []
    for row in rows:
        label = clean_label(row_label(row))
        cur = _cell(t, row, ty.cur, None, titles[ty.cur])
        base = _cell(t, row, ty.prior, None, titles[ty.prior])
        if cur is None or base is None or not label:
            continue
        what = f"{name}“{label}”行"
        rule = f"change.{_table_id(t)}.{label}"
        if ty.change is not None and (ch := _cell(t, row, ty.change, None, titles[ty.change])) is not None:
            iv = cur.iv - base.iv
            stated = ch.iv
            if not signed and iv.hi < 0:
                stated = -ch.iv  # a column of magnitudes under 增减: the row decreased
            out.append(_row_verdict(rule, what, f"{titles[ty.change]} {ch.text}", f"{cur.text} − {base.text}",
                                    iv, stated, cur.mid - base.mid, [ch.evidence, cur.evidence, base.evidence],
                                    doubts, ch.text))
        if ty.rate is not None and (rt := _cell(t, row, ty.rate, None, titles[ty.rate])) is not None:
            if base.iv.lo <= 0 <= base.iv.hi:
                out.append(result(rule + ".增减率", "change", "not_applicable", f"{what}上年数为零，变动率不适用",
                                  evidence=[rt.evidence, base.evidence]))
                continue
            iv = (cur.iv - base.iv) / base.iv * Interval.exact(100.0)
            stated = rt.iv if (signed or iv.hi >= 0 or rt.text.startswith(("-", "−"))) else -rt.iv
            point = (cur.mid - base.mid) / base.mid * 100
            out.append(_row_verdict(rule + ".增减率", what, f"{titles[ty.rate]} {rt.text}",
                                    f"({cur.text} − {base.text}) ÷ {base.text} × 100", iv, stated, point,
                                    [rt.evidence, cur.evidence, base.evidence], doubts, rt.text.rstrip("%") + "%"))
    return out


def _row_verdict(rule, what, stated_text, shown, iv: Interval, stated: Interval, point: float, evidence, doubts,
                 like: str) -> CheckResult:
    common = dict(stated=round(stated.mid, 6), recomputed=round(point, 6), interval=iv, stated_interval=stated,
                  evidence=evidence)
    if iv.overlaps(stated):
        return result(rule, "change", "pass", f"{what}{stated_text} = {shown}", **common)
    msg = f"{what}{stated_text}，按 {shown} 复算为 {fmt_like(point, like)}{fmt_interval(iv.lo, iv.hi, like)}，不一致"
    if doubts:
        return result(rule, "change", "insufficient_data", msg + f"；但该表结构存疑（{'；'.join(doubts)}），不作判定",
                      **common)
    return result(rule, "change", "fail", msg, severity="error", **common)
