"""The audit report people look at: one self-contained HTML file for a whole batch.

    write_report(out_dir)            # reads OUT/govaudit.sqlite, writes OUT/report.html
    render_html(entries) -> str      # pure: hand-made ReportEntry objects in, HTML out

The file needs nothing but itself: styles and the few lines of sorting script are inline, charts
are inline SVG, page pictures are PNG data URIs, and a Content-Security-Policy forbids any
network fetch and runs no script or style but the report's own (by their sha256). It is in
Chinese, readable on a laptop screen and printable.

Python prepares the data (the view dataclasses below); the Jinja2 templates in ``templates/``
(autoescaped) write the markup, ``report.css`` and ``report.js`` are inlined as they are.
"""
from __future__ import annotations

import base64
import hashlib
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable, Iterator

import jinja2
import jinja2.ext

from pipeline.errors import STATUS_EXPLAINED as STATUS_EXPLAINED_BY_STATUS, STATUS_WORDS
from pipeline.extract.metadata import kind_label, severity_label, type_label
from pipeline.schema import CheckResult, Evidence, Finding, Problem, Report

REPORT_NAME = "report.html"
MAX_PICTURED_FINDINGS = 40  # per report; beyond that findings are listed without page pictures
# for the whole file: a picture is ~40-60 KB, so a batch of thousands of reports would otherwise
# make an HTML file no browser opens comfortably; beyond it findings are listed without pictures
MAX_PICTURE_BYTES = 60 * 1024 * 1024

# status words and what each failure means: one wording everywhere (pipeline.errors)
STATUSES, STATUS_EXPLAINED = STATUS_WORDS, STATUS_EXPLAINED_BY_STATUS
OUTCOMES = {"pass": "通过", "fail": "不一致", "not_applicable": "不适用", "insufficient_data": "数据不足"}



@dataclass
class _PictureBudget:
    left: int


@dataclass
class ReportEntry:
    """One input file of the batch: its status and, when it was read, its report.

    ``report`` may be a light copy without ``checks`` (all the overview and the indicator tables
    need); ``load`` then gives the full report, fetched only while its own section is written."""

    file: str
    status: str = "ok"
    message: str = ""
    report: Report | None = None
    pdf: Path | None = None  # the input PDF, for page pictures
    load: Callable[[], Report] | None = field(default=None, repr=False)

    def full(self) -> Report | None:
        return self.load() if self.load is not None else self.report


# ----------------------------------------------------------------------------- the views templates render

@dataclass
class Column:
    """A sortable table header: ``unit`` is printed small after the name."""

    name: str
    type: str = "text"  # "num" sorts as numbers
    unit: str = ""


@dataclass
class OverviewRow:
    index: int
    file: str
    status: str
    report: Report | None = None  # read: its cells; else the failure's status and explanation
    status_label: str = ""
    explained: str = ""
    n_errors: int = 0  # problems
    n_warnings: int = 0


@dataclass
class Stated:
    """A value a report states: the number, and how the report printed it ("6,950.00", "95.00")."""

    value: float
    text: str


@dataclass
class IndicatorColumn:
    label: str
    unit: str
    by_entry: dict[int, tuple[Stated, bool]]  # entry index -> (value, outlier)


@dataclass
class IndicatorRow:
    index: int
    name: str
    cells: list[tuple[Stated | None, bool]]


@dataclass
class IndicatorTable:
    cls: str
    header: list[Column]
    rows: list[IndicatorRow]


@dataclass
class ChartBar:
    name: str   # the full name, in the bar's tooltip
    short: str  # cut to fit the name column
    value: str  # number and unit as printed on the chart
    outlier: bool
    y: int
    x0: str
    width: str
    label_x: str


@dataclass
class ChartLine:
    """A target or threshold of the scoring rules, drawn across a panel."""

    x: str
    label: str  # "90%"
    title: str  # the bands it separates


@dataclass
class ChartPanel:
    """The bars of one year: reports of different years are not ranked together."""

    year: int | None
    width: int
    height: int
    pad: int
    top: int  # where the bars start: room above them for the threshold labels
    name_w: int
    bar_h: int
    bottom: int
    bars: list[ChartBar]
    axis_x: str
    axis_from: str  # the axis' first value when it does not start at zero (rates zoomed to the data)
    median_x: str
    median: str
    lines: list[ChartLine] = field(default_factory=list)


@dataclass
class Chart:
    label: str
    panels: list[ChartPanel]


@dataclass
class IndicatorGroup:
    title: str
    n_columns: int
    screen: IndicatorTable
    printed: list[IndicatorTable]
    charts: list[Chart]
    folded: bool
    n_outliers: int
    without: int


@dataclass
class EvidenceRow:
    index: int  # colour class c{index % palette}, tag index + 1
    colour: int
    value_text: str
    label: str
    page: int
    quote: tuple[str, str, str]  # before, the printed number (marked), after


@dataclass
class Picture:
    src: str
    alt: str
    width: int
    height: int
    page: int = 0
    page_id: str = ""  # the whole page's view in the report, opened on click


@dataclass
class PageImage:
    """A whole page, opened from its crops. Its PNG is kept as bare base64 and made an image only
    when opened (report.js): a report with many pages decodes none of them until asked."""

    id: str
    page: int
    png_b64: str
    width: int
    height: int


@dataclass
class FindingView:
    severity: str
    severity_label: str
    title: str
    rule: str
    message: str
    nums: list[tuple[str, str, str]]  # (what, value, interval text or "")
    verdict: str
    evidence: list[EvidenceRow]
    pictures: list[Picture]
    note: str  # why there are no pictures, when there are none
    review: tuple[str, str] | None = None  # (status, note) of the problem the finding leads


@dataclass
class ProblemView:
    """One problem: the finding that leads it and the other checks that rest on the same printed
    numbers (listed under it, not counted again)."""

    number: int
    id: str
    severity: str
    severity_label: str
    status: str  # 待核 / 已核实 / 已排除
    note: str
    at: str
    lead: FindingView
    related: list[FindingView] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # ids 问题清单's links point at (problem_list.anchor)


@dataclass
class ResolvedView:
    """A problem an earlier edition of a file had and the current one has not (shown as resolved)."""

    severity: str
    severity_label: str
    title: str
    message: str
    status: str
    note: str


@dataclass
class CheckRow:
    outcome: str
    outcome_label: str
    kind: str
    message: str
    pages: str


