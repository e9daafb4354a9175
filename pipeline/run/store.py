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
- ``outputs``: the files govaudit wrote into OUT (reports/*.json): only those are ever overwritten
  or removed by a later export.

Only the batch's parent process writes; readers (exports, the HTML report) may run at any time.
"""
from __future__ import annotations

import json
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


# Problems and the auditor's review of them (issue 15). Created in every store, also one written
# before these tables existed, so no format change.
# - ``problems``: the current problems of each stored report (gone with the report).
# - ``problem_log``: every problem ever stored, kept when its report goes (a corrected edition,
#   a fixed check), so that a problem that disappeared is shown as resolved, not dropped.
# - ``reviews``: the auditor's status and note per problem id; never deleted by a batch.
_REVIEW_SCHEMA = """
CREATE TABLE IF NOT EXISTS problems (
    sha256    TEXT NOT NULL REFERENCES reports(sha256) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    id        TEXT NOT NULL,
    severity  TEXT NOT NULL,
    rule      TEXT NOT NULL,
    findings  TEXT NOT NULL,         -- indices into the report's findings, ';' joined, lead first
    PRIMARY KEY (sha256, seq)
);
CREATE INDEX IF NOT EXISTS problems_id ON problems(id);
CREATE TABLE IF NOT EXISTS problem_log (
    id         TEXT PRIMARY KEY,
    key        TEXT NOT NULL,        -- rule + numbers without the file (pipeline.check.problems.problem_key)
    sha256     TEXT NOT NULL,
    paths      TEXT NOT NULL,        -- JSON list of the input paths that had this content
    files      TEXT NOT NULL,        -- JSON list of their display names
    severity   TEXT NOT NULL,
    rule       TEXT NOT NULL,
    lead_json  TEXT NOT NULL,        -- the leading finding
    related    TEXT NOT NULL,        -- JSON list of the other findings' rules
    meta_json  TEXT NOT NULL,        -- issuer, year, report_type of the report
    first_seen REAL NOT NULL,
    last_seen  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS reviews (
    id     TEXT PRIMARY KEY,         -- the problem id
    status TEXT NOT NULL,            -- 待核 / 已核实 / 已排除
    note   TEXT NOT NULL DEFAULT '',
    at     TEXT
);
"""


# The files govaudit wrote into OUT (issue 14): an export is rewritten, and a stale one removed,
# only where the store recorded writing it, so a user's own file in OUT is never touched.
_OUTPUTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS outputs (
    path       TEXT PRIMARY KEY,     -- relative to OUT, '/' separated
    written_at REAL NOT NULL
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
        try:
            self._wal()
        except sqlite3.OperationalError as e:  # a read-only or full place: one line (exit 2), nothing lost
            self.db.close()
            raise errors.PlaceError(f"{self.path}: cannot be opened for writing ({e}); is the folder read-only "
                                    "or full?") from None
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses no commit
        self.db.execute("PRAGMA foreign_keys=ON")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            raise RuntimeError(f"{self.path}: store format {version}, this govaudit reads {SCHEMA_VERSION}; "
                               "use a new output folder")
        if version == 0:
            self.db.executescript(_SCHEMA)
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE name='reviews'").fetchone():
            self.db.executescript(_REVIEW_SCHEMA)
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE name='outputs'").fetchone():
            self.db.executescript(_OUTPUTS_SCHEMA)

    def _wal(self) -> None:
        """WAL journal. Switching a new store to it needs an exclusive lock, which SQLite refuses at
        once (no busy wait) while another process opens the same new store: wait and try again;
        a store already in WAL needs nothing."""
        for attempt in range(50):
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e) or attempt == 49:
                    raise
                time.sleep(0.1)

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

    @staticmethod
    def finished_files(out_dir: str | Path) -> dict[str, int]:
        """{path: size} of the input files whose content has a final result in the store in
        ``out_dir`` (read-only; {} when there is no store or it cannot be read): what a batch can
        guess it will skip before hashing anything."""
        path = Path(out_dir) / DB_NAME
        if not path.is_file():
            return {}
        try:
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
            try:
                marks = ",".join("?" * len(RETRIED))
                rows = db.execute(f"SELECT f.path, f.size FROM files f JOIN reports r ON r.sha256 = f.sha256 "
                                  f"WHERE r.status NOT IN ({marks})", RETRIED).fetchall()
            finally:
                db.close()
        except sqlite3.Error:
            return {}
        return {p: size for p, size in rows}

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
                 report.n_error_problems if report else None, report.n_warning_problems if report else None,
                 result.get("seconds"), result.get("peak_rss_mb"), time.time(), result.get("report_json")))
            if report is not None:
                self._insert_details(sha, report)
                self._insert_problems(sha, report, files)
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

    # ----------------------------------------------------------------------------- own files

    def outputs(self) -> set[str]:
        """The files (relative to OUT, '/' separated) that govaudit recorded writing there."""
        return {r[0] for r in self.db.execute("SELECT path FROM outputs")}

    def record_outputs(self, written: list[str], removed: list[str] = ()) -> None:
        """Record files written into OUT (relative paths) and forget the ones removed."""
        now = time.time()
        with self._transaction():
            self.db.executemany("INSERT INTO outputs(path, written_at) VALUES (?, ?) "
                                "ON CONFLICT(path) DO UPDATE SET written_at=excluded.written_at",
                                [(w, now) for w in written])
            self.db.executemany("DELETE FROM outputs WHERE path=?", [(r,) for r in removed])

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
        return self.with_reviews(Report.model_validate_json(row["report_json"]))

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

    # ----------------------------------------------------------------------------- problems and reviews

    def _insert_problems(self, sha: str, report, files: list[dict]) -> None:
        """The report's problems, and each into the log with the files that had it."""
        from pipeline.check.problems import numbers_of, problem_key

        _grouped(report)
        self.db.executemany(
            "INSERT INTO problems(sha256, seq, id, severity, rule, findings) VALUES (?,?,?,?,?,?)",
            [(sha, n, p.id, p.severity, report.findings[p.findings[0]].rule, ";".join(map(str, p.findings)))
             for n, p in enumerate(report.problems)])
        now = time.time()
        paths = sorted({f["path"] for f in files})
        names = sorted({f["file"] for f in files})
        meta = json.dumps({"issuer": report.issuer.model_dump(), "year": report.year,
                           "report_type": report.report_type, "pages": report.source.pages}, ensure_ascii=False)
        for p in report.problems:
            lead = report.findings[p.findings[0]]
            key = problem_key(lead.rule, numbers_of(lead))
            self._carry_review(p.id, key, paths)
            old = self.db.execute("SELECT paths, files FROM problem_log WHERE id=?", (p.id,)).fetchone()
            all_paths = sorted(set(paths) | set(json.loads(old["paths"]) if old else []))
            all_names = sorted(set(names) | set(json.loads(old["files"]) if old else []))
            self.db.execute(
                "INSERT INTO problem_log(id, key, sha256, paths, files, severity, rule, lead_json, related, meta_json, "
                "first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "paths=excluded.paths, files=excluded.files, severity=excluded.severity, lead_json=excluded.lead_json, "
                "related=excluded.related, meta_json=excluded.meta_json, last_seen=excluded.last_seen",
                (p.id, key, sha, json.dumps(all_paths, ensure_ascii=False),
                 json.dumps(all_names, ensure_ascii=False), p.severity, lead.rule, lead.model_dump_json(),
                 json.dumps([report.findings[i].rule for i in p.findings[1:]], ensure_ascii=False), meta, now, now))

    def _carry_review(self, problem_id: str, key: str, paths: list[str]) -> None:
        """A problem still there in a new edition of a file (same rule, same printed numbers, new
        sha256) keeps the review the auditor gave it before."""
        if self.db.execute("SELECT 1 FROM reviews WHERE id=?", (problem_id,)).fetchone():
            return
        for r in self.db.execute("SELECT l.paths, v.status, v.note, v.at FROM problem_log l JOIN reviews v ON v.id = l.id "
                                 "WHERE l.key=? AND l.id<>? ORDER BY v.at DESC", (key, problem_id)).fetchall():
            if set(json.loads(r["paths"])) & set(paths):
                self.db.execute("INSERT INTO reviews(id, status, note, at) VALUES (?,?,?,?)",
                                (problem_id, r["status"], r["note"], r["at"]))
                return

    def reviews(self) -> dict[str, "Review"]:
        """problem id -> the auditor's review."""
        from pipeline.schema import Review

        return {r["id"]: Review(status=r["status"], note=r["note"], at=r["at"])
                for r in self.db.execute("SELECT id, status, note, at FROM reviews")}

    def with_reviews(self, report, reviews: dict | None = None):
        """The report with each problem's stored review (problems grouped first if the JSON predates them)."""
        _grouped(report)
        reviews = self.reviews() if reviews is None else reviews
        for p in report.problems:
            if p.id in reviews:
                p.review = reviews[p.id].model_copy()
        return report

    def known_problem(self, problem_id: str) -> bool:
        """A problem of a stored report (also one stored before problems were logged) or a resolved one."""
        if self.db.execute("SELECT 1 FROM problem_log WHERE id=?", (problem_id,)).fetchone():
            return True
        from pipeline.run.cross import known_problem as cross_known

        if cross_known(self, problem_id):
            return True
        return any(e.get("problem") is not None and e["problem"].id == problem_id for e in self.problem_rows())

    def set_review(self, problem_id: str, status: str, note: str | None = None, at: str | None = None) -> None:
        """Record the auditor's status (待核 / 已核实 / 已排除) and note for a problem the store has seen.
        ``note=None`` keeps the note already stored."""
        from datetime import datetime, timezone

        from pipeline.schema import Review

        Review(status=status)  # one of the three words, or a ValidationError
        if not self.known_problem(problem_id):
            raise KeyError(problem_id)
        at = at or datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._transaction():
            self.db.execute(
                "INSERT INTO reviews(id, status, note, at) VALUES (?,?,COALESCE(?, ''),?) ON CONFLICT(id) DO UPDATE SET "
                "status=excluded.status, note=COALESCE(?, reviews.note), at=excluded.at",
                (problem_id, status, note, at, note))

    def problem_rows(self) -> list[dict[str, Any]]:
        """Every problem to list: current ones (``resolved`` False: files, sha256, report, problem,
        lead, related findings, review), then resolved ones: logged problems of a file still in the
        batch that its current report no longer has, not even under a new sha256 with the same rule
        and numbers (``resolved`` True: files, sha256, id, severity, lead, related_rules, meta, review)."""
        from pipeline.check.problems import numbers_of, problem_key
        from pipeline.schema import Finding, Report, Review

        reviews = self.reviews()
        names: dict[str, list[str]] = {}
        paths: dict[str, set[str]] = {}
        for r in self.db.execute("SELECT file, path, sha256 FROM files WHERE sha256 IS NOT NULL ORDER BY file, path"):
            names.setdefault(r["sha256"], []).append(r["file"])
            paths.setdefault(r["sha256"], set()).add(r["path"])
        out: list[dict[str, Any]] = []
        current: set[str] = set()
        current_keys: set[tuple[str, str]] = set()
        for sha in names:
            row = self.db.execute("SELECT report_json FROM reports WHERE sha256=? AND status='ok'", (sha,)).fetchone()
            if row is None or row[0] is None:
                continue
            report = self.with_reviews(Report.model_validate_json(row[0]), reviews)
            for p in report.problems:
                lead = report.findings[p.findings[0]]
                current.add(p.id)
                current_keys |= {(path, problem_key(lead.rule, numbers_of(lead))) for path in paths[sha]}
                out.append({"files": names[sha], "sha256": sha, "report": report, "problem": p, "lead": lead,
                            "related": [report.findings[i] for i in p.findings[1:]], "resolved": False,
                            "review": p.review})
        # failed checks between two reports of the batch: problems of the report that states the figure
        from pipeline.run.cross import problem_entries

        loaded = {e["sha256"]: e["report"] for e in out}
        for sha in names:
            if sha not in loaded:
                row = self.db.execute("SELECT report_json FROM reports WHERE sha256=? AND status='ok'", (sha,)).fetchone()
                if row is not None and row[0] is not None:
                    loaded[sha] = Report.model_validate_json(row[0])
        out += problem_entries(self, loaded, names, reviews)
        present = {r[0] for r in self.db.execute("SELECT path FROM files")}
        for r in self.db.execute("SELECT * FROM problem_log ORDER BY first_seen, id"):
            logged_paths = set(json.loads(r["paths"])) & present
            if r["id"] in current or not logged_paths or any((p, r["key"]) in current_keys for p in logged_paths):
                continue
            out.append({"files": json.loads(r["files"]), "sha256": r["sha256"], "id": r["id"],
                        "severity": r["severity"], "lead": Finding.model_validate_json(r["lead_json"]),
                        "related_rules": json.loads(r["related"]), "meta": json.loads(r["meta_json"]),
                        "resolved": True, "review": reviews.get(r["id"], Review())})
        return out


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *_):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _grouped(report):
    """A report JSON from before problems existed gets its problems grouped on reading."""
    from pipeline.check.problems import add_problems

    return add_problems(report) if report.findings and not report.problems else report


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:500]


# ----------------------------------------------------------------------------- OCR page cache

OCR_CACHE_NAME = "ocr_cache.sqlite"


class OcrPageCache:
    """What OCR read on a page, keyed by the hash of the rendered page image (and engine, dpi):
    ``OUT/ocr_cache.sqlite``, beside the store. The batch workers read and write it themselves
    (each its own connection, WAL, short transactions), so a rerun or a second batch over the
    same scans never reads a page twice, even when the file around the page changed. It is the
    ``ocr_cache`` object ingestion takes (``get(key)``, ``put(key, value)``); opened lazily so a
    worker that meets no scan never touches it."""

    def __init__(self, out_dir: str | Path):
        self.path = Path(out_dir) / OCR_CACHE_NAME
        self.db: sqlite3.Connection | None = None
        self.hits = self.misses = 0

    def _conn(self) -> sqlite3.Connection:
        if self.db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS ocr_pages (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
                            "created_at REAL NOT NULL)")
        return self.db

    def get(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM ocr_pages WHERE key=?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return row[0]

    def put(self, key: str, value: str) -> None:
        self._conn().execute("INSERT OR REPLACE INTO ocr_pages(key, value, created_at) VALUES (?,?,?)",
                             (key, value, time.time()))

    def __len__(self) -> int:
        return self._conn().execute("SELECT COUNT(*) FROM ocr_pages").fetchone()[0]

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
