"""The audit report people look at: one self-contained HTML file for a whole batch.

    write_report(out_dir)            # reads OUT/govaudit.sqlite, writes OUT/report.html
    render_html(entries) -> str      # pure: hand-made ReportEntry objects in, HTML out

The file needs nothing but itself: styles and the few lines of sorting script are inline, charts
are inline SVG, page pictures are PNG data URIs, and a Content-Security-Policy forbids any
network fetch. It is in Chinese, readable on a laptop screen and printable.
"""
from __future__ import annotations

import base64
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from html import escape
from pathlib import Path
from typing import Callable

from pipeline.extract.metadata import type_label
from pipeline.schema import CheckResult, Evidence, Finding, Report

REPORT_NAME = "report.html"
MAX_PICTURED_FINDINGS = 40  # per report; beyond that findings are listed without page pictures
# for the whole file: a picture is ~40-60 KB, so a batch of thousands of reports would otherwise
# make an HTML file no browser opens comfortably; beyond it findings are listed without pictures
MAX_PICTURE_BYTES = 60 * 1024 * 1024

STATUSES = {"ok": "成功", "missing": "文件不存在", "not_pdf": "不是 PDF 文件", "encrypted": "PDF 已加密", "damaged": "PDF 已损坏",
            "empty": "空文件", "no_text": "无文字层（扫描件）", "timeout": "处理超时", "crashed": "处理崩溃"}
# what each failure means for the user, in Chinese; the pipeline's own one-line message follows it
STATUS_EXPLAINED = {
    "missing": "文件不存在或无法读取（已被删除、移动，或链接失效）。",
    "not_pdf": "文件内容不是 PDF（开头没有 %PDF 标记），可能是改了扩展名的其他文件。",
    "encrypted": "PDF 设有密码或已加密，无法读取其中的文字。",
    "damaged": "PDF 文件结构损坏或不完整（例如下载中断），无法解析。",
    "empty": "文件为空，或 PDF 中没有任何页面。",
    "no_text": "PDF 没有文字层（扫描图片），需要先做文字识别（OCR）才能审核。",
    "timeout": "处理时间超过上限，已跳过；重新运行批处理时会再试。",
    "crashed": "处理进程意外退出（例如内存不足），已跳过；重新运行批处理时会再试。",
}
OUTCOMES = {"pass": "通过", "fail": "不一致", "not_applicable": "不适用", "insufficient_data": "数据不足"}
SEVERITIES = {"error": "错误", "warning": "警告"}
KINDS = {"ratio": "比率复算", "sum": "合计复算", "difference": "差额复算", "average": "平均值复算",
         "growth": "增长率复算", "formula": "公式复算", "cross_mention": "多处数值不一致",
         "text_vs_table": "正文与表格不一致", "table_sum": "表格合计", "table_ratio": "表格比率",
         "score": "评分复算", "score_total": "总分复算", "score_range": "得分不超分值", "change": "同比变动复算", "completion": "预算完成率复算"}


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


# ----------------------------------------------------------------------------- entry points

