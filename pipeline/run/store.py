"""The batch store: ``OUT/govaudit.sqlite``, the one source of truth for every export.

    with Store.open(out_dir) as store:
        store.list_reports()          # one dict per input file (duplicates under each name)
        store.load_report(sha256)     # the full audited Report

Layout (SQLite, WAL journal, one transaction per report, so a batch killed with SIGKILL keeps
everything it had finished):

- ``reports``: one row per distinct file content, keyed by sha256: status (``ok`` or the failure
  cause), one-line message, pages, issuer, year, type, counts and the whole report JSON.
- ``files``: one row per input file, keyed by its absolute path: display name and the sha256 of
  its content at the time it was read. Two names with one sha256 are one report, two files.
- ``indicators`` and ``findings``: the report's values and findings in long form, for SQL and for
  the CSV/xlsx/parquet exports.

Only the batch's parent process writes; readers (exports, the HTML report) may run at any time.
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any, Iterator

from pipeline import errors

DB_NAME = "govaudit.sqlite"
SCHEMA_VERSION = 1
# failures that may go away on another try (a slower machine, less memory): a rerun retries them;
# every other status is a property of the file's bytes and is final for that sha256
RETRIED = (errors.TIMEOUT, errors.CRASHED)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    sha256       TEXT PRIMARY KEY,
    status       TEXT NOT NULL,
    message      TEXT NOT NULL DEFAULT '',
    pages        INTEGER,
    district     TEXT,
    department   TEXT,
    year         INTEGER,
    report_type  TEXT,
    total_score  REAL,
    n_errors     INTEGER,
    n_warnings   INTEGER,
    seconds      REAL,
    peak_rss_mb  REAL,
    processed_at REAL NOT NULL,
    report_json  TEXT
);
CREATE TABLE IF NOT EXISTS files (
    path      TEXT PRIMARY KEY,      -- absolute path of the input file as found
    file      TEXT NOT NULL,         -- display name: path relative to the batch folder
    sha256    TEXT,                  -- NULL when the file could not be read at all
    size      INTEGER,
    status    TEXT,                  -- only for files without sha256 (unreadable)
    message   TEXT,
    seen_at   REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS files_sha ON files(sha256);
CREATE TABLE IF NOT EXISTS indicators (
    sha256   TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,       -- document order: page, then position on the page
    key      TEXT NOT NULL,
    value    REAL,
    unit     TEXT,
    raw_text TEXT,
    page     INTEGER,
    PRIMARY KEY (sha256, seq)
);
CREATE TABLE IF NOT EXISTS findings (
    sha256     TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    rule       TEXT NOT NULL,
    severity   TEXT NOT NULL,
    message    TEXT,
    stated     REAL,
    recomputed REAL,
    pages      TEXT,                 -- evidence pages, ascending, ';' joined
    PRIMARY KEY (sha256, seq)
);
"""


