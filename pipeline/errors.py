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
TIMEOUT = "timeout"
CRASHED = "crashed"
OK = "ok"