def write_report(out_dir: str | Path) -> Path:
    """Write ``OUT/report.html`` from the batch store in ``out_dir``; return its path."""
    from pipeline.run.store import Store

    out_dir = Path(out_dir)
    with Store.open(out_dir, create=False) as store:
        html = render_html(entries_from_store(store), source=str(out_dir.resolve()))
    path = out_dir / REPORT_NAME
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path


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
                generated: datetime | None = None) -> str:
    entries = sorted(entries, key=_order)
    ok = [(i, e) for i, e in enumerate(entries) if e.report is not None]
    failed = [(i, e) for i, e in enumerate(entries) if e.report is None]
    # two files with the same bytes are one report: detailed and counted once, under the first name
    first: dict[str, int] = {}
    for i, e in ok:
        first.setdefault(e.report.source.sha256, i)
    distinct = [(i, e) for i, e in ok if first[e.report.source.sha256] == i]
    pictures = _PictureBudget(MAX_PICTURE_BYTES)
    n_err = sum(e.report.n_errors for _, e in distinct)
    n_warn = sum(e.report.n_warnings for _, e in distinct)
    when = (generated or datetime.now()).strftime("%Y-%m-%d %H:%M")
    meta = f"生成于 {when}" + (f" · 数据来源 {escape(source)}" if source else "")
    stats = "".join(f'<div class="stat {cls}"><b>{n}</b><span>{label}</span></div>' for n, label, cls in (
        (len(entries), "份文件", ""), (len(ok), "份已审核", ""), (len(failed), "份未能处理", "bad" if failed else ""),
        (n_err, "处错误", "err" if n_err else ""), (n_warn, "处警告", "warn" if n_warn else "")))
    nav = ['<a href="#overview">报告一览</a>', '<a href="#indicators">指标对比</a>', '<a href="#reports">各报告详情</a>']
    if failed:
        nav.append('<a href="#failed">未能处理的文件</a>')
    body = [
        f'<header class="top"><h1>{escape(title)}</h1><p class="meta">{meta}</p><div class="stats">{stats}</div></header>',
        f'<nav class="toc">{"".join(nav)}</nav>',
        _overview(entries),
        _indicators(distinct),
        '<section id="reports"><h2>各报告详情</h2>'
        + ("".join(_report_section(i, e, pictures) if first[e.report.source.sha256] == i
                   else _duplicate_section(i, e, first[e.report.source.sha256], entries) for i, e in ok)
           or '<p class="empty">没有可审核的报告。</p>') + "</section>",
    ]
    if failed:
        body.append('<section id="failed"><h2>未能处理的文件</h2>' + "".join(_failed_section(i, e) for i, e in failed)
                    + "</section>")
    body.append('<footer>由 govaudit 生成。印刷数值按其小数位视为区间（如 26.67% 即 [26.665%, 26.675%]），'
                '复算区间与之不相交时判为不一致。</footer>')
    return PAGE.format(title=escape(title), css=CSS, js=JS, body="\n".join(body))


def _order(e: ReportEntry):
    r = e.report
    if r is None:
        return (1, "", "", 0, e.file)
    return (0, r.issuer.district or "", r.issuer.department or "", r.year or 0, e.file)


# ----------------------------------------------------------------------------- overview

def _overview(entries: list[ReportEntry]) -> str:
    head = _thead([("文件", "text"), ("区", "text"), ("部门", "text"), ("年度", "num"), ("类型", "text"),
                   ("页数", "num"), ("状态", "text"), ("错误", "num"), ("警告", "num"), ("总分", "num")])
    rows = []
    for i, e in enumerate(entries):
        r = e.report
        if r is None:
            status = (f'<span class="status bad">{escape(STATUSES.get(e.status, e.status))}</span>'
                      f'<div class="sub">{escape(STATUS_EXPLAINED.get(e.status, e.message))}</div>')
            cells = [_td(""), _td(""), _td(""), _td(""), _td(""), f'<td data-v="{escape(e.status)}">{status}</td>',
                     _td(""), _td(""), _td("")]
        else:
            cells = [_td(r.issuer.district or ""), _td(r.issuer.department or ""), _num_td(r.year, ""),
                     _td(type_label(r.report_type)), _num_td(r.source.pages, ""),
                     '<td data-v="ok"><span class="status ok">成功</span></td>',
                     _count_td(r.n_errors, "err"), _count_td(r.n_warnings, "warn"), _num_td(r.total_score, "")]
        link = f'<a href="#r-{i}">{escape(e.file)}</a>'
        rows.append(f'<tr data-file="{escape(e.file)}"><td class="file" data-v="{escape(e.file)}">{link}</td>'
                    + "".join(cells) + "</tr>")
    return ('<section id="overview"><h2>报告一览</h2><p class="hint">点击表头排序；点击文件名查看详情。</p>'
            f'<div class="scroll"><table class="sortable overview">{head}<tbody>{"".join(rows)}</tbody></table></div>'
            "</section>")


def _thead(cols: list[tuple[str, str]]) -> str:
    ths = "".join(f'<th data-type="{t}" tabindex="0" scope="col">{name}</th>' for name, t in cols)
    return f"<thead><tr>{ths}</tr></thead>"


def _td(text: str) -> str:
    return f'<td data-v="{escape(text)}">{escape(text)}</td>'


def _num_td(x: float | int | None, unit: str, cls: str = "") -> str:
    if x is None:
        return '<td class="n" data-v="">—</td>'
    return f'<td class="n {cls}" data-v="{x}">{_num(x)}{unit}</td>'


def _count_td(n: int, cls: str) -> str:
    return f'<td class="n" data-v="{n}"><span class="count {cls if n else "zero"}">{n}</span></td>'


