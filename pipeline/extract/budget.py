"""部门/单位 预算 and 决算 reports: which standard table is which (by title and column headings,
never by number), their headline cells, the headline figures stated in the text, and the 类/款/项
rows the per-item explanations speak of. Everything is declared in patterns/budget.yaml."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.document import Cell, Document, Paragraph, Row, Table
from pipeline.extract.catalog import budget_config, budget_regex, catalog, rules_config
from pipeline.extract.indicators import clean_label, column_titles
from pipeline.extract.numbers import parse_number, to_canonical
from pipeline.extract.sections import section_paths
from pipeline.read.tables import is_numeric
from pipeline.schema import Indicator


def scope_of(doc: Document, report_type: str) -> str | None:
    """unit_budget / department_budget / final_accounts, from the title; None for other reports."""
    from pipeline.extract.metadata import title_text

    if report_type not in ("budget", "final_accounts"):
        return None
    title = title_text(doc)
    for s in budget_config()["scopes"]:
        if s["report_type"] == report_type and any(w in title for w in s["words"]):
            return s["scope"]
    return next((s["scope"] for s in budget_config()["scopes"] if s["report_type"] == report_type), None)


def table_title(t: Table) -> str:
    """The lines that name a table: the title printed inside its grid (header rows), then its caption."""
    return "".join(c.text for r in t.header for c in r.cells if not c.spanned) + "|" + (t.caption or "")


def classify(doc: Document, scope: str | None) -> list[tuple[Table, dict]]:
    """Each table of the report with the standard kind it is (first title that matches)."""
    if scope is None:
        return []
    out = []
    for t in doc.tables:
        head, caption = table_title(t).split("|", 1)
        for text in (head, caption):  # the title inside the grid wins over a caption above it
            spec = next((s for s in budget_config()["tables"]
                         if scope in s.get("scopes", [scope]) and s["title_re"].search(text)), None)
            if spec:
                out.append((t, spec))
                break
    return out


@dataclass
class Located:
    """A headline cell of a standard table: where it is, and what it prints (may be blank)."""

    key: str
    table: Table
    spec: dict
    row: Row
    j: int
    check_only: bool = False

    @property
    def cell(self) -> Cell:
        return self.row.cells[self.j]


_NO_YEAR = object()


def locate_cells(doc: Document, scope: str | None, year: int | None | object = _NO_YEAR) -> list[Located]:
    """``year``: the report's; in a table of several years (2025年 | 2026年 columns, or a row per
    year) only the report year's columns and rows hold its figures (indicators.yaml `table_years`).
    Not given: read from the title page."""
    from pipeline.extract.indicators import row_year, year_mark

    if year is _NO_YEAR:
        from pipeline.extract.metadata import detect
        year = detect(doc).year
    code_col = re.compile(rules_config()["table_sums"]["code_column"])
    out = []
    for t, spec in classify(doc, scope):
        titles = column_titles(t)
        for c in spec.get("cells", []):
            if c.get("first"):  # one row of figures: the first row holding a number, else the last row
                rows = [k for k, r in enumerate(t.rows) if any(is_numeric(x.text) for x in r.cells)]
                first = rows[0] if rows else len(t.rows) - 1
                if first != t.n_header_rows:  # every row above it heads the columns
                    titles = column_titles(t.model_copy(update={"n_header_rows": first}))
                marks = [row_year(t.rows[k], year) for k in rows]
                if any(m is not None for m in marks):  # a row per year (2025年 | 2026年): the report year's
                    rows = [k for k, m in zip(rows, marks) if m == "own"]
                    if not rows:
                        continue
                body = [t.rows[rows[0] if rows else first]]
            else:
                body = t.body
            for row in body:
                labels = [-1] if c.get("first") else [
                    k for k, cell in enumerate(row.cells)
                    if cell.text and not is_numeric(cell.text) and c["row_re"].fullmatch(clean_label(cell.text))]
                nth = c.get("nth", 0)
                if len(labels) <= nth:
                    continue
                start = labels[nth]
                for j in range(start + 1, len(row.cells)):
                    title = titles[j] if j < len(titles) else ""
                    if row.cells[j].spanned or code_col.search(title):
                        continue  # the label's merged cell, a subject-code column
                    if year_mark(title, year) not in (None, "own"):
                        continue  # another year's column, or a change
                    if all(w in title for w in c["col"]) and not any(w in title for w in c.get("none", [])):
                        out.append(Located(c["key"], t, spec, row, j, bool(c.get("check_only"))))
                        break
                break  # the first row with that label
    return out


def cell_indicator(loc: Located, section: str | None = None) -> Indicator | None:
    parsed = parse_number(loc.cell.text)
    if parsed is None or loc.table.unit is None or not is_numeric(loc.cell.text):
        return None
    entry = catalog().entries[loc.key]
    value, decimals = to_canonical(*parsed, loc.table.unit)
    return Indicator(key=loc.key, value=value, unit=entry.unit, raw_text=loc.cell.raw or loc.cell.text,
                     decimals=decimals, page=loc.row.page, bbox=loc.cell.bbox or loc.row.bbox, section=section,
                     quote=(loc.table.caption + ": " if loc.table.caption else "") + loc.row.raw, source="table")


def text_indicators(doc: Document, scope: str | None, paths: list | None = None) -> list[Indicator]:
    """Headline figures stated in the text, by the phrasings of budget.yaml for this scope."""
    if scope is None:
        return []
    cat = catalog()
    out = []
    blocks = [b for b in budget_config()["phrasings"] if scope in b["scopes"]]
    for p in doc.paragraphs:
        for b in blocks:
            for spec in b["patterns"]:
                unless = budget_regex(spec["unless"], "phrasings.unless") if spec.get("unless") else None
                lists = _lists_after(p.text, spec["after"]) if spec.get("after") else None
                for m in spec["re"].finditer(p.text):
                    if unless is not None and unless.search(p.text, _sentence_start(p.text, m.start()), m.start()):
                        continue
                    if lists is not None and not any(a <= m.start() < b for a, b in lists):
                        continue
                    for key, text in m.groupdict().items():
                        if text is None:
                            continue
                        for k in [key, *spec.get("also", {}).get(key, [])]:
                            out.append(_text_indicator(p, m.start(key), m.end(key), cat.entries[k],
                                                       paths[p.index] if paths else None))
    return out


def _lists_after(text: str, pattern: str) -> list[tuple[int, int]]:
    """The spans that follow each match of ``pattern`` up to the next "；" or "。" (a total's list of parts)."""
    out = []
    for m in budget_regex(pattern, "phrasings.after").finditer(text):
        stop = re.compile(r"[;；。]").search(text, m.end())
        out.append((m.end(), stop.start() if stop else len(text)))
    return out


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(ch, 0, pos) for ch in "。!?") + 1


