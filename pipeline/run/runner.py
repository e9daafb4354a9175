"""Batch a folder of PDFs into the store, in worker processes or on a Dask cluster.

    from pipeline import batch
    summary = batch("reports/", out="output", jobs=4)
    summary.exit_code, summary.by_status, summary.reports   # reports: one dict per input file

How it runs:

- Every ``*.pdf`` under the folder (any case; hidden folders skipped) is hashed in the parent;
  the sha256 is the key of the store. A sha256 already in the store with a final status is
  skipped (``timeout`` and ``crashed`` are retried by a rerun); a file whose bytes changed has a
  new sha256 and is redone. Two names with the same bytes are processed once and both recorded.
- Locally, ``jobs`` long-lived worker processes (spawned, so nothing of the parent is shared)
  each audit one file at a time and send back the report JSON. The parent alone writes the
  store, one transaction per report, as results arrive: a batch killed with SIGKILL loses only
  the files in flight. A worker that dies (segfault, ``os._exit``, the OOM killer) costs only its
  file (status ``crashed``); one that runs past ``timeout`` seconds is killed (status ``timeout``);
  either is replaced by a fresh worker. Workers are also replaced every ``MAX_TASKS_PER_WORKER``
  files, so memory stays that of one document at a time.
- With ``dask_scheduler``, the same per-file work is submitted to a ``dask.distributed`` cluster;
  each task runs the file in a child process of the Dask worker (so a crash or a timeout costs
  that file only, not the Dask worker). The input paths must be readable by the workers.
- The exports and the HTML report are not this stage's job: :func:`pipeline.api.batch` (and the
  ``batch`` command) rewrite them from the store after the run, so this stage never imports the
  publishing stage above it.
"""
from __future__ import annotations

import hashlib
import os
import signal
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipeline import errors

DEFAULT_TIMEOUT = 120.0
MAX_TASKS_PER_WORKER = 25


class BatchError(Exception):
    """The batch as a whole cannot run (no such folder, Dask scheduler unreachable): one line."""


# ----------------------------------------------------------------------------- the work on one file

def process_file(path: str) -> dict:
    """Audit one PDF; never raises. Returns a picklable dict: sha256, status, message, pages,
    report_json (for ``ok``), seconds, peak_rss_mb."""
    start = time.perf_counter()
    result: dict = {"path": path}
    try:
        from pipeline.api import audit

        report = audit(path)
        result.update(sha256=report.source.sha256, status=errors.OK, message="", pages=report.source.pages,
                      report_json=report.model_dump_json())
    except errors.InputError as e:
        result.update(status=e.status, message=e.message)
    except MemoryError:
        result.update(status=errors.CRASHED, message=f"{path}: out of memory")
    except Exception as e:  # a bug of ours on this file: the batch goes on
        result.update(status=errors.CRASHED, message=f"{path}: internal error ({type(e).__name__}: {e})")
    result["message"] = " ".join(result["message"].split())[:500]
    result["seconds"] = round(time.perf_counter() - start, 3)
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def _peak_rss_mb() -> float | None:
    try:
        import resource
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux
    except Exception:
        return None


def _die_with_parent() -> None:
    """Linux: have the kernel kill this worker when the batch process dies (even by SIGKILL)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _worker_main(conn, work: Callable[[str], dict]) -> None:
    """A local worker: warm the imports, say ready, then one file per message until None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # one core per worker: -j sets the parallelism
    from pipeline import api
    from pipeline.extract import indicators as extractors
    from pipeline.read import ingest
    from pipeline.check import validate  # noqa: F401  (import once, not per file)
    from pipeline.extract.words import warm_up

    warm_up()  # jieba and the catalog, once per worker

    conn.send(("ready", None))
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        if path is None:
            return
        conn.send(("done", work(path)))


def run_isolated(path: str, timeout: float | None = DEFAULT_TIMEOUT) -> dict:
    """``process_file`` in a child process with a time limit: what a Dask task runs. A crash or a
    timeout of the child becomes the file's status; the calling process lives on."""
    import json
    import subprocess

    cmd = [sys.executable, "-m", "pipeline.run.runner", "--one", path]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"path": path, "status": errors.TIMEOUT, "message": f"{path}: still running after {timeout:g} s; "
                                                                   "stopped (raise --timeout to allow more)"}
    lines = proc.stdout.decode("utf-8", "replace").strip().splitlines()
    if proc.returncode == 0 and lines:
        try:
            return json.loads(lines[-1])
        except ValueError:
            pass
    return {"path": path, "status": errors.CRASHED, "message": _crash_message(path, proc.returncode)}