@dataclass
class ReportSection:
    index: int
    file: str
    kind: str = "report"  # "report", "dup" (same bytes as ``same_as``) or "failed"
    issuer: str = ""
    year: int | None = None
    facts: list[str] = field(default_factory=list)
    sha256: str = ""
    n_errors: int = 0    # problems, not findings
    n_warnings: int = 0
    n_failed: int = 0    # failed checks (findings) behind the problems
    n_checks: int = 0
    outcome_counts: list[tuple[str, int]] = field(default_factory=list)
    problems: list[ProblemView] = field(default_factory=list)
    resolved: list[ResolvedView] = field(default_factory=list)
    cross_failed: int = 0  # failed checks between this report and another (listed in 跨报告核对)
    pages: list[PageImage] = field(default_factory=list)
    other_checks: str = ""  # "通过 3 项，数据不足 1 项"
    checks: list[CheckRow] = field(default_factory=list)
    same_as: tuple[int, str] | None = None
    status: str = ""
    status_label: str = ""
    explained: str = ""
    message: str = ""
    where: str = ""


@dataclass
class Page:
    title: str
    meta: str
    stats: list[tuple[int, str, str]]
    nav: list[tuple[str, str]]
    overview_columns: list[Column]
    overview: list[OverviewRow]
    indicator_groups: list[IndicatorGroup]
    cross: CrossSection | None  # None: rendered without a store (no cross-report checks ran)
    timelines: list[Timeline]
    reports: Iterator[ReportSection]  # made one at a time while the template writes them
    failed: list[ReportSection]
    css: str
    js: str
    csp: str


# ----------------------------------------------------------------------------- entry points

def write_report(out_dir: str | Path) -> Path:
    """Write ``OUT/report.html`` from the batch store in ``out_dir``; return its path."""
    from pipeline.run.store import Store

    out_dir = Path(out_dir)
    with Store.open(out_dir, create=False) as store:
        html = render_html(entries_from_store(store), source=str(out_dir.resolve()), cross=cross_data(store),
                           resolved=resolved_problems(store))
    path = out_dir / REPORT_NAME
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path


def resolved_problems(store) -> dict[str, list[ResolvedView]]:
    """file name -> the problems an earlier edition of that file had and its current report has
    not (:meth:`pipeline.run.store.Store.problem_rows`, read only when the log holds any)."""
    import sqlite3

    try:
        if not store.db.execute("SELECT 1 FROM problem_log WHERE id NOT IN (SELECT id FROM problems) LIMIT 1").fetchone():
            return {}
    except sqlite3.OperationalError:  # a store without the problem tables
        return {}
    out: dict[str, list[ResolvedView]] = {}
    for row in store.problem_rows():
        if row.get("resolved"):
            lead, review = row["lead"], row["review"]
            kind, _, key = lead.rule.partition(".")
            label, _ = _label_unit(key)
            view = ResolvedView(row["severity"], severity_label(row["severity"]),
                                kind_label(kind) + (f" · {label}" if label else ""), lead.message, review.status,
                                review.note)
            for name in row["files"]:
                out.setdefault(name, []).append(view)
    return out


def entries_from_store(store) -> list[ReportEntry]:
    """One entry per input file of an open :class:`pipeline.run.store.Store`, holding light reports;
    the store must stay open while the entries are rendered."""
    light: dict[str, Report] = {}  # two names with the same bytes share one report
    entries = []
    for row in store.list_reports():
        sha, report, load = row.get("sha256"), None, None
        if row.get("status") == "ok" and sha:
            if sha not in light:
                light[sha] = store.load_report(sha).model_copy(update={"checks": []})
            report, load = light[sha], partial(store.load_report, sha)
        entries.append(ReportEntry(file=row["file"], status=row.get("status") or "ok", message=row.get("message") or "",
                                   report=report, pdf=Path(row["path"]) if row.get("path") else None, load=load))
    return entries


def render_html(entries: list[ReportEntry], *, title: str = "政府财务报告审核报告", source: str | None = None,
                generated: datetime | None = None, cross: tuple[list[dict], list[dict]] | None = None,
                resolved: dict[str, list[ResolvedView]] | None = None) -> str:
    return render("report.html.j2", page=page_view(entries, title=title, source=source, generated=generated,
                                                   cross=cross, resolved=resolved))


def page_view(entries: list[ReportEntry], *, title: str = "政府财务报告审核报告", source: str | None = None,
              generated: datetime | None = None, cross: tuple[list[dict], list[dict]] | None = None,
              resolved: dict[str, list[ResolvedView]] | None = None) -> Page:
    """``cross``: the store's cross-report checks and indicator rows (:func:`cross_data`); without
    it the timelines are made from the reports in ``entries`` and no cross-report check is listed.
    ``resolved``: file name -> problems of its earlier editions (:func:`resolved_problems`)."""
    entries = sorted(entries, key=_order)
    ok = [(i, e) for i, e in enumerate(entries) if e.report is not None]
    failed = [(i, e) for i, e in enumerate(entries) if e.report is None]
    # two files with the same bytes are one report: detailed and counted once, under the first name
    first: dict[str, int] = {}
    for i, e in ok:
        first.setdefault(e.report.source.sha256, i)
    distinct = [(i, e) for i, e in ok if first[e.report.source.sha256] == i]
    counts = [problem_counts(e.report) for _, e in distinct]  # problems: what a person counts
    n_err, n_warn = sum(c[0] for c in counts), sum(c[1] for c in counts)
    when = (generated or datetime.now()).strftime("%Y-%m-%d %H:%M")
    stats = [(len(entries), "份文件", ""), (len(ok), "份已审核", ""), (len(failed), "份未能处理", "bad" if failed else ""),
             (n_err, "个错误问题", "err" if n_err else ""), (n_warn, "个提示问题", "warn" if n_warn else "")]
    checks, rows = cross if cross is not None else ([], _rows_from_reports(distinct))
    index = {e.report.source.sha256: i for i, e in distinct}
    mentions: dict[tuple[str, str], list[dict]] = {}
    for r in sorted(rows, key=lambda r: r["seq"]):
        mentions.setdefault((r["sha256"], r["key"]), []).append(r)
    cross_view = _cross_section(checks, mentions, index) if cross is not None else None
    timelines = _timelines(rows, checks, index)
    if cross_view and cross_view.failed:
        stats.append((len(cross_view.failed), "处跨报告不一致",
                      "err" if any(r.severity == "error" for r in cross_view.failed) else "warn"))
    nav = [("overview", "报告一览")]
    nav += [("cross", "跨报告核对")] if cross_view is not None else []
    nav += [("timeline", "部门历年数值")] if timelines else []
    nav += [("indicators", "指标对比"), ("reports", "各报告详情")]
    if failed:
        nav.append(("failed", "未能处理的文件"))

    def reports() -> Iterator[ReportSection]:
        pictures = _PictureBudget(MAX_PICTURE_BYTES)
        for i, e in ok:
            j = first[e.report.source.sha256]
            if j != i:
                yield ReportSection(i, e.file, "dup", same_as=(j, entries[j].file))
                continue
            section = _report_section(i, e, pictures)
            names = [d.file for _, d in ok if d.report.source.sha256 == e.report.source.sha256]
            section.resolved = [v for name in names for v in (resolved or {}).get(name, [])]
            section.cross_failed = sum(e.report.source.sha256 in (c["sha_a"], c["sha_b"])
                                       for c in checks if c["status"] == "fail")
            yield section

    css, js = static_text("report.css") + _palette_css(), static_text("report.js")
    return Page(title=title, meta=f"生成于 {when}" + (f" · 数据来源 {source}" if source else ""), stats=stats, nav=nav,
                overview_columns=OVERVIEW_COLUMNS,
                overview=[_overview_row(i, e) for i, e in enumerate(entries)], indicator_groups=_indicators(distinct),
                cross=cross_view, timelines=timelines,
                reports=reports(), failed=[_failed_section(i, e) for i, e in failed], css=css, js=js,
                csp=content_security_policy(css, js))


