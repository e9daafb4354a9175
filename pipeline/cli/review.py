"""``govaudit review``: the auditor's review of each problem (待核 / 已核实 / 已排除, with a note),
kept in the store by problem id, so it survives reruns and new batches into the same OUT.

    govaudit review import OUT/问题清单.xlsx      # the 状态 and 备注 columns, as edited
    govaudit review set 3fb1c7c6b9c4 --status 已排除 --note "口径说明见附件" [-o OUT]
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

STATUSES = ("待核", "已核实", "已排除")  # pipeline.schema.ReviewStatus, spelled here to keep --help fast


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"govaudit: {message}", err=True)
    sys.exit(code)


def _store(out: str):
    from pipeline.run.store import DB_NAME, Store

    if not (Path(out) / DB_NAME).is_file():
        _fail(f"{out}/ 中没有批处理结果库 {DB_NAME}（先运行 `govaudit batch DIR -o {out}`）")
    return Store.open(out, create=False)


def _refresh(out: str) -> None:
    """Rewrite the exports, so that they show the review at once; report.html on request."""
    from pipeline.publish.export import write_exports

    try:
        write_exports(out, ("csv", "xlsx", "json"))
    except OSError as e:  # e.g. the xlsx is open in Excel on Windows
        click.echo(f"govaudit: warning: exports not rewritten ({e}); run `govaudit export {out}`", err=True)
        return
    click.echo(f"已更新 {out}/ 的导出文件；report.html 请运行 `govaudit report {out}` 更新")


@click.group("review")
def review() -> None:
    """Record the auditor's review of problems (状态 待核 / 已核实 / 已排除, 备注) in the store."""


@review.command("set")
@click.argument("problem_id")
@click.option("--status", "status", required=True, type=click.Choice(STATUSES), help="待核, 已核实 or 已排除")
@click.option("--note", default=None, help="备注 (kept as it was when not given)")
@click.option("-o", "--out", default="output", show_default=True, type=click.Path(file_okay=False, path_type=str),
              help="the batch folder whose store holds the problem")
def set_(problem_id: str, status: str, note: str | None, out: str) -> None:
    """Set the review of one problem, by its 编号 (problem id)."""
    with _store(out) as store:
        try:
            store.set_review(problem_id.strip(), status, note)
        except KeyError:
            _fail(f"{problem_id}：库中没有这个问题编号（见 {out}/问题清单.xlsx 的“编号”列）")
    click.echo(f"{problem_id}：{status}" + (f"（{note}）" if note else ""))
    _refresh(out)


@review.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("-o", "--out", default=None, type=click.Path(file_okay=False, path_type=str),
              help="the batch folder whose store gets the reviews  [default: the folder of FILE]")
def import_(file: str, out: str | None) -> None:
    """Read the 状态 and 备注 columns of an edited 问题清单.xlsx into the store."""
    from pipeline.publish.problem_list import read_reviews

    if not Path(file).is_file():
        _fail(f"{file}：文件不存在（missing）")
    out = out or str(Path(file).parent)
    try:
        rows = read_reviews(file)
    except ValueError as e:
        _fail(str(e))
    except Exception as e:  # not an xlsx at all
        _fail(f"{file}：无法作为 xlsx 读取（{type(e).__name__}）")
    bad = [f"第{n}行“{s}”" for n, _, s, _ in rows if s and s not in STATUSES]
    if bad:
        _fail(f"{file}：状态只能是 {'、'.join(STATUSES)}；{'，'.join(bad[:5])}" + ("……" if len(bad) > 5 else ""))
    changed = unknown = 0
    with _store(out) as store:
        stored = store.reviews()
        for n, pid, status, note in rows:
            status = status or "待核"
            old = stored.get(pid)
            if (old.status, old.note) == (status, note) if old else (status, note) == ("待核", ""):
                continue
            try:
                store.set_review(pid, status, note)
                changed += 1
            except KeyError:
                unknown += 1
    click.echo(f"已导入 {changed} 条审核状态" + (f"；{unknown} 行的编号不在 {out}/ 的库中，未导入" if unknown else ""))
    if changed:
        _refresh(out)


COMMANDS = [review]
