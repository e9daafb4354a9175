"""The folder job: store, resume, exports, bad input, crashes, timeouts, Dask.

One batch over samples + the real corpus + broken files is shared by most tests (module fixture).
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from badfiles import make_bad_files
from conftest import LONGHUA, REAL_FILES, ROOT, YANTIAN, require, run_cli

BASE_COLUMNS = ["file", "sha256", "status", "province", "city", "district", "department", "year", "report_type",
                "pages", "n_errors", "n_warnings"]


def _link(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(require(src), dst)
    return dst


def _copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(require(src), dst)
    return dst


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The batch folder and the expected status of every file in it (display name -> status)."""
    root = tmp_path_factory.mktemp("corpus")
    expected = {}
    for p in (YANTIAN, LONGHUA):
        _copy(p, root / "samples" / p.name)
        expected[f"samples/{p.name}"] = "ok"
    _copy(YANTIAN, root / "dup" / YANTIAN.name)  # same bytes, same stem, another folder
    expected[f"dup/{YANTIAN.name}"] = "ok"
    for i, p in enumerate(sorted(REAL_FILES.values())):
        name = p.name if i else p.stem + ".PDF"  # the extension in any case
        _link(p, root / "real" / name)
        expected[f"real/{name}"] = "ok"
    for name, (_, status) in make_bad_files(root / "broken").items():
        expected[f"broken/{name}"] = status
    (root / "broken" / "notes.txt").write_text("not a .pdf name: never looked at")
    (root / ".hidden").mkdir()
    shutil.copyfile(root / "broken" / "not_a_pdf.pdf", root / ".hidden" / "skipped.pdf")
    return root, expected


@pytest.fixture(scope="module")
def first_run(corpus, tmp_path_factory):
    from pipeline import batch

    folder, _ = corpus
    out = tmp_path_factory.mktemp("out")
    summary = batch(folder, out=out, jobs=2, timeout=120)
    return out, summary


def _store_rows(out: Path) -> list[dict]:
    from pipeline.run.store import Store

    with Store.open(out) as store:
        return store.list_reports()


def _n_reports(out: Path) -> int:
    db = sqlite3.connect(out / "govaudit.sqlite")
    try:
        return db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    finally:
        db.close()


# ----------------------------------------------------------------------------- statuses, duplicates, rerun

def test_every_file_gets_its_status(corpus, first_run):
    _, expected = corpus
    out, summary = first_run
    got = {r["file"]: r["status"] for r in _store_rows(out)}
    assert got == expected
    assert {r["file"]: r["status"] for r in summary.reports} == expected
    failed = [r for r in summary.reports if r["status"] != "ok"]
    assert failed and all(r["message"] and "\n" not in r["message"] for r in failed)
    assert summary.exit_code == 1 and summary.failed == len(failed)
    assert summary.by_status["ok"] == 7 and summary.by_status["empty"] == 2


def test_duplicates_processed_once_recorded_under_both_names(corpus, first_run):
    out, summary = first_run
    rows = {r["file"]: r for r in _store_rows(out)}
    a, b = rows[f"samples/{YANTIAN.name}"], rows[f"dup/{YANTIAN.name}"]
    assert a["sha256"] == b["sha256"] and a["path"] != b["path"] and a["pages"] == 30
    assert summary.duplicates == 1
    assert summary.processed == len(corpus[1]) - 1 == _n_reports(out)


def test_rerun_processes_nothing_and_exit_code_says_failed(corpus, first_run):
    folder, expected = corpus
    out, _ = first_run
    before = _store_rows(out)
    result = run_cli("batch", str(folder), "-o", str(out))
    assert result.returncode == 1, result.stderr  # broken files in the folder
    assert f"{len(expected)} files:" in result.stdout and "0 processed" in result.stdout
    assert _store_rows(out) == before