def _order(e: ReportEntry):
    r = e.report
    if r is None:
        return (1, "", "", 0, e.file)
    return (0, r.issuer.district or "", r.issuer.department or "", r.year or 0, e.file)


# ----------------------------------------------------------------------------- templates, styles, CSP

TEMPLATES = Path(__file__).parent / "templates"


class _Compact(jinja2.ext.Extension):
    """Templates are written one element a line; the line breaks and indents between them are
    dropped when the template is read (not from the data), so the markup comes out as compact as
    the tests and inline layouts expect. A space wanted at a line's end is written ``{{ " " }}``."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if not (name or "").endswith(".j2"):
            return source
        return "".join(line.strip() for line in source.splitlines())


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, extensions=[_Compact],
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=False)
    env.filters["num"] = _num
    env.filters["b64"] = lambda data: base64.b64encode(data).decode()
    env.globals.update(type_label=type_label, OUTCOMES=OUTCOMES)
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


@lru_cache(maxsize=None)
def static_text(name: str) -> str:
    """A static file of ``templates/`` (report.css, report.js), inlined as it is."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _palette_css() -> str:
    """``.c0`` … ``.c6``: the pictures' box colours, for the tags and marked numbers next to them."""
    from pipeline.publish.pagecrop import PALETTE, hex_color

    return "".join(f".c{k} {{ --c:{hex_color(k)}; }}\n" for k in range(len(PALETTE)))


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(css: str, js: str | None) -> str:
    """Nothing may be fetched; the only style and script that run are the page's own, named by
    their hashes (``js`` None: no script at all): markup that slipped past escaping could neither
    run a script nor restyle the page."""
    script = csp_hash(js) if js is not None else "'none'"
    return f"default-src 'none'; img-src data:; style-src {csp_hash(css)}; script-src {script}"


# ----------------------------------------------------------------------------- overview

def _overview_row(i: int, e: ReportEntry) -> OverviewRow:
    if e.report is None:
        return OverviewRow(i, e.file, e.status, status_label=STATUSES.get(e.status, e.status),
                           explained=STATUS_EXPLAINED.get(e.status, e.message))
    n_errors, n_warnings = problem_counts(e.report)
    return OverviewRow(i, e.file, e.status, e.report, n_errors=n_errors, n_warnings=n_warnings)


# counts of problems: findings that rest on the same printed numbers count once
OVERVIEW_COLUMNS = [Column("文件"), Column("区"), Column("部门"), Column("年度", "num"), Column("类型"),
                    Column("页数", "num"), Column("状态"), Column("错误问题", "num"), Column("提示问题", "num"),
                    Column("总分", "num")]


# ----------------------------------------------------------------------------- cross-district indicators

# (group title, units, charts folded on screen): rates and the score are comparable as they are,
# so their axes are zoomed to the data and values far off the others are marked; amounts and
# headcounts depend on a department's size, so their charts come folded, start at zero and mark
# nothing (a group with units None takes every unit the other groups do not: a kind added in
# patterns/ shows up without a code change)
INDICATOR_GROUPS = [("比率与得分", ("%", "分"), False), ("金额与数量", None, True)]
COMPARABLE_UNITS = ("%", "分")


def _indicator_keys(units: tuple[str, ...] | None) -> list[tuple[str, str, str]]:
    """(key, label, unit) of the catalog's indicators in ``units``, in catalog order."""
    from pipeline.extract.catalog import catalog

    if units is None:
        taken = {u for _, us, _ in INDICATOR_GROUPS if us for u in us}
        keys = [(k, e.label, e.unit) for k, e in catalog().entries.items() if e.unit not in taken]
    else:
        keys = [(k, e.label, e.unit) for k, e in catalog().entries.items() if e.unit in units]
    if units is not None and "分" in units and not any(k == "total_score" for k, _, _ in keys):
        keys.append(("total_score", "自评得分", "分"))
    return keys


def _indicator_value(report: Report, key: str) -> Stated | None:
    """The first mention of ``key``, as the report printed it."""
    if key == "total_score" and report.total_score is not None:
        return Stated(report.total_score, _num(report.total_score))
    found = report.values(key)
    return Stated(found[0].value, shown_number(found[0].raw_text, found[0].value, found[0].unit)) if found else None


_PRINTED = re.compile(r"[-−+]?\d[\d,，]*(?:\.\d+)?")


def printed_number(raw_text: str, unit: str = "") -> str:
    """The number as printed, without its unit when the unit is ``unit`` (the column says it):
    "6,950.00 万元" -> "6,950.00"; "4,755,140 元" stays whole (it is not in 万元 as the column)."""
    m = _PRINTED.search(raw_text or "")
    if not m:
        return (raw_text or "").strip()
    rest = (raw_text[:m.start()] + raw_text[m.end():]).strip()
    return m.group() if rest in ("", unit, "％" if unit == "%" else unit) else raw_text.strip()


def shown_number(raw_text: str, value: float | None, unit: str = "") -> str:
    """The number as printed for a cell whose header names ``unit`` (:func:`printed_number`); a bare
    number printed in another unit (a table in 元 whose figures the catalog counts in 万元) says so:
    "99,406,297" for 9,940.6297 万元 -> "99,406,297 元"."""
    text = printed_number(raw_text, unit)
    parsed = parse_number(text)
    if value is None or not parsed or not _PRINTED.fullmatch(text) or \
            math.isclose(abs(parsed[0]), abs(value), rel_tol=1e-6, abs_tol=1e-9):
        return text
    if unit == "万元" and math.isclose(abs(parsed[0]), abs(value) * 10000, rel_tol=1e-6):
        return f"{text} 元"
    return f"{text}（即 {_num(value)} {unit}）"


