"""Bounds on the work one file may cause: memory per worker, characters read, report size.

    from pipeline.limits import Limits, current, use
    use(Limits(memory_mb=2048))      # this process (and the workers it starts) from now on
    current().page_chars             # what ingestion reads per page

A file over a bound is never allowed to stop a batch: what a page holds beyond ``page_chars`` (or
the document beyond ``doc_chars``) is summarised in a note of the report and not read; a worker that
runs out of its ``memory_mb`` (an address-space limit, RLIMIT_AS) gives its file the status
``too_large`` with the figure; a report JSON over ``report_mb`` is not stored (``too_large``).
The values travel to worker processes and child processes in the environment (GOVAUDIT_MAX_*),
so one setting holds for ``audit``, ``batch`` and a Dask task alike.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields

# the environment variable of each field (also how the CLI flags reach worker processes)
ENV = {"memory_mb": "GOVAUDIT_MAX_MEMORY_MB", "page_chars": "GOVAUDIT_MAX_PAGE_CHARS",
       "doc_chars": "GOVAUDIT_MAX_DOC_CHARS", "report_mb": "GOVAUDIT_MAX_REPORT_MB",
       "stream_mb": "GOVAUDIT_MAX_STREAM_MB"}


@dataclass(frozen=True)
class Limits:
    # address space of a worker (or of `audit`'s child) in MB: a 30-page report is read within
    # 300 MB; the rest is room for long reports and many tables
    memory_mb: int = 2048
    # a dense page of a real report holds about 3,000 characters; a table squeezed onto one, 10,000
    page_chars: int = 30_000
    doc_chars: int = 3_000_000  # about 1,000 full pages
    report_mb: int = 256  # the report JSON as stored (SQLite refuses a value over 1 GB)
    # content streams decoded per page, in MB: a decompression bomb is refused before it is inflated
    stream_mb: int = 256

    def env(self) -> dict[str, str]:
        """These limits as environment variables (for child processes)."""
        return {ENV[k]: str(v) for k, v in asdict(self).items() if k in ENV}

    @classmethod
    def from_env(cls, environ=None) -> "Limits":
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(ENV.get(f.name, ""), "")
            if raw.strip():
                try:
                    values[f.name] = max(1, int(float(raw)))
                except ValueError:
                    pass  # a bad value in the environment: the default
        return cls(**values)


_current: Limits | None = None


def current() -> Limits:
    """The limits in force in this process: set by :func:`use`, else from the environment."""
    return _current if _current is not None else Limits.from_env()


def use(limits: Limits | None) -> Limits:
    """Make ``limits`` the ones in force here and in child processes started from now on."""
    global _current
    limits = limits or Limits.from_env()
    _current = limits
    os.environ.update(limits.env())
    return limits


def cap_memory(limits: Limits | None = None) -> bool:
    """Set this process's address-space limit (RLIMIT_AS) to ``memory_mb``: an allocation past it
    fails (MemoryError in Python) instead of taking the machine. False where not supported."""
    limits = limits or current()
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = limits.memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
        return True
    except (ImportError, ValueError, OSError):
        return False


def out_of_memory(e: BaseException) -> bool:
    """``e`` says an allocation failed: MemoryError, or a library that could not be mapped
    (ImportError "failed to map segment"), or ENOMEM."""
    import errno

    text = str(e)
    return (isinstance(e, MemoryError) or (isinstance(e, OSError) and e.errno == errno.ENOMEM)
            or (isinstance(e, ImportError) and ("failed to map segment" in text or "Cannot allocate memory" in text)))


def died_of_memory(signum: int | None) -> bool:
    """A process killed by this signal most likely ran out of its memory limit: native code (pdfium,
    a C++ library) that cannot allocate aborts (SIGABRT) instead of raising MemoryError."""
    import signal

    return signum == signal.SIGABRT


def over_memory_message(path, limits: Limits | None = None) -> str:
    limits = limits or current()
    return (f"{path}: needs more than the memory limit of {limits.memory_mb} MB per worker; "
            "not processed (raise --max-memory to allow more)")
