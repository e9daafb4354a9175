"""Cross-report checks over the store, after the per-file stage, incrementally.

    with Store.open(out) as store:
        stats = update(store)        # {"indexed": n, "pairs": n, "checks": n, "failed": n}
        rows = cross_rows(store)     # every stored cross-report check, for cross_checks.csv

Each stored report is read once, when it first appears, into ``cross_facts`` (issuer, year, type,
scope and the figures it states about other reports); its own figures come from the ``indicators``
table by SQL. Pairs of reports of one issuer (:func:`pipeline.check.cross.match`) are checked once
and remembered in ``cross_pairs``, so a batch that adds one report computes only that report's
pairs. A report that leaves the store takes its pairs and checks with it.
"""
from __future__ import annotations

import json
import time
from itertools import combinations

from pipeline.check.cross import Facts, Mention, check_pair, department_key, match
from pipeline.schema import Reference

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cross_facts (
    sha256      TEXT PRIMARY KEY REFERENCES reports(sha256) ON DELETE CASCADE,
    district    TEXT,
    department  TEXT,                -- normalised (patterns/crossreport.yaml issuer)
    year        INTEGER,
    report_type TEXT,
    scope       TEXT,
    refs_json   TEXT NOT NULL,       -- the report's references (figures about other reports)
    values_json TEXT,                -- its indicators: [key, value, raw_text, page, decimals, quote]
    stmts_json  TEXT                 -- its prose statements: [subject, value, raw_text, page, decimals]
);
CREATE TABLE IF NOT EXISTS cross_pairs (
    sha_a TEXT NOT NULL, sha_b TEXT NOT NULL, computed_at REAL NOT NULL,
    PRIMARY KEY (sha_a, sha_b)
);
CREATE TABLE IF NOT EXISTS cross_checks (
    sha_a    TEXT NOT NULL,          -- the report that states it
    sha_b    TEXT NOT NULL,          -- the report it is checked against
    rule     TEXT NOT NULL,
    key      TEXT NOT NULL,
    status   TEXT NOT NULL,          -- pass | fail
    severity TEXT,
    match    TEXT NOT NULL,          -- strict | loose
    stated   REAL,
    expected REAL,
    message  TEXT NOT NULL,
    page_a   INTEGER,
    page_b   INTEGER,
    quote_a  TEXT,
    quote_b  TEXT,
    PRIMARY KEY (sha_a, sha_b, rule)
);
"""


def _ensure(db) -> None:
    cols = {r[1] for r in db.execute("PRAGMA table_info(cross_facts)")}
    if cols and "stmts_json" not in cols:  # a store of an older govaudit: derived data, computed again
        with db:
            db.executescript("DROP TABLE IF EXISTS cross_checks; DROP TABLE IF EXISTS cross_pairs; "
                             "DROP TABLE IF EXISTS cross_facts;")
    db.executescript(_SCHEMA)


def update(store) -> dict[str, int]:
    """Index the reports not yet indexed, then check the pairs not yet checked."""
    db = store.db
    _ensure(db)
    stats = {"indexed": 0, "pairs": 0, "checks": 0, "failed": 0, "insufficient": 0}
    with db:
        # reports that left the store (deleted, renamed, changed) take their pairs with them
        db.execute("DELETE FROM cross_facts WHERE sha256 NOT IN (SELECT sha256 FROM reports WHERE status='ok')")
        for t, cols in (("cross_pairs", ("sha_a", "sha_b")), ("cross_checks", ("sha_a", "sha_b"))):
            for c in cols:
                db.execute(f"DELETE FROM {t} WHERE {c} NOT IN (SELECT sha256 FROM cross_facts)")
        new = [r[0] for r in db.execute(
            "SELECT sha256 FROM reports WHERE status='ok' AND sha256 NOT IN (SELECT sha256 FROM cross_facts)")]
        for sha in new:
            _index(db, sha)
        stats["indexed"] = len(new)
    groups: dict[str, list[str]] = {}
    for sha, dept in db.execute("SELECT sha256, department FROM cross_facts WHERE department IS NOT NULL"):
        groups.setdefault(dept, []).append(sha)
    done = {(a, b) for a, b in db.execute("SELECT sha_a, sha_b FROM cross_pairs")}
    facts: dict[str, Facts] = {}
    with db:
        for shas in groups.values():
            for a, b in combinations(sorted(shas), 2):
                if (a, b) in done:
                    continue
                fa = facts.get(a) or facts.setdefault(a, load_facts(store, a))
                fb = facts.get(b) or facts.setdefault(b, load_facts(store, b))
                if match(fa, fb) is None:  # same department name, another district or scope
                    db.execute("INSERT OR REPLACE INTO cross_pairs(sha_a, sha_b, computed_at) VALUES (?,?,?)",
                               (a, b, time.time()))
                    continue
                results = check_pair(fa, fb)
                db.executemany(
                    "INSERT OR REPLACE INTO cross_checks(sha_a, sha_b, rule, key, status, severity, match, stated, "
                    "expected, message, page_a, page_b, quote_a, quote_b) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [(c.a, c.b, c.rule, c.key, c.status, c.severity, c.match, c.stated, c.expected, c.message,
                      c.page_a, c.page_b, c.quote_a, c.quote_b) for c in results])
                db.execute("INSERT OR REPLACE INTO cross_pairs(sha_a, sha_b, computed_at) VALUES (?,?,?)",
                           (a, b, time.time()))
                stats["pairs"] += 1
                stats["checks"] += len(results)
                stats["failed"] += sum(c.status == "fail" for c in results)
                stats["insufficient"] += sum(c.status == "insufficient_data" for c in results)
    return stats


def _index(db, sha: str) -> None:
    """Read one report's JSON once: its issuer, scope and references."""
    row = db.execute("SELECT report_json FROM reports WHERE sha256=?", (sha,)).fetchone()
    data = json.loads(row[0]) if row and row[0] else {}
    issuer = data.get("issuer") or {}
    inds = sorted(data.get("indicators") or [], key=lambda i: (i.get("page") or 0, (i.get("bbox") or [0, 0])[1],
                                                               (i.get("bbox") or [0, 0])[0]))
    values = [[i["key"], i["value"], i.get("raw_text") or "", i.get("page"), i.get("decimals"), i.get("quote") or ""]
              for i in inds if i.get("value") is not None]
    stmts = [[s["subject"], s["value"], s["raw_text"], s["page"], s["decimals"]] for s in data.get("statements") or []]
    db.execute("INSERT OR REPLACE INTO cross_facts(sha256, district, department, year, report_type, scope, refs_json, "
               "values_json, stmts_json) VALUES (?,?,?,?,?,?,?,?,?)",
               (sha, issuer.get("district"), department_key(issuer.get("department")), data.get("year"),
                data.get("report_type"), data.get("scope"), json.dumps(data.get("references") or [],
                                                                         ensure_ascii=False),
                json.dumps(values, ensure_ascii=False), json.dumps(stmts, ensure_ascii=False)))


