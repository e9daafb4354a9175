"""Where the data in ``patterns/`` is, and how one of its files is read: shared by the stages
(the read stage's OCR thresholds, the extract stage's catalog), which may not import each other
upwards. A file that cannot be read, is not YAML, or does not fit its model fails in one line
(PatternsError)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from pipeline.errors import PatternsError

# libyaml's safe loader where PyYAML was built with it: the same data, 8× faster
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def patterns_dir() -> Path:
    """$GOVAUDIT_PATTERNS, else the checkout's patterns/ (editable install), else the copy a
    regular install puts under <prefix>/share/govaudit/patterns."""
    if os.environ.get("GOVAUDIT_PATTERNS"):
        return Path(os.environ["GOVAUDIT_PATTERNS"])
    checkout = Path(__file__).resolve().parents[1] / "patterns"
    installed = Path(sys.prefix) / "share" / "govaudit" / "patterns"
    return checkout if checkout.is_dir() or not installed.is_dir() else installed


def read_yaml(path: Path):
    """The data of one YAML file."""
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.load(f, Loader=_YAML_LOADER)
    except OSError as e:
        raise PatternsError(f"cannot read {path}: {e.strerror}") from None
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        at = f" line {where.line + 1}" if where else ""
        raise PatternsError(f"{path}{at}: not valid YAML ({getattr(e, 'problem', None) or e})") from None


def validated(model: type[BaseModel], data, path: Path):
    """``data`` as ``model``; the first mismatch in one line, naming the file and the field."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or "top"
        raise PatternsError(f"{path}: {where}: {err['msg']}") from None
