"""部门/单位 预算 and 决算 reports, as declared in patterns/budget.yaml:

- text against tables: each headline figure stated in the 情况说明 against the standard table that
  holds it (a blank cell where the text states a figure is a finding), and the same figure in two
  standard tables of the same scope against each other;
- per-item explanations ("…(类)…(款)…(项)。年初预算为A万元，支出决算为B万元") against the item's row;
- comparison words ("决算数小于预算数", "比2023年预算执行数减少57.14%") against the numbers they compare;
- empty tables carry their 说明; the standard table set is complete; years and dates are the report's.
"""
from __future__ import annotations

import re

from pipeline.check.core import Context, fmt, fmt_like, result
from pipeline.check.interval import Interval
from pipeline.check.prose import _printed  # a printed number of a paragraph: interval, text, evidence
from pipeline.document import Paragraph
from pipeline.extract.budget import classify, find_item, item_rows, locate_cells, scope_of, text_indicators, \
    title_paragraphs
from pipeline.extract.catalog import budget_config
from pipeline.extract.numbers import EMPTY_CELLS, parse_number, to_canonical
from pipeline.read.tables import is_numeric
from pipeline.schema import CheckResult, Evidence


def budget_checks(ctx: Context) -> list[CheckResult]:
    doc = ctx.doc
    if doc is None:
        return []
    scope = scope_of(doc, ctx.report.report_type)
    if scope is None:
        return []
    cfg = budget_config()
    return [*_text_vs_tables(ctx, scope), *_items(ctx, scope, cfg), *_comparisons(ctx, cfg),
            *_empty_tables(ctx, scope, cfg), *_completeness(ctx, scope, cfg), *_years(ctx, scope, cfg),
            *_unit_names(ctx, cfg), *_row_sums(ctx, scope, cfg)]


# ----------------------------------------------------------------------------------- values
def truncated(stated: float, decimals: int, table: float) -> str | None:
    """The text's figure is the table's cut at the text's decimals instead of rounded (table 877,080
    元, text 87.70 万元: 87.708 cut to 87.70): the rounded figure it should have printed, else None.
    A cut figure is no contradiction of the table but a slip of rounding: a warning, not an error."""
    import math

    if decimals < 0:
        return None  # a figure printed in 亿元 whole: no decimals to cut
    k = 10 ** decimals
    cut = math.trunc(table * k + (1e-9 if table >= 0 else -1e-9)) / k
    rounded = math.floor(abs(table) * k + 0.5 + 1e-9) / k * (1 if table >= 0 else -1)
    if abs(cut - stated) < 0.5 / k - 1e-12 and abs(rounded - stated) >= 0.5 / k - 1e-12:
        return f"{rounded:.{decimals}f}"
    return None


def truncation_message(label: str, text: str, where: str, cell: str, table: float, rounded: str) -> str:
    return (f"{label}正文写作 {text}，{where}为 {cell}（{fmt(table)}万元）：正文按截位而非四舍五入列示"
            f"（四舍五入应为 {rounded}），截位误差，非前后矛盾")


def _cell_value(loc) -> Interval | None:
    parsed = parse_number(loc.cell.text)
    if parsed is None or loc.table.unit is None or not is_numeric(loc.cell.text):
        return None
    return Interval.printed(*to_canonical(*parsed, loc.table.unit))


def _cell_ev(loc, label: str) -> Evidence:
    return Evidence(page=loc.row.page, bbox=loc.cell.bbox or loc.row.bbox,
                    quote=(loc.table.caption + "：" if loc.table.caption else "") + loc.row.raw,
                    label=label, value_text=loc.cell.raw or loc.cell.text or "（空）")


def _where(loc) -> str:
    return f"{loc.spec['label']}（第{loc.row.page}页）"