def load_facts(store, sha: str) -> Facts:
    db = store.db
    r = db.execute("SELECT f.district, f.department, f.year, f.report_type, f.scope, f.refs_json, "
                   "(SELECT file FROM files WHERE sha256=f.sha256 ORDER BY file LIMIT 1), f.values_json, f.stmts_json "
                   "FROM cross_facts f WHERE f.sha256=?", (sha,)).fetchone()
    values: dict[str, list[Mention]] = {}
    for key, value, raw, page, decimals, quote in json.loads(r[7] or "[]"):
        values.setdefault(key, []).append(Mention(value, raw, page, decimals, quote))
    statements: dict[str, list[Mention]] = {}
    for subject, value, raw, page, decimals in json.loads(r[8] or "[]"):
        statements.setdefault(subject, []).append(Mention(value, raw, page, decimals, f"{subject}{raw}"))
    return Facts(sha256=sha, file=r[6] or sha[:12], district=r[0], department=r[1], year=r[2], report_type=r[3],
                 scope=r[4], values=values, references=[Reference.model_validate(x) for x in json.loads(r[5])],
                 statements=statements)


def facts_of_report(report, file: str) -> Facts:
    """The same Facts from a Report in memory (``govaudit audit PDF --with DIR``)."""
    values: dict[str, list[Mention]] = {}
    for i in sorted(report.indicators, key=lambda i: (i.page, i.bbox[1], i.bbox[0])):
        values.setdefault(i.key, []).append(Mention(i.value, i.raw_text, i.page, i.decimals, i.quote))
    statements: dict[str, list[Mention]] = {}
    for s in report.statements:
        statements.setdefault(s.subject, []).append(Mention(s.value, s.raw_text, s.page, s.decimals,
                                                            f"{s.subject}{s.raw_text}"))
    return Facts(sha256=report.source.sha256, file=file, district=report.issuer.district,
                 department=department_key(report.issuer.department), year=report.year,
                 report_type=report.report_type, scope=report.scope, values=values,
                 references=list(report.references), statements=statements)


