"""The ``govaudit`` command line. Heavy libraries are imported inside the commands, so that
``govaudit --help`` starts fast."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline.errors import InputError, PatternsError

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    click.echo(f"govaudit: {message}", err=True)
    sys.exit(code)


def _run(fn, path: str):
    """Run one stage on one file: bad input and our own bugs each end in one line, no traceback."""
    try:
        return fn(path)
    except InputError as e:
        _fail(e.message)
    except PatternsError:
        raise  # the group reports it
    except Exception as e:  # a bug of ours: say so in one line, keep the traceback for --debug
        if _debug():
            raise
        _fail(f"{path}: internal error ({type(e).__name__}: {e}); rerun with GOVAUDIT_DEBUG=1 for details",
              EXIT_INTERNAL)


def _debug() -> bool:
    import os
    return bool(os.environ.get("GOVAUDIT_DEBUG"))


def _write_json(data: dict, output: str | None) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PatternsError as e:  # a broken patterns/ folder: the user's data, one line, exit 2
            _fail(f"patterns: {e}")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govaudit")
def main() -> None:
    """Turn Chinese government finance reports (PDF) into structured, checked data."""


@main.command()
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="write the JSON here instead of stdout")
@click.option("--document", "with_document", is_flag=True,
              help="also include the parsed document (pages, paragraphs, tables with bboxes)")
def extract(pdf: str, output: str | None, with_document: bool) -> None:
    """One report to JSON: source, issuer, year, type, indicators, scores."""
    from pipeline.api import build_report
    from pipeline.read.ingest import load

    def run(path):
        doc = load(path)
        return doc, build_report(doc)

    doc, report = _run(run, pdf)
    data = report.model_dump(mode="json", exclude={"checks"})
    if with_document:
        data["document"] = doc.model_dump(mode="json", exclude={"source"})
    _write_json(data, output)


@main.command()
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="with --format json: write here")
def audit(pdf: str, fmt: str, output: str | None) -> None:
    """Extract and validate one report. Exit 0: no error finding; 1: errors found; 2: bad input."""
    from pipeline.api import audit as run_audit

    report = _run(run_audit, pdf)
    if fmt == "json":
        _write_json(report.model_dump(mode="json"), output)
    else:
        from pipeline.publish.terminal import print_findings
        print_findings(report)
    sys.exit(EXIT_FINDINGS if report.n_errors else EXIT_OK)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def patterns(fmt: str) -> None:
    """List the indicator catalog (patterns/): keys, Chinese names, units, wordings, formulas."""
    from pipeline.extract.catalog import PATTERNS_DIR, catalog

    cat = catalog()
    rows = [{"key": e.key, "label": e.label, "unit": e.unit, "subject": e.subject, "phase": e.phase,
             "names": [p.pattern for p in e.names], "terms": [p.pattern for p in e.terms],
             "formula": e.formula, "alternative_formulas": e.alternative_formulas} for e in cat.entries.values()]
    if fmt == "json":
        _write_json({"patterns_dir": str(PATTERNS_DIR), "indicators": rows}, None)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} indicators from {PATTERNS_DIR}", show_lines=False, expand=True)
    for col in ("key", "名称", "单位", "措辞", "公式"):
        table.add_column(col, overflow="fold")
    for r in rows:
        wording = " | ".join(r["names"] + [f"[{r['subject']}] {t}" for t in r["terms"]])
        table.add_row(r["key"], r["label"], r["unit"], wording, r["formula"] or "")
    Console().print(table)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the report JSON."""
    from pipeline.schema import Report

    click.echo(json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=2))


def _add_commands() -> None:
    """Commands that live in their own modules (each keeps its heavy imports inside the command)."""
    from pipeline.cli.batch import COMMANDS as batch_commands
    from pipeline.cli.report import COMMANDS as report_commands

    for cmd in (*batch_commands, *report_commands):
        main.add_command(cmd)


_add_commands()