# ----------------------------------------------------------------------------------- text vs tables
def _text_vs_tables(ctx: Context, scope: str) -> list[CheckResult]:
    doc = ctx.doc
    cells: dict[str, list] = {}
    for loc in locate_cells(doc, scope, ctx.report.year):
        cells.setdefault(loc.key, []).append(loc)
    results = []
    # the same figure in two standard tables (收入支出决算总表 against 财政拨款收入支出决算总表 …)
    for key, locs in cells.items():
        filled = [(loc, v) for loc in locs if (v := _cell_value(loc)) is not None]
        if len(filled) < 2:
            continue
        first, v0 = filled[0]
        for loc, v in filled[1:]:
            label = ctx.label(key)
            ok = v.overlaps(v0)
            msg = (f"{label}：{_where(first)}写作 {first.cell.text}，{_where(loc)}写作 {loc.cell.text}")
            results.append(result(f"budget.cross_table.{key}", "cross_table", "pass" if ok else "fail",
                                  msg + ("，一致" if ok else "，两表不一致"), severity=None if ok else "error",
                                  stated=v0.mid, recomputed=v.mid, interval=v, stated_interval=v0,
                                  evidence=[_cell_ev(first, key), _cell_ev(loc, key)]))
    # each figure of the text against the table that holds it
    mine = text_indicators(doc, scope)
    seen = {(i.key, i.page, i.bbox) for i in mine}
    others = [i for i in ctx.report.indicators  # the catalog's own wordings (三公, 机关运行经费 …)
              if i.source == "text" and i.key in cells and (i.key, i.page, i.bbox) not in seen]
    for ind in mine + others:
        locs = cells.get(ind.key)
        if not locs:
            continue
        label = ctx.label(ind.key)
        stated = Interval.printed(ind.value, ind.decimals)
        ev_text = Evidence(page=ind.page, bbox=ind.bbox, quote=ind.quote, label=ind.key, value_text=ind.raw_text)
        filled = [(loc, v) for loc in locs if (v := _cell_value(loc)) is not None]
        rule = f"budget.text_vs_table.{ind.key}"
        if not filled:
            loc = locs[0]
            if loc.cell.text.strip() not in EMPTY_CELLS or loc.table.unit is None:
                results.append(result(rule, "text_vs_table", "insufficient_data",
                                      f"{label}：{_where(loc)}该格“{loc.cell.text}”不是可读的金额", evidence=[ev_text]))
                continue
            if stated.lo <= 0 <= stated.hi:  # a blank cell is nothing spent: the text's zero agrees
                results.append(result(rule, "text_vs_table", "pass",
                                      f"{label}正文写作 {ind.raw_text}，{_where(loc)}该格为空（无数）",
                                      stated=ind.value, evidence=[ev_text, _cell_ev(loc, ind.key)]))
                continue
            results.append(result(rule, "text_vs_table", "fail", severity="error",
                                  message=f"{label}正文（第{ind.page}页）写作 {ind.raw_text}，"
                                          f"而{_where(loc)}该格为空",
                                  stated=ind.value, evidence=[ev_text, _cell_ev(loc, ind.key)]))
            continue
        loc, v = next(((loc, v) for loc, v in filled if v.overlaps(stated)), filled[0])
        if v.overlaps(stated):
            results.append(result(rule, "text_vs_table", "pass",
                                  f"{label}正文写作 {ind.raw_text}，{_where(loc)}为 {loc.cell.text}",
                                  stated=ind.value, recomputed=v.mid, interval=v, stated_interval=stated,
                                  evidence=[ev_text, _cell_ev(loc, ind.key)]))
        elif (rounded := truncated(ind.value, ind.decimals, v.mid)) is not None:
            results.append(result(rule, "text_vs_table", "fail", severity="warning",
                                  message=truncation_message(label, f"{ind.raw_text}（第{ind.page}页）", _where(loc),
                                                             loc.cell.text, v.mid, rounded),
                                  stated=ind.value, recomputed=round(v.mid, 6), interval=v, stated_interval=stated,
                                  evidence=[ev_text, _cell_ev(loc, ind.key)]))
        else:
            results.append(result(rule, "text_vs_table", "fail", severity="error",
                                  message=f"{label}正文（第{ind.page}页）写作 {ind.raw_text}，"
                                          f"{_where(loc)}为 {loc.cell.text}（{fmt(v.mid)}万元），不一致",
                                  stated=ind.value, recomputed=round(v.mid, 6), interval=v, stated_interval=stated,
                                  evidence=[ev_text, _cell_ev(loc, ind.key)]))
    return results


