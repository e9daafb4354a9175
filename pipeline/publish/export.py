"""Exports, always rewritten from the store (``OUT/govaudit.sqlite``), never from a run's memory.

    write_exports(out_dir, formats={"csv", "xlsx", "parquet", "json"}) -> {name: path}

Into OUT (the tables are built in pipeline.publish.frames):
- ``summary.csv``: one row per distinct report (a content under several names is one row, ``file``
  lists the names, '; ' joined): ``file, sha256, status, province, city, district, department,
  year, report_type, pages, n_errors, n_warnings`` (counted by problem), then one column per
  indicator key in catalog order (value in its canonical unit), each followed, for a key some
  report states with different values, by ``<key>_other_values`` (the other printed values: contested),
  then ``message`` (why a file failed; empty when ok).
  A key mentioned several times in a report gets the value of its **first mention in document
  order** (page, then top to bottom, then left to right); every mention is in indicators.csv.
  ``total_score`` is the report's own total (the 评分 table's) when it has one.
- ``labels.csv``: ``key, 中文名, 单位`` of every summary column.
- ``indicators.csv``: ``file, province, city, district, department, year, report_type, key, value,
  unit, raw_text, page, bbox, quote, section, source``, one row per mention, no exact duplicates.
- ``findings.csv``: one row per problem (pipeline.publish.problem_list: the 问题清单's columns),
  problems resolved since an earlier run included (现状 已解决), with the auditor's 状态 and 备注.
- CSV is UTF-8 with a BOM (``utf-8-sig``), so that Excel shows the Chinese; every CSV is written by
  :func:`write_csv`, which neutralises text cells a spreadsheet would run as a formula.
- Own files only: reports/ is written and cleaned only where the store recorded writing (a user's
  file there is never overwritten or deleted); a symlinked reports/ is refused (PlaceError).
- ``问题清单.xlsx``: the problem list for auditors (number formats, wrapped text, frozen header,
  filters, 页码 linked to the page in report.html); edit 状态/备注 and `govaudit review import` it.
- ``govaudit.xlsx``: sheets 汇总 / 指标 / 问题清单 / 列说明, Chinese headers with units and Chinese
  values (statuses, report types, indicator names), header row frozen, numbers stored as numbers,
  a contested value shaded with its other values in a comment.
- ``summary.parquet``, ``indicators.parquet``, ``findings.parquet``, ``labels.parquet``.
- ``reports/<stem>.json``: the full report JSON (as ``govaudit audit --format json``) of each input
  file that was read; a stem shared by several files becomes the file's relative path with '/'
  replaced by '__' (``2023__report.json``), and ``-2``, ``-3``... if that still clashes.

A content under two names is one row of summary.csv and one set of problems, naming both files;
reports/ has a JSON under each name.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from pipeline.run.store import Store

FORMATS = ("csv", "xlsx", "parquet", "json")
XLSX_NAME = "govaudit.xlsx"
REPORTS_DIR = "reports"

SHEETS = {"summary": "汇总", "indicators": "指标", "findings": "问题清单", "labels": "列说明"}


def frames(store: Store) -> dict:
    """The export tables as pandas DataFrames: summary, indicators, findings (one row per
    problem) and labels (pipeline.publish.frames)."""
    from pipeline.publish.frames import build

    return build(store)


def write_exports(out_dir: str | Path, formats=FORMATS) -> dict[str, str]:
    """Rewrite the exports in ``out_dir`` from its store; returns {export name: path written}."""
    out = Path(out_dir)
    formats = set(formats)
    unknown = formats - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown export format(s): {', '.join(sorted(unknown))} (choose from {', '.join(FORMATS)})")
    written: dict[str, str] = {}
    with Store.open(out, create=False) as store:
        tables = frames(store) if formats & {"csv", "xlsx", "parquet"} else {}
        if "csv" in formats:
            for name, df in tables.items():
                path = out / f"{name}.csv"
                write_csv(path, df)
                written[f"{name}.csv"] = str(path)
        if "csv" in formats:
            from pipeline.publish.cross import write_cross_checks

            written.update(write_cross_checks(store, out, write_csv))
        if "parquet" in formats:
            for name, df in tables.items():
                path = out / f"{name}.parquet"
                _atomic(path, lambda tmp, df=df: df.to_parquet(tmp, index=False))
                written[f"{name}.parquet"] = str(path)
        if "xlsx" in formats:
            path = out / XLSX_NAME
            from pipeline.publish.problem_list import XLSX_NAME as PROBLEMS_XLSX, make_row, write_xlsx

            rows = [make_row(e) for e in store.problem_rows()]
            _atomic(path, lambda tmp: _write_xlsx(tmp, tables, rows))
            written[XLSX_NAME] = str(path)
            path = out / PROBLEMS_XLSX
            _atomic(path, lambda tmp: write_xlsx(tmp, rows))
            written[PROBLEMS_XLSX] = str(path)
        if "json" in formats:
            _write_json_reports(store, out / REPORTS_DIR)
            written[REPORTS_DIR] = str(out / REPORTS_DIR)
    return written


def write_csv(path: Path, df) -> None:
    """Every CSV export goes through here: UTF-8 with a BOM, text cells neutralised (:func:`csv_safe`)."""
    _atomic(path, lambda tmp: csv_safe_frame(df).to_csv(tmp, index=False, encoding="utf-8-sig"))


# a spreadsheet runs a cell that starts with one of these as a formula (OWASP, CSV injection)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A text cell a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a
    leading single quote, which shows it as the text it is (OWASP CSV-injection guidance);
    anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_safe_frame(df):
    """``df`` with :func:`csv_safe` applied to every text cell (numbers stay numbers)."""
    import pandas as pd

    text = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
    if not text:
        return df
    df = df.copy()
    for c in text:
        df[c] = df[c].map(csv_safe, na_action="ignore")
    return df


def _atomic(path: Path, write) -> None:
    """Write through a temporary file and rename it over ``path``: readers never see half a file,
    and a symlink at ``path`` (or at the temporary name) is replaced, never written through."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if os.path.lexists(tmp):
        os.unlink(tmp)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.lexists(tmp):
            tmp.unlink()