# ----------------------------------------------------------------------------- cross-district indicators

# (group title, units, charts folded on screen): rates and the score are comparable as they are;
# amounts and headcounts depend on a department's size, so their charts come folded
# (a group with units None takes every unit the other groups do not: a kind added in patterns/
# shows up without a code change)
INDICATOR_GROUPS = [("比率与得分", ("%", "分"), False), ("金额与数量", None, True)]


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


def _indicator_value(report: Report, key: str) -> float | None:
    if key == "total_score" and report.total_score is not None:
        return report.total_score
    return report.first(key)


def _short_name(r: Report) -> str:
    return " ".join(str(x) for x in (r.issuer.district, r.year, r.issuer.department) if x) or Path(r.source.path).name


def _indicators(ok: list[tuple[int, ReportEntry]]) -> str:
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
            flags = _outliers([v for _, _, v in values])
            columns.append((label, unit, {i: (v, f) for (i, _, v), f in zip(values, flags)}))
            if len(values) >= 2:
                charts.append(_chart(label, "%" if unit == "%" else f" {unit}",
                                     [(_short_name(e.report), v, f) for (_, e, v), f in zip(values, flags)]))
        if columns:
            groups.append(_indicator_group(title, ok, columns, charts, folded))
    if not groups:
        return '<section id="indicators"><h2>指标对比</h2><p class="empty">没有两份以上报告共有的指标。</p></section>'
    return ('<section id="indicators"><h2>指标对比</h2><p class="hint">各报告首次出现的数值；只列出至少两份报告都有的指标。'
            '<span class="legend-out">红色 ▲</span> 为异常值：偏离中位数超过 5%，且稳健 z 值（中位数绝对偏差）大于 3.5；'
            "图中虚线为中位数。</p>" + "".join(groups) + "</section>")


PRINT_COLUMNS = 8  # indicator columns per printed table: a page cannot scroll sideways


def _indicator_group(title: str, ok, columns, charts: list[str], folded: bool) -> str:
    shown = [(i, e) for i, e in ok if any(i in by_entry for _, _, by_entry in columns)]
    without = len(ok) - len(shown)  # e.g. a budget disclosure has no execution rates: no row of dashes
    # on screen one sortable table scrolling sideways; on paper the same columns in slices
    table = f'<div class="scroll screen-only">{_indicator_table(shown, columns, "sortable indicators")}</div>'
    table += "".join(f'<div class="print-only">{_indicator_table(shown, columns[k:k + PRINT_COLUMNS], "indicators")}</div>'
                     for k in range(0, len(columns), PRINT_COLUMNS))
    chart_html = f'<div class="charts">{"".join(charts)}</div>' if charts else ""
    if chart_html and folded:
        chart_html = (f'<details class="more-charts"><summary>展开图表（{len(charts)} 项；金额与数量随部门规模而异）'
                      f"</summary>{chart_html}</details>")
    n_out = sum(f for _, _, by_entry in columns for _, f in by_entry.values())
    badge = f' <span class="legend-out">异常值 {n_out} 个</span>' if n_out else ""
    note = f'<p class="hint">另有 {without} 份报告没有此类指标，未列出。</p>' if without else ""
    return f'<h3 class="group">{title}（{len(columns)} 项）{badge}</h3>{table}{note}{chart_html}'


def _indicator_table(shown, columns, cls: str) -> str:
    head = _thead([("报告", "text")] + [(f"{escape(label)}<small>{unit}</small>", "num") for label, unit, _ in columns])
    rows = []
    for i, e in shown:
        cells = []
        for _, _, by_entry in columns:
            v, out = by_entry.get(i, (None, False))
            cells.append(_num_td(v, "", "out" if out else ""))
        name = escape(_short_name(e.report))
        rows.append(f'<tr><td class="file" data-v="{name}"><a href="#r-{i}">{name}</a></td>{"".join(cells)}</tr>')
    return f'<table class="{cls}">{head}<tbody>{"".join(rows)}</tbody></table>'


def _outliers(values: list[float]) -> list[bool]:
    """Modified z-score (median / MAD) above 3.5 and at least 5% off the median; needs 3 values."""
    if len(values) < 3:
        return [False] * len(values)
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values)
    floor = max(0.05 * abs(med), 1e-9)
    return [abs(v - med) > floor and (mad == 0 or abs(0.6745 * (v - med) / mad) > 3.5) for v in values]