# ----------------------------------------------------------------------------------- per-item explanations
def _items(ctx: Context, scope: str, cfg: dict) -> list[CheckResult]:
    report_type = ctx.report.report_type
    spec = cfg["items"].get(report_type)
    if not spec:
        return []
    tables = [(t, s) for t, s in classify(ctx.doc, scope) if s.get("items")]
    rows = [(t, r) for t, _ in tables for r in item_rows(t)]
    results = []
    for p in ctx.doc.paragraphs:
        matches = sorted((m for pat in spec["patterns_re"] for m in pat.finditer(p.text)), key=lambda m: m.start())
        for n, m in enumerate(matches):
            end = matches[n + 1].start() if n + 1 < len(matches) else len(p.text)
            results.extend(_item(ctx, spec, rows, p, m, end, report_type))
    return results


def _item(ctx, spec, rows, p: Paragraph, m: re.Match, end: int, report_type: str) -> list[CheckResult]:
    name = f"{m.group('lei')}(类){m.group('kuan')}(款){m.group('xiang')}(项)"
    codes = tuple(m.groupdict().get(g) or "" for g in ("lei_code", "kuan_code", "xiang_code"))
    segment_start = m.end()
    seg = p.text[segment_start:end]
    out = []

    def first(pat, base=segment_start, text=seg):
        h = pat.search(text)
        return _printed(p, base + h.start("v"), base + h.end("v"), name) if h else None

    if report_type == "final_accounts":
        stated = first(spec["actual_re"])
    else:
        a = m.start("amount")
        stated = _printed(p, a, m.end("amount"), name)
    hits = [(t, r) for t, r in rows if r in find_item([r for _, r in rows], m.group("lei"), m.group("kuan"),
                                                       m.group("xiang"), codes)]
    rule = f"budget.item.{m.group('xiang')}"
    if stated is not None:
        if len(hits) != 1:
            why = "表中找不到该项" if not hits else "表中有多行同名"
            out.append(result(rule, "item_vs_table", "insufficient_data", f"{name}：{why}，无法与表核对",
                              evidence=[stated[2]]))
        else:
            t, r = hits[0]
            out.append(_item_vs_row(ctx, spec, name, rule, stated, t, r.row))
    if report_type == "budget":
        out.extend(_budget_item_change(spec, p, name, rule, stated, seg, segment_start))
    return out


