"""Findings for people: the `govaudit audit --format table` output."""
from __future__ import annotations

import re
from collections import Counter

from pipeline.extract.metadata import type_label
from pipeline.schema import Report


def print_findings(report: Report, file=None) -> None:
    """The report's problems as a table that fits 80 columns; ``file``: write there (plain text)."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(soft_wrap=False, file=file, width=80 if file is not None else None)
    issuer = " ".join(x for x in (report.issuer.district, report.issuer.department) if x) or "（未识别发文单位）"
    from pipeline.errors import printable

    # the path and the issuer come from outside: shown as text (no markup, no control characters)
    console.print(f"[bold]{escape(printable(issuer))}[/bold]  {report.year or ''}  {type_label(report.report_type)}"
                  f"  {report.source.pages} 页  {escape(printable(report.source.path))}")
    counts = Counter(c.outcome for c in report.checks)
    console.print(f"检查 {len(report.checks)} 项：通过 {counts['pass']}，不一致 {counts['fail']}，"
                  f"不适用 {counts['not_applicable']}，数据不足 {counts['insufficient_data']}")
    console.print(f"按问题计：错误 {report.n_error_problems}，提示 {report.n_warning_problems}"
                  + (f"（{len(report.findings)} 项不一致的检查归为 {len(report.problems)} 个问题）"
                     if len(report.problems) != len(report.findings) else ""))
    for line in coverage_lines(report):
        console.print(escape(line))
    if not report.findings:
        cov = report.coverage
        if cov is not None and cov.not_checked:
            console.print(f"[yellow]在已复核的 {cov.checked} 项中未发现前后矛盾；另有 {len(cov.not_checked)} 项因数据不足"
                          f"未能复核（见上），不能据此认为全文无矛盾。[/yellow]")
        elif cov is not None and cov.checked == 0:
            console.print("[yellow]没有可复核的陈述：未能检查，不能认为无矛盾。[/yellow]")
        else:
            console.print("[green]未发现前后矛盾。[/green]")
        return
    console.print(problem_table(report))


def coverage_lines(report: Report, limit: int = 12) -> list[str]:
    """The coverage line, then one line per statement that could not be checked (the first
    ``limit``), so a clean result is never shown without what it rests on."""
    cov = report.coverage
    if cov is None:
        return []
    n_not = len(cov.not_checked)
    lines = [f"覆盖：可复核陈述 {cov.checked + n_not} 项，已复核 {cov.checked} 项，未能复核 {n_not} 项"]
    for nc in cov.not_checked[:limit]:
        lines.append(f"  未复核：{nc.what}——{nc.reason}")
    if n_not > limit:
        lines.append(f"  ……另有 {n_not - limit} 项未列出（见 JSON 的 coverage）")
    return lines


def problem_table(report: Report):
    """One row per problem, with the problem list's column names (问题清单.xlsx); wrapped inside
    each column so that 80 columns hold it. The first line of 说明 is the problem id (for
    ``govaudit review set``) and the check's kind; related checks are listed under the message."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from pipeline.publish.problem_list import HEADERS, make_row, report_entries

    table = Table(box=box.SIMPLE_HEAD, show_lines=True, expand=True, padding=(0, 1), pad_edge=False)
    table.add_column(HEADERS["severity"], width=4, overflow="fold")
    table.add_column(HEADERS["message"], ratio=1, min_width=30, overflow="fold")
    for key in ("stated", "recomputed"):
        table.add_column(HEADERS[key], justify="right", max_width=10, overflow="fold")
    table.add_column(HEADERS["page"], max_width=5, overflow="fold")
    for entry in report_entries(report):
        row = make_row(entry)
        level = f"[red]{row.severity}[/red]" if entry["problem"].severity == "error" else f"[yellow]{row.severity}[/yellow]"
        text = f"[dim]{row.id} {escape(row.kind)}[/dim]\n{escape(row.message)}"
        for f in entry["related"]:
            pages = ",".join(str(p) for p in sorted({e.page for e in f.evidence}))
            text += f"\n[dim]相关检查：{escape(make_row({**entry, 'lead': f, 'related': []}).kind)}（第{pages}页）[/dim]"
        table.add_row(level, text, escape(row.stated_text), escape(row.recomputed_text),
                      ",".join(str(p) for p in row.pages))
    return table


# ----------------------------------------------------------------------------- `govaudit patterns`
def wording_phrase(pattern: str) -> str:
    """A wording regex of patterns/ as a phrase people read: alternatives joined by "/", optional
    parts in brackets, look-arounds (conditions on the neighbours) left out:
    '(?<![项目时序分季])预算执行率' -> "预算执行率"; '调整后(?:全年|部门)预算(?:数|总额)?' -> "调整后全年/部门预算[数/总额]"."""
    import re._parser as sre  # the stdlib's own reading of a regex (Python 3.11+)

    try:
        return _phrase(sre.parse(pattern), sre) or pattern
    except Exception:  # a construct this reader does not know: show the pattern itself
        return pattern


def _phrase(items, sre) -> str:
    c = sre._constants if hasattr(sre, "_constants") else sre
    out = []
    for op, arg in items:
        if op is c.LITERAL:
            out.append(chr(arg))
        elif op is c.SUBPATTERN:
            out.append(_phrase(arg[-1], sre))
        elif op is c.BRANCH:
            out.append("/".join(_phrase(alt, sre) for alt in arg[1]))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = arg
            inner = _phrase(sub, sre)
            if lo == 0 and not re.search(r"\w", inner):  # an optional quote mark or dash: not a word
                continue
            out.append(f"[{inner}]" if lo == 0 and inner else inner if hi == 1 else inner + "…")
        elif op is c.IN:
            chars = [chr(a) for o, a in arg if o is c.LITERAL]
            out.append("/".join(chars) if chars else "…")
        elif op is c.CATEGORY:
            out.append("数字" if arg is c.CATEGORY_DIGIT else "")
        elif op is c.ANY:
            out.append("…")
        # ASSERT, ASSERT_NOT, AT: conditions, not words
    return "".join(out)


def formula_phrase(formula: str | None) -> str:
    """A formula with the catalog's Chinese names: 编外人数 ÷ (在编人数 + 编外人数) × 100."""
    if not formula:
        return ""
    from pipeline.check.interval import Formula
    from pipeline.extract.catalog import catalog

    f = Formula(formula)
    entries = catalog().entries
    return f.render({n: entries[n].label if n in entries else n for n in f.names}, str)
