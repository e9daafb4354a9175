"""The ``govaudit`` command line. Heavy libraries are imported inside the commands, so that
``govaudit --help`` starts fast."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline.cli.ocr_option import ocr_option
from pipeline.cli.options import limit_options
from pipeline.errors import InputError, PatternsError, status_line

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    from pipeline.errors import printable

    click.echo(f"govaudit: {printable(message)}", err=True)  # a file name cannot drive the terminal
    sys.exit(code)


def _run(fn, path: str, limited: bool = False):
    """Run one stage on one file: bad input and our own bugs each end in one line, no traceback.
    ``limited``: in a child process under the memory limit (--max-memory), as a batch worker."""
    from pipeline.cli.options import run_limited

    try:
        return run_limited(fn, path) if limited else fn(path)
    except InputError as e:
        _fail(status_line(e.status, e.message))  # the report's Chinese word, the status in brackets
    except PatternsError:
        raise  # the group reports it
    except Exception as e:  # a bug of ours: say so in one line, keep the traceback for --debug
        from pipeline.errors import place_error

        if _debug() or place_error(e) is not None:  # an unusable place: the group says so (exit 2)
            raise
        _fail(f"{path}: internal error ({type(e).__name__}: {e}); rerun with GOVAUDIT_DEBUG=1 for details",
              EXIT_INTERNAL)


def _debug() -> bool:
    import os
    return bool(os.environ.get("GOVAUDIT_DEBUG"))


def _write_json(data: dict, output: str | None) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output:
        from pipeline.errors import PlaceError

        try:
            Path(output).write_text(text + "\n", encoding="utf-8")
        except OSError as e:  # no such folder, read-only, full, a folder of that name: exit 2
            raise PlaceError(f"{output}: cannot be written ({e.strerror or type(e).__name__})") from None
    else:
        click.echo(text)


class _Group(click.Group):
    def invoke(self, ctx):
        from pipeline.errors import PlaceError, place_error

        try:
            return super().invoke(ctx)
        except PatternsError as e:  # a broken patterns/ folder: the user's data, one line, exit 2
            _fail(f"patterns: {e}")
        except PlaceError as e:  # OUT, the store or -o unusable (read-only, full, a symlink): exit 2
            _fail(str(e))
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as e:
            if (place := place_error(e)) is not None:
                _fail(str(place))
            if _debug():
                raise
            _fail(f"internal error ({type(e).__name__}: {e}); rerun with GOVAUDIT_DEBUG=1 for details", EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govaudit")
def main() -> None:
    """Turn Chinese government finance reports (PDF) into structured, checked data."""


@main.command()
@limit_options
@ocr_option
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

    doc, report = _run(run, pdf, limited=True)
    data = report.model_dump(mode="json", exclude={"checks"})
    if with_document:
        data["document"] = doc.model_dump(mode="json", exclude={"source"})
    _write_json(data, output)


@main.command()
@limit_options
@ocr_option
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="write the table (plain text, 80 columns) or the JSON here instead of stdout")
@click.option("--with", "with_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="also check the report against the reports of this folder (a batch OUT with its store, "
                   "or a folder of PDFs): figures it states about other years, and figures both state")
def audit(pdf: str, fmt: str, output: str | None, with_dir: str | None) -> None:
    """Extract and validate one report. Exit 0: no error finding; 1: errors found; 2: bad input."""
    from pipeline.api import audit as run_audit

    report = _run(run_audit, pdf, limited=True)
    if with_dir:
        from pipeline.api import cross_check

        _run(lambda _: cross_check(report, Path(pdf).name, with_dir), with_dir)
    if fmt == "json":
        _write_json(report.model_dump(mode="json"), output)
    else:
        from pipeline.publish.terminal import print_findings
        if output:
            try:
                with open(output, "w", encoding="utf-8") as f:
                    print_findings(report, file=f)
            except OSError as e:
                _fail(f"{output}：无法写入（{e.strerror}）")
        else:
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

    from pipeline.publish.terminal import formula_phrase, wording_phrase

    table = Table(title=f"{len(rows)} indicators from {PATTERNS_DIR}", show_lines=True, expand=True,
                  caption="措辞：/ 分隔可互换的写法，[ ] 内可有可无；“在…之后”：同一句中须先出现该主题")
    for col in ("key", "名称", "单位", "措辞", "公式"):
        table.add_column(col, overflow="fold")
    for r in rows:
        phrases = [wording_phrase(p) for p in r["names"]]
        if r["terms"]:  # a term names it only after its subject's words (or after none)
            subject = cat.subjects.get(r["subject"], [])
            where = "、".join(dict.fromkeys(wording_phrase(p.pattern) for p in subject[:3]))
            phrases.append((f"在“{where}”之后：" if where else "前无其他主题时：")
                           + "、".join(wording_phrase(t) for t in r["terms"]))
        table.add_row(r["key"], r["label"], r["unit"], "\n".join(dict.fromkeys(phrases)), formula_phrase(r["formula"]))
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
    from pipeline.cli.review import COMMANDS as review_commands

    for cmd in (*batch_commands, *report_commands, *review_commands):
        main.add_command(cmd)


_add_commands()
