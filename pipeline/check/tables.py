"""Table arithmetic: 合计 = Σ its rows (其中 rows left out), and every row of a table with a 率
column (rate = numerator / denominator × 100), as declared in patterns/rules.yaml."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.catalog import rules_config
from pipeline.check.core import Context, fmt_interval, fmt_like, result, verdict
from pipeline.document import Row, Table
from pipeline.extract.indicators import clean_label, column_titles
from pipeline.check.interval import Interval
from pipeline.extract.numbers import parse_number
from pipeline.schema import CheckResult, Evidence
from pipeline.read.tables import is_numeric, row_label
from pipeline.extract.structure import body_rows, layout_rules, read_structure, reading_of

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
    damaged: bool = False  # the label begins with a bare 、 or ）: a numeral or bracket was lost (OCR)


def _code_columns(t: Table, cfg: dict) -> list[int]:
    """The columns of a split subject code (类 | 款 | 项), from the header cells that name them."""
    names = cfg.get("code_levels", ["类", "款", "项"])
    for row in t.header:
        cols = [j for j, c in enumerate(row.cells) if c.text in names]
        if len(cols) >= 2:
            return cols
    return []


def _code_readings(t: Table, cfg: dict) -> tuple[dict[str, list[int | None]], list[str]]:
    """Levels of the coded rows by each reading of the 类/款/项 chain, and what was irregular.

    ``position``: the level is the last filled code column (a 项 row fills 类, 款 and 项), whatever
    the digits; ``prefix``: the digits joined must be 3, 5 or 7 long (201 / 20106 / 2010601). The
    readings differ only where codes are printed irregularly: not zero-padded ("301 2"), a
    misprinted 类 ("7 11 02" under 210 11), a blank code. Other rows: None in both."""
    cols = _code_columns(t, cfg)
    body = body_rows(t)
    position: list[int | None] = []
    prefix: list[int | None] = []
    irregular: list[str] = []
    widths = cfg.get("code_widths", [3, 2, 2])
    chain: list[str] = []
    for row in body:
        codes = [row.cells[j].text if j < len(row.cells) else "" for j in cols]
        joined = "".join(c for c in codes if c.isdigit()) if cols else \
            "".join(c.text for c in _before_label(row)[:3] if c.text.isdigit()) or _label_code(row)
        prefix.append({3: 1, 5: 2, 7: 3}.get(len(joined)) if _CODE.match(joined or "x") else None)
        if not cols or not any(codes) or not all(c.isdigit() for c in codes if c):
            position.append(None)
            if cols and any(position) and row_label(row) and not _total_like(row, cfg):
                irregular.append(f"“{row_label(row)}”行无科目编码")
            continue
        filled = [k for k, c in enumerate(codes) if c]
        level = filled[-1] + 1
        position.append(level)
        for k in filled:
            if len(codes[k]) != widths[min(k, len(widths) - 1)]:
                irregular.append(f"编码“{' '.join(codes[:level])}”未按位数印制")
                break
        else:
            if level > 1 and chain[:level - 1] != codes[:level - 1] and len(chain) >= level - 1:
                irregular.append(f"编码“{' '.join(codes[:level])}”与上级“{' '.join(chain[:level - 1])}”不相接")
        chain = codes[:level]
    return {"position": position, "prefix": prefix}, irregular


_LABEL_CODE = re.compile(r"^[\[【(（]?(\d{3}(?:\d{2}){0,2})[\]】)）]?(?=[\u4e00-\u9fa5])")


def _before_label(row: Row) -> list:
    """The cells left of the row's first word: where a subject code is printed (a figure right of
    the label, "电费 | 791", is no code)."""
    k = next((k for k, c in enumerate(row.cells) if c.text and not is_numeric(c.text)), len(row.cells))
    return row.cells[:k]


def _label_code(row: Row) -> str:
    """A subject code printed in the row's label: "[30101]基本工资", "301工资福利支出"."""
    m = _LABEL_CODE.match(row_label(row).replace(" ", ""))
    return m.group(1) if m else ""


def _total_like(row: Row, cfg: dict) -> bool:
    return bool(re.match(cfg["total_row"], clean_label(row_label(row)) or row_label(row)))


