"""``OUT/cross_checks.csv``: every check between two reports of the batch (both files, issuer,
years, rule, values, status), from the store's cross-report tables (:mod:`pipeline.run.cross`)."""
from __future__ import annotations

from pathlib import Path

from pipeline.run.cross import cross_rows

CSV_NAME = "cross_checks.csv"
COLUMNS = ["district", "department", "file_a", "year_a", "type_a", "page_a", "file_b", "year_b", "type_b", "page_b",
           "rule", "key", "stated", "expected", "status", "severity", "match", "message", "sha_a", "sha_b"]


def cross_frame(store):
    import pandas as pd

    df = pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in cross_rows(store)], columns=COLUMNS)
    for c in ("year_a", "year_b", "page_a", "page_b"):
        df[c] = pd.to_numeric(df[c]).astype("Int64")
    for c in ("stated", "expected"):
        df[c] = pd.to_numeric(df[c]).astype("float64")
    return df


def write_cross_checks(store, out: Path, write_csv) -> dict[str, str]:
    """Write cross_checks.csv with ``write_csv(path, frame)`` (the exports' own safe CSV writer)."""
    path = Path(out) / CSV_NAME
    write_csv(path, cross_frame(store))
    return {CSV_NAME: str(path)}
