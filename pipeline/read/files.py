"""Opening an input file without trusting it: only a regular file is read (a FIFO, socket or
device, also behind a symlink, is refused before anything waits on it). Light on purpose: the
batch process hashes every input through :func:`open_regular` before its workers read them, and
must not pay for the PDF libraries to do so."""
from __future__ import annotations

from pathlib import Path

from pipeline import errors


def open_regular(p: Path) -> int:
    """A file descriptor on ``p`` if it is a regular file (symlinks followed); else InputError.
    Opened non-blocking and checked on the descriptor itself, so that neither a FIFO nor a file
    swapped after the check can make the open or the read wait."""
    import errno
    import os
    import stat

    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise errors.InputError(errors.MISSING, f"{p}: no such file") from None
    except IsADirectoryError:
        raise errors.InputError(errors.NOT_PDF, f"{p}: is a directory, not a PDF") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise errors.InputError(errors.MISSING, f"{p}: a symlink loop, no file behind it") from None
        if e.errno in (errno.ENXIO, errno.EOPNOTSUPP):  # a socket, or a device without a driver
            raise errors.InputError(errors.NOT_REGULAR, f"{p}: not a regular file (a socket or device); "
                                                        "not read") from None
        raise errors.InputError(errors.MISSING, f"{p}: cannot be read ({e.strerror})") from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):
        os.close(fd)
        raise errors.InputError(errors.NOT_PDF, f"{p}: is a directory, not a PDF")
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file")
        raise errors.InputError(errors.NOT_REGULAR, f"{p}: not a regular file ({kind}); not read")
    os.set_blocking(fd, True)
    return fd


def read_head(p: Path, n: int = 1024) -> bytes:
    import os

    fd = open_regular(p)
    try:
        return os.read(fd, n)
    finally:
        os.close(fd)
