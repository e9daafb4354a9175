"""Hostile places: read-only and full disks, a user's own files in OUT, a symlinked output folder,
concurrent batches, SIGKILL at several points (issue 14). A place that cannot be used ends the
command in one line with exit 2; the store stays intact and the next run resumes."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from hostile import maker


def _one_line(res, code=2) -> str:
    assert res.returncode == code, (res.returncode, res.stdout[-500:], res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("govaudit: ") and "Traceback" not in res.stderr, res.stderr
    return lines[0]


def _folder(root: Path, n: int = 3) -> Path:
    for i in range(n):
        maker.small_report(root / f"r{i}.pdf", i)
    return root


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


@contextmanager
def _tmpfs(where: Path, size: str):
    """A small tmpfs at ``where`` (root only); the test is skipped where mounting is not allowed."""
    where.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({res.stderr.decode().strip() or res.returncode})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _remount(where: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True, capture_output=True)


# ----------------------------------------------------------------------------- own files only

def test_users_files_in_reports_are_never_touched(tmp_path):
    folder = _folder(tmp_path / "in", 2)
    out = tmp_path / "out"
    (out / "reports").mkdir(parents=True)
    mine = out / "reports" / "notes.json"
    mine.write_text('{"mine": true}')
    clash = out / "reports" / "r0.json"  # a user's file with the name our report would take
    clash.write_text('{"also": "mine"}')
    assert run_cli("batch", str(folder), "-o", str(out), "-q").returncode == 0
    assert mine.read_text() == '{"mine": true}' and clash.read_text() == '{"also": "mine"}'
    assert (out / "reports" / "r0-2.json").is_file() and (out / "reports" / "r1.json").is_file()
    # a report govaudit wrote and whose file is gone is removed; the user's files stay
    (folder / "r1.pdf").unlink()
    assert run_cli("batch", str(folder), "-o", str(out), "-q").returncode == 0
    assert not (out / "reports" / "r1.json").exists()
    assert mine.exists() and clash.exists() and (out / "reports" / "r0-2.json").exists()


def test_reports_of_an_older_govaudit_are_still_ours(tmp_path):
    """A reports/ written before the store recorded its files: a file holding the report of a
    stored content is govaudit's and is rewritten in place (no "-2" twin)."""
    folder = _folder(tmp_path / "in", 1)
    out = tmp_path / "out"
    assert run_cli("batch", str(folder), "-o", str(out), "-q").returncode == 0
    con = sqlite3.connect(out / "govaudit.sqlite")
    con.execute("DELETE FROM outputs")
    con.commit()
    con.close()
    assert run_cli("export", str(out), "--format", "json").returncode == 0
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["r0.json"]


def test_symlinked_reports_folder_is_refused(tmp_path):
    folder = _folder(tmp_path / "in", 1)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.json").write_text("keep")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(elsewhere, out / "reports")
    line = _one_line(run_cli("batch", str(folder), "-o", str(out), "-q"))
    assert "symlink" in line and "reports" in line
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.json"]
    assert (elsewhere / "precious.json").read_text() == "keep"


# ----------------------------------------------------------------------------- read-only places

