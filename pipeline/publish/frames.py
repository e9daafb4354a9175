"""The export tables, built from the store: summary, indicators, findings (the problem list), labels.

- summary: one row per distinct report (a content found under several names is one row, its
  ``file`` lists every name, ';' separated); ``province, city, district, department`` so that a
  cross-district table needs no join; one column per indicator key (value of its first mention in
  document order), and for a key the report states with different values, a companion column
  ``<key>_other_values`` holding the other printed values (the value is contested).
- indicators: one row per mention with where it was printed (page, bbox, quote) and whose report
  it is; exact duplicate rows are dropped.
- findings: one row per problem (pipeline.publish.problem_list), resolved problems included.
- labels: each summary column's key, 中文名 and 单位.
"""
from __future__ import annotations

from typing import Any

from pipeline.errors import STATUS_WORDS
from pipeline.run.store import Store

SUMMARY_BASE = ["file", "sha256", "status", "province", "city", "district", "department", "year", "report_type",
                "pages", "n_errors", "n_warnings"]
INDICATOR_COLUMNS = ["file", "province", "city", "district", "department", "year", "report_type", "key", "value",
                     "unit", "raw_text", "page", "bbox", "quote", "section", "source"]
OTHER = "_other_values"  # suffix of a contested value's companion column
BASE_LABELS = {"file": ("文件", ""), "sha256": ("SHA-256", ""), "status": ("状态", ""), "province": ("省", ""),
               "city": ("城市", ""), "district": ("区", ""), "department": ("部门", ""), "year": ("年度", ""),
               "report_type": ("报告类型", ""), "pages": ("页数", "页"), "n_errors": ("错误问题数", "个"),
               "n_warnings": ("提示问题数", "个"), "message": ("说明", ""), "key": ("指标", ""),
               "label": ("指标", ""), "value": ("数值", ""), "unit": ("单位", ""), "raw_text": ("原文数字", ""),
               "page": ("页码", ""), "bbox": ("位置（x0,y0,x1,y1）", "pt"), "quote": ("原文", ""),
               "section": ("章节", ""), "source": ("来源", "")}


def _distinct_reports(store: Store) -> list[dict[str, Any]]:
    """list_reports grouped by content: one dict per sha256 (files joined), unread files alone."""
    out: dict[str, dict] = {}
    for r in store.list_reports():
        key = r["sha256"] or f"path:{r['path']}"
        if key in out:
            out[key]["files"].append(r["file"])
        else:
            out[key] = {**r, "files": [r["file"]]}
    for r in out.values():
        r["file"] = "; ".join(r["files"])
    return sorted(out.values(), key=lambda r: r["file"])


def _mentions(report) -> dict[str, list]:
    """key -> mentions in document order (page, top, left)."""
    by_key: dict[str, list] = {}
    for ind in sorted(report.indicators, key=lambda i: (i.page, i.bbox[1], i.bbox[0])):
        by_key.setdefault(ind.key, []).append(ind)
    return by_key


def _contested(mentions: list) -> list[str]:
    """The printed values of a key other than its first mention's, when they differ in value."""
    first = mentions[0].value
    seen, others = {first}, []
    for m in mentions[1:]:
        if all(abs(m.value - v) > 1e-9 for v in seen):
            seen.add(m.value)
            others.append(m.raw_text)
    return others


