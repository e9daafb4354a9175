"""Why a file could not be processed: one status word and a one-line message."""
from __future__ import annotations


class InputError(Exception):
    """A file that is not a readable report. ``status`` names the cause (SPEC: summary status)."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status
        self.message = message

    def __str__(self) -> str:
        return self.message


class PlaceError(Exception):
    """A place govaudit must write to cannot be used (read-only, full, not ours, a symlinked output
    folder): the whole command stops with this one line and exit code 2; the store stays intact."""


# errno values that mean "this place cannot be written", not "govaudit has a bug"
PLACE_ERRNOS = {1, 13, 17, 20, 21, 28, 30, 36, 40, 122}  # EPERM EACCES EEXIST ENOTDIR EISDIR ENOSPC EROFS
#                                                      ENAMETOOLONG ELOOP EDQUOT


def place_error(e: BaseException, where: str | None = None) -> "PlaceError | None":
    """``e`` as a PlaceError when it says a place is unusable (OSError with one of PLACE_ERRNOS,
    SQLite's read-only / full / cannot-open errors); None for anything else."""
    import sqlite3

    if isinstance(e, PlaceError):
        return e
    if isinstance(e, OSError) and e.errno in PLACE_ERRNOS:
        name = e.filename or where or ""
        return PlaceError(f"{name}: {e.strerror or type(e).__name__}" if name else (e.strerror or str(e)))
    if isinstance(e, sqlite3.OperationalError):
        text = str(e)
        if any(w in text for w in ("readonly", "read-only", "disk is full", "unable to open", "disk I/O error",
                                   "attempt to write")):
            return PlaceError(f"{where}: {text}" if where else text)
    return None


def printable(text: str) -> str:
    """``text`` safe for a terminal: control characters (escape sequences, newlines, bidi
    overrides) shown as \\xNN / \\uNNNN escapes, so that a file name cannot move the cursor, recolour
    the screen or break a line."""
    import unicodedata

    out = []
    for ch in str(text):
        if ch.isprintable() or ch == " ":
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


class PatternsError(Exception):
    """The data in patterns/ cannot be used (a YAML error, an unknown kind, a bad regex): the
    user's configuration, reported in one line like bad input."""


# status words, shared by the CLI, the batch and the store
MISSING = "missing"
NOT_PDF = "not_pdf"
ENCRYPTED = "encrypted"
DAMAGED = "damaged"
EMPTY = "empty"
NO_TEXT = "no_text"
NOT_REGULAR = "not_regular"  # a FIFO, socket or device (also behind a symlink): never read
TOO_LARGE = "too_large"  # over a limit of pipeline.limits (memory per worker, report size)
TIMEOUT = "timeout"
CRASHED = "crashed"
OK = "ok"

# The status words people read (CLI, summary exports, HTML report): one wording everywhere.
STATUS_WORDS = {OK: "成功", MISSING: "文件不存在", NOT_PDF: "不是 PDF 文件", ENCRYPTED: "PDF 已加密",
                DAMAGED: "PDF 已损坏", EMPTY: "空文件", NO_TEXT: "无文字层（扫描件）", NOT_REGULAR: "不是普通文件",
                TOO_LARGE: "超出处理上限", TIMEOUT: "处理超时", CRASHED: "处理崩溃"}
# what each failure means for the user; the pipeline's own one-line message follows it
STATUS_EXPLAINED = {
    MISSING: "文件不存在或无法读取（已被删除、移动，或链接失效）。",
    NOT_PDF: "文件内容不是 PDF（开头没有 %PDF 标记），可能是改了扩展名的其他文件。",
    ENCRYPTED: "PDF 设有密码或已加密，无法读取其中的文字。",
    DAMAGED: "PDF 文件结构损坏或不完整（例如下载中断），无法解析。",
    EMPTY: "文件为空，或 PDF 中没有任何页面。",
    NO_TEXT: "PDF 没有文字层（扫描图片），需要先做文字识别（OCR）才能审核。",
    NOT_REGULAR: "这不是普通文件（管道、套接字或设备），不会读取。",
    TOO_LARGE: "文件超出内存或大小上限，已跳过。",
    TIMEOUT: "处理时间超过上限，已跳过；重新运行批处理时会再试。",
    CRASHED: "处理进程意外退出（例如内存不足），已跳过；重新运行批处理时会再试。",
}


def status_line(status: str, message: str) -> str:
    """One line for people: the Chinese word of the report, then the status and the pipeline's own
    message in brackets: "a.pdf：不是 PDF 文件（not_pdf：not a PDF (no %PDF header)）"."""
    path, sep, detail = message.partition(": ")
    where, detail = (path, detail) if sep else ("", message)
    word = STATUS_WORDS.get(status, status)
    return f"{where + '：' if where else ''}{word}（{status}：{detail}）"
