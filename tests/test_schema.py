"""The pydantic schema is the contract: the committed JSON Schema must match it."""
from __future__ import annotations

import json

from conftest import ROOT
from pipeline.schema import Report


def test_committed_json_schema_matches_models():
    committed = json.loads((ROOT / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    assert committed == Report.model_json_schema(), "run: govaudit schema > schema/report.schema.json"


def test_top_level_keys_are_specs():
    props = set(Report.model_json_schema()["properties"])
    assert {"source", "issuer", "year", "report_type", "indicators", "scores", "total_score", "findings"} <= props