def build(store: Store) -> dict:
    """summary, indicators, findings, labels as pandas DataFrames (column keys, not headers)."""
    import pandas as pd

    from pipeline.extract.catalog import catalog
    from pipeline.publish.problem_list import COLUMNS, HEADERS, make_row

    keys = list(catalog().entries)
    summary_rows, indicator_rows = [], []
    contested_keys: set[str] = set()
    for r in _distinct_reports(store):
        row = {c: r.get(c) for c in SUMMARY_BASE}
        row["file"], row["message"] = r["file"], r.get("message") or ""
        report = None
        if r["status"] == "ok" and r["sha256"]:
            try:
                report = store.load_report(r["sha256"])
            except KeyError:
                report = None
        if report is not None:
            who = {"province": report.issuer.province, "city": report.issuer.city,
                   "district": report.issuer.district, "department": report.issuer.department,
                   "year": report.year, "report_type": report.report_type}
            row.update(who)
            for key, mentions in _mentions(report).items():
                row[key] = mentions[0].value
                others = _contested(mentions)
                if others:
                    row[key + OTHER] = "; ".join(others)
                    contested_keys.add(key)
            if report.total_score is not None:
                row["total_score"] = report.total_score
            for ind in report.indicators:
                indicator_rows.append({"file": r["file"], **who, "key": ind.key, "value": ind.value, "unit": ind.unit,
                                       "raw_text": ind.raw_text, "page": ind.page,
                                       "bbox": ",".join(f"{x:.1f}" for x in ind.bbox),
                                       "quote": " ".join(ind.quote.split()), "section": ind.section or "",
                                       "source": ind.source})
        summary_rows.append(row)
    extra = sorted({k for row in summary_rows for k in row} - set(SUMMARY_BASE) - set(keys) - {"message"}
                   - {k + OTHER for k in contested_keys})
    value_cols = []
    for k in keys + extra:
        value_cols.append(k)
        if k in contested_keys:
            value_cols.append(k + OTHER)
    summary = pd.DataFrame(summary_rows, columns=SUMMARY_BASE + value_cols + ["message"])
    indicators = pd.DataFrame(indicator_rows, columns=INDICATOR_COLUMNS).drop_duplicates(ignore_index=True)
    findings = pd.DataFrame([make_row(e).values() for e in store.problem_rows()], columns=[k for k, _ in COLUMNS])
    numeric = [k for k in value_cols if not k.endswith(OTHER)]
    for df, ints, nums in ((summary, ["year", "pages", "n_errors", "n_warnings"], numeric),
                           (indicators, ["year", "page"], ["value"]),
                           (findings, ["year", "page"], ["stated", "recomputed", "difference", "relative"])):
        for c in df.columns:
            if c in ints:
                df[c] = pd.to_numeric(df[c]).astype("Int64")
            elif c in nums:
                df[c] = pd.to_numeric(df[c]).astype("float64")
            elif df[c].dtype == object or len(df) == 0:
                df[c] = df[c].astype("string")
    findings.columns = [HEADERS[k] for k in findings.columns]  # the 问题清单's names, in findings.csv too
    labels = pd.DataFrame([{"key": c, "中文名": name, "单位": unit} for c in summary.columns
                           for name, unit in [label_of(c)]], columns=["key", "中文名", "单位"])
    return {"summary": summary, "indicators": indicators, "findings": findings, "labels": labels}


def label_of(column: str) -> tuple[str, str]:
    """(中文名, 单位) of a summary column: the catalog's label and unit for an indicator key."""
    from pipeline.extract.catalog import catalog

    entries = catalog().entries
    if column in BASE_LABELS:
        return BASE_LABELS[column]
    if column.endswith(OTHER) and column[: -len(OTHER)] in entries:
        e = entries[column[: -len(OTHER)]]
        return f"{e.label}（另有写法）", e.unit
    if column == "total_score" and column not in entries:
        return "自评得分", "分"
    e = entries.get(column)
    return (e.label, e.unit) if e else (column, "")


def header_of(column: str, sheet: str) -> str:
    """The xlsx header: 中文名 with its unit, e.g. 编外人员控制率（%）."""
    from pipeline.publish.problem_list import HEADERS

    if sheet == "findings":
        return HEADERS.get(column, column)
    name, unit = label_of(column)
    return f"{name}（{unit}）" if unit and sheet == "summary" else name


def shown_value(column: str, value, sheet: str):
    """A cell value for people (xlsx): Chinese words for statuses, report types and keys."""
    from pipeline.extract.metadata import type_label

    if not isinstance(value, str):
        return value
    if column == "status" and sheet != "findings":
        return STATUS_WORDS.get(value, value)
    if column == "report_type" and sheet != "findings":
        return type_label(value)
    if column == "key" and sheet == "indicators":
        return label_of(value)[0]
    return value
