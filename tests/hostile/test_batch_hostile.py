"""Hostile files in a batch: no file stops it, every other file is processed and exported, no
export can run a formula, no worker goes past its memory limit (issue 14, "done when")."""
from __future__ import annotations

import csv
import resource
import subprocess
import sys
import time

import pytest

from hostile import maker

MEMORY_MB = 1536


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """The batch run once through the command line, from a wrapper that reports the peak memory
    of every process under it (the CLI and its workers)."""
    root = tmp_path_factory.mktemp("hostile")
    folder, out = root / "in", root / "out"
    expected, sockets = maker.build_mixed_batch(folder)
    code = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
            "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, file=sys.stderr)")
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "pipeline", "batch", str(folder),
                               "-o", str(out), "-j", "2", "--timeout", "90", "--max-memory", str(MEMORY_MB),
                               "--max-page-chars", "3000"],
                              capture_output=True, text=True, cwd=maker.ROOT, timeout=300)
    finally:
        for s in sockets:
            s.close()
    seconds = time.monotonic() - start
    rc, peak = map(int, proc.stderr.strip().splitlines()[-1].split())
    return {"folder": folder, "out": out, "expected": expected, "rc": rc, "peak_mb": peak, "seconds": seconds,
            "stdout": proc.stdout, "stderr": proc.stderr}


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_batch_goes_on_every_file_has_its_status(mixed):
    from pipeline.run.store import Store

    assert mixed["rc"] == 1, mixed["stderr"]  # some files failed: exit 1, not a crash
    assert "Traceback" not in mixed["stderr"]
    with Store.open(mixed["out"], create=False) as store:
        got = {r["file"]: r for r in store.list_reports()}
    assert set(got) == set(mixed["expected"])
    for name, allowed in mixed["expected"].items():
        row = got[name]
        assert row["status"] in allowed, (name, row["status"], row["message"])
        if row["status"] != "ok":
            assert row["message"] and "\n" not in row["message"], name


def test_no_process_above_the_memory_limit_and_bounded_time(mixed):
    assert mixed["peak_mb"] < MEMORY_MB, mixed["peak_mb"]
    assert mixed["seconds"] < 120


def test_every_export_written_with_every_file(mixed):
    out = mixed["out"]
    for name in ("summary.csv", "indicators.csv", "findings.csv", "summary.parquet", "govaudit.xlsx", "report.html"):
        assert (out / name).is_file(), name
    files = {row[0].removeprefix("'") for row in _rows(out / "summary.csv")[1:]}
    assert files == set(mixed["expected"])
    ok = {n for n, allowed in mixed["expected"].items() if allowed == {"ok"}}
    assert {p.stem for p in (out / "reports").glob("*.json")} == {n.removesuffix(".pdf") for n in ok}


def test_dense_page_note_in_its_report(mixed):
    import json

    report = json.loads((mixed["out"] / "reports" / "dense.json").read_text(encoding="utf-8"))
    assert any("only the first 3,000 read" in n for n in report["notes"]), report["notes"]
    repaired = json.loads((mixed["out"] / "reports" / "broken_xref.json").read_text(encoding="utf-8"))
    assert repaired["source"]["repaired"] and "repaired" in repaired["notes"]


def test_no_csv_cell_can_run_as_a_formula(mixed):
    out = mixed["out"]
    csvs = sorted(out.glob("*.csv"))
    assert len(csvs) >= 3
    for path in csvs:
        for row in _rows(path):
            for cell in row:
                if _number(cell):
                    continue  # a number is a number (-121.13), never a formula
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path.name, cell)
    names = [row[0] for row in _rows(out / "summary.csv")[1:]]
    assert "'=HYPERLINK(\"http:x\",\"y\").pdf" in names and "'+SUM(1).pdf" in names and "'@cmd.pdf" in names


