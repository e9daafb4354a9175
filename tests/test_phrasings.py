"""The phrasing corpus (tests/data/phrasings.yaml): sentences of our own, each in a shape seen in
real published reports, must each be extracted exactly as written down there — every indicator
it states and nothing else. A sentence is wrapped in a one-paragraph Document built in memory."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from pipeline.document import Document, Line, Page, Paragraph, Source
from pipeline.extract.catalog import catalog
from pipeline.extract.indicators import extract_indicators
from pipeline.read.normalize import normalize

CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "phrasings.yaml").read_text(encoding="utf-8"))
SENTENCES = [(shape, s) for shape in CORPUS["shapes"] for s in shape["sentences"]]


def document(raw: str) -> Document:
    text = normalize(raw)
    line = Line(page=1, bbox=(50.0, 100.0, 545.0, 112.0), raw=raw, text=text)
    return Document(source=Source(path="phrasing.pdf", sha256="0" * 64, pages=1),
                    pages=[Page(number=1, width=595.0, height=842.0, n_chars=len(text))],
                    paragraphs=[Paragraph(index=0, lines=[line], text=text, raw=raw)], tables=[])


def extracted(raw: str, report_type: str) -> list[tuple[str, float, str]]:
    indicators, _, _ = extract_indicators(document(raw), report_type)
    return [(i.key, round(i.value, 6), i.unit) for i in indicators]


def _as_counter(rows) -> Counter:
    return Counter((k, round(float(v), 6), u) for k, v, u in rows)


@pytest.mark.parametrize("shape, sentence", SENTENCES, ids=[s["text"][:24] for _, s in SENTENCES])
def test_sentence_is_extracted_as_written_down(shape, sentence):
    got = _as_counter(extracted(sentence["text"], sentence.get("type", "performance_self_evaluation")))
    want = _as_counter(sentence["expect"])
    missing, extra = want - got, got - want
    assert not missing and not extra, (f"{sentence['text']}\n  shape: {shape['shape']}\n"
                                       f"  missing: {sorted(missing)}\n  extra: {sorted(extra)}")
    forbidden = {k for k, _, _ in got} & set(sentence.get("not", []))
    assert not forbidden, f"{sentence['text']}: yields {forbidden}, another subject's figure"


def test_corpus_size_and_sources():
    """At least 300 sentences in shapes from at least 40 real reports of at least 12 provinces, each
    shape citing its sources and each source naming its province (全国 / 不详 count for none)."""
    assert len(SENTENCES) >= 300
    sources = CORPUS["sources"]
    assert all(src.get("province") for src in sources.values()), "every source names its province"
    real = {sid for sid, src in sources.items() if src["address"].startswith("http")}
    assert len(real) >= 40
    provinces = {sources[sid]["province"] for sid in real} - {"全国", "不详"}
    assert len(provinces) >= 12, sorted(provinces)
    cited = set()
    for shape in CORPUS["shapes"]:
        assert shape["seen"] and set(shape["seen"]) <= set(sources), shape["shape"]
        cited |= set(shape["seen"])
    assert real <= cited, f"sources listed but no shape cites them: {sorted(real - cited)}"


def test_corpus_keys_are_catalog_keys_and_cover_every_family():
    keys = set(catalog().entries)
    used = {k for _, s in SENTENCES for k, _, _ in s["expect"]} | {k for _, s in SENTENCES for k in s.get("not", [])}
    assert used <= keys, sorted(used - keys)
    stated = {k for _, s in SENTENCES for k, _, _ in s["expect"]}
    families = {  # SPEC.md's indicator keys and the amounts and headcounts behind them
        "budget_execution_rate", "project_execution_rate", "quarterly_progress_q1", "quarterly_timing_rate_q1",
        "budget_adjustment_rate", "three_public_control_rate", "daily_public_control_rate",
        "procurement_execution_rate", "fixed_asset_utilization_rate", "funded_staff_control_rate",
        "contract_staff_control_rate", "total_score", "budget_initial", "budget_adjusted", "expenditure_actual",
        "basic_expenditure", "project_expenditure", "three_public_budget", "three_public_actual",
        "three_public_travel_actual", "three_public_vehicle_actual", "three_public_reception_actual",
        "assets_total", "fixed_assets_total", "fixed_assets_in_use", "procurement_planned", "procurement_actual",
        "staff_quota", "staff_on_payroll", "contract_staff", "contract_staff_on_duty",
    }
    assert families <= stated, sorted(families - stated)