# ----------------------------------------------------------------------------- xlsx

def zh_headers(columns: list[str], sheet: str) -> list[str]:
    """Chinese column names with units (e.g. 编外人员控制率（%）), as in labels.csv."""
    from pipeline.publish.frames import header_of

    names = []
    for c in columns:
        name = header_of(c, sheet)
        if name in names:  # two catalog entries with one label: keep headers unique
            name = f"{name} [{c}]"
        names.append(name)
    return names


def _write_xlsx(path: Path, tables: dict, problem_rows: list | None = None) -> None:
    import math

    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from pipeline.publish.frames import OTHER, shown_value
    from pipeline.publish.problem_list import fill_sheet

    contested = PatternFill("solid", fgColor="FFF2CC")
    wb = Workbook()
    wb.remove(wb.active)
    for name, df in tables.items():
        ws = wb.create_sheet(SHEETS[name])
        if name == "findings" and problem_rows is not None:  # the problem list, formatted
            fill_sheet(ws, problem_rows)
            continue
        headers = zh_headers(list(df.columns), name)
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for record in df.itertuples(index=False, name=None):
            row = []
            for c, v in zip(df.columns, record):
                v = shown_value(c, v, name)
                if v is None or (isinstance(v, float) and math.isnan(v)) or _is_na(v):
                    row.append(None)
                elif isinstance(v, str):
                    row.append(ILLEGAL_CHARACTERS_RE.sub("", v))
                elif hasattr(v, "item"):  # numpy scalar -> Python number
                    row.append(v.item())
                else:
                    row.append(v)
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
            for j, c in enumerate(df.columns):  # a value the report states otherwise elsewhere
                other = ws.cell(row=ws.max_row, column=j + 2).value if c + OTHER in df.columns else None
                if other and df.columns[j + 1] == c + OTHER:
                    cell = ws.cell(row=ws.max_row, column=j + 1)
                    cell.fill = contested
                    cell.comment = Comment(f"报告中另有写法：{other}", "govaudit")
        ws.freeze_panes = "B2" if name == "summary" else "A2"
        ws.auto_filter.ref = ws.dimensions
        for i, col in enumerate(df.columns, start=1):
            width = 14
            if col in ("file", "message", "raw_text"):
                width = 40
            elif col == "sha256":
                width = 20
            ws.column_dimensions[get_column_letter(i)].width = max(width, min(len(headers[i - 1]) * 2 + 2, 30))
    wb.save(path)