def test_no_xlsx_cell_is_a_formula(mixed):
    from openpyxl import load_workbook

    books = sorted(mixed["out"].glob("*.xlsx"))
    assert books
    seen = False
    for path in books:
        for ws in load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, ws.title, cell.coordinate, cell.value)
                    seen |= cell.value == '=HYPERLINK("http:x","y").pdf'
    assert seen  # the name is there, as text


def _number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def test_progress_lines_show_names_escaped(mixed):
    assert "\x1b" not in mixed["stdout"] + mixed["stderr"]
    assert "[/]bad\\x1b[31mred.pdf" in mixed["stdout"]


def test_progress_on_a_terminal_survives_markup_in_names():
    """rich's bar (a TTY): a failing file named with markup and escapes is printed as text."""
    import io

    from pipeline.run.runner import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    bar = Progress(2, True, stream=stream)
    bar.advance(["[/]x[bold]\x1b[2J.pdf"], {"status": "damaged", "message": "/a/[/]x[bold]\x1b[2J.pdf: damaged [/]"})
    bar.close()
    text = stream.getvalue()
    assert "[/]x[bold]\\x1b[2J.pdf" in text and "\x1b[2J" not in text


def test_rerun_processes_nothing_and_never_reads_the_fifo(mixed):
    from pipeline import batch

    start = time.monotonic()
    again = batch(mixed["folder"], out=mixed["out"], jobs=1, exports=False)
    assert again.processed == 0 and time.monotonic() - start < 30
    assert again.status_of("fifo.pdf") == "not_regular"


def test_store_write_that_fails_marks_that_file_only(tmp_path):
    from pipeline import batch

    folder = tmp_path / "in"
    maker.small_report(folder / "a.pdf", 1)
    maker.small_report(folder / "unstorable.pdf", 2)
    maker.small_report(folder / "z.pdf", 3)
    summary = batch(folder, out=tmp_path / "out", jobs=1, work=maker.unstorable)
    assert {r["file"]: r["status"] for r in summary.reports} == {"a.pdf": "ok", "unstorable.pdf": "crashed",
                                                                  "z.pdf": "ok"}
    assert "could not be stored" in summary.reports[1]["message"]
    assert (tmp_path / "out" / "summary.csv").is_file()


def test_worker_over_its_memory_limit_gives_too_large_with_the_figure(tmp_path):
    """A worker limited below what a report needs (about 120 MB of address space for a 24-page
    one, more than the warmed-up worker holds already): each file gets too_large naming the
    limit, and the batch ends normally."""
    from pipeline import batch
    from pipeline.limits import Limits, current, use

    folder = tmp_path / "in"
    maker.copy(folder / "a.pdf")
    maker.copy(folder / "b.pdf", maker.OTHER_REAL)
    before = current()
    try:
        summary = batch(folder, out=tmp_path / "out", jobs=1, limits=Limits(memory_mb=60), exports=False)
    finally:
        use(before)
    assert {r["file"]: r["status"] for r in summary.reports} == {"a.pdf": "too_large", "b.pdf": "too_large"}
    assert all("60 MB" in r["message"] and "--max-memory" in r["message"] for r in summary.reports)


def test_hashing_is_under_the_per_file_timeout(tmp_path, monkeypatch):
    """A read that hangs (a stalled network mount, here a slowed-down hash) costs its file the
    status timeout once the per-file time is up; the other files are hashed."""
    from pipeline.run import runner

    folder = tmp_path / "in"
    maker.small_report(folder / "fast.pdf")
    maker.small_report(folder / "slow.pdf", 2)
    real = runner._hash

    def slow(f):
        if f.file == "slow.pdf":
            time.sleep(5)
        return real(f)

    monkeypatch.setattr(runner, "_hash", slow)
    start = time.monotonic()
    found = {f.file: f for f in runner.hash_files(runner.discover(folder), timeout=0.5)}
    assert time.monotonic() - start < 3
    assert found["slow.pdf"].status == "timeout" and found["slow.pdf"].sha256 is None
    assert found["fast.pdf"].status is None and len(found["fast.pdf"].sha256) == 64
