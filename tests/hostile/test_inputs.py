"""Hostile single files: each gets its status and one line naming it, within bounded time, and
nothing reads a FIFO or a device (issue 14). Read in-process with ``load`` (fast), and through
``govaudit audit`` where the command line is what is at stake (exit 2, one line, limits)."""
from __future__ import annotations

import os
import time

import pytest

from conftest import run_cli
from hostile import maker
from pipeline import errors
from pipeline.read.ingest import load

TRUNCATIONS = [0.0005, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999]


def _case(folder, name):
    """name -> (path, allowed statuses); statuses: a set (``ok`` means the file must be read)."""
    p = folder / name
    makers = {
        "bomb.pdf": (lambda: maker.bomb(p), {errors.TOO_LARGE}),
        "dense.pdf": (lambda: maker.dense_page(p), {errors.OK}),
        "user_aes256.pdf": (lambda: maker.encrypted(p, "user", "owner"), {errors.ENCRYPTED}),
        "user_aes128.pdf": (lambda: maker.encrypted(p, "user", "owner", aes256=False), {errors.ENCRYPTED}),
        "owner_only_aes256.pdf": (lambda: maker.encrypted(p, "", "owner"), {errors.OK}),
        "deep_nesting.pdf": (lambda: maker.deep_nesting(p), {errors.OK}),
        "self_drawing_form.pdf": (lambda: maker.self_drawing_form(p), {errors.OK}),
        "page_tree_cycle.pdf": (lambda: maker.page_tree_cycle(p), {errors.OK, errors.DAMAGED}),
        "broken_xref.pdf": (lambda: maker.broken_xref(p), {errors.OK}),
        "missing_xref.pdf": (lambda: maker.missing_xref(p), {errors.OK}),
        "fifo.pdf": (lambda: maker.fifo(p), {errors.NOT_REGULAR}),
        "zero.pdf": (lambda: maker.symlink(p, "/dev/zero"), {errors.NOT_REGULAR}),
        "null.pdf": (lambda: maker.symlink(p, "/dev/null"), {errors.NOT_REGULAR}),
        "loop.pdf": (lambda: maker.symlink(p, "loop.pdf"), {errors.MISSING}),
        "dangling.pdf": (lambda: maker.symlink(p, "gone.pdf"), {errors.MISSING}),
        "folder.pdf": (lambda: p.mkdir(parents=True), {errors.NOT_PDF}),
    }
    for fr in TRUNCATIONS:
        makers[f"truncated_{fr}.pdf"] = (lambda fr=fr: maker.truncated(folder / f"truncated_{fr}.pdf", fr),
                                         {errors.DAMAGED, errors.OK})
    return makers[name]


NAMES = ["bomb.pdf", "dense.pdf", "user_aes256.pdf", "user_aes128.pdf", "owner_only_aes256.pdf", "deep_nesting.pdf",
         "self_drawing_form.pdf", "page_tree_cycle.pdf", "broken_xref.pdf", "missing_xref.pdf", "fifo.pdf",
         "zero.pdf", "null.pdf", "loop.pdf", "dangling.pdf", "folder.pdf"] + [f"truncated_{fr}.pdf" for fr in TRUNCATIONS]


@pytest.mark.parametrize("name", NAMES)
def test_each_hostile_file_gets_a_status_and_one_line(tmp_path, name):
    make, allowed = _case(tmp_path, name)
    make()
    path = tmp_path / name
    start = time.monotonic()
    try:
        doc = load(path)
    except errors.InputError as e:
        status, message = e.status, e.message
    else:
        status, message = errors.OK, ""
        if name.startswith(("broken_xref", "missing_xref", "truncated")):
            # read only after repair: the report says so
            assert doc.source.repaired and "repaired" in doc.notes, name
            assert doc.source.pages == len(doc.pages) > 1
    assert time.monotonic() - start < 30, name
    assert status in allowed, (name, status, message)
    if status != errors.OK:
        assert str(path) in message and "\n" not in message and len(message) < 400, message


def test_repaired_pdf_reads_every_page_as_pdfium_does(tmp_path):
    """A cross-reference table pointing 7 bytes off: pdfminer alone finds no page; pdfium and qpdf
    open all of them. The report is ok, says "repaired", and has the same figures as the original."""
    from pipeline.api import extract

    broken = maker.broken_xref(tmp_path / "broken.pdf", maker.SAMPLE)
    report = extract(broken)
    original = extract(maker.SAMPLE)
    assert report.source.repaired and report.notes[:1] == ["repaired"]
    assert report.source.pages == original.source.pages == 25
    assert [(i.key, i.value) for i in report.indicators] == [(i.key, i.value) for i in original.indicators]