def _item_vs_row(ctx, spec, name, rule, stated, t, row) -> CheckResult:
    from pipeline.extract.indicators import column_titles

    iv, text, ev = stated
    titles = column_titles(t)
    j = next((j for j, title in enumerate(titles) if all(w in title for w in spec["column"])), None)
    cell = row.cells[j] if j is not None and j < len(row.cells) else None
    ev_cell = Evidence(page=row.page, bbox=(cell.bbox if cell and cell.bbox else row.bbox),
                       quote=(t.caption + "：" if t.caption else "") + row.raw, label=name,
                       value_text=(cell.raw or cell.text) if cell else None)
    parsed = parse_number(cell.text) if cell else None
    if cell is None or t.unit is None:
        return result(rule, "item_vs_table", "insufficient_data", f"{name}：表中无可核对的合计列", evidence=[ev])
    if parsed is None:
        if iv.lo <= 0 <= iv.hi:
            return result(rule, "item_vs_table", "pass", f"{name}正文写作 {text} 万元，表中该格为空", evidence=[ev, ev_cell])
        return result(rule, "item_vs_table", "fail", severity="error",
                      message=f"{name}正文（第{ev.page}页）写作 {text} 万元，而{t.caption or '表'}（第{row.page}页）该格为空",
                      stated=iv.mid, evidence=[ev, ev_cell])
    v = Interval.printed(*to_canonical(*parsed, t.unit))
    if v.overlaps(iv):
        return result(rule, "item_vs_table", "pass", f"{name}正文写作 {text} 万元，表中为 {cell.text}",
                      stated=iv.mid, recomputed=v.mid, interval=v, stated_interval=iv, evidence=[ev, ev_cell])
    decimals = (parse_number(text) or (0.0, 0))[1]
    if (rounded := truncated(iv.mid, decimals, v.mid)) is not None:
        return result(rule, "item_vs_table", "fail", severity="warning",
                      message=truncation_message(name, f"{text} 万元（第{ev.page}页）", f"{t.caption or '表'}（第{row.page}页）",
                                                 cell.text, v.mid, rounded),
                      stated=iv.mid, recomputed=round(v.mid, 6), interval=v, stated_interval=iv, evidence=[ev, ev_cell])
    return result(rule, "item_vs_table", "fail", severity="error",
                  message=f"{name}正文（第{ev.page}页）写作 {text} 万元，{t.caption or '表'}（第{row.page}页）"
                          f"为 {cell.text}（{fmt(v.mid)}万元），不一致",
                  stated=iv.mid, recomputed=round(v.mid, 6), interval=v, stated_interval=iv, evidence=[ev, ev_cell])


def _budget_item_change(spec, p, name, rule, stated, seg, base) -> list[CheckResult]:
    """"上年预算执行数为A万元，本年预算安排B万元，比上年预算执行数减少P%": B against the item's amount;
    the direction and P against A and B."""
    out = []
    prev = spec["previous_re"].search(seg)
    planned = spec["planned_re"].search(seg)
    change = spec["change_re"].search(seg)
    if planned and stated is not None:
        b = _printed(p, base + planned.start("v"), base + planned.end("v"), name)
        ok = b[0].overlaps(stated[0])
        out.append(result(rule + ".安排", "item_amount", "pass" if ok else "fail", severity=None if ok else "error",
                          message=f"{name}写作 {stated[1]} 万元，又写作预算安排 {b[1]} 万元" + ("" if ok else "，前后不一致"),
                          stated=stated[0].mid, recomputed=b[0].mid, evidence=[stated[2], b[2]]))
    if not (prev and change):
        return out
    a = _printed(p, base + prev.start("v"), base + prev.end("v"), name)
    # this year's figure: the 预算安排 amount, or the item's amount where the two differ
    candidates = [b for b in ((_printed(p, base + planned.start("v"), base + planned.end("v"), name)
                               if planned else None), stated) if b is not None]
    word = change.group("dir")
    rate = None
    if change.group("v"):
        rate = _printed(p, base + change.start("v"), base + change.end("v"), name)
        rate[2].value_text = f"{rate[1]}%"  # a rate reads with its unit in the problem list
    checked = []
    for b in candidates:
        evidence = [a[2], b[2]] + ([rate[2]] if rate else [])
        checked.append(_compare(f"{rule}.比上年", f"{name}：本年 {b[1]} 万元比上年执行数 {a[1]} 万元{word}"
                                + (f" {rate[1]}%" if rate else ""), word, b[0], a[0], b[1], a[1], evidence, rate))
        if checked[-1].outcome != "fail":
            return out + [checked[-1]]
    return out + checked[:1]


