"""Batch a folder of PDFs into the store, in worker processes or on a Dask cluster.

    from pipeline import batch
    summary = batch("reports/", out="output", jobs=4)
    summary.exit_code, summary.by_status, summary.reports   # reports: one dict per input file

How it runs:

- Every ``*.pdf`` under the folder (any case; hidden folders skipped) that is a regular file is
  hashed in the parent, under the per-file timeout (a FIFO, socket or device, also behind a
  symlink, gets ``not_regular`` and is never read);
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
- Each worker runs under the limits of :mod:`pipeline.limits` (address space per worker,
  characters per page and document, report size): a file over one gets ``too_large`` with the
  figure, or a note in its report for what was left unread; the store never receives a row it
  cannot hold, and a row that cannot be written marks that file, not the batch.
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
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipeline import errors
from pipeline.errors import printable

DEFAULT_TIMEOUT = 120.0
MAX_TASKS_PER_WORKER = 25


class BatchError(Exception):
    """The batch as a whole cannot run (no such folder, Dask scheduler unreachable): one line."""


# ----------------------------------------------------------------------------- the work on one file

def process_file(path: str) -> dict:
    """Audit one PDF; never raises. Returns a picklable dict: sha256, status, message, pages,
    report_json (for ``ok``), seconds, peak_rss_mb."""
    from pipeline.limits import current, over_memory_message

    start = time.perf_counter()
    result: dict = {"path": path}
    try:
        from pipeline.api import audit

        report = audit(path, **ocr_options())
        text = report.model_dump_json()
        limit = current().report_mb
        if len(text) > limit << 20:  # the store never receives a row it cannot hold
            raise errors.InputError(errors.TOO_LARGE, f"{path}: its report would take {len(text) / 2**20:,.0f} MB, "
                                                      f"over the limit of {limit} MB (--max-report-mb); not stored")
        result.update(sha256=report.source.sha256, status=errors.OK, message="", pages=report.source.pages,
                      report_json=text, ocr_pages=len(report.source.ocr_pages))
    except errors.InputError as e:
        result.update(status=e.status, message=e.message)
    except MemoryError:
        result.pop("report_json", None)
        result.update(status=errors.TOO_LARGE, message=over_memory_message(path))
    except Exception as e:  # a bug of ours on this file: the batch goes on
        from pipeline.limits import out_of_memory

        if out_of_memory(e):  # a library that could not be mapped within the limit
            result.pop("report_json", None)
            result.update(status=errors.TOO_LARGE, message=over_memory_message(path))
        else:
            result.update(status=errors.CRASHED, message=f"{path}: internal error ({type(e).__name__}: {e})")
    result["message"] = " ".join(result["message"].split())[:500]
    result["seconds"] = round(time.perf_counter() - start, 3)
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


_OCR_CACHES: dict[str, object] = {}


def ocr_options() -> dict:
    """The OCR page cache for this process, from the environment the batch set before starting its
    workers (``GOVAUDIT_OCR_CACHE``: the OUT folder whose ocr_cache.sqlite keeps the pages already
    read; the mode, ``GOVAUDIT_OCR``, is read by ingestion itself). One cache object per process."""
    options: dict = {}
    folder = os.environ.get("GOVAUDIT_OCR_CACHE")
    if folder and os.path.isdir(folder):  # a Dask worker on a machine that does not see OUT: no cache
        if folder not in _OCR_CACHES:
            from pipeline.run.store import OcrPageCache
            _OCR_CACHES[folder] = OcrPageCache(folder)
        options["ocr_cache"] = _OCR_CACHES[folder]
    return options


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
    from pipeline.limits import cap_memory

    from pipeline import api
    from pipeline.extract import indicators as extractors
    from pipeline.read import ingest
    from pipeline.check import validate  # noqa: F401  (import once, not per file)
    from pipeline.extract.words import warm_up

    warm_up()  # jieba and the catalog, once per worker
    cap_memory()  # --max-memory (from the environment the worker was started with)

    conn.send(("ready", None))
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        if path is None:
            return
        conn.send(("done", work(path)))


# what a batch's workers take from its environment besides the limits: the OCR mode and the OUT
# folder holding the OCR page cache
SETTINGS = ("GOVAUDIT_OCR", "GOVAUDIT_OCR_CACHE")


def batch_settings() -> dict[str, str]:
    """This process's batch settings (:data:`SETTINGS`), to hand to workers that do not share its
    environment (a Dask worker on another machine or started before the batch)."""
    return {k: os.environ[k] for k in SETTINGS if os.environ.get(k)}


def run_isolated(path: str, timeout: float | None = DEFAULT_TIMEOUT, limits=None,
                 settings: dict[str, str] | None = None) -> dict:
    """``process_file`` in a child process with a time limit: what a Dask task runs. A crash or a
    timeout of the child becomes the file's status; the calling process lives on. ``limits`` and
    ``settings`` (:func:`batch_settings`) are the batch's, sent with the task: the Dask worker's
    own environment is not the batch's."""
    import json
    import subprocess

    from pipeline.limits import current

    limits = limits or current()
    cmd = [sys.executable, "-m", "pipeline.run.runner", "--one", path]
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env.update(limits.env(), **(settings or {}))
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"path": path, "status": errors.TIMEOUT, "message": f"{path}: still running after {timeout:g} s; "
                                                                   "stopped (raise --timeout to allow more)"}
    lines = proc.stdout.decode("utf-8", "replace").strip().splitlines()
    if proc.returncode == 0 and lines:
        try:
            return json.loads(lines[-1])
        except ValueError:
            pass
    return _died(path, proc.returncode)