def _crash_message(path: str, exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"signal {-exitcode}"
    else:
        how = f"exit code {exitcode}"
    return f"{path}: the worker processing this file died ({how})"


# ----------------------------------------------------------------------------- finding the files

@dataclass
class InputFile:
    path: str  # absolute
    file: str  # display name: relative to the batch folder, '/' separated
    size: int | None = None
    sha256: str | None = None
    status: str | None = None  # set when the file cannot even be read for hashing
    message: str | None = None

    def row(self) -> dict:
        return {"path": self.path, "file": self.file, "sha256": self.sha256, "size": self.size,
                "status": self.status, "message": self.message}


def discover(folder: str | Path) -> list[InputFile]:
    """Every *.pdf (any case) under ``folder``, recursively, following symlinks, hidden folders
    skipped; a single PDF path stands for itself. Sorted by display name."""
    root = Path(folder)
    if root.is_file():
        return [InputFile(path=os.path.abspath(root), file=root.name)]
    found: list[InputFile] = []
    seen_dirs: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen_dirs:  # a symlink loop
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.lower().endswith(".pdf"):
                full = os.path.join(dirpath, name)
                if os.path.isdir(full):
                    continue
                found.append(InputFile(path=os.path.abspath(full),
                                       file=Path(os.path.relpath(full, root)).as_posix()))
    return sorted(found, key=lambda f: f.file)


def _hash(f: InputFile) -> InputFile:
    try:
        f.size = os.path.getsize(f.path)
        h = hashlib.sha256()
        with open(f.path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        f.sha256 = h.hexdigest()
    except FileNotFoundError:
        f.status, f.message = errors.MISSING, f"{f.path}: no such file (removed or a broken link)"
    except OSError as e:
        f.status, f.message = errors.MISSING, f"{f.path}: cannot be read ({e.strerror or type(e).__name__})"
    return f


# ----------------------------------------------------------------------------- the summary

@dataclass
class BatchSummary:
    """What a batch did. ``reports``: the store's rows, one per input file (see Store.list_reports)."""

    folder: str
    out: str
    files: int = 0  # input files found
    processed: int = 0  # distinct contents run in this batch
    skipped: int = 0  # distinct contents already in the store
    duplicates: int = 0  # files whose content another file of this batch also has
    forgotten: int = 0  # files of an earlier batch of this folder that are no longer there
    pages: int = 0  # pages processed in this batch
    seconds: float = 0.0
    by_status: Counter = field(default_factory=Counter)  # over all input files, from the store
    reports: list[dict] = field(default_factory=list)
    exports: dict[str, str] = field(default_factory=dict)  # export name -> path written
    notes: list[str] = field(default_factory=list)  # one-line warnings (e.g. an export that failed)

    @property
    def ok(self) -> int:
        return self.by_status.get(errors.OK, 0)

    @property
    def failed(self) -> int:
        return sum(n for s, n in self.by_status.items() if s != errors.OK)

    @property
    def exit_code(self) -> int:
        """0: every file ok; 1: at least one file failed (its status names the cause)."""
        return 1 if self.failed else 0

    def status_of(self, file: str) -> str | None:
        return next((r["status"] for r in self.reports if r["file"] == file), None)

    def __str__(self) -> str:
        causes = ", ".join(f"{s} {n}" for s, n in sorted(self.by_status.items()) if s != errors.OK)
        rate = f"{self.pages / self.seconds:.1f} pages/s" if self.seconds and self.pages else "-"
        return (f"{self.files} files: {self.ok} ok, {self.failed} failed" + (f" ({causes})" if causes else "")
                + f"; {self.processed} processed, {self.skipped} already in the store, {self.duplicates} duplicates"
                + (f", {self.forgotten} gone from the folder" if self.forgotten else "")
                + f"; {self.pages} pages in {self.seconds:.1f} s ({rate})")


# ----------------------------------------------------------------------------- progress

class Progress:
    """Files done, pages per second, failures so far: a rich bar on a terminal, log lines otherwise,
    nothing when ``enabled`` is false."""

    def __init__(self, total: int, enabled: bool, stream=None):
        self.total, self.enabled = total, enabled
        self.done = self.failed = self.pages = 0
        self.start = time.perf_counter()
        self.stream = stream or sys.stdout
        self.bar = None
        if enabled and total and getattr(self.stream, "isatty", lambda: False)():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, \
                TimeElapsedColumn

            self.bar = RichProgress(TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(),
                                    TextColumn("{task.fields[rate]}"), TextColumn("{task.fields[failed]}"),
                                    TimeElapsedColumn(), console=Console(file=self.stream), transient=False)
            self.task = self.bar.add_task("batch", total=total, rate="", failed="")
            self.bar.start()

    def rate(self) -> float:
        elapsed = time.perf_counter() - self.start
        return self.pages / elapsed if elapsed > 0 else 0.0

    def advance(self, file_names: list[str], result: dict) -> None:
        self.done += 1
        status = result["status"]
        if status != errors.OK:
            self.failed += 1
        self.pages += result.get("pages") or 0
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(self.task, advance=1, rate=f"{self.rate():.1f} pages/s",
                            failed=f"[red]{self.failed} failed" if self.failed else "0 failed")
            if status != errors.OK:
                self.bar.console.print(f"[red]{status}[/] {', '.join(file_names)}: {result.get('message', '')}",
                                       highlight=False, markup=True)
            return
        names = ", ".join(file_names)
        if status == errors.OK:
            what = f"ok {names} ({result.get('pages') or 0} pages, {result.get('seconds') or 0:.1f} s)"
        else:
            what = f"{status} {names}: {result.get('message', '')}"
        print(f"[{self.done}/{self.total}] {what} | {self.rate():.1f} pages/s, {self.failed} failed so far",
              file=self.stream, flush=True)

    def note(self, text: str) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.console.print(text, highlight=False, markup=False)
        else:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


# ----------------------------------------------------------------------------- local workers

class _Worker:
    def __init__(self, ctx, work):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, work), daemon=True, name="govaudit-worker")
        self.proc.start()
        child.close()
        self.ready = False
        self.task: str | None = None  # sha256 in progress
        self.path: str | None = None
        self.deadline = 0.0
        self.n_done = 0

    def send(self, sha: str, path: str, timeout: float | None) -> None:
        self.task, self.path = sha, path
        self.deadline = time.monotonic() + timeout if timeout else float("inf")
        self.conn.send(path)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.proc.kill()
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def _run_local(todo: list[tuple[str, str]], jobs: int, timeout: float | None, work, on_result) -> None:
    """Run ``work(path)`` for each (sha256, path) in ``jobs`` worker processes; ``on_result(sha, result)``
    in this process as each one ends."""
    import multiprocessing as mp
    from multiprocessing.connection import wait

    ctx = mp.get_context("spawn")
    queue = list(reversed(todo))
    workers = [_Worker(ctx, work) for _ in range(min(jobs, len(todo)))]
    try:
        while queue or any(w.task for w in workers):
            for w in workers:
                if w.ready and w.task is None and queue:
                    sha, path = queue.pop()
                    w.send(sha, path, timeout)
            busy = [w for w in workers if w.task]
            wait_for = min((w.deadline for w in busy), default=float("inf")) - time.monotonic()
            wait([x for w in workers for x in (w.conn, w.proc.sentinel)],
                 timeout=max(0.0, min(wait_for, 1.0)))
            for i, w in enumerate(workers):
                replace = False
                try:
                    message = w.conn.recv() if w.conn.poll() else None
                except (EOFError, OSError):
                    message, replace = None, True
                if message is not None:
                    kind, result = message
                    if kind == "ready":
                        w.ready = True
                    else:
                        sha, w.task = w.task, None
                        w.n_done += 1
                        on_result(sha, result)
                        if w.n_done >= MAX_TASKS_PER_WORKER and queue:
                            w.stop()
                            workers[i] = _Worker(ctx, work)
                    continue
                if replace or not w.proc.is_alive():
                    w.proc.join(1)
                    if w.task:
                        on_result(w.task, {"path": w.path, "status": errors.CRASHED,
                                           "message": _crash_message(w.path, w.proc.exitcode)})
                    elif not w.ready:
                        raise BatchError(f"a batch worker failed to start (exit code {w.proc.exitcode}); a script "
                                         "that calls batch() needs it under `if __name__ == '__main__':`")
                    w.task = None
                    w.stop(kill=True)
                    workers[i] = _Worker(ctx, work)
                elif w.task and time.monotonic() > w.deadline:
                    on_result(w.task, {"path": w.path, "status": errors.TIMEOUT,
                                       "message": f"{w.path}: still running after {timeout:g} s; stopped "
                                                  "(raise --timeout to allow more)"})
                    w.task = None
                    w.stop(kill=True)
                    workers[i] = _Worker(ctx, work)
    finally:
        for w in workers:
            w.stop(kill=bool(w.task))