def _is_na(v) -> bool:
    try:
        import pandas as pd
        return v is pd.NA or v is pd.NaT
    except ImportError:  # pragma: no cover
        return False


# ----------------------------------------------------------------------------- report JSON

def json_names(files: list[str], avoid: set[str] = frozenset()) -> dict[str, str]:
    """Display name -> JSON file name in reports/: the stem, disambiguated when stems clash or the
    name is in ``avoid`` (files in reports/ that govaudit did not write)."""
    stems: dict[str, list[str]] = {}
    for f in files:
        stems.setdefault(Path(f).stem, []).append(f)
    names: dict[str, str] = {}
    taken: set[str] = {a.lower().removesuffix(".json") for a in avoid}
    for f in sorted(files):
        stem = Path(f).stem
        base = stem if len(stems[stem]) == 1 else str(Path(f).with_suffix("")).replace("/", "__").replace("\\", "__")
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        names[f] = name + ".json"
    return names


def own_folder(folder: Path) -> Path:
    """``folder`` inside OUT, created if need be; a symlink there (or anything not a folder) is
    refused with PlaceError: govaudit writes and deletes only in its own folders."""
    from pipeline.errors import PlaceError

    if folder.is_symlink():
        raise PlaceError(f"{folder}: is a symlink; govaudit writes only into its own folder there "
                         "(remove the link or choose another -o)")
    if folder.exists() and not folder.is_dir():
        raise PlaceError(f"{folder}: is not a folder; govaudit needs that name for its exports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _our_reports(folder: Path, names: set[str], shas: set[str]) -> set[str]:
    """Of the unrecorded files ``names`` in reports/, the report JSONs of contents in the store:
    written by a govaudit from before the store recorded its files, so ours to rewrite."""
    found = set()
    for name in names:
        path = folder / name
        if not name.endswith(".json") or path.is_symlink() or not path.is_file():
            continue
        try:
            source = json.loads(path.read_text(encoding="utf-8")).get("source")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(source, dict) and source.get("sha256") in shas:
            found.add(name)
    return found


def _write_json_reports(store: Store, folder: Path) -> int:
    """One JSON per ok report into OUT/reports/. Only files the store recorded writing are
    overwritten or removed: a user's own file there keeps its name (ours takes "-2") and its bytes."""
    own_folder(folder)
    prefix = f"{folder.name}/"
    ours = {p[len(prefix):] for p in store.outputs() if p.startswith(prefix)}
    present = {p.name for p in folder.iterdir()}
    ok = [r for r in store.list_reports() if r["status"] == "ok" and r["sha256"]]
    ours |= _our_reports(folder, present - ours, {r["sha256"] for r in ok})
    names = json_names([r["file"] for r in ok], avoid=present - ours)
    store.record_outputs([prefix + n for n in names.values()])  # before writing: a file we write is known as ours
    for r in ok:
        data = store.load_report(r["sha256"]).model_dump(mode="json")  # with the auditor's reviews
        path = folder / names[r["file"]]
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        _atomic(path, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
    keep = set(names.values())
    stale = [name for name in ours if name not in keep]  # reports of files no longer in the store
    for name in stale:
        if os.path.lexists(folder / name):
            (folder / name).unlink()
    store.record_outputs([], removed=[prefix + name for name in stale])
    return len(ok)