class Store:
    """The SQLite store in one OUT folder. Use ``Store.open(out_dir)`` as a context manager."""

    def __init__(self, out_dir: str | Path, create: bool = True):
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / DB_NAME
        if not create and not self.path.is_file():
            raise FileNotFoundError(f"{self.out_dir}: no batch store ({DB_NAME}); run `govaudit batch DIR -o "
                                    f"{self.out_dir}` first")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        # autocommit mode: transactions are opened explicitly with BEGIN IMMEDIATE
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses no commit
        self.db.execute("PRAGMA foreign_keys=ON")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise RuntimeError(f"{self.path}: store format {version}, this govaudit reads {SCHEMA_VERSION}; "
                               "use a new output folder")
        if version == 0:
            self.db.executescript(_SCHEMA)
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @classmethod
    def open(cls, out_dir: str | Path, create: bool = True) -> "Store":
        return cls(out_dir, create=create)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _transaction(self):
        return _Transaction(self.db)

    # ----------------------------------------------------------------------------- writing

    def done_shas(self) -> set[str]:
        """sha256s with a final result: skipped by a rerun (timeouts and crashes are retried)."""
        marks = ",".join("?" * len(RETRIED))
        rows = self.db.execute(f"SELECT sha256 FROM reports WHERE status NOT IN ({marks})", RETRIED)
        return {r[0] for r in rows}

    def add_files(self, files: list[dict]) -> None:
        """Record input files (dicts with path, file, sha256, size; status/message when unreadable)
        in one transaction. A path whose content changed now points at its new sha256."""
        if not files:
            return
        with self._transaction():
            self._upsert_files(files)

    def _upsert_files(self, files: list[dict]) -> None:
        now = time.time()
        old = {}
        for f in files:
            row = self.db.execute("SELECT sha256 FROM files WHERE path=?", (f["path"],)).fetchone()
            if row and row[0] and row[0] != f.get("sha256"):
                old[f["path"]] = row[0]
            self.db.execute(
                "INSERT INTO files(path, file, sha256, size, status, message, seen_at) VALUES (?,?,?,?,?,?,?) "
                "ON CONFLICT(path) DO UPDATE SET file=excluded.file, sha256=excluded.sha256, size=excluded.size, "
                "status=excluded.status, message=excluded.message, seen_at=excluded.seen_at",
                (f["path"], f["file"], f.get("sha256"), f.get("size"), f.get("status"), f.get("message"), now))
        for sha in set(old.values()):  # a changed file: forget the old content's report if nothing else has it
            if not self.db.execute("SELECT 1 FROM files WHERE sha256=? LIMIT 1", (sha,)).fetchone():
                self.db.execute("DELETE FROM reports WHERE sha256=?", (sha,))

    def forget_missing(self, root: str, present: set[str], keep: set[str] = frozenset()) -> int:
        """Drop the files under folder ``root`` (absolute) that a new walk of it did not find
        (deleted or renamed since), and the reports that no file and no sha256 in ``keep`` (the
        contents found by the walk: a renamed file keeps its report) has any more."""
        prefix = root.rstrip("/\\") + "/"
        rows = self.db.execute("SELECT path FROM files WHERE substr(path, 1, ?) = ?", (len(prefix), prefix))
        gone = [r[0] for r in rows if r[0] not in present]
        if gone:
            with self._transaction():
                self.db.executemany("DELETE FROM files WHERE path=?", [(p,) for p in gone])
                orphans = [r[0] for r in self.db.execute(
                    "SELECT sha256 FROM reports WHERE sha256 NOT IN (SELECT sha256 FROM files WHERE sha256 IS NOT NULL)")]
                self.db.executemany("DELETE FROM reports WHERE sha256=?", [(s,) for s in orphans if s not in keep])
        return len(gone)

    def record(self, result: dict, files: list[dict]) -> None:
        """Store one processed report and every input file that has its content, in one transaction.

        ``result``: sha256, status, message, and for ``ok`` the report JSON (``report_json``, a str)
        plus optional seconds and peak_rss_mb."""
        from pipeline.schema import Report

        sha = result["sha256"]
        report = Report.model_validate_json(result["report_json"]) if result.get("report_json") else None
        with self._transaction():
            self.db.execute("DELETE FROM reports WHERE sha256=?", (sha,))  # cascades to indicators, findings
            self.db.execute(
                "INSERT INTO reports(sha256, status, message, pages, district, department, year, report_type, "
                "total_score, n_errors, n_warnings, seconds, peak_rss_mb, processed_at, report_json) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (sha, result["status"], _one_line(result.get("message") or ""),
                 report.source.pages if report else result.get("pages"),
                 report.issuer.district if report else None, report.issuer.department if report else None,
                 report.year if report else None, report.report_type if report else None,
                 report.total_score if report else None,
                 report.n_errors if report else None, report.n_warnings if report else None,
                 result.get("seconds"), result.get("peak_rss_mb"), time.time(), result.get("report_json")))
            if report is not None:
                self._insert_details(sha, report)
            self._upsert_files(files)

    def _insert_details(self, sha: str, report) -> None:
        ordered = sorted(report.indicators, key=lambda i: (i.page, i.bbox[1], i.bbox[0]))  # document order
        self.db.executemany(
            "INSERT INTO indicators(sha256, seq, key, value, unit, raw_text, page) VALUES (?,?,?,?,?,?,?)",
            [(sha, n, i.key, i.value, i.unit, i.raw_text, i.page) for n, i in enumerate(ordered)])
        self.db.executemany(
            "INSERT INTO findings(sha256, seq, rule, severity, message, stated, recomputed, pages) "
            "VALUES (?,?,?,?,?,?,?,?)",
            [(sha, n, f.rule, f.severity, f.message, f.stated, f.recomputed,
              ";".join(str(p) for p in sorted({e.page for e in f.evidence})))
             for n, f in enumerate(report.findings)])

    # ----------------------------------------------------------------------------- reading

    def list_reports(self) -> list[dict[str, Any]]:
        """One dict per input file, ordered by display name: file, path, sha256, status, message,
        pages, district, department, year, report_type, total_score, n_errors, n_warnings, seconds."""
        rows = self.db.execute(
            "SELECT f.file, f.path, f.sha256, COALESCE(r.status, f.status) AS status, "
            "COALESCE(r.message, f.message, '') AS message, r.pages, r.district, r.department, r.year, "
            "r.report_type, r.total_score, r.n_errors, r.n_warnings, r.seconds, r.peak_rss_mb "
            "FROM files f LEFT JOIN reports r ON r.sha256 = f.sha256 "
            "WHERE r.sha256 IS NOT NULL OR f.sha256 IS NULL ORDER BY f.file, f.path")
        return [dict(r) for r in rows]

    def load_report(self, sha256: str):
        """The full audited report (indicators, scores, checks, findings) stored for ``sha256``."""
        from pipeline.schema import Report

        row = self.db.execute("SELECT report_json, status FROM reports WHERE sha256=?", (sha256,)).fetchone()
        if row is None:
            raise KeyError(f"no report for sha256 {sha256} in {self.path}")
        if row["report_json"] is None:
            raise KeyError(f"{sha256}: not processed ({row['status']}), no report")
        return Report.model_validate_json(row["report_json"])

    def report_json(self, sha256: str) -> str | None:
        row = self.db.execute("SELECT report_json FROM reports WHERE sha256=?", (sha256,)).fetchone()
        return row[0] if row else None

    def indicator_rows(self) -> Iterator[sqlite3.Row]:
        """file, sha256, seq, key, value, unit, raw_text, page for every file, in file then document order."""
        return self.db.execute(
            "SELECT f.file, i.sha256, i.seq, i.key, i.value, i.unit, i.raw_text, i.page "
            "FROM files f JOIN indicators i ON i.sha256 = f.sha256 ORDER BY f.file, f.path, i.seq")

    def finding_rows(self) -> Iterator[sqlite3.Row]:
        return self.db.execute(
            "SELECT f.file, g.rule, g.severity, g.message, g.stated, g.recomputed, g.pages "
            "FROM files f JOIN findings g ON g.sha256 = f.sha256 ORDER BY f.file, f.path, g.seq")

    def first_values(self) -> dict[str, dict[str, float]]:
        """sha256 -> {key: value of the key's first mention in document order} (summary.csv)."""
        out: dict[str, dict[str, float]] = {}
        # SQLite: with MIN(), the bare columns come from the row that has the minimum
        for sha, key, value, _ in self.db.execute(
                "SELECT sha256, key, value, MIN(seq) FROM indicators GROUP BY sha256, key"):
            out.setdefault(sha, {})[key] = value
        return out

    def counts(self) -> dict[str, int]:
        """Number of files and of stored reports, for progress and tests."""
        return {"files": self.db.execute("SELECT COUNT(*) FROM files").fetchone()[0],
                "reports": self.db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]}


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *_):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:500]