def _short_name(r: Report) -> str:
    return " ".join(str(x) for x in (r.issuer.district, r.year, r.issuer.department) if x) or Path(r.source.path).name


def _indicators(ok: list[tuple[int, ReportEntry]]) -> list[IndicatorGroup]:
    """One table and one chart per indicator for each group; an indicator is shown when at least
    two reports state it (one, when the batch has a single report)."""
    need = min(2, len(ok))
    groups = []
    for title, units, folded in INDICATOR_GROUPS:
        columns, charts = [], []
        for key, label, unit in _indicator_keys(units):
            values = [(i, e, _indicator_value(e.report, key)) for i, e in ok]
            values = [(i, e, v) for i, e, v in values if v is not None]
            if not values or len(values) < need:
                continue
            comparable = unit in COMPARABLE_UNITS
            flags = {}  # outliers among the reports of one year; amounts only reflect a department's size
            for year in {e.report.year for _, e, _ in values}:
                same = [(i, v.value) for i, e, v in values if e.report.year == year]
                flags.update(zip((i for i, _ in same), _outliers([v for _, v in same]) if comparable
                                 else [False] * len(same)))
            columns.append(IndicatorColumn(label, unit, {i: (v, flags[i]) for i, _, v in values}))
            if len(values) >= 2 and any(n >= 2 for n in Counter(e.report.year for _, e, _ in values).values()):
                charts.append(_chart(label, "%" if unit == "%" else f" {unit}",
                                     [(e.report.year, _short_name(e.report), v, flags[i]) for i, e, v in values],
                                     zoom=comparable, lines=score_thresholds().get(key, ())))
        if columns:
            groups.append(_indicator_group(title, ok, columns, charts, folded))
    return groups


PRINT_COLUMNS = 8  # indicator columns per printed table: a page cannot scroll sideways


def _indicator_group(title: str, ok, columns: list[IndicatorColumn], charts: list[Chart], folded: bool) -> IndicatorGroup:
    shown = [(i, e) for i, e in ok if any(i in c.by_entry for c in columns)]
    # e.g. a budget disclosure has no execution rates: no row of dashes
    # on screen one sortable table scrolling sideways; on paper the same columns in slices
    return IndicatorGroup(
        title=title, n_columns=len(columns), screen=_indicator_table(shown, columns, "sortable indicators"),
        printed=[_indicator_table(shown, columns[k:k + PRINT_COLUMNS], "indicators")
                 for k in range(0, len(columns), PRINT_COLUMNS)],
        charts=charts, folded=folded, n_outliers=sum(f for c in columns for _, f in c.by_entry.values()),
        without=len(ok) - len(shown))


def _indicator_table(shown, columns: list[IndicatorColumn], cls: str) -> IndicatorTable:
    rows = [IndicatorRow(i, _short_name(e.report), [c.by_entry.get(i, (None, False)) for c in columns])
            for i, e in shown]
    return IndicatorTable(cls, [Column("报告")] + [Column(c.label, "num", c.unit) for c in columns], rows)


def _outliers(values: list[float]) -> list[bool]:
    """Modified z-score (median / MAD) above 3.5 and at least 5% off the median; needs 3 values."""
    if len(values) < 3:
        return [False] * len(values)
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values)
    floor = max(0.05 * abs(med), 1e-9)
    return [abs(v - med) > floor and (mad == 0 or abs(0.6745 * (v - med) / mad) > 3.5) for v in values]


def _chart(label: str, unit: str, items: list[tuple[int | None, str, Stated, bool]], zoom: bool = False,
           lines: tuple[tuple[float, str], ...] = ()) -> Chart:
    """One panel of bars per year that two reports or more share (latest first): a horizontal bar
    per report, labelled with the value as printed, outliers in red, the median dashed, the scoring
    rules' thresholds (``lines``: (value, what it separates)) across it; a report alone in its year is
    compared with nothing (the table lists it). ``zoom``: the axis starts near the smallest value."""
    count = Counter(y for y, *_ in items)
    years = sorted((y for y in count if count[y] >= 2), key=lambda y: -(y or 0))
    return Chart(label, [_panel(y, unit, [t[1:] for t in items if t[0] == y], zoom, lines) for y in years])


def _panel(year: int | None, unit: str, items: list[tuple[str, Stated, bool]], zoom: bool,
           lines: tuple[tuple[float, str], ...] = ()) -> ChartPanel:
    items = sorted(items, key=lambda t: -t[1].value)
    name_w, bar_w, row_h, pad = 190, 240, 22, 8
    top = pad + (14 if lines else 0)
    labels = [_bar_label(v.text, unit) for _, v, _ in items]
    val_w = 12 + max(_text_px(f"{t} ▲") for t in labels)
    width, height = name_w + bar_w + val_w, top + pad + row_h * len(items) + 16
    vals = [v.value for _, v, _ in items]
    # the nearest threshold on each side of the data is kept in view: where the data stands against it
    near = [t for t in (max((x for x, _ in lines if x < min(vals)), default=None),
                        min((x for x, _ in lines if x > max(vals)), default=None)) if t is not None]
    lo, hi = _axis(vals + near, zoom and len(vals) > 1)  # one bar alone: nothing to compare it with
    span = (hi - lo) or 1.0
    x = lambda v: name_w + (v - lo) / span * bar_w  # noqa: E731
    base = x(max(lo, min(0.0, hi)))
    bars = []
    for k, ((name, v, outlier), text) in enumerate(zip(items, labels)):
        x0, x1 = sorted((base, x(v.value)))
        bars.append(ChartBar(name=name, short=_fit(name, name_w - 12), value=text, outlier=outlier,
                             y=top + k * row_h, x0=f"{x0:.1f}", width=f"{max(x1 - x0, 1):.1f}",
                             label_x=f"{max(x1, base) + 5:.1f}"))
    med = statistics.median(vals)
    return ChartPanel(year=year, width=width, height=height, pad=pad, top=top, name_w=name_w, bar_h=row_h - 6,
                      bottom=top + row_h * len(items), bars=bars, axis_x=f"{base:.1f}",
                      axis_from=f"{_num(lo)}{unit}" if lo > 0 else "", median_x=f"{x(med):.1f}",
                      median=f"{_num(med)}{unit}",
                      lines=[ChartLine(f"{x(t):.1f}", f"{_num(t)}{unit}", what) for t, what in lines if lo <= t <= hi])


def _bar_label(printed: str, unit: str) -> str:
    """A bar's label: the value as the report printed it ("41.0" -> "41.0%"); a text that carries
    its own unit ("4,755,140 元") as it is."""
    return printed + unit.strip() if _PRINTED.fullmatch(printed) else printed