def cross_rows(store) -> list[dict]:
    """Every stored cross-report check with both files, issuers and years (cross_checks.csv)."""
    _ensure(store.db)
    rows = store.db.execute(
        "SELECT c.*, fa.year AS year_a, fb.year AS year_b, fa.report_type AS type_a, fb.report_type AS type_b, "
        "ra.district AS district, ra.department AS department, "
        "(SELECT file FROM files WHERE sha256=c.sha_a ORDER BY file LIMIT 1) AS file_a, "
        "(SELECT file FROM files WHERE sha256=c.sha_b ORDER BY file LIMIT 1) AS file_b "
        "FROM cross_checks c JOIN cross_facts fa ON fa.sha256=c.sha_a JOIN cross_facts fb ON fb.sha256=c.sha_b "
        "JOIN reports ra ON ra.sha256=c.sha_a ORDER BY department, file_a, rule")
    return [dict(r) for r in rows]


def _check_of(row) -> "CrossCheck":
    from pipeline.check.cross import CrossCheck

    return CrossCheck(rule=row["rule"], key=row["key"], a=row["sha_a"], b=row["sha_b"], status=row["status"],
                      severity=row["severity"], match=row["match"], stated=row["stated"], expected=row["expected"],
                      message=row["message"], page_a=row["page_a"], page_b=row["page_b"], quote_a=row["quote_a"] or "",
                      quote_b=row["quote_b"] or "")


def cross_problem_id(row) -> str:
    """Stable across runs: both contents, the rule and the two figures."""
    from pipeline.check.problems import problem_id

    return problem_id(row["sha_a"], f"{row['rule']}@{row['sha_b'][:12]}",
                      [f"{row['stated']:.6g}" if row["stated"] is not None else "",
                       f"{row['expected']:.6g}" if row["expected"] is not None else ""])


def problem_entries(store, reports: dict, names: dict[str, list[str]], reviews: dict) -> list[dict]:
    """The failed cross-report checks as problem-list entries of the report that states the figure
    (``Store.problem_rows``): the other report's file and page are in the evidence and the message."""
    from pipeline.check.cross import as_check_result
    from pipeline.schema import Finding, Problem, Review

    _ensure(store.db)
    out = []
    for row in store.db.execute("SELECT * FROM cross_checks WHERE status='fail' ORDER BY sha_a, rule"):
        report = reports.get(row["sha_a"])
        if report is None:
            continue
        other = (names.get(row["sha_b"]) or [row["sha_b"][:12]])[0]
        res = as_check_result(_check_of(row), other)
        lead = Finding(rule=res.rule, severity=res.severity, message=res.message, stated=res.stated,
                       recomputed=res.recomputed, evidence=res.evidence)
        pid = cross_problem_id(row)
        out.append({"files": names.get(row["sha_a"], []), "sha256": row["sha_a"], "report": report,
                    "problem": Problem(id=pid, severity=res.severity), "lead": lead, "related": [],
                    "resolved": False, "review": reviews.get(pid, Review())})
    return out


def known_problem(store, problem_id: str) -> bool:
    _ensure(store.db)
    return any(cross_problem_id(r) == problem_id
               for r in store.db.execute("SELECT * FROM cross_checks WHERE status='fail'"))