# ----------------------------------------------------------------------------------- comparison words
def _relation_ok(word: str, first: Interval, second: Interval) -> bool:
    cfg = budget_config()["comparisons"]
    kind = cfg["words"].get(word, "eq" if word in ("相等", "一致") else None)
    if kind == "gt":
        return first.hi > second.lo
    if kind == "lt":
        return first.lo < second.hi
    if kind == "eq":
        return first.overlaps(second)
    if kind == "approx":
        tol = cfg["basically_equal"] * max(abs(first.mid), abs(second.mid))
        return first.lo - tol <= second.hi and second.lo - tol <= first.hi
    return True


def _compare(rule, what, word, first: Interval, second: Interval, t1, t2, evidence, rate=None) -> CheckResult:
    kinds = budget_config()["comparisons"]["words"]
    if not _relation_ok(word, first, second):
        return result(rule, "comparison", "fail", severity="error",
                      message=f"{what}：写作“{word}”，而 {t1} 与 {t2} 不是此关系", stated=first.mid,
                      recomputed=second.mid, evidence=evidence)
    if rate is not None and kinds.get(word) in ("gt", "lt"):
        r, r_text, _ = rate
        if second.lo <= 0 <= second.hi:
            return result(rule, "comparison", "not_applicable", f"{what}：上年为零，变动率不适用", evidence=evidence)
        diff = first - second if kinds[word] == "gt" else second - first
        iv = diff / second * Interval.exact(100.0)
        point = abs(first.mid - second.mid) / second.mid * 100
        signed = iv if kinds[word] == "gt" else -iv  # the change as a signed rate, for people
        if not iv.overlaps(r):
            return result(rule, "comparison", "fail", severity="error",
                          message=f"{what}：按 ({t1} − {t2}) ÷ {t2} × 100 复算为 "
                                  f"{fmt_like((first.mid - second.mid) / second.mid * 100, r_text + '%')}"
                                  f"（区间 {fmt(signed.lo)}～{fmt(signed.hi)}），与所写{word} {r_text}% 不一致",
                          stated=r.mid, recomputed=round(point, 6), interval=iv, stated_interval=r, evidence=evidence)
    return result(rule, "comparison", "pass", f"{what}：相符", stated=first.mid, recomputed=second.mid,
                  evidence=evidence)


def _comparisons(ctx: Context, cfg: dict) -> list[CheckResult]:
    """"决算数小于预算数": the 决算 and 预算 figures stated last before it in the paragraph."""
    comp = cfg["comparisons"]
    out = []
    for p in ctx.doc.paragraphs:
        start = 0
        for m in comp["final_vs_budget_re"].finditer(p.text):
            base, seg = start, p.text[start:m.start()]
            start = m.end()
            budgets = list(comp["budget_value_re"].finditer(seg))
            actuals = list(comp["actual_value_re"].finditer(seg))
            if not budgets or not actuals:
                continue
            b, a = budgets[-1], actuals[-1]
            bud = _printed(p, base + b.start("v"), base + b.end("v"), "预算数")
            act = _printed(p, base + a.start("v"), base + a.end("v"), "决算数")
            word = m.group("word") or m.group("word2")
            s0 = max(p.text.rfind(ch, 0, m.start()) for ch in "。;；") + 1
            page, bbox = p.span_of(m.start(), m.end())[0]
            ev_word = Evidence(page=page, bbox=bbox, quote=p.raw_of(s0, m.end()).strip(), label="比较",
                               value_text=p.text[m.start():m.end()])
            subject = _subject(p.text[:base + a.start()])
            out.append(_compare(f"budget.comparison.{subject}", f"“{subject}”决算数 {act[1]} 万元、预算数 {bud[1]} 万元",
                                word, act[0], bud[0], act[1], bud[1], [ev_word, act[2], bud[2]]))
    return out


def _subject(text: str) -> str:
    m = re.findall(r"([\u4e00-\u9fa5“”]+)\(项\)", text[-200:])
    if m:
        return m[-1]
    clause = re.split(r"[。;；]", text)[-1]
    return re.sub(r"[\d.,%万元为，:：()（）]+", "", clause)[:20] or "预决算"