def _died(path: str, exitcode: int | None) -> dict:
    """The result of a file whose worker died: ``too_large`` when it aborted (out of its memory
    limit, see pipeline.limits.died_of_memory), else ``crashed`` (retried by a rerun)."""
    from pipeline.limits import died_of_memory, over_memory_message

    if exitcode is not None and exitcode < 0 and died_of_memory(-exitcode):
        return {"path": path, "status": errors.TOO_LARGE,
                "message": over_memory_message(path) + f" (the worker aborted: signal {-exitcode})"}
    return {"path": path, "status": errors.CRASHED, "message": _crash_message(path, exitcode)}


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


def _hash(f: InputFile) -> dict:
    """size and sha256 of a regular file, or status and message: a FIFO, socket or device (also
    behind a symlink) is refused before anything reads it (pipeline.read.files.open_regular)."""
    from pipeline.read.files import open_regular

    try:
        fd = open_regular(Path(f.path))
    except errors.InputError as e:
        if e.status == errors.MISSING and "no such file" in e.message:
            return {"status": errors.MISSING, "message": f"{f.path}: no such file (removed or a broken link)"}
        return {"status": e.status, "message": e.message}
    try:
        with os.fdopen(fd, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            h = hashlib.sha256()
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return {"size": size, "sha256": h.hexdigest()}
    except OSError as e:
        return {"status": errors.MISSING, "message": f"{f.path}: cannot be read ({e.strerror or type(e).__name__})"}


def hash_files(found: list[InputFile], timeout: float | None, threads: int = 4) -> list[InputFile]:
    """Hash the files in ``threads`` daemon threads, each file under the per-file ``timeout``: a
    read that hangs (a stalled network mount) costs that file (status ``timeout``), not the batch."""
    import threading

    results: dict[int, dict] = {}
    pending = list(reversed(range(len(found))))
    running: dict[int, tuple[threading.Thread, float]] = {}

    def run(i: int) -> None:
        results[i] = _hash(found[i])

    while pending or running:
        while pending and len(running) < threads:
            i = pending.pop()
            t = threading.Thread(target=run, args=(i,), daemon=True, name="govaudit-hash")
            t.start()
            running[i] = (t, time.monotonic())
        i, (t, started) = min(running.items(), key=lambda kv: kv[1][1])
        t.join(None if not timeout else max(0.0, started + timeout - time.monotonic()))
        for j, (tj, sj) in list(running.items()):
            if not tj.is_alive():
                del running[j]
            elif timeout and time.monotonic() - sj > timeout:
                del running[j]  # left behind: a daemon thread does not keep the process alive
                results[j] = {"status": errors.TIMEOUT,
                              "message": f"{found[j].path}: reading it took more than {timeout:g} s; stopped"}
    for i, f in enumerate(found):
        for k, v in results.get(i, {}).items():
            setattr(f, k, v)
    return found


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
    ocr_pages: int = 0  # of which read by OCR (scans, pasted images; cached pages included)
    seconds: float = 0.0
    by_status: Counter = field(default_factory=Counter)  # over all input files, from the store
    reports: list[dict] = field(default_factory=list)
    exports: dict[str, str] = field(default_factory=dict)  # export name -> path written
    notes: list[str] = field(default_factory=list)  # one-line warnings (e.g. an export that failed)
    cross: dict[str, int] = field(default_factory=dict)  # cross-report checks: pairs computed, checks, failed

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
                + f"; {self.pages} pages in {self.seconds:.1f} s ({rate})"
                + (f", {self.ocr_pages} of them by OCR" if self.ocr_pages else "")
                + (f"; cross-report: {self.cross['pairs']} new pairs, {self.cross['checks']} checks, "
                   f"{self.cross['failed']} failed" if self.cross.get("pairs") else ""))