# ----------------------------------------------------------------------------- Dask

def _run_dask(todo: list[tuple[str, str]], address: str, timeout: float | None, on_result) -> None:
    """Submit ``run_isolated`` per file to the Dask scheduler at ``address``; results come back here."""
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - dask[distributed] is a dependency
        raise BatchError("--dask-scheduler needs dask.distributed (pip install 'dask[distributed]')")
    try:
        import dask

        # how long to keep trying: dask's own setting (DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT)
        client = Client(address, timeout=dask.config.get("distributed.comm.timeouts.connect"))
    except Exception as e:
        raise BatchError(f"cannot reach the Dask scheduler at {address} ({type(e).__name__}: {e})")
    try:
        futures = {}
        for sha, path in todo:
            fut = client.submit(run_isolated, path, timeout, pure=False, key=f"govaudit-{sha[:16]}-{os.urandom(4).hex()}")
            futures[fut] = (sha, path)
        for fut in as_completed(futures):
            sha, path = futures[fut]
            try:
                result = fut.result()
            except Exception as e:  # the Dask worker itself was lost, or the task could not run
                result = {"path": path, "status": errors.CRASHED,
                          "message": f"{path}: Dask task failed ({type(e).__name__}: {e})"}
            on_result(sha, result)
            fut.release()
    finally:
        client.close()