# ----------------------------------------------------------------------------------- empty tables, completeness
def _empty_tables(ctx: Context, scope: str, cfg: dict) -> list[CheckResult]:
    out = []
    note = cfg["empty_table_note_re"]
    paragraphs = ctx.doc.paragraphs
    for t, spec in classify(ctx.doc, scope):
        if any(is_numeric(c.text) for r in t.body for c in r.cells):
            continue
        after = [p for p in paragraphs if p.page in t.pages and (p.page > t.page or p.lines[0].bbox[1] >= t.bbox[1])]
        after += [p for p in paragraphs if p.page == t.pages[-1] + 1][:2]
        found = next((p for p in after if note.search(p.text)), None)
        ev = Evidence(page=t.page, bbox=t.bbox, quote=t.caption or spec["label"], label=spec["kind"])
        rule = f"budget.empty_table.{spec['kind']}"
        if found:
            out.append(result(rule, "empty_table", "pass", f"{spec['label']}为空表，附说明：{found.text[:60]}",
                              evidence=[ev]))
        else:
            out.append(result(rule, "empty_table", "fail", severity="warning",
                              message=f"{spec['label']}（第{t.page}页）为空表，未见说明（如“本表无数据”）", evidence=[ev]))
    return out


def _completeness(ctx: Context, scope: str, cfg: dict) -> list[CheckResult]:
    present = {s["kind"] for _, s in classify(ctx.doc, scope)}
    specs = {s["kind"]: s for s in cfg["tables"]}
    titles = title_paragraphs(ctx.doc)
    out = []
    for kind in cfg["required"].get(scope, []):
        spec = specs[kind]
        printed = next((p for p in titles if spec["title_re"].search(p.text) and
                        not any(o["title_re"].search(p.text) for o in cfg["tables"]
                                if o is not spec and scope in o.get("scopes", []) and
                                cfg["tables"].index(o) < cfg["tables"].index(spec))), None)
        rule = f"budget.completeness.{kind}"
        if kind in present or printed is not None:
            out.append(result(rule, "completeness", "pass", f"{spec['label']}：已公开"))
        else:
            out.append(result(rule, "completeness", "fail", severity="warning",
                              message=f"缺少应公开的{spec['label']}",
                              evidence=[]))
    return out


# ----------------------------------------------------------------------------------- years
def _years(ctx: Context, scope: str, cfg: dict) -> list[CheckResult]:
    year = ctx.report.year
    pats = cfg.get("years_re", {})
    if year is None:
        return []
    out = []
    for p in ctx.doc.paragraphs:
        checks = []
        if "heading" in pats and (m := pats["heading"].search(p.text)):
            checks.append(("heading", m))
        if scope == "final_accounts" and "final_accounts_date" in pats:
            checks += [("date", m) for m in pats["final_accounts_date"].finditer(p.text)]
        for what, m in checks:
            named = int(m.group("year"))
            page, bbox = p.span_of(m.start("year"), m.end("year"))[0]
            ev = Evidence(page=page, bbox=bbox, quote=p.raw[:120], label="年度", value_text=m.group("year"))
            rule = f"budget.year.{what}"
            if named == year:
                out.append(result(rule, "year", "pass", f"第{page}页所写年度 {named} 与报告年度一致", evidence=[ev]))
            else:
                out.append(result(rule, "year", "fail", severity="warning",
                                  message=f"第{page}页写作 {named} 年（“{p.text[:40]}”），而本报告为 {year} 年度",
                                  evidence=[ev]))
    return out