# ----------------------------------------------------------------------------- progress

class Progress:
    """Files done, pages per second, failures so far: a rich bar on a terminal, log lines otherwise,
    nothing when ``enabled`` is false."""

    def __init__(self, total: int, enabled: bool, stream=None):
        self.total, self.enabled = total, enabled
        self.done = self.failed = self.pages = 0
        self.ocr_pages = 0
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

    def _ocr(self) -> str:
        return f" ({self.ocr_pages} OCR)" if self.ocr_pages else ""

    def rate(self) -> float:
        elapsed = time.perf_counter() - self.start
        return self.pages / elapsed if elapsed > 0 else 0.0

    def advance(self, file_names: list[str], result: dict) -> None:
        self.done += 1
        status = result["status"]
        if status != errors.OK:
            self.failed += 1
        self.pages += result.get("pages") or 0
        self.ocr_pages += result.get("ocr_pages") or 0
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(self.task, advance=1, rate=f"{self.rate():.1f} pages/s" + self._ocr(),
                            failed=f"[red]{self.failed} failed" if self.failed else "0 failed")
            if status != errors.OK:
                from rich.markup import escape

                self.bar.console.print(f"[red]{status}[/] {escape(printable(', '.join(file_names)))}: "
                                       f"{escape(printable(result.get('message', '')))}", highlight=False, markup=True)
            return
        names = printable(", ".join(file_names))
        if status == errors.OK:
            ocr = f", {result['ocr_pages']} by OCR" if result.get("ocr_pages") else ""
            what = f"ok {names} ({result.get('pages') or 0} pages{ocr}, {result.get('seconds') or 0:.1f} s)"
        else:
            what = f"{status} {names}: {printable(result.get('message', ''))}"
        print(f"[{self.done}/{self.total}] {what} | {self.rate():.1f} pages/s{self._ocr()}, {self.failed} failed so far",
              file=self.stream, flush=True)

    def note(self, text: str) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.console.print(printable(text), highlight=False, markup=False)
        else:
            print(printable(text), file=self.stream, flush=True)

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


