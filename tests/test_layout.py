"""The package layout shows the pipeline: each stage is a sub-package, and imports only point down
(read -> extract -> check -> run -> publish -> cli; document/schema/errors are shared by all)."""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "pipeline"
ORDER = ["read", "extract", "check", "run", "publish", "cli"]
# patterns: where patterns/ is and how one of its files is read (every stage reads its own data there)
SHARED = {"document", "schema", "errors", "limits", "patterns", "__init__", "__main__", "api"}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "pipeline" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in ORDER else None


def _imports(path: Path) -> set[str]:
    mod = ".".join(path.relative_to(PKG.parent).with_suffix("").parts)
    pkg = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.add(target)
            out.update(f"{target}.{a.name}" for a in node.names)
    return out


def test_stages_import():
    for stage in ORDER[:-1]:
        m = importlib.import_module(f"pipeline.{stage}")
        assert m.__doc__ and "In:" in m.__doc__, f"pipeline.{stage} says what comes in and goes out"


def test_no_stage_reaches_up():
    bad = []
    files = sorted(PKG.rglob("*.py"))
    assert len(files) > 25
    for path in files:
        rel = path.relative_to(PKG).parts
        here = rel[0] if rel[0] in ORDER else None
        for target in _imports(path):
            there = _stage(target)
            if here is None:
                # the shared data model (document, schema, errors) imports no stage at all
                if rel[0].removesuffix(".py") in {"document", "schema", "errors", "limits", "patterns"} and there:
                    bad.append(f"{'/'.join(rel)} -> {target}")
                continue
            if there and ORDER.index(there) > ORDER.index(here):
                bad.append(f"{'/'.join(rel)} -> {target}")
    assert not bad, "imports that point up the pipeline:\n" + "\n".join(bad)


def test_top_level_is_the_shared_model_only():
    flat = sorted(p.stem for p in PKG.glob("*.py"))
    assert set(flat) <= SHARED, flat