def _row_levels(t: Table, cfg: dict, code_levels: list[int | None] | None = None) -> list[_TRow]:
    total_re, subset_re = re.compile(cfg["total_row"]), re.compile(cfg["subset_row"])
    out: list[_TRow] = []
    subset_level: int | None = None
    reading = reading_of(t, None)
    for n, row in enumerate(body_rows(t)):
        raw_label = row_label(row)
        label = clean_label(raw_label)
        is_subset = bool(subset_re.match(raw_label))
        level = None
        for pat, lvl in _MARKERS:
            if pat.match(re.sub(subset_re, "", raw_label).lstrip(":")):
                level = lvl
                break
        if level is None and code_levels is not None:
            level = code_levels[n]
        damaged = bool(re.match(layout_rules().damaged_label, raw_label.strip()))
        if level is None and total_re.match(label or raw_label) and not damaged:
            level = 0  # a label that lost its numeral ("、“三公”经费支出合计") is never the table's total
        if level is None and n in reading.restated_totals and out and out[-1].level == 0:
            level = 0  # 合计 printed again (the department's row of a 汇总 table): the same total
        if is_subset:
            subset_level = level if level is not None else 99
        elif subset_level is not None:
            if level is not None and level >= subset_level and level != 0:
                is_subset = True  # "其中：1. 土地" … "2. 房屋": the whole 其中 list
            else:
                subset_level = None
        out.append(_TRow(row, label, level, is_subset, damaged))
    return out


def _children(rows: list[_TRow], i: int) -> list[_TRow]:
    """The rows one level below row i, up to its next sibling: a row and its own children
    (款 and its 项) are never summed together."""
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


def _cell_value(text: str, exact: bool = False) -> Interval | None:
    """A cell's printed number as an interval; ``exact`` for a whole count (22 人 is 22)."""
    parsed = parse_number(text)
    if parsed is None:
        return None
    return Interval.printed(*parsed, exact=exact and parsed[1] == 0)


def _counts(t: Table, titles: list[str], cfg: dict) -> list[bool]:
    """The columns of whole counts (rules.yaml ``table_sums.count_column``: 编制数, 实有人数, (人);
    or every column when the table says 单位：人): exact, not ±0.5 (54 people are never 56)."""
    unit_re = re.compile(cfg.get("count_unit", r"(?!)"))
    title_re = re.compile(cfg.get("count_column", r"(?!)"))
    counted = bool(unit_re.search((t.caption or "") + "".join(c.text for r in t.header for c in r.cells))) or \
        bool(t.unit and unit_re.search("单位：" + t.unit))
    return [counted or bool(title_re.search(title)) for title in titles]


def _cell_evidence(t: Table, row: Row, j: int, title: str) -> Evidence:
    cell = row.cells[j]
    return Evidence(page=row.page, bbox=cell.bbox or row.bbox, quote=(t.caption + "：" if t.caption else "") + row.raw,
                    label=title, value_text=cell.raw or cell.text,
                    unit=t.unit if t.unit and "%" not in (cell.raw or cell.text) else None)


def table_sum_checks(ctx: Context) -> list[CheckResult]:
    """Every total row against its children. Where the codes are printed irregularly, the reading
    by code position comes first and the reading by code digits second: a check passes when one
    reading balances it (and says which); when none does, the doubt is ours: a warning (结构存疑)."""
    cfg = rules_config()["table_sums"]
    results = []
    if ctx.doc is not None:
        read_structure(ctx.doc)
    for t in ctx.doc.tables if ctx.doc else []:
        if _two_sided(t):
            continue
        readings, irregular = _code_readings(t, cfg)
        primary = "position" if _code_columns(t, cfg) else "prefix"
        sums = {name: {s["at"]: s for s in _sums(t, cfg, levels)} for name, levels in readings.items()}
        for at, s in sums[primary].items():
            if s["ok"]:
                note = f"（编码印制不规范：{irregular[0]}；按编码{_READING[primary]}读法）" if irregular else ""
                results.append(verdict(s["rule"], "table_sum", True, s["passed"] + note, "", **s["args"]))
                continue
            if s["damaged"]:  # the hierarchy rests on a label that lost a character: our reading's doubt
                r = verdict(s["rule"], "table_sum", False, "", "", **s["args"])
                r.severity = "warning"
                r.message = f"结构存疑：{s['failed']}；表中有行标签缺字（以“、”或“）”开头），层级读法未能确定"
                results.append(r)
                continue
            if (why := _unsure(t, s, sums[primary].values())) is not None:  # understand or abstain
                results.append(result(s["rule"], "table_sum", "insufficient_data",
                                      f"{s['what']}：{why}（按现有读法，{s['failed'].split('写作', 1)[-1].strip()}）",
                                      evidence=s["args"]["evidence"]))
                continue
            if not irregular:
                results.append(verdict(s["rule"], "table_sum", False, "", s["failed"], **s["args"]))
                continue
            other = next((name for name in readings if name != primary and sums[name].get(at, {}).get("ok")), None)
            if other:
                alt = sums[other][at]
                results.append(verdict(alt["rule"], "table_sum", True,
                                       f"{alt['passed']}（编码印制不规范：{irregular[0]}；按编码{_READING[other]}读法）",
                                       "", **alt["args"]))
                continue
            r = verdict(s["rule"], "table_sum", False, "", "", **s["args"])
            r.severity = "warning"
            r.message = f"结构存疑：{s['failed']}；编码印制不规范（{'；'.join(irregular[:3])}），两种层级读法均不平衡"
            results.append(r)
    return results


