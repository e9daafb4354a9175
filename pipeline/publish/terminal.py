"""Findings for people: the `govaudit audit --format table` output."""
from __future__ import annotations

from collections import Counter

from pipeline.extract.metadata import type_label
from pipeline.schema import Report


def print_findings(report: Report) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(soft_wrap=False)
    issuer = " ".join(x for x in (report.issuer.district, report.issuer.department) if x) or "（未识别发文单位）"
    console.print(f"[bold]{issuer}[/bold]  {report.year or ''}  {type_label(report.report_type)}"
                  f"  {report.source.pages} 页  {report.source.path}")
    counts = Counter(c.outcome for c in report.checks)
    console.print(f"检查 {len(report.checks)} 项：通过 {counts['pass']}，不一致 {counts['fail']}，"
                  f"不适用 {counts['not_applicable']}，数据不足 {counts['insufficient_data']}；"
                  f"错误 {report.n_errors}，警告 {report.n_warnings}")
    if not report.findings:
        console.print("[green]未发现前后矛盾。[/green]")
        return
    table = Table(show_lines=True, expand=True)
    # the message is what people read: it gets the room; the rule id sits above it, dimmed
    for col, kw in (("级别", {"width": 4, "no_wrap": True}), ("规则与说明", {"ratio": 1, "min_width": 24, "overflow": "fold"}),
                    ("写作", {"justify": "right", "no_wrap": True}), ("复算", {"justify": "right", "no_wrap": True}),
                    ("页码", {"no_wrap": True})):
        table.add_column(col, **kw)
    for f in report.findings:
        level = "[red]错误[/red]" if f.severity == "error" else "[yellow]警告[/yellow]"
        pages = ",".join(str(p) for p in sorted({e.page for e in f.evidence}))
        table.add_row(level, f"[dim]{escape(f.rule)}[/dim]\n{escape(f.message)}", _num(f.stated), _num(f.recomputed),
                      pages)
    console.print(table)


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:,.4f}".rstrip("0").rstrip(".")