def _text_indicator(p: Paragraph, a: int, b: int, entry, section) -> Indicator:
    value, decimals = parse_number(p.text[a:b])
    if entry.unit == "万元":
        value, decimals = to_canonical(value, decimals, "万元")
    page, bbox = p.span_of(a, b)[0]
    s0 = max(p.text.rfind(ch, 0, a) for ch in "。;；") + 1
    ends = [i for i in (p.text.find(ch, b) for ch in "。;；") if i >= 0]
    s1 = min(ends) + 1 if ends else len(p.text)
    return Indicator(key=entry.key, value=value, unit=entry.unit, raw_text=p.raw_of(a, b).strip() or p.text[a:b],
                     decimals=decimals, page=page, bbox=bbox, section=section,
                     quote=p.raw_of(s0, s1).strip(), source="text")


def budget_indicators(doc: Document, report_type: str, year: int | None | object = _NO_YEAR) -> list[Indicator]:
    """All headline figures of a 预算/决算 report: text phrasings and standard-table cells."""
    scope = scope_of(doc, report_type)
    if scope is None:
        return []
    paths = section_paths(doc)
    out = text_indicators(doc, scope, paths)
    for loc in locate_cells(doc, scope, year):
        if loc.check_only:
            continue
        section = paths[loc.table.after_paragraph] if loc.table.after_paragraph >= 0 else None
        if (ind := cell_indicator(loc, section)) is not None:
            out.append(ind)
    return out


# ------------------------------------------------------------------------------------ 类/款/项 rows
@dataclass
class ItemRow:
    codes: tuple[str, str, str]
    names: tuple[str, str, str]
    row: Row


def item_rows(t: Table) -> list[ItemRow]:
    """The 项 rows of a function-classification table with their 类 and 款 (codes and names), by
    code position (类 | 款 | 项 columns); a row whose codes do not chain keeps its own codes."""
    cols = _code_cols(t)
    joined = _joined_code_col(t) if len(cols) < 3 else None
    if len(cols) < 3 and joined is None:
        return []
    out = []
    names = ["", "", ""]
    for row in t.body:
        if joined is not None:  # one column of 201 / 20139 / 2013901
            code = row.cells[joined].text if joined < len(row.cells) else ""
            if len(code) not in (3, 5, 7) or not code.isdigit():
                continue
            codes = (code[:3], code[3:5], code[5:7])
            cols = [joined, joined, joined]
        else:
            codes = tuple(row.cells[j].text if j < len(row.cells) else "" for j in cols[:3])
        if not any(codes) or not all(c.isdigit() for c in codes if c):
            continue
        level = max(k for k, c in enumerate(codes) if c)
        label = next((c.text for c in row.cells[cols[2] + 1:] if c.text and not is_numeric(c.text)), "")
        names[level] = label
        for k in range(level + 1, 3):
            names[k] = ""
        if level == 2:
            out.append(ItemRow(codes, (names[0], names[1], label), row))
    return out


def _joined_code_col(t: Table) -> int | None:
    titles = column_titles(t)
    return next((j for j, title in enumerate(titles) if "编码" in title), None)


def _code_cols(t: Table) -> list[int]:
    for row in t.header:
        cols = [j for j, c in enumerate(row.cells) if c.text in ("类", "款", "项")]
        if len(cols) >= 3:
            return cols
    return []


def find_item(rows: list[ItemRow], lei: str, kuan: str, xiang: str, codes: tuple[str, str, str]) -> list[ItemRow]:
    """Rows of the item the text names: by its printed codes when it prints them, else by the 款
    and 项 names (the 类 name changes between years: 医疗卫生与计划生育支出 → 卫生健康支出)."""
    if all(codes):
        hits = [r for r in rows if r.codes[1:] == codes[1:] and r.codes[0].endswith(codes[0][-1:])
                and (r.codes[0] == codes[0] or r.names[2] == xiang)]
        if hits:
            return hits
    hits = [r for r in rows if r.names[2] == xiang and r.names[1] == kuan]
    if len(hits) > 1:
        hits = [r for r in hits if r.names[0] == lei] or hits
    return hits


def title_paragraphs(doc: Document) -> list[Paragraph]:
    """Short paragraphs that may print a table's title above its grid (not the 目录's numbered lines)."""
    return [p for p in doc.paragraphs if len(p.text) <= 60 and not re.match(r"^[一二三四五六七八九十\d]+[、.]", p.text)]