@lru_cache(maxsize=1)
def score_thresholds() -> dict[str, tuple[tuple[float, str], ...]]:
    """indicator key -> ((boundary, the scoring bands it separates), ...) from patterns/rules.yaml
    ``score_items``: 编外人员控制率 5 and 10, 固定资产利用率 60, 75 and 90..."""
    from pipeline.extract.catalog import rules_config

    out: dict[str, tuple[tuple[float, str], ...]] = {}
    for item in rules_config().get("score_items") or []:
        for part in item.get("parts") or []:
            bands = part.get("bands") or []
            if not bands or not part.get("indicator"):
                continue
            _, unit = _label_unit(part["indicator"])
            what = f"{item.get('item', '')}评分：" + "；".join(f"{_band_text(b, unit)} 得 {_num(b.get('points'))} 分"
                                                             for b in bands)
            bounds = sorted({float(b[k]) for b in bands for k in ("below", "from", "to", "above") if k in b})
            out[part["indicator"]] = tuple((x, what) for x in bounds)
    return out


def _band_text(band: dict, unit: str) -> str:
    """A scoring band in words: {from: 75, below: 90} -> "≥75% 且 <90%"."""
    parts = [sign + _num(band[k]) + unit for k, sign in (("from", "≥"), ("above", ">"), ("to", "≤"), ("below", "<"))
             if k in band]
    return " 且 ".join(parts)


def _axis(vals: list[float], zoom: bool) -> tuple[float, float]:
    """The axis' range: from zero, or (``zoom``) from a round number a little below the smallest
    value, so that 94% and 99.9% do not look alike."""
    lo, hi = min(0.0, min(vals)), max(0.0, max(vals))
    if not zoom or min(vals) <= 0:
        return lo, hi
    spread = (max(vals) - min(vals)) or abs(max(vals)) * 0.05 or 1.0
    step = 10 ** math.floor(math.log10(spread))
    return max(0.0, math.floor((min(vals) - spread * 0.25) / step) * step), max(vals)


def _text_px(text: str, size: int = 12) -> float:
    """About how wide ``text`` is at ``size``: CJK glyphs are square, others about half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.58 for ch in text)


def _fit(text: str, px: int, size: int = 12) -> str:
    """Cut ``text`` to about ``px`` pixels at ``size``."""
    used, out = 0.0, []
    for ch in text:
        used += _text_px(ch, size)
        if used > px:
            return "".join(out).rstrip() + "…"
        out.append(ch)
    return text


# ----------------------------------------------------------------------------- across the reports of one issuer

@dataclass
class CrossSide:
    """One of the two reports of a cross-report check."""

    file: str
    index: int | None  # the report's section in this page, for a link
    what: str          # "2024 年部门预算"
    page: int | None
    value: str         # the figure as printed ("34.50万元"), or recomputed at that precision


@dataclass
class CrossRow:
    status: str    # pass | fail
    severity: str  # error | warning | "" (a pass)
    label: str     # 错误 / 提示 / 通过
    kind: str      # 与其他年度报告核对 / 同年度报告间核对
    subject: str   # the indicator's Chinese name
    issuer: str
    a: CrossSide   # the report that states it
    b: CrossSide   # the report it is checked against
    message: str
    loose: bool    # matched on the department alone (a district missing)
    rule: str
    key: str


@dataclass
class CrossSection:
    failed: list[CrossRow]
    passed: list[CrossRow]
    n_pairs: int


@dataclass
class TimelineCell:
    text: str       # as printed; two reports in one column: both, "、" joined
    title: str      # the file(s) and page(s) it is printed on; why it is marked
    marked: bool    # disagrees with another report (a failed cross-report check, or two editions)


@dataclass
class TimelineRow:
    label: str
    unit: str
    cells: list[TimelineCell | None]
    marked: bool


@dataclass
class Timeline:
    """One issuer's figures by year and report type: each indicator from every report that states it."""

    issuer: str
    columns: list[Column]
    rows: list[TimelineRow]   # indicators stated by two reports or more
    single: list[TimelineRow]  # stated by one report only (folded)
    files: list[tuple[int | None, str]]


CROSS_KINDS = {"change": "与其他年度报告核对", "same_year": "同年度报告间核对"}
TYPE_ORDER = {"budget": 0, "final_accounts": 1, "performance_self_evaluation": 2}


def cross_data(store) -> tuple[list[dict], list[dict]]:
    """From an open store: every cross-report check (:func:`pipeline.run.cross.cross_rows`) and
    the rows the timelines are made of. The timelines read the ``indicators`` table by SQL, only
    for the reports of an issuer with two reports or more, never the reports' JSON."""
    from pipeline.run.cross import cross_rows

    checks = cross_rows(store)  # also makes sure the cross-report tables exist
    reports = [dict(r) for r in store.db.execute(
        "SELECT r.sha256, r.district, r.department, r.year, r.report_type, f.scope, "
        "(SELECT file FROM files WHERE sha256=r.sha256 ORDER BY file LIMIT 1) AS file "
        "FROM reports r LEFT JOIN cross_facts f ON f.sha256=r.sha256 WHERE r.status='ok'")]
    shas = {r["sha256"] for g in _issuers(reports).values() for r in g}
    shas |= {c[s] for c in checks for s in ("sha_a", "sha_b")}
    by_sha = {r["sha256"]: r for r in reports}
    rows, wanted = [], sorted(shas)
    for k in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
        chunk = wanted[k:k + 500]
        for i in store.db.execute(
                f"SELECT sha256, seq, key, value, unit, raw_text, page FROM indicators WHERE sha256 IN "
                f"({','.join('?' * len(chunk))}) ORDER BY sha256, seq", chunk):
            rows.append({**by_sha[i["sha256"]], **dict(i)})
    return checks, rows


def _rows_from_reports(ok: list[tuple[int, ReportEntry]]) -> list[dict]:
    """The same rows as :func:`cross_data` from reports in memory (a page rendered without a store)."""
    rows = []
    for _, e in ok:
        r = e.report
        head = {"sha256": r.source.sha256, "district": r.issuer.district, "department": r.issuer.department,
                "year": r.year, "report_type": r.report_type, "scope": r.scope, "file": e.file}
        for seq, i in enumerate(sorted(r.indicators, key=lambda i: (i.page, i.bbox[1], i.bbox[0]))):
            rows.append({**head, "seq": seq, "key": i.key, "value": i.value, "unit": i.unit, "raw_text": i.raw_text,
                         "page": i.page})
    return rows