# ----------------------------------------------------------------------------------- unit named in the text
def _unit_names(ctx: Context, cfg: dict) -> list[CheckResult]:
    first = [p.text for p in ctx.doc.paragraphs if p.page == 1][:8]
    texts = ["".join(first[:k]) for k in range(2, len(first) + 1)] + first
    cover = next((m.group("name") for pat in cfg["unit_cover_re"] for t in texts
                  if (m := re.search(pat, t))), None)
    if cover is None or cfg["unit_text_re"] is None:
        return []
    out = []
    for p in ctx.doc.paragraphs:
        if p.page <= 1:
            continue
        for m in cfg["unit_text_re"].finditer(p.text):
            name = m.group("name")
            page, bbox = p.span_of(m.start("name"), m.end("name"))[0]
            ev = Evidence(page=page, bbox=bbox, quote=p.raw[:120], label="单位名称", value_text=name)
            same = cover in name or name.endswith(cover) or cover.endswith(name)
            out.append(result("budget.unit_name", "unit_name", "pass" if same else "fail",
                              f"第{page}页所称“{name}”" + ("与封面单位一致" if same else f"与封面单位“{cover}”不一致"),
                              severity=None if same else "warning", evidence=[ev]))
    return out


# ----------------------------------------------------------------------------------- 合计 = 基本支出 + 项目支出
def _row_sums(ctx: Context, scope: str, cfg: dict) -> list[CheckResult]:
    from pipeline.extract.indicators import column_titles

    out = []
    for t, spec in classify(ctx.doc, scope):
        titles = column_titles(t)
        amount_cols = [j for j in range(t.n_cols)
                       if any(j < len(r.cells) and is_numeric(r.cells[j].text) and not r.cells[j].text.isdigit()
                              for r in t.body)]
        for rule_spec in cfg.get("row_sums", []):
            def col(words, none=()):
                hits = [j for j in amount_cols if all(w in titles[j] for w in words) and not any(n in titles[j] for n in none)]
                return hits[0] if len(hits) == 1 else None
            jt = col(rule_spec["total"], rule_spec.get("total_none", []))
            jp = [col(words) for words in rule_spec["parts"]]
            if jt is None or None in jp or sorted([jt, *jp]) != amount_cols or t.unit is None:
                continue
            for row in t.body:
                if max(jt, *jp) >= len(row.cells) or not is_numeric(row.cells[jt].text):
                    continue
                stated = parse_number(row.cells[jt].text)
                parts = [parse_number(row.cells[j].text) if is_numeric(row.cells[j].text) else None for j in jp]
                if stated is None or any(p is None and is_numeric(row.cells[j].text) for p, j in zip(parts, jp)):
                    # digits that are no number ("3,1206,351,000": two cells read as one, by OCR or
                    # a cut row): this row cannot be added up, and a blank is not a zero here
                    continue
                total = Interval.printed(*stated)
                acc = Interval.exact(0.0)
                for p in parts:
                    acc = acc + (Interval.printed(*p) if p else Interval.exact(0.0))
                label = next((c.text for c in row.cells if c.text and not is_numeric(c.text)), f"第{row.page}页")
                shown = " + ".join(row.cells[j].text or "0" for j in jp)
                ev = [Evidence(page=row.page, bbox=row.cells[j].bbox or row.bbox,
                               quote=(t.caption + "：" if t.caption else "") + row.raw, label=titles[j],
                               value_text=row.cells[j].raw or row.cells[j].text) for j in [jt, *jp] if row.cells[j].text]
                what = f"{t.caption or spec['label']}“{label}”行"
                ok = acc.overlaps(total)
                out.append(result(f"budget.row_sum.{spec['kind']}.{label}", "row_sum", "pass" if ok else "fail",
                                  f"{what}{titles[jt]} {row.cells[jt].text} = {shown}" if ok else
                                  f"{what}{titles[jt]}写作 {row.cells[jt].text}，而 {shown} = {fmt(acc.mid)}，不相等",
                                  severity=None if ok else "error", stated=total.mid, recomputed=acc.mid,
                                  interval=acc, stated_interval=total, evidence=ev))
    return out