def _chart(label: str, unit: str, items: list[tuple[str, float, bool]]) -> str:
    """A horizontal bar per report, value labelled, outliers in red, the median dashed."""
    items = sorted(items, key=lambda t: -t[1])
    name_w, bar_w, row_h, pad = 190, 240, 22, 8
    val_w = 12 + max(_text_px(f"{_num(v)}{unit} ▲") for _, v, _ in items)
    width, height = name_w + bar_w + val_w, pad * 2 + row_h * len(items) + 16
    vals = [v for _, v, _ in items]
    lo, hi = min(0.0, min(vals)), max(0.0, max(vals))
    span = (hi - lo) or 1.0
    x = lambda v: name_w + (v - lo) / span * bar_w  # noqa: E731
    bars, labels = [], []
    for k, (name, v, outlier) in enumerate(items):
        y = pad + k * row_h
        x0, x1 = sorted((x(0), x(v)))
        cls = "bar out" if outlier else "bar"
        bars.append(f'<g><title>{escape(name)}：{_num(v)}{unit}{"（异常值）" if outlier else ""}</title>'
                    f'<text class="name" x="{name_w - 8}" y="{y + 15}" text-anchor="end">{escape(_fit(name, name_w - 12))}</text>'
                    f'<rect class="{cls}" x="{x0:.1f}" y="{y + 3}" width="{max(x1 - x0, 1):.1f}" height="{row_h - 6}" rx="2"/></g>')
        labels.append(f'<text class="val{" out" if outlier else ""}" x="{max(x1, x(0)) + 5:.1f}" y="{y + 15}">'
                      f'{_num(v)}{unit}{" ▲" if outlier else ""}</text>')
    med = statistics.median(vals)
    bottom = pad + row_h * len(items)
    # bars, then the axis and the median over them, then the values over the lines (white halo)
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
           f'aria-label="{escape(label)}">', *bars,
           f'<line class="axis" x1="{x(0):.1f}" y1="{pad - 2}" x2="{x(0):.1f}" y2="{bottom}"/>',
           f'<line class="median" x1="{x(med):.1f}" y1="{pad - 2}" x2="{x(med):.1f}" y2="{bottom + 2}"/>'
           f'<text class="medlabel" x="{x(med):.1f}" y="{bottom + 13}" text-anchor="middle">中位数 {_num(med)}{unit}</text>',
           *labels, "</svg>"]
    return f'<figure class="chartbox"><figcaption>{escape(label)}</figcaption>{"".join(out)}</figure>'


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


# ----------------------------------------------------------------------------- one report

def _report_section(i: int, e: ReportEntry, pictures: _PictureBudget) -> str:
    r = e.full()
    issuer = " · ".join(x for x in (r.issuer.district, r.issuer.department) if x) or "（未识别发文单位）"
    year = f'<span class="year">{r.year} 年度</span>' if r.year else ""
    facts = [type_label(r.report_type), f"{r.source.pages} 页"]
    if r.total_score is not None:
        facts.append(f"自评得分 {_num(r.total_score)} 分")
    facts += [f"文件 {escape(e.file)}", f'SHA-256 <code title="{escape(r.source.sha256)}">{escape(r.source.sha256[:12])}</code>']
    counts = {o: sum(c.outcome == o for c in r.checks) for o in OUTCOMES}
    chips = (f'<span class="chip {"err" if r.n_errors else "zero"}">错误 {r.n_errors}</span>'
             f'<span class="chip {"warn" if r.n_warnings else "zero"}">警告 {r.n_warnings}</span>'
             f'<span class="chip plain">检查 {len(r.checks)} 项：'
             + "，".join(f"{OUTCOMES[o]} {n}" for o, n in counts.items()) + "</span>")
    findings = sorted(r.findings, key=lambda f: 0 if f.severity == "error" else 1)
    parts = [f'<article class="report" id="r-{i}" data-file="{escape(e.file)}"><header><h3>{escape(issuer)} {year}</h3>'
             f'<p class="meta">{" · ".join(facts)}</p><p class="chips">{chips}</p></header>']
    if findings:
        parts.append(f'<h4>发现的问题（{len(findings)}）</h4>')
        parts.append(_findings_html(findings, e.pdf, r.checks, pictures))
    else:
        parts.append('<p class="clean">✓ 未发现前后矛盾。</p>')
    parts.append(_checks_html([c for c in r.checks if c.outcome != "fail"]))
    parts.append("</article>")
    return "".join(parts)