def _issuers(reports: list[dict]) -> dict[tuple, list[dict]]:
    """Reports (one dict per sha256) by issuer: district and normalised department. Only issuers
    with reports of two years or two types are kept."""
    from pipeline.check.cross import department_key

    groups: dict[tuple, dict[str, dict]] = {}
    for r in reports:
        dept = department_key(r.get("department"))
        if dept:
            groups.setdefault((r.get("district") or "", dept), {}).setdefault(r["sha256"], r)
    return {k: list(g.values()) for k, g in groups.items()
            if len({r.get("year") for r in g.values()}) >= 2 or len({r.get("report_type") for r in g.values()}) >= 2}


def _cross_section(checks: list[dict], mentions: dict[tuple[str, str], list[dict]],
                   index: dict[str, int]) -> CrossSection:
    by_sha: dict[str, list[dict]] = {}
    for (sha, _), ms in mentions.items():
        by_sha.setdefault(sha, []).extend(ms)
    rows = []
    for c in checks:
        kind = c["rule"].split(".")[1] if c["rule"].count(".") else ""
        key = (c["sha_b"], c["key"])
        printed_b = _printed_mention(mentions.get(key, []), c["expected"]) \
            or _printed_mention(by_sha.get(c["sha_b"], []), c["expected"])  # b states it under another key
        if kind == "change":  # the other year's figure the statement implies, at the precision of both prints
            own = mentions.get((c["sha_a"], c["key"]), [])
            printed_a = _like(c["stated"], [printed_b, own[0]["raw_text"] if own else None]) + "（推算）"
        else:
            printed_a = _printed_mention(mentions.get((c["sha_a"], c["key"]), []), c["stated"]) \
                or _printed_mention(by_sha.get(c["sha_a"], []), c["stated"])
        label, _ = _label_unit(c["key"])
        a, b = (CrossSide(c[f"file_{x}"] or "", index.get(c[f"sha_{x}"]),
                          f"{c[f'year_{x}'] or '年度不详'} 年{type_label(c[f'type_{x}'] or 'unknown')}",
                          c[f"page_{x}"], printed or _num(value))
                for x, printed, value in (("a", printed_a, c["stated"]), ("b", printed_b, c["expected"])))
        failed = c["status"] == "fail"
        rows.append(CrossRow(
            status=c["status"], severity=(c["severity"] or "warning") if failed else "",
            label=severity_label(c["severity"] or "warning") if failed else OUTCOMES["pass"],
            kind=CROSS_KINDS.get(kind, "跨报告核对"), subject=label or c["key"],
            issuer=" ".join(x for x in (c["district"], c["department"]) if x),
            a=a, b=b, message=c["message"], loose=c["match"] == "loose", rule=c["rule"], key=c["key"]))
    failed = sorted((r for r in rows if r.status == "fail"), key=lambda r: r.severity != "error")
    return CrossSection(failed, [r for r in rows if r.status != "fail"],
                        len({(c["sha_a"], c["sha_b"]) for c in checks}))


def _printed_mention(mentions: list[dict], value: float | None) -> str | None:
    """The printed text of the first mention whose value is ``value``."""
    if value is None:
        return None
    for m in mentions:
        if m["value"] is not None and math.isclose(m["value"], value, rel_tol=1e-9, abs_tol=1e-9):
            return (m["raw_text"] or "").strip() or _num(value)
    return None


def _like(value: float | None, printed: list[str | None]) -> str:
    """``value`` at the finest precision among ``printed`` and in the unit of the first of them
    ("34.50万元", "39.35万元": 35.5 -> "35.50万元")."""
    if value is None:
        return ""
    parsed = [(t, parse_number(t)) for t in printed if t and parse_number(t)]
    if not parsed:
        return _num(value)
    decimals = max(p[1] for _, p in parsed)
    text = parsed[0][0].strip()
    m = _PRINTED.search(text)
    number = f"{value:,.{decimals}f}" if "," in m.group() else f"{value:.{decimals}f}"
    return number + text[m.end():].strip()


def _timelines(rows: list[dict], checks: list[dict], index: dict[str, int]) -> list[Timeline]:
    """Per issuer with reports of two years or two types: rows = indicators (catalog order),
    columns = year × report type (a 单位 budget or account apart from the 部门 one), cells = the
    first mention in each report, as printed."""
    from pipeline.extract.catalog import catalog

    reports = {r["sha256"]: r for r in rows}
    first: dict[tuple[str, str], dict] = {}
    for r in sorted(rows, key=lambda r: r["seq"]):
        first.setdefault((r["sha256"], r["key"]), r)
    # a failed cross-report check marks the figure on both sides
    contested: dict[tuple[str, str], list[str]] = {}
    for c in checks:
        if c["status"] == "fail":
            for x in ("sha_a", "sha_b"):
                contested.setdefault((c[x], c["key"]), []).append(c["message"])
    order = {k: n for n, k in enumerate(catalog().entries)}
    out = []
    column = lambda r: (r.get("year") or 0, r.get("report_type") or "unknown", r.get("scope") == "unit")  # noqa: E731
    for (district, dept), group in sorted(_issuers(list(reports.values())).items()):
        columns = sorted({column(r) for r in group}, key=lambda c: (c[0], TYPE_ORDER.get(c[1], 9), c[1], c[2]))
        shas = {r["sha256"] for r in group}
        keys = sorted({k for s, k in first if s in shas}, key=lambda k: (order.get(k, len(order)), k))
        made = []
        for key in keys:
            label, unit = _label_unit(key)
            cells = []
            for col in columns:
                here = [first[(r["sha256"], key)] for r in group if (r["sha256"], key) in first and column(r) == col]
                cells.append(_timeline_cell(here, unit.strip(), contested) if here else None)
            n = sum(1 for r in group if (r["sha256"], key) in first)
            made.append((n, TimelineRow(label or key, unit.strip(), cells, any(c and c.marked for c in cells))))
        header = [Column("指标")] + [Column(f"{y or '年度不详'} 年 {type_label(t)}" + ("（单位）" if unit else ""))
                                     for y, t, unit in columns]
        files = sorted({(index.get(r["sha256"]), r.get("file") or "") for r in group}, key=lambda f: f[1])
        out.append(Timeline(" ".join(x for x in (district, dept) if x), header, [r for n, r in made if n >= 2],
                            [r for n, r in made if n < 2], files))
    return out


def _timeline_cell(mentions: list[dict], unit: str, contested: dict[tuple[str, str], list[str]]) -> TimelineCell:
    texts = [shown_number(m["raw_text"] or _num(m["value"]), m["value"], unit) for m in mentions]
    where = [f"{m.get('file') or ''} 第 {m['page']} 页" for m in mentions]
    why = [msg for m in mentions for msg in contested.get((m["sha256"], m["key"]), [])]
    # two reports of one year and type (two editions) that print different figures
    if len(mentions) > 1 and not _agree(mentions):
        why.append("同一年度、同一类型的报告所写不一致")
    return TimelineCell("、".join(dict.fromkeys(texts)), "；".join(where + why), bool(why))