# ----------------------------------------------------------------------------- the batch

def batch(dir: str | Path, out: str | Path = "output", jobs: int | None = None, timeout: float | None = DEFAULT_TIMEOUT,
          dask_scheduler: str | None = None, *, progress: bool = False,
          work: Callable[[str], dict] | None = None) -> BatchSummary:
    """Audit every PDF under ``dir`` into the store in ``out`` (the exports are the caller's job).

    ``jobs``: worker processes (default: all cores); ``timeout``: seconds per file (None: no limit);
    ``dask_scheduler``: address of a dask.distributed scheduler to run the files on instead;
    ``progress``: show progress on stdout; ``work``: the per-file function (default
    :func:`process_file`; must be importable by the workers; local runs only).
    Raises BatchError when ``dir`` does not exist or the Dask scheduler cannot be reached."""
    from pipeline.run.store import Store

    folder = Path(dir)
    if not folder.exists():
        raise BatchError(f"{folder}: no such folder")
    out = Path(out)
    jobs = max(1, jobs or os.cpu_count() or 1)
    started = time.perf_counter()
    summary = BatchSummary(folder=str(folder), out=str(out))

    found = discover(folder)
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(_hash, found))
    summary.files = len(found)

    with Store.open(out) as store:
        if folder.is_dir():  # files deleted or renamed since the last batch of this folder leave the store
            summary.forgotten = store.forget_missing(os.path.abspath(folder), {f.path for f in found},
                                                     {f.sha256 for f in found if f.sha256})
        done = store.done_shas()
        by_sha: dict[str, list[InputFile]] = {}
        for f in found:
            if f.sha256:
                by_sha.setdefault(f.sha256, []).append(f)
        summary.duplicates = sum(len(fs) - 1 for fs in by_sha.values())
        # known contents and unreadable files are recorded at once; the rest when their result lands
        store.add_files([f.row() for f in found if f.sha256 is None or f.sha256 in done])
        pending = {sha: fs for sha, fs in by_sha.items() if sha not in done}
        summary.skipped = len(by_sha) - len(pending)
        # biggest first: a long file started last would leave the other workers idle at the end
        todo = [(sha, fs[0].path) for sha, fs in sorted(pending.items(), key=lambda kv: -(kv[1][0].size or 0))]

        bar = Progress(len(todo), progress)
        if progress and summary.skipped:
            bar.note(f"{summary.skipped} of {len(by_sha)} distinct files already in {out / 'govaudit.sqlite'}; "
                     "skipped")

        def on_result(sha: str, result: dict) -> None:
            result = dict(result, sha256=sha)
            store.record(result, [f.row() for f in pending[sha]])
            summary.processed += 1
            summary.pages += result.get("pages") or 0
            bar.advance([f.file for f in pending[sha]], result)

        try:
            if todo and dask_scheduler:
                _run_dask(todo, dask_scheduler, timeout, on_result)
            elif todo:
                _run_local(todo, jobs, timeout, work or process_file, on_result)
        finally:
            bar.close()
        paths = {f.path for f in found}
        summary.reports = [r for r in store.list_reports() if r["path"] in paths]
    summary.by_status = Counter(r["status"] for r in summary.reports)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def _main_one(path: str) -> None:
    """``python -m pipeline.run.runner --one PDF``: process_file as one JSON line on stdout (run_isolated)."""
    import json

    _die_with_parent()
    result = process_file(path)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        _main_one(sys.argv[2])
    else:
        sys.exit("usage: python -m pipeline.run.runner --one PDF")