def _findings_html(findings: list[Finding], pdf: Path | None, checks: list[CheckResult] = (),
                   pictures: _PictureBudget | None = None) -> str:
    # the stated number's interval is kept on the failed check the finding came from
    stated_iv = {(c.rule, c.stated, c.recomputed): c.stated_interval for c in checks if c.outcome == "fail"}
    cropper, problem = None, None
    if pdf is None or not Path(pdf).is_file():
        problem = "原始 PDF 不可用，无法显示页面截图。"
    else:
        try:
            from pipeline.publish.pagecrop import PageCropper
            cropper = PageCropper(pdf)
        except Exception as ex:  # a PDF pdfium cannot open: findings still listed
            problem = f"无法渲染页面（{type(ex).__name__}）。"
    pictures = pictures or _PictureBudget(MAX_PICTURE_BYTES)
    try:
        out = []
        for n, f in enumerate(findings):
            if n >= MAX_PICTURED_FINDINGS:
                use, note = None, "问题较多，此条不附页面截图。"
            elif pictures.left <= 0:
                use, note = None, f"页面截图总量已达上限（{MAX_PICTURE_BYTES // 2**20} MB），此条不附截图。"
            else:
                use, note = cropper, problem
            html = _finding_html(f, use, note, stated_iv.get((f.rule, f.stated, f.recomputed)))
            if use is not None:
                pictures.left -= len(html)  # the pictures are nearly all of it
            out.append(html)
        return "".join(out)
    finally:
        if cropper:
            cropper.close()


def _finding_html(f: Finding, cropper, problem: str | None, stated_interval=None) -> str:
    from pipeline.publish.pagecrop import hex_color

    kind, _, key = f.rule.partition(".")
    label, unit = _label_unit(key)
    title = KINDS.get(kind, kind) + (f" · {label}" if label else "")
    nums = [("报告所写", _val(f.stated, unit), stated_interval), ("复算", _val(f.recomputed, unit), f.interval)]
    dl = "".join(f'<div><dt>{k}</dt><dd>{v}</dd>'
                 + (f'<dd class="iv">区间 {_interval(iv, unit)}</dd>' if iv else "") + "</div>"
                 for k, v, iv in nums if v)
    if stated_interval and f.interval:
        dl += ('<div class="verdict"><dt>结论</dt><dd>'
               + ("两区间不相交，超出舍入误差" if _disjoint(stated_interval, f.interval) else "两区间相交")
               + "</dd></div>")
    ev_rows = "".join(
        f'<tr><td><span class="tag" style="background:{hex_color(k)}">{k + 1}</span></td>'
        f'<td class="n">{escape(ev.value_text or "")}</td><td class="label">{escape(_ev_label(ev))}</td>'
        f'<td class="page">第 {ev.page} 页</td><td class="quote">{_quote(ev, hex_color(k))}</td></tr>'
        for k, ev in enumerate(f.evidence))
    evidence = (f'<table class="evidence"><thead><tr><th></th><th>数值</th><th>项目</th><th>页码</th><th>原文</th>'
                f"</tr></thead><tbody>{ev_rows}</tbody></table>") if f.evidence else ""
    return (f'<section class="finding {f.severity}" data-rule="{escape(f.rule)}">'
            f'<div class="fhead"><span class="badge {f.severity}">{SEVERITIES.get(f.severity, f.severity)}</span>'
            f'<span class="ftitle">{escape(title)}</span><code class="rule">{escape(f.rule)}</code></div>'
            f'<p class="msg">{escape(f.message)}</p>'
            + (f'<dl class="nums">{dl}</dl>' if dl else "") + evidence + _crops_html(f.evidence, cropper, problem)
            + "</section>")