def _agree(mentions: list[dict]) -> bool:
    """Do the printed figures agree within their printed precision ("41.2" and "41.20" do)?"""
    from pipeline.check.interval import Interval

    ivs = []
    for m in mentions:
        parsed = parse_number(m["raw_text"] or "")
        decimals = parsed[1] if parsed else 0
        scale = abs(m["value"] / parsed[0]) if parsed and parsed[0] else 1.0  # printed in 元, stored in 万元
        half = scale * 0.5 * 10.0 ** -decimals
        ivs.append(Interval(m["value"] - half, m["value"] + half))
    return all(a.overlaps(b) for a in ivs for b in ivs)


# ----------------------------------------------------------------------------- one report

def _report_section(i: int, e: ReportEntry, pictures: _PictureBudget) -> ReportSection:
    r = e.full()
    facts = [type_label(r.report_type), f"{r.source.pages} 页"]
    if r.total_score is not None:
        facts.append(f"自评得分 {_num(r.total_score)} 分")
    facts.append(f"文件 {e.file}")
    problems, pages = problem_views(r, e.pdf, pictures, f"pg-{i}-")
    _link_targets(problems, r)
    return ReportSection(
        i, e.file, issuer=" · ".join(x for x in (r.issuer.district, r.issuer.department) if x) or "（未识别发文单位）",
        year=r.year, facts=facts, sha256=r.source.sha256, n_errors=sum(p.severity == "error" for p in problems),
        n_warnings=sum(p.severity != "error" for p in problems), n_failed=len(r.findings), n_checks=len(r.checks),
        outcome_counts=[(OUTCOMES[o], sum(c.outcome == o for c in r.checks)) for o in OUTCOMES],
        problems=problems, pages=pages,
        **_other_checks([c for c in r.checks if c.outcome != "fail"]))


def _link_targets(problems: list[ProblemView], r: Report) -> None:
    """The ids 问题清单.xlsx links to (``r-<sha256[:12]>-p<page>``, pipeline.publish.problem_list.anchor):
    each page's id on the first problem with evidence on that page."""
    from pipeline.publish.problem_list import anchor

    seen: set[int] = set()
    for p in problems:
        for page in (ev.page for f in (p.lead, *p.related) for ev in f.evidence):
            if page not in seen:
                seen.add(page)
                p.anchors.append(anchor(r.source.sha256, page))


def problems_of(r: Report) -> list[tuple[Problem, bool]]:
    """The report's problems, errors first, each with whether it is one of ``r.problems`` (and so
    has a review); a finding in none of them (a report stored before problems were grouped, a
    hand-made one) is a problem of its own."""
    out = [(p, True) for p in r.problems if any(0 <= k < len(r.findings) for k in p.findings)]
    covered = {k for p, _ in out for k in p.findings}
    out += [(Problem(id=f"{r.source.sha256[:12]}:{k}", severity=f.severity, findings=[k]), False)
            for k, f in enumerate(r.findings) if k not in covered]
    return sorted(out, key=lambda t: t[0].severity != "error")


def problem_counts(r: Report) -> tuple[int, int]:
    """(errors, warnings) counted by problem, as everywhere a person reads them."""
    problems = [p for p, _ in problems_of(r)]
    return sum(p.severity == "error" for p in problems), sum(p.severity != "error" for p in problems)


def problem_views(r: Report, pdf: Path | None, pictures: _PictureBudget | None = None, page_ids: str | None = "pg-"
                  ) -> tuple[list[ProblemView], list[PageImage]]:
    """Each problem once: its leading finding with page pictures, the findings on the same printed
    numbers under it without (their numbers are the ones pictured), and the whole pages opened
    from the pictures (``page_ids`` None: none, as on paper)."""
    problems = [(p, grouped, [k for k in p.findings if 0 <= k < len(r.findings)]) for p, grouped in problems_of(r)]
    flat = [(k, n == 0) for _, _, ks in problems for n, k in enumerate(ks)]
    views, pages = _finding_views([r.findings[k] for k, _ in flat], pdf, r.checks, pictures, page_ids,
                                  pictured=[lead for _, lead in flat], turns=r.source.ocr_turns)
    out, at = [], 0
    for n, (p, grouped, ks) in enumerate(problems, 1):
        lead, related = views[at], views[at + 1:at + len(ks)]
        at += len(ks)
        if grouped:
            lead.review = (p.review.status, p.review.note)
        out.append(ProblemView(n, p.id, p.severity, severity_label(p.severity), p.review.status,
                               p.review.note, p.review.at or "", lead, related))
    return out, pages


def _finding_views(findings: list[Finding], pdf: Path | None, checks: list[CheckResult] = (),
                   pictures: _PictureBudget | None = None, page_ids: str | None = "pg-",
                   pictured: list[bool] | None = None, turns: dict[int, int] | None = None
                   ) -> tuple[list[FindingView], list[PageImage]]:
    """The findings' views, and the whole pages their pictures open (ids ``page_ids`` + page;
    ``page_ids`` None: no whole pages, as on paper). ``pictured``: which findings get page
    pictures (default: all). ``turns``: pages scanned sideways and their quarter turns (the
    report's ``source.ocr_turns``)."""
    # the stated number's interval is kept on the failed check the finding came from
    stated_iv = {(c.rule, c.stated, c.recomputed): c.stated_interval for c in checks if c.outcome == "fail"}
    cropper, problem = None, None
    if pdf is None or not Path(pdf).is_file():
        problem = "原始 PDF 不可用，无法显示页面截图。"
    else:
        try:
            from pipeline.publish.pagecrop import PageCropper
            cropper = PageCropper(pdf, turns=turns)
        except Exception as ex:  # a PDF pdfium cannot open: findings still listed
            problem = f"无法渲染页面（{type(ex).__name__}）。"
    pictures = pictures or _PictureBudget(MAX_PICTURE_BYTES)
    try:
        out, n = [], 0
        for k, f in enumerate(findings):
            if pictured is not None and not pictured[k]:
                use, note = None, ""
            elif n >= MAX_PICTURED_FINDINGS:
                use, note = None, "问题较多，此条不附页面截图。"
            elif pictures.left <= 0:
                use, note = None, f"页面截图总量已达上限（{MAX_PICTURE_BYTES // 2**20} MB），此条不附截图。"
            else:
                use, note = cropper, problem
            n += pictured is None or pictured[k]
            view = _finding_view(f, use, note, stated_iv.get((f.rule, f.stated, f.recomputed)))
            pictures.left -= sum(len(p.src) for p in view.pictures)  # the pictures are nearly all of it
            out.append(view)
        pages = {}
        for p in (p for view in out for p in view.pictures if page_ids is not None):
            if p.page not in pages:
                pages[p.page] = _page_image(cropper, p.page, page_ids + str(p.page))
                pictures.left -= len(pages[p.page].png_b64) if pages[p.page] else 0
            p.page_id = pages[p.page].id if pages[p.page] else ""
        return out, [pg for pg in pages.values() if pg]
    finally:
        if cropper:
            cropper.close()