@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A folder and an OUT with a finished batch in it, to copy onto the places under test."""
    root = tmp_path_factory.mktemp("stored")
    folder = _folder(root / "in", 3)
    out = root / "out"
    res = run_cli("batch", str(folder), "-o", str(out), "-q")
    assert res.returncode == 0, res.stderr
    return folder, out


def test_read_only_places_end_in_one_line_exit_2(tmp_path, stored):
    folder, done = stored
    place = tmp_path / "ro"
    with _tmpfs(place, "8m"):
        shutil.copytree(done, place / "out")
        before = _digest(place / "out" / "govaudit.sqlite")
        _remount(place, "ro")
        maker.small_report(folder.parent / "new" / "n.pdf", 9)
        lines = [
            _one_line(run_cli("batch", str(folder), "-o", str(place / "out"), "-q")),  # a store, read-only
            _one_line(run_cli("batch", str(folder), "-o", str(place / "fresh"), "-q")),  # no OUT yet
            _one_line(run_cli("export", str(place / "out"))),
            _one_line(run_cli("report", str(place / "out"))),
            _one_line(run_cli("audit", str(folder / "r0.pdf"), "--format", "json", "-o", str(place / "a.json"))),
            _one_line(run_cli("extract", str(folder / "r0.pdf"), "-o", str(place / "e.json"))),
        ]
        assert all(str(place) in line for line in lines), lines
        _remount(place, "rw")
        assert _digest(place / "out" / "govaudit.sqlite") == before  # the store intact
        res = run_cli("batch", str(folder), "-o", str(place / "out"), "-q")  # and usable again
        assert res.returncode == 0 and "3 already in the store" in res.stdout, res.stdout + res.stderr


def test_full_disk_ends_in_one_line_store_intact_next_run_resumes(tmp_path):
    folder = tmp_path / "in"
    for i in range(3):
        maker.copy(folder / f"real{i}.pdf", [maker.SMALL_REAL, maker.OTHER_REAL, maker.SAMPLE][i])
    place = tmp_path / "full"
    with _tmpfs(place, "400k"):
        line = _one_line(run_cli("batch", str(folder), "-o", str(place / "out"), "-j", "1", "-q"))
        assert "full" in line
        db = place / "out" / "govaudit.sqlite"
        assert _integrity(db) == "ok"
        stored_before = sqlite3.connect(db).execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        _remount(place, "size=32m")
        res = run_cli("batch", str(folder), "-o", str(place / "out"), "-j", "1", "-q")
        assert res.returncode == 0, res.stderr
        assert f"{stored_before} already in the store" in res.stdout and "3 ok" in res.stdout
        assert (place / "out" / "summary.csv").is_file() and _integrity(db) == "ok"


# ----------------------------------------------------------------------------- concurrency, SIGKILL

def test_two_concurrent_batches_on_one_out(tmp_path):
    folder = _folder(tmp_path / "in", 4)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "batch", str(folder), "-o", str(out), "-j", "1", "-q"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [p.communicate(timeout=240) for p in procs]
    for p, (stdout, stderr) in zip(procs, results):
        assert p.returncode == 0 and "Traceback" not in stderr, stderr
    from pipeline.run.store import Store
    with Store.open(out, create=False) as store:
        assert sorted(r["file"] for r in store.list_reports()) == [f"r{i}.pdf" for i in range(4)]
        assert store.counts() == {"files": 4, "reports": 4}
    assert _integrity(out / "govaudit.sqlite") == "ok"


def _kill_when(folder: Path, out: Path, ready) -> None:
    """Start a batch, SIGKILL it as soon as ``ready(out)`` holds (or when it ends), then check
    that no worker is left and a rerun finishes every file."""
    from test_batch import _alive, _children

    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "batch", str(folder), "-o", str(out), "-j", "1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and not ready(out):
        time.sleep(0.01)
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in workers if _alive(p)]
    res = run_cli("batch", str(folder), "-o", str(out), "-q")
    assert res.returncode == 0, res.stderr
    assert f"{len(list(folder.glob('*.pdf')))} ok" in res.stdout
    assert (out / "summary.csv").is_file() and (out / "report.html").is_file()
    assert _integrity(out / "govaudit.sqlite") == "ok"


def _n_reports(out: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{out / 'govaudit.sqlite'}?mode=ro", uri=True)
        try:
            return con.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("point", ["starting", "exporting"])
def test_sigkill_at_other_points_loses_nothing(tmp_path, point):
    """tests/test_batch.py kills a batch after its first stored report; here: while it starts
    (workers warming up, the store just created) and while it writes the exports."""
    folder = _folder(tmp_path / "in", 3)
    out = tmp_path / "out"
    if point == "starting":
        _kill_when(folder, out, lambda o: (o / "govaudit.sqlite").exists())
    else:
        _kill_when(folder, out, lambda o: _n_reports(o) == 3 or (o / "summary.csv").exists())
