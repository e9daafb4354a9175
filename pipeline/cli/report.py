"""``govaudit report [OUT]``: write OUT/report.html from the batch store."""
from __future__ import annotations

import click


@click.command("report")
@click.argument("out", required=False, default="output", type=click.Path(file_okay=False, path_type=str))
def report(out: str) -> None:
    """Write OUT/report.html (default OUT: output/) from the store: one self-contained HTML file."""
    import sys
    from pathlib import Path

    if not (Path(out) / "govaudit.sqlite").is_file():
        click.echo(f"govaudit: no batch store in {out}/ (run `govaudit batch DIR -o {out}` first)", err=True)
        sys.exit(2)
    from pipeline.publish.html import write_report

    click.echo(str(write_report(Path(out))))


COMMANDS = [report]