def test_dense_page_is_cut_to_the_limit_with_a_note(tmp_path):
    from pipeline.limits import Limits, current, use

    before = current()
    path = maker.dense_page(tmp_path / "dense.pdf")
    try:
        use(Limits(page_chars=5_000))
        start = time.monotonic()
        doc = load(path)
    finally:
        use(before)
    assert time.monotonic() - start < 20
    assert sum(p.n_chars for p in doc.pages) <= 5_000
    assert any("page 1" in n and "only the first 5,000" in n for n in doc.notes), doc.notes


def test_socket_is_not_read(tmp_path):
    sock = maker.unix_socket(tmp_path / "s.pdf")
    try:
        with pytest.raises(errors.InputError) as e:
            load(tmp_path / "s.pdf")
    finally:
        sock.close()
    assert e.value.status == errors.NOT_REGULAR and "socket" in e.value.message


# ----------------------------------------------------------------------------- the command line

def _one_line(res, code=2):
    assert res.returncode == code, (res.returncode, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("govaudit: ") and "Traceback" not in res.stderr, res.stderr
    return lines[0]


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_audit_never_hangs_on_a_fifo_or_device(tmp_path, kind):
    path = maker.fifo(tmp_path / "x.pdf") if kind == "fifo" else maker.symlink(tmp_path / "x.pdf", "/dev/zero")
    start = time.monotonic()
    line = _one_line(run_cli("audit", str(path)))
    assert "not_regular" in line and time.monotonic() - start < 30


def test_audit_bomb_is_too_large_in_bounded_memory(tmp_path):
    import resource
    import subprocess
    import sys

    path = maker.bomb(tmp_path / "bomb.pdf")
    # the peak of the audit process and its child, measured from a wrapper of their own
    code = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
            "print(r.returncode); print(r.stderr.strip()); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")
    out = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "pipeline", "audit", str(path)],
                         capture_output=True, text=True, cwd=maker.ROOT, timeout=120).stdout.splitlines()
    assert out[0] == "2" and "too_large" in out[1] and "\n" not in out[1]
    assert int(out[2]) < 1024, f"peak {out[2]} MB"


def test_audit_honours_the_memory_limit(tmp_path):
    """A limit the work cannot fit in: one line naming the figure, exit 2, no traceback."""
    path = maker.small_report(tmp_path / "a.pdf")
    line = _one_line(run_cli("audit", str(path), "--max-memory", "60"))
    assert "too_large" in line and "60 MB" in line


def test_escape_sequences_and_markup_in_names_are_shown_escaped(tmp_path):
    path = maker.truncated(tmp_path / "[/]x\x1b[2J\x1b[31mred\u202e.pdf", 0.3)
    line = _one_line(run_cli("audit", str(path)))
    assert "\x1b" not in line and "\\x1b[2J" in line and "\u202e" not in line and "[/]x" in line


def test_unwritable_output_path_is_one_line(tmp_path):
    path = maker.small_report(tmp_path / "a.pdf")
    line = _one_line(run_cli("audit", str(path), "--format", "json", "-o", str(tmp_path / "no" / "such" / "x.json")))
    assert "x.json" in line


def test_report_too_big_for_its_limit_is_not_stored(tmp_path):
    """The report-size limit in the worker: a report over it gets too_large with the figures."""
    from pipeline.limits import Limits
    from pipeline.run.runner import run_isolated

    path = maker.dense_page(tmp_path / "dense.pdf", n_chars=40_000)  # a report of about 1.1 MB
    result = run_isolated(str(path), timeout=120, limits=Limits(page_chars=40_000, report_mb=1))
    assert result["status"] == errors.TOO_LARGE and "--max-report-mb" in result["message"], result
    assert "report_json" not in result
    assert os.path.exists(path)


def test_audit_table_shows_a_path_with_markup_as_text(tmp_path):
    path = maker.small_report(tmp_path / "[" / "]x[bold]y.pdf")  # the path holds "[/]" and "[bold]"
    res = run_cli("audit", str(path))
    assert res.returncode in (0, 1) and "Traceback" not in res.stderr, res.stderr
    assert f"{tmp_path}/[/]x[bold]y.pdf" in res.stdout


def test_owner_password_pdf_is_read_without_a_word_on_stderr(tmp_path):
    """AES-256, empty user password, extraction forbidden by the owner: read (as pdfium does);
    camelot, which honours the permission, gets a decrypted copy instead of printing a failure."""
    path = maker.encrypted(tmp_path / "owner.pdf", "", "owner", src_path=maker.ROOT / "samples" / "yantian_2023.pdf",
                           pages=None, extract=False)
    res = run_cli("audit", str(path))
    assert res.returncode in (0, 1) and res.stderr == "", res.stderr
