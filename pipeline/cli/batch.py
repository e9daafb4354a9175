"""``govaudit batch DIR`` and ``govaudit export [OUT]``: the folder job and its exports."""
from __future__ import annotations

import sys

import click

from pipeline.cli.ocr_option import ocr_option
from pipeline.cli.options import limit_options

EXPORT_FORMATS = ("csv", "xlsx", "parquet", "json")


def _fail(message: str, code: int = 2) -> None:
    from pipeline.errors import printable

    click.echo(f"govaudit: {printable(message)}", err=True)
    sys.exit(code)


@click.command("batch")
@limit_options
@ocr_option
@click.argument("dir", type=click.Path(path_type=str))
@click.option("-o", "--out", default="output", show_default=True, type=click.Path(file_okay=False, path_type=str),
              help="output folder: the store govaudit.sqlite and the exports")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="worker processes  [default: all cores]")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120.0, show_default=True,
              help="seconds allowed per file; a file past it gets status 'timeout'")
@click.option("--dask-scheduler", "dask_scheduler", metavar="ADDR", default=None,
              help="run the files on this dask.distributed scheduler (e.g. tcp://host:8786) instead of local "
                   "processes; the PDFs must be readable by its workers at the same paths")
@click.option("-q", "--quiet", is_flag=True, help="no progress, only the final summary line")
def batch(dir: str, out: str, jobs: int | None, timeout: float, dask_scheduler: str | None, quiet: bool) -> None:
    """Audit every PDF under DIR (recursively, *.pdf in any case) into OUT.

    Results go into OUT/govaudit.sqlite as each file ends, keyed by the file's sha256: a rerun
    skips what is done (files that timed out or crashed are retried), a changed file is redone,
    a killed batch resumes where it stopped. Identical files are processed once and recorded
    under each name. Then the exports are rewritten: summary.csv, labels.csv, indicators.csv,
    findings.csv (one row per problem), 问题清单.xlsx, govaudit.xlsx, *.parquet, reports/*.json and
    report.html. Review problems with `govaudit review`.

    A file that cannot be processed gets a status naming the cause (not_pdf, empty, encrypted,
    damaged, no_text, not_regular, too_large, missing, timeout, crashed) and a one-line message;
    the batch goes on. Each file's work is bounded (--max-* flags): memory per worker, characters
    per page and document, report size, decoded page content.

    \b
    Exit status: 0  every file ok
                 1  at least one file failed (see the status column of summary.csv)
                 2  bad arguments or an unusable place (no such DIR, Dask scheduler unreachable,
                    OUT read-only or full, a symlinked OUT/reports); the store keeps what was done
                 3  an internal error (one line; GOVAUDIT_DEBUG=1 for the traceback)
    """
    from pathlib import Path

    from pipeline.api import batch as run_batch
    from pipeline.errors import printable
    from pipeline.run.runner import BatchError

    if not Path(dir).exists():
        _fail(f"{dir}: no such folder")
    try:
        summary = run_batch(dir, out=out, jobs=jobs, timeout=timeout, dask_scheduler=dask_scheduler,
                            progress=not quiet)
    except BatchError as e:
        _fail(str(e))
    except KeyboardInterrupt:
        _fail(f"interrupted; finished files are in {out}/govaudit.sqlite, rerun the same command to resume", 130)
    if summary.files == 0:
        click.echo(f"no PDF files under {dir}")
    click.echo(str(summary))
    if summary.exports:
        click.echo(f"exports in {out}/: " + ", ".join(summary.exports))
    for note in summary.notes:
        click.echo(f"govaudit: warning: {printable(note)}", err=True)
    sys.exit(summary.exit_code)


@click.command("export")
@click.argument("out", required=False, default="output", type=click.Path(file_okay=False, path_type=str))
@click.option("--format", "formats", multiple=True, type=click.Choice(EXPORT_FORMATS + ("all",)),
              help="csv, xlsx, parquet or json (reports/*.json); repeat for several; default: all")
def export(out: str, formats: tuple[str, ...]) -> None:
    """Rewrite the exports of OUT (default output/) from its store OUT/govaudit.sqlite."""
    from pathlib import Path

    from pipeline.run.store import DB_NAME

    if not (Path(out) / DB_NAME).is_file():
        _fail(f"no batch store in {out}/ (run `govaudit batch DIR -o {out}` first)")
    chosen = EXPORT_FORMATS if not formats or "all" in formats else tuple(dict.fromkeys(formats))
    from pipeline.publish.export import write_exports

    for path in write_exports(out, chosen).values():
        click.echo(path)


COMMANDS = [batch, export]