_READING = {"position": "位置", "prefix": "位数"}


def _siblings(reading, kids: list[int]) -> bool:
    """Every part's label starts at one indent (none centred or unknown), more than one part."""
    xs = [reading.indents.get(k) for k in kids]
    return len(xs) > 1 and None not in xs and max(xs) - min(xs) < layout_rules().indent_step


def _unsure(t: Table, s: dict, others=()) -> str | None:
    """Why a failed sum may be our reading's, not the report's: the table's own doubts (text across
    the rules, a page break not joined) where they touch this sum, the total found again among its
    parts (a parent added with its children, a total restated), or parts whose level nothing tells
    — unless the same rows add up to the same total row in another column of the table, which shows
    that they are its parts (``others``: the table's other sums)."""
    reading = t.reading
    words = layout_rules().doubts
    for d in reading.doubts if reading else []:
        if d.kind == "off_grid":
            return d.reason
        if d.kind == "may_continue" and (s["level"] == 0 or s["to_end"]):
            return d.reason
        if d.kind == "continues_unjoined" and s["level"] == 0:
            return d.reason
    if not s["unleveled"]:  # codes or numbering give each row its level: the reading is understood
        return None
    stated: Interval = s["args"]["stated"]
    parts: list[Interval] = s["parts"]
    nonzero = [v for v in parts if not (v.lo <= 0 <= v.hi)]
    if len(nonzero) >= 2 and any(v.overlaps(stated) for v in nonzero) or s["restated"]:
        return words.double_counted  # the total among its parts, or a part printed again below itself
    total = s["args"]["recomputed"]
    if stated.mid > 0 and total.mid > 1.5 * stated.mid:
        k = round(total.mid / stated.mid)
        if abs(total.mid - k * stated.mid) <= 0.002 * total.mid:
            return words.double_counted
    if reading is not None and reading.hierarchy != "flat" and _siblings(reading, s["kid_rows"]):
        return None  # the parts themselves all start at one indent: siblings (units under their 合计)
    if _corroborated(s, others):
        return None  # the same rows balance the same total in another column: they are its parts
    if reading is None or reading.hierarchy != "flat":
        # no code or numbering tells these rows' levels, and their indents do not show a flat list
        return words.indent_only if reading is not None and reading.hierarchy == "indent" else words.flat_unsure
    return None


def _corroborated(s: dict, others) -> bool:
    """Another column of the same total row balances with the same rows, two of them or more holding
    figures: the rows' level is read from the table itself."""
    return any(o is not s and o["at"][0] == s["at"][0] and o["ok"] and o["kid_rows"] == s["kid_rows"]
               and sum(not (v.lo <= 0 <= v.hi) for v in o["parts"]) >= 2 for o in others)


