"""``--ocr auto|always|never`` for extract, audit and batch: put in force through the environment
(``GOVAUDIT_OCR``), so the forked or spawned processes that read the PDFs (batch workers, the
memory-limited child of extract/audit) read it too."""
from __future__ import annotations

import functools
import os

import click

OCR_HELP = ("OCR: auto reads scanned pages, pictures of tables pasted into text pages and garbled text "
            "layers from the page image; always reads every page from its image; never reads only the "
            "text layer  [default: auto]")


def ocr_option(command):
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        mode = kwargs.pop("ocr_mode")
        if mode:
            os.environ["GOVAUDIT_OCR"] = mode
        return command(*args, **kwargs)

    return click.option("--ocr", "ocr_mode", type=click.Choice(["auto", "always", "never"]), default=None,
                        help=OCR_HELP)(wrapper)
