"""The problem list (问题清单): one row per problem, for the terminal, findings.csv and 问题清单.xlsx.

Numbers are shown as the report printed them: 报告数 is the printed figure; 复算数 is written at the
printed precision of the figure it is compared with, with its unit; 差额 = 报告数 − 复算数 and
差异率 = 差额 / 复算数. A cross-mention without a formula has no recomputation: its other printed
value is named in 说明, not passed off as 复算数.

Rows come from the store (``Store.problem_rows``) or from one report (``report_entries``), as
dicts with the same keys, and become ``ProblemRow``s here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import get_args

from pipeline.check.core import fmt, fmt_like, printed_number, printed_unit
from pipeline.check.problems import kind_of
from pipeline.extract.metadata import kind_label, severity_label, type_label
from pipeline.schema import Finding, Issuer, Report, ReviewStatus

# key, Chinese header: one set of names for the terminal, findings.csv and 问题清单.xlsx
COLUMNS = [
    ("id", "编号"), ("place", "城市/省"), ("district", "区"), ("department", "部门"), ("year", "年度"),
    ("report_type", "报告类型"), ("file", "文件"), ("page", "页码"), ("where", "表/行/列或原文"),
    ("stated", "报告数"), ("recomputed", "复算数"), ("difference", "差额"), ("relative", "差异率"),
    ("unit", "单位"), ("severity", "严重程度"), ("message", "说明"), ("present", "现状"), ("status", "状态"),
    ("note", "备注"), ("sha256", "SHA-256"),
]
HEADERS = dict(COLUMNS)
PRESENT, RESOLVED = "存在", "已解决"


def anchor(sha256: str, page: int | None) -> str:
    """The id of a report's page in report.html: ``r-<sha256[:12]>-p<page>``."""
    return f"r-{sha256[:12]}-p{page}" if page else f"r-{sha256[:12]}"


@dataclass
class ProblemRow:
    id: str
    sha256: str
    place: str
    district: str
    department: str
    year: int | None
    report_type: str
    file: str
    page: int | None
    pages: list[int]
    where: str
    stated_text: str  # as printed, with its unit
    recomputed_text: str  # at the printed precision of stated_text; "" without a recomputation
    stated: float | None
    recomputed: float | None
    difference: float | None
    relative: float | None
    decimals: int
    unit: str
    severity: str  # 错误 / 提示
    kind: str  # the lead check's kind, in Chinese
    message: str
    related: list[str]  # the other checks of this problem, one line each
    present: str  # 存在 / 已解决
    status: str
    note: str

    def values(self) -> dict:
        """Column key -> value, numbers as numbers (findings.csv, xlsx)."""
        return {"id": self.id, "place": self.place, "district": self.district, "department": self.department,
                "year": self.year, "report_type": self.report_type, "file": self.file, "page": self.page,
                "where": self.where, "stated": self.stated, "recomputed": self.recomputed,
                "difference": self.difference, "relative": self.relative, "unit": self.unit,
                "severity": self.severity, "message": self.full_message(), "present": self.present,
                "status": self.status, "note": self.note, "sha256": self.sha256}

    def full_message(self) -> str:
        if not self.related:
            return self.message
        return self.message + "\n相关检查：" + "；".join(self.related)


def place_text(issuer: Issuer | dict) -> str:
    """"深圳市（广东省）", "上海市": the city, with its province when that is another name."""
    get = issuer.get if isinstance(issuer, dict) else lambda k: getattr(issuer, k)
    city, province = get("city"), get("province")
    if city and province and province != city:
        return f"{city}（{province}）"
    return city or province or ""


def _where(f: Finding) -> str:
    """Table / row / column of a table check, else the quoted sentence of the leading figure."""
    if not f.evidence:
        return ""
    e = f.evidence[0]
    if kind_of(f.rule).startswith("table_") and "：" in e.quote:
        caption, row = e.quote.split("：", 1)
        row_label = row.split(" | ")[0].strip()
        return "｜".join(x for x in (caption.strip(), row_label, e.label or "") if x)
    return " ".join(e.quote.split())


def _stated_evidence(f: Finding):
    """The mention that printed the finding's stated value (the first whose number is that value)."""
    if f.stated is None:
        return f.evidence[0] if f.evidence and f.evidence[0].value_text else None
    for e in f.evidence:
        try:
            x = float(printed_number(e.value_text or "").replace(",", ""))
        except ValueError:
            continue
        if abs(x - f.stated) <= 1e-6 * max(1.0, abs(x)):
            return e
    return None


def _has_recomputation(f: Finding) -> bool:
    """A cross-mention (of a catalog quantity, or of any stated fact) carries a recomputation only
    when a formula was applied (operands beyond the mentions of the quantity itself)."""
    if kind_of(f.rule) not in ("cross_mention", "text_vs_table", "fact"):
        return f.recomputed is not None
    key = f.rule.split(".", 1)[1]
    return any(e.label and e.label != key for e in f.evidence)


def _related_line(f: Finding) -> str:
    pages = ",".join(str(p) for p in sorted({e.page for e in f.evidence}))
    return f"{kind_label(kind_of(f.rule))}（第{pages}页）：{f.message}"


