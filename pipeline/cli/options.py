"""What every command that reads PDFs shares: the limit flags, and running one file's work in a
child process under the memory limit (``audit`` and ``extract`` honour the limits a batch worker has)."""
from __future__ import annotations

import functools
import os

import click

from pipeline.limits import Limits

LIMIT_FLAGS = {  # flag -> (Limits field, help)
    "--max-memory": ("memory_mb", "memory (address space) per worker process, MB; a file needing more gets "
                                  "status too_large"),
    "--max-page-chars": ("page_chars", "characters read per page; the rest of a page is summarised in a note"),
    "--max-doc-chars": ("doc_chars", "characters read per document; later pages are summarised in a note"),
    "--max-report-mb": ("report_mb", "largest report JSON stored, MB; a larger one gets status too_large"),
    "--max-stream-mb": ("stream_mb", "largest decoded page content, MB; more (a decompression bomb) gets "
                                     "status too_large"),
}


def limit_options(command):
    """Add the --max-* flags to a click command; their values are put in force (pipeline.limits.use)
    before the command runs, for this process and every worker it starts."""
    defaults = Limits()

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from pipeline.limits import current, use

        given = {field: kwargs.pop(field) for field, _ in LIMIT_FLAGS.values()}
        base = current()
        use(Limits(**{f: (given[f] if given[f] is not None else getattr(base, f)) for f in given}))
        return command(*args, **kwargs)

    own = list(getattr(wrapper, "__click_params__", []))
    wrapper.__click_params__ = []
    for flag, (field, text) in reversed(LIMIT_FLAGS.items()):
        wrapper = click.option(flag, field, type=click.IntRange(min=1), default=None, metavar="N",
                               help=f"{text}  [default: {getattr(defaults, field):,}]")(wrapper)
    wrapper.__click_params__ = wrapper.__click_params__ + own  # the command's own options first in --help
    return wrapper


def run_limited(fn, arg):
    """``fn(arg)`` in a forked child process under the memory limit (RLIMIT_AS), its result
    returned here: a file that needs more memory ends in one line (``too_large``), not in a
    machine that swaps. Exceptions of the child are raised here again (InputError and
    PatternsError as such, anything else as RuntimeError with the child's traceback kept for
    GOVAUDIT_DEBUG=1). Without fork (not Linux/macOS), the limit is set in this process."""
    import pickle
    import signal
    import sys
    import traceback

    from pipeline import errors
    from pipeline.limits import cap_memory, out_of_memory, over_memory_message

    if not hasattr(os, "fork"):
        cap_memory()
        try:
            return fn(arg)
        except MemoryError:
            raise errors.InputError(errors.TOO_LARGE, over_memory_message(arg)) from None
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(r)
            cap_memory()
            try:
                payload = ("ok", fn(arg))
            except errors.InputError as e:
                payload = ("input", e.status, e.message)
            except errors.PatternsError as e:
                payload = ("patterns", str(e))
            except BaseException as e:
                payload = (("input", errors.TOO_LARGE, over_memory_message(arg)) if out_of_memory(e) else
                           ("bug", f"{type(e).__name__}: {e}", traceback.format_exc()))
            try:
                data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                data = pickle.dumps(("input", errors.TOO_LARGE, over_memory_message(arg)))
            with os.fdopen(w, "wb") as f:
                f.write(data)
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        from pipeline.limits import died_of_memory

        if os.WIFSIGNALED(status) and died_of_memory(os.WTERMSIG(status)):
            raise errors.InputError(errors.TOO_LARGE, over_memory_message(arg))
        if os.WIFSIGNALED(status):
            try:
                how = f"signal {signal.Signals(os.WTERMSIG(status)).name}"
            except ValueError:
                how = f"signal {os.WTERMSIG(status)}"
        else:
            how = f"exit code {os.WEXITSTATUS(status)}"
        raise RuntimeError(f"the process reading {arg} died ({how})")
    payload = pickle.loads(data)
    kind = payload[0]
    if kind == "ok":
        return payload[1]
    if kind == "input":
        raise errors.InputError(payload[1], payload[2])
    if kind == "patterns":
        raise errors.PatternsError(payload[1])
    if os.environ.get("GOVAUDIT_DEBUG"):
        sys.stderr.write(payload[2])
    raise RuntimeError(payload[1])