def _start_workers(n: int, work) -> list[_Worker]:
    """``n`` worker processes, started now: they import the pipeline (a third of a second each)
    while the batch hashes its files."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    return [_Worker(ctx, work) for _ in range(n)]


def _run_local(todo: list[tuple[str, str]], jobs: int, timeout: float | None, work, on_result,
               started: list[_Worker] | None = None) -> None:
    """Run ``work(path)`` for each (sha256, path) in ``jobs`` worker processes (``started``: some
    already started, :func:`_start_workers`); ``on_result(sha, result)`` in this process as each
    one ends."""
    import multiprocessing as mp
    from multiprocessing.connection import wait

    ctx = mp.get_context("spawn")
    queue = list(reversed(todo))
    n = min(jobs, len(todo))
    workers = list(started or [])
    for w in workers[n:]:  # more started than there are files to do
        w.stop(kill=True)
    workers = workers[:n] + [_Worker(ctx, work) for _ in range(n - len(workers))]
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
                        renew = w.n_done >= MAX_TASKS_PER_WORKER and queue
                        if queue and not renew:  # its next file first: it works while the store is written
                            w.send(*queue.pop(), timeout)
                        on_result(sha, result)
                        if renew:
                            w.stop()
                            workers[i] = _Worker(ctx, work)
                    continue
                if replace or not w.proc.is_alive():
                    w.proc.join(1)
                    if w.task:
                        on_result(w.task, _died(w.path, w.proc.exitcode))
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
    from pipeline.limits import current

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
            fut = client.submit(run_isolated, path, timeout, current(), batch_settings(), pure=False,
                                key=f"govaudit-{sha[:16]}-{os.urandom(4).hex()}")
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
          work: Callable[[str], dict] | None = None, limits=None, ocr: str | None = None) -> BatchSummary:
    """Audit every PDF under ``dir`` into the store in ``out`` (the exports are the caller's job).

    ``jobs``: worker processes (default: all cores); ``timeout``: seconds per file (None: no limit);
    ``dask_scheduler``: address of a dask.distributed scheduler to run the files on instead;
    ``progress``: show progress on stdout; ``work``: the per-file function (default
    :func:`process_file`; must be importable by the workers; local runs only); ``limits``: a
    :class:`pipeline.limits.Limits` put in force here and in the workers (default: the current ones).
    Raises BatchError when ``dir`` does not exist or the Dask scheduler cannot be reached, and
    PlaceError when OUT cannot be written (read-only, full): the store keeps every finished file."""
    from pipeline.limits import use
    from pipeline.run.store import Store

    if limits is not None:
        use(limits)
    # OCR for the workers (they inherit the environment): the mode, and the page cache in OUT
    if ocr is not None:
        os.environ["GOVAUDIT_OCR"] = ocr
    os.environ["GOVAUDIT_OCR_CACHE"] = os.path.abspath(out)

    folder = Path(dir)
    if not folder.exists():
        raise BatchError(f"{folder}: no such folder")
    out = Path(out)
    jobs = max(1, jobs or os.cpu_count() or 1)
    started = time.perf_counter()
    summary = BatchSummary(folder=str(folder), out=str(out))

    files = discover(folder)
    # the local workers start importing now, while the files are hashed, when some file looks new
    # (a path and size the store has no final result for; the hashes decide what is done)
    pool = _start_workers(min(jobs, _likely_new(files, out)), work or process_file) if not dask_scheduler else []
    try:
        found = hash_files(files, timeout)
        summary.files = len(found)
        _batch_into_store(Store, folder, out, found, jobs, timeout, dask_scheduler, progress, work, summary, pool)
    except (OSError, sqlite3.Error) as e:  # OUT read-only or full: one line; finished files stay stored
        place = errors.place_error(e, str(out))
        if place is None:
            raise
        raise place from None
    finally:
        for w in pool:  # those _run_local did not take (nothing to do, or an error before)
            if w.proc.is_alive() or not w.conn.closed:
                w.stop(kill=True)
    summary.by_status = Counter(r["status"] for r in summary.reports)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def _likely_new(files: list[InputFile], out: Path) -> int:
    """How many of ``files`` the store in ``out`` has no final result for, by path and size."""
    from pipeline.run.store import Store

    known = Store.finished_files(out)
    n = 0
    for f in files:
        try:
            size = os.stat(f.path).st_size
        except OSError:
            continue  # hashing will say what it is
        n += known.get(f.path) != size
    return n


def _batch_into_store(Store, folder: Path, out: Path, found: list[InputFile], jobs: int, timeout, dask_scheduler,
                      progress: bool, work, summary: BatchSummary, started: list | None = None) -> None:
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
            rows = [f.row() for f in pending[sha]]
            try:
                store.record(result, rows)
            except Exception as e:
                if errors.place_error(e) is not None:
                    raise
                # this file's row cannot be stored (too big for SQLite, a report that does not read
                # back): the file gets the failure, the batch goes on
                big = isinstance(e, sqlite3.DataError) or "too big" in str(e)
                result = {k: v for k, v in result.items() if k != "report_json"}
                result.update(status=errors.TOO_LARGE if big else errors.CRASHED, pages=None,
                              message=f"{result.get('path')}: its report could not be stored "
                                      f"({type(e).__name__}: {e})"[:300])
                store.record(result, rows)
            summary.processed += 1
            summary.pages += result.get("pages") or 0
            summary.ocr_pages += result.get("ocr_pages") or 0
            bar.advance([f.file for f in pending[sha]], result)

        try:
            if todo and dask_scheduler:
                _run_dask(todo, dask_scheduler, timeout, on_result)
            elif todo:
                _run_local(todo, jobs, timeout, work or process_file, on_result, started)
        finally:
            bar.close()
        paths = {f.path for f in found}
        summary.reports = [r for r in store.list_reports() if r["path"] in paths]


def _main_one(path: str) -> None:
    """``python -m pipeline.run.runner --one PDF``: process_file as one JSON line on stdout (run_isolated)."""
    import json

    from pipeline.limits import cap_memory

    _die_with_parent()
    cap_memory()
    result = process_file(path)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        _main_one(sys.argv[2])
    else:
        sys.exit("usage: python -m pipeline.run.runner --one PDF")