def _finding_view(f: Finding, cropper, problem: str | None, stated_interval=None) -> FindingView:
    kind, _, key = f.rule.partition(".")
    label, unit = _label_unit(key)
    stated, recomputed, unit = as_printed(f.stated, f.recomputed, f.evidence, unit)
    nums = [(k, v, _interval(iv, unit) if iv else "")
            for k, v, iv in (("报告所写", stated, stated_interval), ("复算", recomputed, f.interval)) if v]
    verdict = ""
    if stated_interval and f.interval:
        verdict = "两区间不相交，超出舍入误差" if _disjoint(stated_interval, f.interval) else "两区间相交"
    evidence = [EvidenceRow(k, k % _palette_size(), ev.value_text or "", _ev_label(ev), ev.page, _quote(ev))
                for k, ev in enumerate(f.evidence)]
    pictures, note = _pictures(f.evidence, cropper, problem)
    return FindingView(severity=f.severity, severity_label=severity_label(f.severity),
                       title=kind_label(kind) + (f" · {label}" if label else ""), rule=f.rule, message=f.message,
                       nums=nums, verdict=verdict, evidence=evidence, pictures=pictures, note=note)


def _palette_size() -> int:
    from pipeline.publish.pagecrop import PALETTE
    return len(PALETTE)


def _pictures(evidence: list[Evidence], cropper, problem: str | None) -> tuple[list[Picture], str]:
    if not evidence:
        return [], ""
    if cropper is None:
        return [], problem or ""
    try:
        crops = cropper.crops(evidence)
    except Exception as ex:  # one unreadable page must not sink the report
        return [], f"无法渲染页面（{type(ex).__name__}: {ex}）。"
    return [Picture("data:image/png;base64," + base64.b64encode(c.png).decode(), c.alt, c.width, c.height, c.page)
            for c in crops], ""


def _page_image(cropper, page: int, id: str) -> PageImage | None:
    try:
        png, width, height = cropper.page_png(page)
    except Exception:  # the crop was drawn; without its whole page it is still shown
        return None
    return PageImage(id, page, base64.b64encode(png).decode(), width, height)


def _other_checks(checks: list[CheckResult]) -> dict:
    if not checks:
        return {}
    order = {"pass": 0, "not_applicable": 1, "insufficient_data": 2}
    checks = sorted(checks, key=lambda c: order.get(c.outcome, 3))
    counts = "，".join(f"{OUTCOMES[o]} {n} 项" for o in order if (n := sum(c.outcome == o for c in checks)))
    return {"other_checks": counts,
            "checks": [CheckRow(c.outcome, OUTCOMES.get(c.outcome, c.outcome), kind_label(c.kind), c.message,
                                _pages(c.evidence)) for c in checks]}


def _failed_section(i: int, e: ReportEntry) -> ReportSection:
    return ReportSection(i, e.file, "failed", status=e.status, status_label=STATUSES.get(e.status, e.status),
                         explained=STATUS_EXPLAINED.get(e.status, ""), message=e.message,
                         where=str(e.pdf) if e.pdf else "")


# ----------------------------------------------------------------------------- small formatting helpers

def _label_unit(key: str) -> tuple[str | None, str]:
    from pipeline.extract.catalog import catalog

    entry = catalog().entries.get(key)
    if entry is None:
        return None, ""
    return entry.label, entry.unit if entry.unit == "%" else f" {entry.unit}"


def _ev_label(ev: Evidence) -> str:
    if not ev.label:
        return ""
    label, _ = _label_unit(ev.label)
    return label or ev.label


def _quote(ev: Evidence) -> tuple[str, str, str]:
    """The quoted sentence cut around the printed number, which the template marks in its box colour."""
    quote, needle = ev.quote or "", (ev.value_text or "").strip()
    at = quote.find(needle) if needle else -1
    if at < 0:
        return quote, "", ""
    return quote[:at], needle, quote[at + len(needle):]


def as_printed(stated: float | None, recomputed: float | None, evidence: list[Evidence],
               unit: str = "") -> tuple[str, str, str]:
    """(stated, recomputed, unit) as a person reads them: the stated value in the report's own
    printed text (the evidence that prints it), the recomputed one at that text's precision and
    in its unit ("26.67%" -> "29.03%"; "8,219.95" -> "8,247.31"). ``unit``: the catalog's, used
    when the printed text has none."""
    printed = None
    if stated is not None:
        for ev in evidence:
            parsed = parse_number(ev.value_text or "")
            if parsed and math.isclose(parsed[0], abs(stated), rel_tol=1e-9, abs_tol=1e-9):
                printed = (ev.value_text or "").strip()
                break
    if printed is None:  # not among the evidence (e.g. converted to 万元): the value as it is
        return _val(stated, unit), _val(recomputed, unit), unit
    m = _PRINTED.search(printed)
    suffix = printed[m.end():] or unit
    number = m.group()
    decimals = len(number.split(".")[1]) if "." in number else 0
    text = "" if recomputed is None else \
        (f"{recomputed:,.{decimals}f}" if "," in number or "，" in number else f"{recomputed:.{decimals}f}") + suffix
    return printed, text, suffix


def parse_number(text: str) -> tuple[float, int] | None:
    """The number in a printed text ("2,039.49 万元" -> 2039.49, 2 decimals), None if there is none."""
    m = _PRINTED.search(text)
    if not m:
        return None
    number = m.group().replace("，", ",").replace("−", "-")
    return float(number.replace(",", "")), len(number.split(".")[1]) if "." in number else 0


def _interval(iv: tuple[float, float], unit: str) -> str:
    lo, hi = iv
    return f"精确值 {_num(lo)}{unit}" if lo == hi else f"区间 [{_num(lo)}, {_num(hi)}]{unit}"


def _disjoint(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[1] < b[0] or b[1] < a[0]


def _pages(evidence: list[Evidence]) -> str:
    pages = sorted({ev.page for ev in evidence})
    return "、".join(str(p) for p in pages)


def _val(x: float | None, unit: str) -> str:
    return "" if x is None else f"{_num(x)}{unit}"


def _num(x: float | int | None) -> str:
    if x is None:
        return "—"
    if isinstance(x, int) or float(x).is_integer():
        return f"{int(x)}" if abs(x) < 10000 else f"{int(x):,}"
    return f"{x:,.4f}".rstrip("0").rstrip(".")
