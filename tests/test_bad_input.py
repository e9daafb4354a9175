"""Bad input: one clear line on stderr, exit code 2, never a traceback."""
from __future__ import annotations

import pytest

from badfiles import make_bad_files
from conftest import run_cli
from pipeline import errors
from pipeline.read.ingest import load


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    return make_bad_files(tmp_path_factory.mktemp("bad"))


CASES = ["truncated.pdf", "not_a_pdf.pdf", "empty.pdf", "scanned.pdf", "encrypted.pdf", "zero_pages.pdf"]


@pytest.mark.parametrize("name", CASES)
def test_load_raises_input_error_with_status(bad, name):
    path, status = bad[name]
    with pytest.raises(errors.InputError) as exc:
        load(path)
    assert exc.value.status == status
    assert str(path) in exc.value.message and "\n" not in exc.value.message


@pytest.mark.parametrize("name", CASES + ["missing.pdf"])
@pytest.mark.parametrize("command", ["extract", "audit"])
def test_cli_bad_input_one_line_exit_2(bad, tmp_path, name, command):
    path = bad[name][0] if name in bad else tmp_path / name
    res = run_cli(command, str(path))
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("govaudit: "), res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""


def test_cli_messages_name_the_cause(bad):
    expected = {
        "truncated.pdf": "damaged", "not_a_pdf.pdf": "not a PDF", "empty.pdf": "empty",
        "scanned.pdf": "no text layer", "encrypted.pdf": "encrypted", "zero_pages.pdf": "no pages",
    }
    for name, words in expected.items():
        res = run_cli("extract", str(bad[name][0]))
        assert words in res.stderr, (name, res.stderr)
