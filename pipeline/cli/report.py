"""``govaudit report [OUT] [--per-report]``: write OUT/report.html (and the working papers) from the batch store."""
from __future__ import annotations

import click


@click.command("report")
@click.argument("out", required=False, default="output", type=click.Path(file_okay=False, path_type=str))
@click.option("--per-report", is_flag=True,
              help="Also write one A4 working paper (审核底稿) per report into OUT/审核底稿/: HTML, and PDF "
                   "when Chromium is installed.")
@click.option("--pdf/--no-pdf", "pdf", default=None,
              help="With --per-report: print the papers to PDF (default: when Chromium is installed).")
def report(out: str, per_report: bool, pdf: bool | None) -> None:
    """Write OUT/report.html (default OUT: output/) from the store: one self-contained HTML file."""
    import sys
    from pathlib import Path

    if not (Path(out) / "govaudit.sqlite").is_file():
        click.echo(f"govaudit: no batch store in {out}/ (run `govaudit batch DIR -o {out}` first)", err=True)
        sys.exit(2)
    from pipeline.publish.html import write_report

    click.echo(str(write_report(Path(out))))
    if per_report:
        from pipeline.publish.paper import write_papers

        try:
            papers = write_papers(Path(out), pdf=pdf)
        except (FileNotFoundError, RuntimeError) as ex:
            click.echo(f"govaudit: {ex}", err=True)
            sys.exit(2)
        for path in papers:
            click.echo(str(path))


COMMANDS = [report]