def make_row(entry: dict) -> ProblemRow:
    """One problem-list row from a store entry (``Store.problem_rows``) or ``report_entries``."""
    lead: Finding = entry["lead"]
    if entry.get("resolved"):
        meta = entry["meta"]
        issuer, year, rtype = meta.get("issuer") or {}, meta.get("year"), meta.get("report_type") or "unknown"
        pid, severity = entry["id"], entry["severity"]
        related = [kind_label(kind_of(r)) for r in entry.get("related_rules", [])]
        present = RESOLVED
    else:
        report: Report = entry["report"]
        issuer, year, rtype = report.issuer, report.year, report.report_type
        pid, severity = entry["problem"].id, entry["problem"].severity
        related = [_related_line(f) for f in entry.get("related", [])]
        present = PRESENT
    get = issuer.get if isinstance(issuer, dict) else lambda k: getattr(issuer, k)
    where = _stated_evidence(lead)
    stated_text = (where.value_text if where is not None else "" if lead.stated is None else fmt(lead.stated))
    stated_text = " ".join(stated_text.split())
    unit = printed_unit(stated_text).strip()
    if not unit and where is not None and where.unit:  # a table cell: the table's 单位
        unit = where.unit
        stated_text = f"{stated_text} {unit}"
    m = re.search(r"\.(\d+)", printed_number(stated_text))
    decimals = len(m.group(1)) if m else 0
    recomputed = lead.recomputed if _has_recomputation(lead) else None
    stated = lead.stated
    difference = relative = None
    if stated is not None and recomputed is not None:
        difference = round(stated - recomputed, max(decimals, 2) + 2)
        relative = difference / recomputed if recomputed else None
    pages = sorted({e.page for e in lead.evidence})
    review = entry["review"]
    return ProblemRow(
        id=pid, sha256=entry["sha256"], place=place_text(issuer), district=get("district") or "",
        department=get("department") or "", year=year, report_type=type_label(rtype),
        file="; ".join(entry["files"]), pages=pages,
        page=where.page if where is not None else lead.evidence[0].page if lead.evidence else None,
        where=_where(lead), stated_text=stated_text,
        recomputed_text=fmt_like(recomputed, stated_text) if recomputed is not None else "",
        stated=stated, recomputed=None if recomputed is None else round(recomputed, 6),
        difference=difference, relative=relative, decimals=decimals, unit=unit,
        severity=severity_label(severity), kind=kind_label(kind_of(lead.rule)), message=lead.message,
        related=related, present=present, status=review.status, note=review.note)


def report_entries(report: Report, files: list[str] | None = None) -> list[dict]:
    """The problems of one audited report as entries for ``make_row`` (the terminal's table)."""
    if report.findings and not report.problems:
        from pipeline.check.problems import add_problems
        add_problems(report)
    return [{"files": files or [report.source.path], "sha256": report.source.sha256, "report": report,
             "problem": p, "lead": report.findings[p.findings[0]],
             "related": [report.findings[i] for i in p.findings[1:]], "resolved": False, "review": p.review}
            for p in report.problems]


# ----------------------------------------------------------------------------- 问题清单.xlsx
XLSX_NAME = "问题清单.xlsx"
SHEET = "问题清单"
REVIEW_WORDS = get_args(ReviewStatus)  # 待核 / 已核实 / 已排除
_WIDTHS = {"id": 14, "place": 16, "district": 10, "department": 20, "year": 7, "report_type": 12, "file": 28,
           "page": 7, "where": 36, "stated": 13, "recomputed": 13, "difference": 12, "relative": 10, "unit": 6,
           "severity": 9, "message": 60, "present": 8, "status": 9, "note": 30, "sha256": 16}
_WRAPPED = {"place", "department", "file", "where", "message", "note"}


def number_format(row: ProblemRow) -> str:
    """The printed precision of the stated figure: #,##0.00 for amounts, 0.00"%" for rates
    (stored in percent, as printed)."""
    frac = "." + "0" * row.decimals if row.decimals else ""
    return f'0{frac}"%"' if row.unit == "%" else f"#,##0{frac}"


def fill_sheet(ws, rows: list[ProblemRow], html: str = "report.html") -> None:
    """One problem per row: Chinese headers, number formats, wrapped text, frozen header, filters,
    a hyperlink from 页码 to the report's page in report.html, and a 状态 drop-down."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    keys = [k for k, _ in COLUMNS]
    ws.append([HEADERS[k] for k in keys])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        values = row.values()
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in (values[k] for k in keys)])
        r = ws.max_row
        for j, key in enumerate(keys, start=1):
            cell = ws.cell(row=r, column=j)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
            if key in ("stated", "recomputed", "difference"):
                cell.number_format = number_format(row)
            elif key == "relative":
                cell.number_format = "0.00%"
            cell.alignment = Alignment(wrap_text=key in _WRAPPED, vertical="top")
            if key == "page" and row.page:
                cell.hyperlink = f"{html}#{anchor(row.sha256, row.page)}"
                cell.style = "Hyperlink"
                cell.alignment = Alignment(vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for j, key in enumerate(keys, start=1):
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS.get(key, 12)
    if rows:
        col = get_column_letter(keys.index("status") + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(REVIEW_WORDS) + '"', allow_blank=True)
        dv.add(f"{col}2:{col}{len(rows) + 1}")
        ws.add_data_validation(dv)


def write_xlsx(path, rows: list[ProblemRow]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    fill_sheet(ws, rows)
    wb.save(path)


def read_reviews(path) -> list[tuple[int, str, str, str]]:
    """(row number, problem id, 状态, 备注) of every row of an edited 问题清单.xlsx that has an id.
    The columns are found by their headers, so reordered or added columns do not matter."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
    try:
        at = {k: header.index(HEADERS[k]) for k in ("id", "status", "note")}
    except ValueError:
        raise ValueError(f"{path}: not a problem list (needs the columns "
                         f"{HEADERS['id']}, {HEADERS['status']}, {HEADERS['note']})") from None
    out = []
    for n, values in enumerate(rows, start=2):
        get = lambda k: values[at[k]] if at[k] < len(values) and values[at[k]] is not None else ""  # noqa: E731
        pid = str(get("id")).strip()
        if pid:
            out.append((n, pid, str(get("status")).strip(), str(get("note")).strip()))
    wb.close()
    return out
