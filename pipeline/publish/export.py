"""Exports, always rewritten from the store (``OUT/govaudit.sqlite``), never from a run's memory.

    write_exports(out_dir, formats={"csv", "xlsx", "parquet", "json"}) -> {name: path}

Into OUT:
- ``summary.csv``: one row per input file: ``file, sha256, status, district, department, year,
  report_type, pages, n_errors, n_warnings``, then one column per indicator key in catalog order
  (value in its canonical unit), then ``message`` (why a file failed; empty when ok).
  A key mentioned several times in a report gets the value of its **first mention in document
  order** (page, then top to bottom, then left to right); every mention is in indicators.csv.
  ``total_score`` is the report's own total (the 评分 table's) when it has one.
- ``indicators.csv``: ``file, key, value, unit, raw_text, page``, one row per mention.
- ``findings.csv``: ``file, rule, severity, message, stated, recomputed, pages`` (evidence pages,
  ';' joined).
- CSV is UTF-8 with a BOM (``utf-8-sig``), so that Excel shows the Chinese.
- ``govaudit.xlsx``: the same three tables as sheets 汇总 / 指标 / 审核发现, Chinese headers,
  header row frozen, numbers stored as numbers.
- ``summary.parquet``, ``indicators.parquet``, ``findings.parquet``.
- ``reports/<stem>.json``: the full report JSON (as ``govaudit audit --format json``) of each input
  file that was read; a stem shared by several files becomes the file's relative path with '/'
  replaced by '__' (``2023__report.json``), and ``-2``, ``-3``... if that still clashes.

Duplicates (one content under two names) appear under each name in every export.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from pipeline.run.store import Store

FORMATS = ("csv", "xlsx", "parquet", "json")
XLSX_NAME = "govaudit.xlsx"
REPORTS_DIR = "reports"

SUMMARY_BASE = ["file", "sha256", "status", "district", "department", "year", "report_type", "pages",
                "n_errors", "n_warnings"]
INDICATOR_COLUMNS = ["file", "key", "value", "unit", "raw_text", "page"]
FINDING_COLUMNS = ["file", "rule", "severity", "message", "stated", "recomputed", "pages"]

HEADERS_ZH = {"file": "文件", "sha256": "SHA-256", "status": "状态", "district": "区", "department": "部门",
              "year": "年度", "report_type": "报告类型", "pages": "页数", "n_errors": "错误数",
              "n_warnings": "警告数", "message": "说明", "key": "指标", "value": "数值", "unit": "单位",
              "raw_text": "原文", "page": "页码", "rule": "规则", "severity": "严重程度",
              "stated": "报告数值", "recomputed": "复算数值"}
SHEETS = {"summary": "汇总", "indicators": "指标", "findings": "审核发现"}


def indicator_keys() -> list[str]:
    from pipeline.extract.catalog import catalog

    return list(catalog().entries)


def frames(store: Store) -> dict:
    """The three tables as pandas DataFrames: summary, indicators, findings."""
    import pandas as pd

    keys = indicator_keys()
    firsts = store.first_values()
    rows = []
    for r in store.list_reports():
        values = dict(firsts.get(r["sha256"], {}))
        if r.get("total_score") is not None:
            values["total_score"] = r["total_score"]
        rows.append({**{c: r.get(c) for c in SUMMARY_BASE}, **values, "message": r.get("message") or ""})
    extra = sorted({k for row in rows for k in row} - set(SUMMARY_BASE) - set(keys) - {"message"})
    summary = pd.DataFrame(rows, columns=SUMMARY_BASE + keys + extra + ["message"])
    indicators = pd.DataFrame([{c: row[c] for c in INDICATOR_COLUMNS} for row in store.indicator_rows()],
                              columns=INDICATOR_COLUMNS)
    findings = pd.DataFrame([dict(row) for row in store.finding_rows()], columns=FINDING_COLUMNS)
    for df, ints, numeric in ((summary, ["year", "pages", "n_errors", "n_warnings"], keys + extra),
                              (indicators, ["page"], ["value"]), (findings, [], ["stated", "recomputed"])):
        for c in df.columns:
            if c in ints:
                df[c] = pd.to_numeric(df[c]).astype("Int64")
            elif c in numeric:
                df[c] = pd.to_numeric(df[c]).astype("float64")
            elif df[c].dtype == object or len(df) == 0:
                df[c] = df[c].astype("string")
    return {"summary": summary, "indicators": indicators, "findings": findings}


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
                _atomic(path, lambda tmp, df=df: df.to_csv(tmp, index=False, encoding="utf-8-sig"))
                written[f"{name}.csv"] = str(path)
        if "parquet" in formats:
            for name, df in tables.items():
                path = out / f"{name}.parquet"
                _atomic(path, lambda tmp, df=df: df.to_parquet(tmp, index=False))
                written[f"{name}.parquet"] = str(path)
        if "xlsx" in formats:
            path = out / XLSX_NAME
            _atomic(path, lambda tmp: _write_xlsx(tmp, tables))
            written[XLSX_NAME] = str(path)
        if "json" in formats:
            _write_json_reports(store, out / REPORTS_DIR)
            written[REPORTS_DIR] = str(out / REPORTS_DIR)
    return written


def _atomic(path: Path, write) -> None:
    """Write through a temporary file and rename it over ``path``: readers never see half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


# ----------------------------------------------------------------------------- xlsx

def zh_headers(columns: list[str], sheet: str) -> list[str]:
    """Chinese column names: catalog label and unit for indicator columns (e.g. 编外人员控制率（%）)."""
    from pipeline.extract.catalog import catalog

    entries = catalog().entries
    names = []
    for c in columns:
        if sheet == "summary" and c in entries:
            e = entries[c]
            name = f"{e.label}（{e.unit}）"
        else:
            name = HEADERS_ZH.get(c, c)
        if name in names:  # two catalog entries with one label: keep headers unique
            name = f"{name} [{c}]"
        names.append(name)
    return names


def _write_xlsx(path: Path, tables: dict) -> None:
    import math

    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, df in tables.items():
        ws = wb.create_sheet(SHEETS[name])
        headers = zh_headers(list(df.columns), name)
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for record in df.itertuples(index=False, name=None):
            row = []
            for v in record:
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

def json_names(files: list[str]) -> dict[str, str]:
    """Display name -> JSON file name in reports/: the stem, disambiguated when stems clash."""
    stems: dict[str, list[str]] = {}
    for f in files:
        stems.setdefault(Path(f).stem, []).append(f)
    names: dict[str, str] = {}
    taken: set[str] = set()
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


def _write_json_reports(store: Store, folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    ok = [r for r in store.list_reports() if r["status"] == "ok" and r["sha256"]]
    names = json_names([r["file"] for r in ok])
    for r in ok:
        data = json.loads(store.report_json(r["sha256"]))
        path = folder / names[r["file"]]
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        _atomic(path, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
    keep = set(names.values())
    for old in folder.glob("*.json"):  # reports of files no longer in the store
        if old.name not in keep:
            old.unlink()
    return len(ok)