def test_changed_file_is_redone_renamed_file_is_not(tmp_path):
    """A file whose bytes change gets its new result; the old content's report is forgotten.
    A renamed file keeps its result under the new name only."""
    from pipeline import batch
    from pipeline.run.store import Store

    bad = make_bad_files(tmp_path / "make")
    folder = tmp_path / "in"
    folder.mkdir()
    target = folder / "report.pdf"
    shutil.copyfile(bad["not_a_pdf.pdf"][0], target)
    out = tmp_path / "out"
    assert batch(folder, out=out, jobs=1).status_of("report.pdf") == "not_pdf"
    shutil.copyfile(bad["scanned.pdf"][0], target)
    second = batch(folder, out=out, jobs=1)
    assert second.processed == 1 and second.status_of("report.pdf") == "no_text"
    with Store.open(out) as store:
        assert store.counts() == {"files": 1, "reports": 1}
    target.rename(folder / "renamed.pdf")
    third = batch(folder, out=out, jobs=1)
    assert third.processed == 0 and third.forgotten == 1
    assert [(r["file"], r["status"]) for r in third.reports] == [("renamed.pdf", "no_text")]
    with Store.open(out) as store:
        assert [r["file"] for r in store.list_reports()] == ["renamed.pdf"]


# ----------------------------------------------------------------------------- exports

@pytest.fixture(scope="module")
def summary_csv(first_run):
    import pandas as pd

    out, _ = first_run
    return pd.read_csv(out / "summary.csv", encoding="utf-8-sig")