def _crops_html(evidence: list[Evidence], cropper, problem: str | None) -> str:
    if not evidence:
        return ""
    if cropper is None:
        return f'<p class="note">{escape(problem or "")}</p>' if problem else ""
    try:
        crops = cropper.crops(evidence)
    except Exception as ex:  # one unreadable page must not sink the report
        return f'<p class="note">无法渲染页面（{escape(type(ex).__name__)}: {escape(str(ex))}）。</p>'
    # Eager on purpose: the PNG bytes are already inside the file, so loading="lazy" saves no
    # transfer and only leaves off-screen pictures undecoded (Chromium left all 18 of the samples'
    # crops unloaded below the first screen; a printout or a jump from the overview then shows blanks).
    figs = "".join(
        f'<figure class="crop"><img src="data:image/png;base64,{base64.b64encode(c.png).decode()}" '
        f'alt="{escape(c.alt)}" width="{c.width}" height="{c.height}" decoding="async">'
        f"<figcaption>{escape(c.alt)}</figcaption></figure>" for c in crops)
    return f'<div class="crops">{figs}</div>'


def _checks_html(checks: list[CheckResult]) -> str:
    if not checks:
        return ""
    order = {"pass": 0, "not_applicable": 1, "insufficient_data": 2}
    checks = sorted(checks, key=lambda c: order.get(c.outcome, 3))
    counts = "，".join(f"{OUTCOMES[o]} {n} 项" for o in order if (n := sum(c.outcome == o for c in checks)))
    rows = "".join(
        f'<tr><td><span class="outcome {c.outcome}">{OUTCOMES.get(c.outcome, c.outcome)}</span></td>'
        f'<td class="label">{escape(KINDS.get(c.kind, c.kind))}</td><td>{escape(c.message)}</td>'
        f'<td class="page">{_pages(c.evidence)}</td></tr>' for c in checks)
    return (f'<details class="checks"><summary>其他检查结果（{counts}）</summary>'
            f'<table><thead><tr><th>结果</th><th>类型</th><th>说明</th><th>页码</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></details>")


def _duplicate_section(i: int, e: ReportEntry, j: int, entries: list[ReportEntry]) -> str:
    return (f'<article class="report dup" id="r-{i}" data-file="{escape(e.file)}"><header><h3>{escape(e.file)}</h3>'
            f'</header><p>内容与 <a href="#r-{j}">{escape(entries[j].file)}</a> 完全相同（SHA-256 相同），'
            "审核结果见该报告。</p></article>")


def _failed_section(i: int, e: ReportEntry) -> str:
    status = STATUSES.get(e.status, e.status)
    where = f'<p class="meta">{escape(str(e.pdf))}</p>' if e.pdf else ""
    explained = STATUS_EXPLAINED.get(e.status)
    detail = (f'<p class="msg">{escape(explained)}</p><p class="meta">程序信息：<code>{escape(e.message)}</code></p>'
              if explained else f'<p class="msg">{escape(e.message)}</p>')
    return (f'<article class="report failed" id="r-{i}" data-file="{escape(e.file)}"><header><h3>{escape(e.file)}</h3>'
            f"{where}</header><p><span class=\"status bad\">{escape(status)}</span> "
            f"<code>{escape(e.status)}</code></p>{detail}</article>")


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


def _quote(ev: Evidence, colour: str) -> str:
    """The quoted sentence, the printed number marked in its box colour."""
    quote, needle = ev.quote or "", (ev.value_text or "").strip()
    at = quote.find(needle) if needle else -1
    if at < 0:
        return escape(quote)
    return (escape(quote[:at]) + f'<mark style="--c:{colour}">{escape(needle)}</mark>'
            + escape(quote[at + len(needle):]))


def _interval(iv: tuple[float, float], unit: str) -> str:
    lo, hi = iv
    return f"{_num(lo)}{unit}（无舍入误差）" if lo == hi else f"[{_num(lo)}, {_num(hi)}]{unit}"


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


# ----------------------------------------------------------------------------- page, styles, script

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main>
{body}
</main>
<script>{js}</script>
</body>
</html>
"""

CSS = """
:root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --bg:#f6f7f9; --card:#fff; --accent:#1d4ed8;
  --err:#dc2626; --err-bg:#fef2f2; --warn:#b45309; --warn-bg:#fffbeb; --ok:#15803d; --ok-bg:#f0fdf4; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; background: var(--bg); color: var(--ink); line-height: 1.6;
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", system-ui, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 0 24px 48px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; letter-spacing: .02em; }
h2 { font-size: 1.3rem; margin: 36px 0 8px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.15rem; margin: 0; }
h4 { font-size: 1rem; margin: 18px 0 8px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .82em; color: var(--muted); }
.top { padding: 28px 0 12px; }
[id] { scroll-margin-top: 52px; }  /* an anchor jump lands below the sticky navigation */
.meta { color: var(--muted); margin: 2px 0; font-size: .9rem; }
.stats { display: flex; gap: 12px; flex-wrap: wrap; margin-top: 14px; }
.stat { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 16px; min-width: 110px; }
.stat b { font-size: 1.5rem; margin-right: 4px; }
.stat span { color: var(--muted); }
.stat.err b, .stat.bad b { color: var(--err); }
.stat.warn b { color: var(--warn); }
.toc { position: sticky; top: 0; z-index: 5; background: rgba(246,247,249,.95); border-bottom: 1px solid var(--line);
  padding: 8px 0; display: flex; gap: 22px; backdrop-filter: blur(4px); }
.hint { color: var(--muted); font-size: .88rem; margin: 4px 0 10px; }
.legend-out { color: var(--err); font-weight: 600; }
.empty, .note { color: var(--muted); }
.scroll { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: #f3f4f6; font-weight: 600; white-space: nowrap; }
tbody tr:last-child td { border-bottom: none; }
tbody tr:hover td { background: #f9fafb; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.file a { font-weight: 500; }
td.out { color: var(--err); font-weight: 700; background: var(--err-bg); }
.sub { color: var(--muted); font-size: .8rem; max-width: 22em; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: " ↕"; color: #c0c4cc; font-size: .8em; }
table.sortable th[aria-sort=ascending]::after { content: " ▲"; color: var(--accent); }
table.sortable th[aria-sort=descending]::after { content: " ▼"; color: var(--accent); }
table.indicators th { white-space: normal; min-width: 5.5em; font-size: .82rem; line-height: 1.35; }
table.indicators th small { color: var(--muted); font-weight: 400; margin-left: 2px; }
table.indicators td.file { min-width: 15em; position: sticky; left: 0; background: var(--card); z-index: 1; }
table.indicators th:first-child { position: sticky; left: 0; z-index: 2; }
.status { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: .82rem; white-space: nowrap; }
.status.ok { color: var(--ok); background: var(--ok-bg); }
.status.bad { color: var(--err); background: var(--err-bg); font-weight: 600; }
.count { display: inline-block; min-width: 1.8em; text-align: center; border-radius: 10px; font-weight: 700; }
.count.err { color: #fff; background: var(--err); }
.count.warn { color: #fff; background: #d97706; }
.count.zero { color: var(--muted); font-weight: 400; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 14px; margin-top: 16px; }
.chartbox { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.chartbox figcaption { font-weight: 600; font-size: .92rem; margin-bottom: 4px; }
svg.chart { max-width: 100%; height: auto; display: block; }
svg.chart text { font-size: 12px; fill: var(--ink); font-family: inherit; }
svg.chart .bar { fill: #60a5fa; }
svg.chart .bar.out { fill: var(--err); }
svg.chart .val { font-variant-numeric: tabular-nums; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg.chart .val.out { fill: var(--err); font-weight: 700; }
svg.chart .axis { stroke: #9ca3af; stroke-width: 1; }
svg.chart .median { stroke: #374151; stroke-width: 1; stroke-dasharray: 3 3; }
svg.chart .medlabel { font-size: 10.5px; fill: var(--muted); }
.report { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 22px;
  margin: 16px 0; }
.report > header { border-bottom: 1px solid var(--line); padding-bottom: 10px; }
.year { font-weight: 400; color: var(--muted); margin-left: 6px; }
.chips { margin: 8px 0 0; display: flex; gap: 8px; flex-wrap: wrap; }
.chip { font-size: .82rem; padding: 1px 10px; border-radius: 12px; border: 1px solid var(--line); }
.chip.err { color: #fff; background: var(--err); border-color: var(--err); font-weight: 600; }
.chip.warn { color: #fff; background: #d97706; border-color: #d97706; font-weight: 600; }
.chip.zero, .chip.plain { color: var(--muted); }
.clean { color: var(--ok); font-weight: 600; }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--err); border-radius: 8px; padding: 12px 16px;
  margin: 12px 0; background: #fff; }
.finding.warning { border-left-color: #d97706; }
.fhead { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.ftitle { font-weight: 600; }
.rule { margin-left: auto; }
.badge { font-size: .8rem; font-weight: 700; padding: 1px 9px; border-radius: 4px; color: #fff; }
.badge.error { background: var(--err); }
.badge.warning { background: #d97706; }
.msg { margin: 8px 0; font-size: 1rem; }
dl.nums { display: flex; gap: 28px; flex-wrap: wrap; margin: 6px 0 10px; }
dl.nums div { display: flex; flex-direction: column; }
dl.nums dt { font-size: .78rem; color: var(--muted); }
dl.nums dd { margin: 0; font-size: 1.12rem; font-weight: 600; font-variant-numeric: tabular-nums; }
dl.nums dd.iv { font-size: .8rem; font-weight: 400; color: var(--muted); }
dl.nums .verdict dd { font-size: .95rem; color: var(--err); }
.finding.warning dl.nums .verdict dd { color: var(--warn); }
table.evidence { font-size: .86rem; margin: 4px 0 10px; }
table.evidence thead th { background: transparent; color: var(--muted); font-weight: 500; border-bottom: 1px solid var(--line); }
td.page { white-space: nowrap; color: var(--muted); }
td.label { white-space: nowrap; max-width: 14em; overflow: hidden; text-overflow: ellipsis; }
td.quote { color: #374151; }
.tag { display: inline-block; width: 1.5em; text-align: center; color: #fff; border-radius: 3px; font-size: .78rem;
  font-weight: 700; }
mark { background: transparent; color: var(--c); font-weight: 700; border-bottom: 2px solid var(--c); }
.crops { display: flex; flex-direction: column; gap: 10px; }
figure.crop { margin: 0; }
figure.crop img { max-width: 100%; height: auto; display: block; border: 1px solid #d1d5db; border-radius: 4px;
  box-shadow: 0 1px 3px rgba(0,0,0,.06); }
figure.crop figcaption { font-size: .8rem; color: var(--muted); margin-top: 2px; }
h3.group { margin: 18px 0 8px; font-size: 1.05rem; }
details.more-charts { margin-top: 10px; }
details.more-charts summary { cursor: pointer; color: var(--accent); font-size: .9rem; }
table.overview td:nth-child(2), table.overview td:nth-child(5) { white-space: nowrap; }
details.checks { margin-top: 14px; border-top: 1px dashed var(--line); padding-top: 8px; }
details.checks summary { cursor: pointer; color: var(--muted); font-size: .9rem; }
details.checks table { font-size: .84rem; margin-top: 6px; }
.outcome { font-size: .78rem; padding: 0 7px; border-radius: 9px; white-space: nowrap; }
.outcome.pass { color: var(--ok); background: var(--ok-bg); }
.outcome.not_applicable, .outcome.insufficient_data { color: var(--muted); background: #f3f4f6; }
.report.failed { border-left: 5px solid var(--err); }
footer { margin-top: 40px; color: var(--muted); font-size: .82rem; border-top: 1px solid var(--line); padding-top: 10px; }
.print-only { display: none; }
@media print {
  html { font-size: 11pt; }
  .screen-only { display: none; }
  .print-only { display: block; margin-bottom: 8px; }
  .print-only table { table-layout: fixed; font-size: 8.5pt; border: 1px solid var(--line); }
  .print-only table th:first-child { width: 10em; }
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  .toc, .hint { display: none; }
  .scroll { overflow: visible; border: none; }
  table.sortable th::after { content: none; }
  .report { border: none; border-top: 2px solid var(--ink); border-radius: 0; padding: 10px 0; break-before: page; }
  .finding, .chartbox, figure.crop, tr { break-inside: avoid; }
  .charts { grid-template-columns: 1fr 1fr; }
  details > summary { list-style: none; }
  details::details-content { content-visibility: visible; display: block; }
  a { color: inherit; }
  tbody tr:hover td { background: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

JS = """
(function () {
  function key(td) { return td ? (td.dataset.v !== undefined ? td.dataset.v : td.textContent.trim()) : ''; }
  function sortBy(table, th, col) {
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir);
    var num = th.dataset.type === 'num', sign = dir === 'ascending' ? 1 : -1, body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col]), y = key(b.cells[col]);
      if (x === '' || y === '') { return (x === '') - (y === ''); }  /* blanks last either way */
      return sign * (num ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, 'zh-CN'));
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('thead th').forEach(function (th, col) {
      th.addEventListener('click', function () { sortBy(table, th, col); });
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(table, th, col); }
      });
    });
  });
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.dataset.wasOpen = d.open; d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = d.dataset.wasOpen === 'true'; });
  });
})();
"""