def _sums(t: Table, cfg: dict, code_levels: list[int | None]) -> list[dict]:
    rate_re, code_re = re.compile(cfg["rate_column"]), re.compile(cfg["code_column"])
    titles = column_titles(t)
    rows = _row_levels(t, cfg, code_levels)
    name = t.caption or f"第{t.page}页表格"
    out = []
    index = {id(r): n for n, r in enumerate(rows)}
    damaged = any(r.damaged for r in rows)  # a label lost a character somewhere: the hierarchy is in doubt
    counts = _counts(t, titles, cfg)
    for i, parent in enumerate(rows):
        if parent.level is None or parent.subset:
            continue
        kids = _children(rows, i)
        if not kids or (len(kids) == 1 and re.match(cfg["total_row"], kids[0].label or "")):
            continue  # a "sum" whose only part is another 合计 row is no sum
        label_col = max((k for k, c in enumerate(parent.row.cells) if c.text and not is_numeric(c.text)),
                        default=-1)
        for j, title in enumerate(titles):
            if (j <= label_col or code_re.search(title) or rate_re.search(title)
                    or j >= len(parent.row.cells) or "%" in parent.row.cells[j].text):
                continue
            stated = _cell_value(parent.row.cells[j].text, counts[j])
            if stated is None or not is_numeric(parent.row.cells[j].text):
                continue
            parts = [(k, _cell_value(k.row.cells[j].text, counts[j]) if j < len(k.row.cells) else None) for k in kids]
            if all(v is None for _, v in parts) or any(is_numeric(k.row.cells[j].text) and "%" in k.row.cells[j].text for k, _ in parts):
                continue
            total = Interval.exact(0.0)
            for _, v in parts:
                total = total + (v or Interval.exact(0.0))  # "—" or blank: nothing there
            evidence = [_cell_evidence(t, parent.row, j, title)] + [
                _cell_evidence(t, k.row, j, title) for k, v in parts if v is not None]
            what = f"{name}“{parent.label or row_label(parent.row)}”行“{title}”列"
            stated_text = parent.row.cells[j].text + (f" {t.unit}" if t.unit else "")  # units always
            kids_text = _sum_text([k.row.cells[j].text for k, v in parts if v is not None],
                                  [clean_label(row_label(k.row)) for k, v in parts if v is None])
            leaves = None if total.overlaps(stated) else _leaf_sum(rows, [index[id(k)] for k in kids], j)
            by_leaves = leaves is not None and leaves.overlaps(stated)
            out.append(dict(
                damaged=damaged,
                at=(i, j), ok=total.overlaps(stated) or by_leaves, what=what, level=parent.level,
                to_end=not any(r.level is not None and r.level <= parent.level for r in rows[i + 1:]),
                unleveled=all(k.level is None for k in kids), kid_rows=[index[id(k)] for k in kids],
                restated=any(index[id(k)] in (t.reading.restated_totals if t.reading else []) for k in kids[1:]),
                parts=[v for _, v in parts if v is not None],
                rule=f"table_sum.{_table_id(t)}.{parent.label or clean_label(row_label(parent.row))}.{title}",
                passed=f"{what} {parent.row.cells[j].text} = {kids_text}" + (
                    f"（按末级明细复算为 {fmt_like(leaves.mid, stated_text)}，相符；分项小计各自舍入，合计差"
                    f" {fmt_like(abs(total.mid - stated.mid), stated_text)} 为舍入尾差）" if by_leaves else ""),
                failed=f"{what}写作 {stated_text}，其分项之和 {kids_text} = {fmt_like(total.mid, stated_text)}，不相等",
                args=dict(stated=stated, recomputed=total, evidence=evidence)))
    return out


def _leaf_sum(rows: list[_TRow], kids: list[int], j: int) -> Interval | None:
    """The sum of the rows at the bottom of the hierarchy under ``kids`` in column j: where a
    report adds its subtotals and its total from the same detail rows, each rounded on its own,
    the total can miss the sum of its rounded subtotals and still be the sum of the details.
    None where no part has rows of its own."""
    index = {id(r): n for n, r in enumerate(rows)}

    def down(ks: list[int], depth: int) -> tuple[Interval, bool]:
        total, deeper = Interval.exact(0.0), False
        for k in ks:
            row = rows[k]
            below = [index[id(r)] for r in _children(rows, k)] if row.level not in (None, 0) and depth < 4 else []
            if below:
                sub, _ = down(below, depth + 1)
                total, deeper = total + sub, True
                continue
            v = _cell_value(row.row.cells[j].text) if j < len(row.row.cells) else None
            total = total + (v or Interval.exact(0.0))
        return total, deeper

    total, deeper = down(kids, 0)
    return total if deeper else None


def _sum_text(printed: list[str], blank: list[str]) -> str:
    """The rows added, as printed; rows printed "—" or blank hold nothing and are named, not added."""
    text = " + ".join(printed) or "0"
    return text + (f"（“{'”“'.join(blank)}”为空，不计）" if blank else "")


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
        return [result(rule, "table_ratio", "not_applicable", f"{what}{titles[jd]}为零，比率不适用", evidence=evidence)]
    iv = num / den * Interval.exact(100.0)
    point = num.mid / den.mid * 100.0
    common = dict(stated=rate.mid, recomputed=round(point, 6), interval=iv, stated_interval=rate, evidence=evidence)
    if iv.overlaps(rate):
        return [result(rule, "table_ratio", "pass", f"{what}{titles[jr]} {row.cells[jr].text} = {shown}", **common)]
    for ja in alts:
        alt = _cell_value(row.cells[ja].text) if ja < len(row.cells) else None
        if alt is not None and not (alt.lo <= 0 <= alt.hi):
            aiv = num / alt * Interval.exact(100.0)
            if aiv.overlaps(rate):
                return [result(rule, "table_ratio", "fail", severity="warning",
                                message=f"{what}{titles[jr]}写作 {row.cells[jr].text}，按“{titles[jd]}”应为 {fmt_like(point, row.cells[jr].text)}，"
                                        f"报告按“{titles[ja]}”计算，口径不一致", **common)]
    return [result(rule, "table_ratio", "fail", severity="error",
                    message=f"{what}{titles[jr]}写作 {row.cells[jr].text}，按本行 {shown} 复算为 {fmt_like(point, row.cells[jr].text)}"
                            f"{fmt_interval(iv.lo, iv.hi, row.cells[jr].text)}，不一致", **common)]