def test_summary_csv_values(summary_csv, first_run):
    from pipeline.extract.catalog import catalog

    df = summary_csv.set_index("file", drop=False)
    keys = list(catalog().entries)
    # contested keys get a companion column "<key>_other_values" right after theirs
    assert [c for c in df.columns if not c.endswith("_other_values")] == BASE_COLUMNS + keys + ["message"]
    assert (first_run[0] / "summary.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel

    # one row per distinct report: the copy under dup/ is listed with it
    yantian = df.loc[f"dup/{YANTIAN.name}; samples/{YANTIAN.name}"]
    assert (yantian.district, yantian.year, yantian.status) == ("盐田区", 2023, "ok")
    assert yantian.report_type == "performance_self_evaluation" and yantian.pages == 30
    # mentioned twice (26.67 and 29.03): summary takes the first mention in document order
    assert yantian.contract_staff_control_rate == pytest.approx(26.67)
    longhua = df.loc[f"samples/{LONGHUA.name}"]
    assert (longhua.district, longhua.year) == ("龙华区", 2019)
    assert longhua.total_score == pytest.approx(97.89)
    assert yantian.contract_staff_control_rate_other_values == "29.03%" and yantian.city == "深圳市"

    putuo = df[df.file.str.startswith("real/")]
    assert len(putuo) == 4 and set(putuo.district) == {"普陀区"} and set(putuo.status) == {"ok"}
    broken = df.loc["broken/encrypted.pdf"]
    assert broken.status == "encrypted" and "encrypted" in broken.message and pd_isna(broken.district)
    assert df.loc["broken/truncated.pdf"].status == "damaged"


def pd_isna(v) -> bool:
    import pandas as pd
    return bool(pd.isna(v))


def test_indicators_and_findings_csv(summary_csv, first_run):
    import pandas as pd

    out, _ = first_run
    ind = pd.read_csv(out / "indicators.csv", encoding="utf-8-sig")
    fin = pd.read_csv(out / "findings.csv", encoding="utf-8-sig")
    assert list(ind.columns[:11]) == ["file", "province", "city", "district", "department", "year", "report_type",
                                      "key", "value", "unit", "raw_text"]
    assert list(fin.columns[:3]) == ["编号", "城市/省", "区"] and "差异率" in fin.columns
    yantian = ind[ind.file == f"dup/{YANTIAN.name}; samples/{YANTIAN.name}"]
    rates = yantian[yantian.key == "contract_staff_control_rate"]
    assert list(rates.value) == [26.67, 29.03] and set(rates.unit) == {"%"}
    assert (yantian.page.diff().dropna() >= 0).all()  # document order
    # one findings row per problem of each report, as counted in the summary
    per_file = fin.groupby("文件").size()
    ok = summary_csv[summary_csv.status == "ok"]
    assert ok.n_errors.sum() + ok.n_warnings.sum() == len(fin) > 0
    for _, row in ok.iterrows():
        assert per_file.get(row.file, 0) == row.n_errors + row.n_warnings
    assert (fin["页码"] >= 1).all()


def test_xlsx_sheets_headers_numbers(first_run, summary_csv):
    from openpyxl import load_workbook

    out, _ = first_run
    wb = load_workbook(out / "govaudit.xlsx", read_only=False)
    assert wb.sheetnames == ["汇总", "指标", "问题清单", "列说明"]
    ws = wb["汇总"]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["文件", "SHA-256", "状态", "省", "城市", "区"] and "编外人员控制率（%）" in header
    assert ws.freeze_panes == "B2" and wb["指标"].freeze_panes == "A2"
    assert ws.max_row == len(summary_csv) + 1
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    longhua = rows[f"samples/{LONGHUA.name}"]
    assert longhua["年度"] == 2019 and isinstance(longhua["年度"], int)
    assert isinstance(longhua["自评得分（分）"], float) and longhua["自评得分（分）"] == pytest.approx(97.89)
    assert rows["broken/empty.pdf"]["状态"] == "空文件" and rows["broken/empty.pdf"]["年度"] is None
    ind_header = [c.value for c in wb["指标"][1]]
    values = [r[ind_header.index("数值")] for r in wb["指标"].iter_rows(min_row=2, values_only=True)]
    assert values and all(isinstance(v, (int, float)) for v in values)


def test_parquet_matches_csv(first_run, summary_csv):
    import pandas as pd

    out, _ = first_run
    pq = pd.read_parquet(out / "summary.parquet")
    assert list(pq.columns) == list(summary_csv.columns) and len(pq) == len(summary_csv)
    assert str(pq.year.dtype) == "Int64" and pq.total_score.dtype == "float64"
    assert pq.set_index("file").total_score.dropna().to_dict() == \
        pytest.approx(summary_csv.set_index("file").total_score.dropna().to_dict())
    assert len(pd.read_parquet(out / "findings.parquet")) == len(pd.read_csv(out / "findings.csv"))


def test_report_json_per_file_with_distinct_names(first_run):
    from pipeline.schema import Report

    out, _ = first_run
    names = sorted(p.name for p in (out / "reports").glob("*.json"))
    assert "samples__yantian_2023.json" in names and "dup__yantian_2023.json" in names  # one stem, two files
    assert "longhua_2019.json" in names and len(names) == 7  # every ok file, no failed one
    report = Report.model_validate_json((out / "reports" / "longhua_2019.json").read_text(encoding="utf-8"))
    assert report.issuer.district == "龙华区" and report.total_score == pytest.approx(97.89)
    assert report.checks and report.findings == [f for f in report.findings if f.evidence]


def test_export_command(first_run, tmp_path):
    out, _ = first_run
    (out / "summary.csv").unlink()
    result = run_cli("export", str(out), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert (out / "summary.csv").exists() and "summary.csv" in result.stdout and "xlsx" not in result.stdout
    result = run_cli("export", str(out), "--format", "xlsx", "--format", "parquet")
    assert result.returncode == 0 and "govaudit.xlsx" in result.stdout and "summary.parquet" in result.stdout
    result = run_cli("export", str(tmp_path / "nothing"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "govaudit batch" in result.stderr


def test_batch_bad_folder_one_line(tmp_path):
    result = run_cli("batch", str(tmp_path / "missing"), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "no such folder" in result.stderr
    help_text = run_cli("batch", "--help").stdout
    assert "Exit status" in help_text and "--timeout" in help_text and "--dask-scheduler" in help_text


# ----------------------------------------------------------------------------- kill, crash, timeout

def test_killed_batch_resumes_and_loses_nothing(tmp_path):
    from pipeline import batch

    folder = tmp_path / "in"
    files = [_link(p, folder / p.name) for p in (*REAL_FILES.values(), YANTIAN, LONGHUA)]
    bad = make_bad_files(tmp_path / "bad")
    shutil.copyfile(bad["not_a_pdf.pdf"][0], folder / "not_a_pdf.pdf")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "batch", str(folder), "-o", str(out), "-j", "1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    done_before = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / "govaudit.sqlite").exists():
            try:
                done_before = _n_reports(out)
            except sqlite3.OperationalError:  # the table is being created
                done_before = 0
            if done_before:
                break
        time.sleep(0.05)
    assert proc.poll() is None, f"batch ended before it could be killed: {proc.stderr.read().decode()}"
    workers = _children(proc.pid)
    assert workers  # the worker process(es), and multiprocessing's resource tracker
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10  # no orphan is left running
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)]
    done_before = _n_reports(out)
    assert 1 <= done_before < len(files) + 1

    resumed = batch(folder, out=out, jobs=1)
    assert resumed.skipped == done_before and resumed.processed == len(files) + 1 - done_before
    rows = _store_rows(out)
    assert sorted(r["file"] for r in rows) == sorted(p.name for p in folder.iterdir())  # each exactly once
    assert _n_reports(out) == len(files) + 1
    assert {r["file"]: r["status"] for r in rows} == {**{p.name: "ok" for p in files}, "not_a_pdf.pdf": "not_pdf"}
    assert batch(folder, out=out, jobs=1).processed == 0


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def crash_on_boom(path: str) -> dict:
    """A per-file function whose worker dies on files named boom*: what a segfault looks like."""
    if Path(path).name.startswith("boom"):
        os._exit(7)
    from pipeline.run.runner import process_file
    return process_file(path)


def test_worker_crash_costs_only_that_file(tmp_path):
    from pipeline import batch

    bad = make_bad_files(tmp_path / "make")
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(bad["encrypted.pdf"][0], folder / "boom.pdf")
    shutil.copyfile(bad["not_a_pdf.pdf"][0], folder / "after.pdf")
    shutil.copyfile(bad["scanned.pdf"][0], folder / "zz_scanned.pdf")
    out = tmp_path / "out"
    summary = batch(folder, out=out, jobs=1, work=crash_on_boom, exports=False)
    statuses = {r["file"]: r["status"] for r in summary.reports}
    assert statuses == {"boom.pdf": "crashed", "after.pdf": "not_pdf", "zz_scanned.pdf": "no_text"}
    message = next(r["message"] for r in summary.reports if r["file"] == "boom.pdf")
    assert "died" in message and "exit code 7" in message
    # a crash may be the machine's fault: a rerun retries it (and only it)
    again = batch(folder, out=out, jobs=1)
    assert again.processed == 1 and again.status_of("boom.pdf") == "encrypted"


def slow_on_slow(path: str) -> dict:
    """A per-file function that hangs on files named slow*: a file that never ends (a real report
    is now read in well under the timeout this test can afford to wait for)."""
    if Path(path).name.startswith("slow"):
        time.sleep(60)
    from pipeline.run.runner import process_file
    return process_file(path)


def test_file_past_timeout_is_stopped(tmp_path):
    from pipeline import batch

    folder = tmp_path / "in"
    _link(LONGHUA, folder / "slow.pdf")
    bad = make_bad_files(tmp_path / "make")
    shutil.copyfile(bad["empty.pdf"][0], folder / "empty.pdf")
    start = time.monotonic()
    summary = batch(folder, out=tmp_path / "out", jobs=1, timeout=0.3, exports=False, work=slow_on_slow)
    assert summary.status_of("slow.pdf") == "timeout" and summary.status_of("empty.pdf") == "empty"
    assert "--timeout" in next(r["message"] for r in summary.reports if r["file"] == "slow.pdf")
    assert time.monotonic() - start < 30


def tell_pid(path: str) -> dict:
    """process_file, with the worker's pid in the message."""
    from pipeline.run.runner import process_file
    return dict(process_file(path), message=f"pid {os.getpid()}")


def test_workers_are_renewed_every_max_tasks_files(tmp_path, monkeypatch):
    """Every MAX_TASKS_PER_WORKER files a worker is replaced (its memory back to one document's),
    also now that a worker is sent its next file before the parent writes the last one's result."""
    from pipeline.run import runner

    monkeypatch.setattr(runner, "MAX_TASKS_PER_WORKER", 2)
    folder = tmp_path / "in"
    for i in range(5):
        (folder / f"f{i}.pdf").parent.mkdir(exist_ok=True)
        (folder / f"f{i}.pdf").write_bytes(b"not a pdf %d" % i)
    summary = runner.batch(folder, out=tmp_path / "out", jobs=1, work=tell_pid)
    pids = [r["message"] for r in summary.reports]
    assert len(pids) == 5 and {r["status"] for r in summary.reports} == {"not_pdf"}
    # 5 files, 2 a worker: three workers, one of which had only the last file
    assert sorted(pids.count(p) for p in set(pids)) == [1, 2, 2]


def test_isolated_run_timeout_and_result():
    """What a Dask task runs: the file in a child process, with the time limit enforced."""
    from pipeline.run.runner import run_isolated

    assert run_isolated(str(LONGHUA), timeout=0.2)["status"] == "timeout"
    bad = run_isolated(str(ROOT / "pyproject.toml"), timeout=60)
    assert bad["status"] == "not_pdf" and "pyproject.toml" in bad["message"]


# ----------------------------------------------------------------------------- Dask

def pd_read(path):
    import pandas as pd

    return pd.read_csv(path, encoding="utf-8-sig")


def test_dask_scheduler_same_results(tmp_path, first_run, corpus):
    from distributed import LocalCluster

    folder, expected = corpus
    sub = tmp_path / "in"
    _link(LONGHUA, sub / "samples" / LONGHUA.name)
    _link(REAL_FILES["shehuigongzuobu"], sub / "real" / REAL_FILES["shehuigongzuobu"].name)
    for name in ("not_a_pdf.pdf", "encrypted.pdf", "empty.pdf"):
        _link(folder / "broken" / name, sub / "broken" / name)
    # one department's budgets of two years: the cross-report checks run the same on Dask
    wanli_2024 = REAL_FILES["wanlijiedao"].with_name("sh-putuo_wanlijiedao_2024_bumen-yusuan.pdf")
    _link(REAL_FILES["wanlijiedao"], sub / "pair" / REAL_FILES["wanlijiedao"].name)
    _link(wanli_2024, sub / "pair" / wanli_2024.name)
    expected = {**expected, f"pair/{REAL_FILES['wanlijiedao'].name}": "ok", f"pair/{wanli_2024.name}": "ok"}
    out = tmp_path / "out"
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        result = run_cli("batch", str(sub), "-o", str(out), "--dask-scheduler", cluster.scheduler_address)
    assert result.returncode == 1, result.stderr
    dask_rows = {r["file"]: r for r in _store_rows(out)}
    local_rows = {r["file"]: r for r in _store_rows(first_run[0])}
    assert set(dask_rows) == {p.relative_to(sub).as_posix() for p in sub.rglob("*.pdf")}
    for name, row in dask_rows.items():
        assert row["status"] == expected[name]
        if name.startswith("pair/"):
            continue
        for key in ("sha256", "status", "pages", "district", "year", "total_score", "n_errors", "n_warnings"):
            assert row[key] == local_rows[name][key], (name, key)
    cross = pd_read(out / "cross_checks.csv")
    assert len(cross) >= 5 and set(cross["status"]) == {"pass"}, cross[["rule", "status"]]
    import pandas as pd
    df = pd.read_csv(out / "summary.csv", encoding="utf-8-sig").set_index("file")
    assert df.loc[f"samples/{LONGHUA.name}", "total_score"] == pytest.approx(97.89)


def test_workers_start_while_hashing_only_for_files_that_look_new(tmp_path, monkeypatch):
    """Workers are started before the hashing when a file's path and size have no final result in
    the store; a rerun with nothing new starts none (it would only kill them)."""
    from pipeline.run import runner

    asked: list[int] = []
    real = runner._start_workers
    monkeypatch.setattr(runner, "_start_workers", lambda n, work: asked.append(n) or real(n, work))
    folder = tmp_path / "in"
    _copy(LONGHUA, folder / "a.pdf")
    _link(YANTIAN, folder / "b.pdf")
    out = tmp_path / "out"
    assert runner.batch(folder, out=out, jobs=2).ok == 2
    assert runner.batch(folder, out=out, jobs=2).skipped == 2
    shutil.copy(YANTIAN, folder / "a.pdf")  # same path, other bytes (and size)
    third = runner.batch(folder, out=out, jobs=2)
    assert asked == [2, 0, 1]
    assert (third.processed, third.skipped, third.duplicates) == (0, 1, 1)


def test_dask_workers_take_the_batch_ocr_mode_and_cache(tmp_path):
    """A Dask worker does not share the batch's environment: the OCR mode (--ocr) and the page
    cache in OUT travel with each task. A one-page scan is no_text under --ocr never and read
    (its page cached in OUT/ocr_cache.sqlite) under auto, on the same cluster."""
    from distributed import LocalCluster

    from scans import scan_pdf

    sub = tmp_path / "in"
    sub.mkdir()
    scan_pdf(LONGHUA, sub / "scan.pdf", dpi=150, pages=[1])
    outs = {mode: tmp_path / f"out-{mode}" for mode in ("never", "auto")}
    env_before = {k: os.environ.get(k) for k in ("GOVAUDIT_OCR", "GOVAUDIT_OCR_CACHE")}
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        for mode, out in outs.items():
            result = run_cli("batch", str(sub), "-o", str(out), "--ocr", mode, "--dask-scheduler",
                             cluster.scheduler_address)
            assert result.returncode in (0, 1), result.stderr
    assert {k: os.environ.get(k) for k in env_before} == env_before
    assert [r["status"] for r in _store_rows(outs["never"])] == ["no_text"]
    assert [r["status"] for r in _store_rows(outs["auto"])] == ["ok"]
    assert not (outs["never"] / "ocr_cache.sqlite").exists()
    with sqlite3.connect(outs["auto"] / "ocr_cache.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM ocr_pages").fetchone()[0] == 1


def test_dask_scheduler_unreachable_one_line(tmp_path):
    folder = tmp_path / "in"
    _link(LONGHUA, folder / "a.pdf")
    env = dict(os.environ, DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="2s")
    result = subprocess.run([sys.executable, "-m", "pipeline", "batch", str(folder), "-o", str(tmp_path / "out"),
                             "--dask-scheduler", "tcp://127.0.0.1:9"], capture_output=True, text=True, env=env,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Dask scheduler" in result.stderr


def test_api_names_are_the_functions():
    # importing the stages must not shadow the API functions of the same package
    import pipeline.api, pipeline.extract.indicators, pipeline.run.runner, pipeline.check.validate  # noqa: F401,E401
    from pipeline import audit, batch, extract

    assert callable(batch) and batch.__name__ == "batch" and batch.__module__ == "pipeline.api"
    assert extract.__module__ == audit.__module__ == "pipeline.api"
