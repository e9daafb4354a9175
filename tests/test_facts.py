"""Numbers the catalog does not name, as facts (pipeline/extract/facts.py), and the check that one
subject is stated with one value (pipeline/check/facts.py, issue 24 item 2a): an error only where the
subject, measure, unit, year and every qualifier of the two statements agree; a target, a 其中 part,
another year, a cumulative figure, one sentence's own pair, an approximation are never compared.
Small documents built in memory, then the two seed contradictions on the sample PDFs."""
from __future__ import annotations

import json

import pytest

from accuracy import expected_path
from conftest import LONGHUA, YANTIAN, report
from pipeline.check.core import Context
from pipeline.check.facts import fact_checks
from pipeline.document import Document, Line, Page, Paragraph, Source
from pipeline.extract.facts import FactRules, facts_of
from pipeline.read.normalize import normalize


def _doc(texts: list[str]) -> Document:
    paras = []
    for k, raw in enumerate(texts):
        text = normalize(raw)
        line = Line(page=1 + k // 3, bbox=(50.0, 100.0 + 20 * k, 545.0, 112.0 + 20 * k), raw=raw, text=text)
        paras.append(Paragraph(index=k, lines=[line], text=text, raw=raw))
    pages = [Page(number=n, width=595.0, height=842.0, n_chars=100) for n in range(1, 2 + len(texts) // 3)]
    return Document(source=Source(path="facts.pdf", sha256="0" * 64, pages=len(pages)), pages=pages,
                    paragraphs=paras, tables=[])


def _checks(texts: list[str], year: int = 2023):
    from pipeline.api import build_report

    doc = _doc(texts)
    rep = build_report(doc)
    rep.year = year
    return fact_checks(Context.of(rep, doc))


def _compared(results):
    return [c for c in results if c.outcome in ("pass", "fail")]


def _reasons(results) -> str:
    return " ".join(c.message for c in results if c.outcome == "insufficient_data")


# ----------------------------------------------------------------------------- the fact layer

def test_a_count_its_subject_noun_and_interval():
    doc = _doc(["2023年，“开办企业一窗通”为 4078 家企业提供“半日办结”一站式服务，满意率 100%。"])
    (count, rate) = facts_of(doc, [], 2023)
    assert (count.value, count.interval, count.measure, count.unit, count.noun) == (4078, (4078, 4078), "count", "家", "企业")
    assert count.subject == "开办企业一站式服务"  # the provider, by its declared synonym
    assert count.year == 2023 and count.relations == [] and not count.approximate
    assert (rate.measure, rate.interval) == ("rate", (99.5, 100.5))
    assert rate.subject is None  # 满意率 alone names no quantity of its own
    assert count.quote.startswith("2023年") and count.page == 1


def test_amounts_become_wan_yuan_with_their_printed_precision():
    doc = _doc(["智慧灯杆运维服务费支出 1,234,500 元，信息化运维服务费支出 12.5 亿元。"])
    yuan, yi = facts_of(doc, [], 2023)
    assert yuan.value == pytest.approx(123.45) and yuan.unit == "万元"
    assert yuan.interval == pytest.approx((123.44995, 123.45005))  # ±0.5 元
    assert yi.value == pytest.approx(125000) and yi.interval == pytest.approx((124500, 125500))


def test_relations_years_and_approximations_are_read():
    doc = _doc(["2022年新建智慧灯杆 120 个，比上年增加 20 个，其中新建智慧杆站 30 个。",
                "受理群众诉求 4.6 万件，办理事项 300 余项，开展培训 3 个月。"])
    lamp, change, part, calls, approx, months = facts_of(doc, [], 2023)
    assert lamp.year == 2022 and lamp.subject == "新建智慧灯杆"
    assert "change" in change.relations and "part" in part.relations
    assert calls.interval == (45500, 46500) and calls.value == 46000
    assert approx.approximate and months.not_counted


def test_a_bad_facts_file_fails_at_load_in_one_line(tmp_path):
    from pipeline.errors import PatternsError
    from pipeline.extract.catalog import load_yaml
    from pipeline.patterns import validated

    data = dict(load_yaml("facts.yaml"))
    data["relations"] = {**data["relations"], "targets": ["目标"]}  # misspelt relation kind
    with pytest.raises(PatternsError) as e:
        validated(FactRules, data, tmp_path / "facts.yaml")
    assert "relations.targets" in str(e.value) and "\n" not in str(e.value)


# ----------------------------------------------------------------------------- the check

def test_a_count_stated_twice_differently_is_an_error():
    results = _checks(["2023年，新建智慧灯杆120个，覆盖主要道路。", "一是推进新基建，新建智慧灯杆135个。"])
    (c,) = _compared(results)
    assert (c.rule, c.kind, c.outcome, c.severity) == ("fact.新建智慧灯杆", "fact", "fail", "error")
    assert (c.stated, c.recomputed) == (120, 135)
    assert "120个" in c.message and "135个" in c.message
    assert [e.value_text for e in c.evidence] == ["120个", "135个"]
    assert all(e.quote and e.bbox[2] > e.bbox[0] for e in c.evidence)


def test_the_same_count_stated_twice_passes():
    (c,) = _compared(_checks(["新建智慧灯杆 120 个。", "全年新建智慧灯杆120个。"]))
    assert c.outcome == "pass"


def test_a_target_is_not_compared_with_the_actual():
    for target in ["年度目标：新建智慧灯杆≥135 个。", "计划新建智慧灯杆 135 个。", "新建智慧灯杆不少于 135 个。"]:
        results = _checks(["新建智慧灯杆 120 个。", target])
        assert not _compared(results), target
        assert "目标值" in _reasons(results)


def test_different_years_are_not_compared():
    results = _checks(["2022年新建智慧灯杆 120 个。", "2023年新建智慧灯杆 135 个。"])
    assert not _compared(results)
    # the same year named twice is one statement
    (c,) = _compared(_checks(["2022年新建智慧灯杆 120 个。", "2022年，新建智慧灯杆 135 个。"]))
    assert c.outcome == "fail"


def test_a_part_is_compared_only_with_parts_of_the_same_whole():
    # a 其中 part is not the plain figure of its subject
    results = _checks(["建成智慧灯杆 300 个，其中新建智慧灯杆 120 个。", "新建智慧灯杆 135 个。"])
    assert not _compared(results)
    # parts of wholes of different subjects are not one quantity
    assert not _compared(_checks(["建成智慧灯杆 300 个，其中新建智慧灯杆 120 个。",
                                  "改造路灯设施 200 个，其中新建智慧灯杆 80 个。"]))
    # parts of one whole stated twice must agree
    got = {c.rule: c for c in _compared(_checks(["建成智慧灯杆 300 个，其中新建智慧灯杆 120 个。",
                                                 "一是建成智慧灯杆 300 个，其中新建智慧灯杆 125 个。"]))}
    assert got["fact.智慧灯杆"].outcome == "pass"
    assert (got["fact.新建智慧灯杆"].outcome, got["fact.新建智慧灯杆"].severity) == ("fail", "error")
    # a part whose whole is not in its paragraph: what it breaks down is not known
    results = _checks(["建成智慧灯杆 300 个。", "其中新建智慧灯杆 120 个。", "其中新建智慧灯杆 125 个。"])
    assert not _compared(results)
    assert "分项" in _reasons(results)


def test_a_share_is_recomputed_from_its_part_and_whole():
    ok = "本年支出合计2940.05万元，其中：基本支出2336.91万元，占79.49%；项目支出603.14万元，占20.51%。"
    got = {c.rule: c for c in _checks([ok]) if c.outcome in ("pass", "fail")}
    assert got["fact.share.基本支出"].outcome == "pass" and got["fact.share.项目支出"].outcome == "pass"
    bad = _checks([ok.replace("79.49%", "78.49%")])
    (c,) = [c for c in bad if c.outcome == "fail"]
    assert (c.rule, c.severity) == ("fact.share.基本支出", "error")
    assert "2336.91万元 ÷ 2940.05万元 × 100 = 79.49%" in c.message
    assert [e.value_text for e in c.evidence] == ["78.49%", "2336.91万元", "2940.05万元"]
    # a share that another figure printed before it explains is read as of that base, never an error
    nested = ("支出合计500.00万元，其中：基本支出400.00万元，占80.00%；项目支出100.00万元，占20.00%，"
              "其中人员经费300.00万元，占75.00%。")
    assert not [c for c in _checks([nested]) if c.outcome == "fail"]


def test_cumulative_and_one_sentence_pairs_are_not_compared():
    assert not _compared(_checks(["累计新建智慧灯杆 300 个。", "新建智慧灯杆 120 个。"]))
    # one sentence stating the subject twice tells them apart itself
    assert not _compared(_checks(["新建智慧灯杆由 100 个增至 120 个。", "新建智慧灯杆 135 个。"]))
    assert not _compared(_checks(["新建智慧灯杆约 120 个。", "新建智慧灯杆 135 个。"]))


def test_figures_of_different_places_or_projects_are_not_compared():
    assert not _compared(_checks(["（一）万里街道：建成智慧灯杆120个。", "（二）长风街道：建成智慧灯杆100个。"]))
    assert not _compared(_checks(["智慧城市二期项目建成智慧灯杆120个。", "智慧城市三期项目建成智慧灯杆100个。"]))


def test_yuan_and_wan_yuan_of_one_amount_agree():
    (c,) = _compared(_checks(["智慧灯杆运维服务费支出 1,234,500 元。", "智慧灯杆运维服务费支出123.45万元。"]))
    assert c.outcome == "pass"
    (c,) = _compared(_checks(["智慧灯杆运维服务费支出 1,234,500 元。", "智慧灯杆运维服务费支出123.46万元。"]))
    assert (c.outcome, c.severity) == ("fail", "error")


def test_a_vague_subject_is_not_compared():
    # "采购金额" names no item of its own: each sentence is about the purchases named before it
    results = _checks(["在面向中小企业预留的政府采购项目中，由中小企业供应商中标或成交的，采购金额246.47万元。",
                       "在面向小微企业预留政府采购项目中，由小微企业供应商中标或成交的，采购金额0万元。"])
    assert not _compared(results)
    assert "主语不明" in _reasons(results)


def test_coverage_counts_the_facts():
    from pipeline.check.validate import validate
    from pipeline.api import build_report

    doc = _doc(["新建智慧灯杆 120 个。", "新建智慧灯杆 135 个，其中新建智慧杆站 30 个。", "培训网格员约 200 人。"])
    rep = build_report(doc)
    rep.year = 2023
    validate(rep, doc)
    whats = [nc.what for nc in rep.coverage.not_checked]
    assert any(w.startswith("正文数字事实共 4 个") for w in whats), whats
    summary = next(nc for nc in rep.coverage.not_checked if nc.what.startswith("正文数字事实共"))
    assert "2 个经事实比对核对" in summary.reason and "2 个未核对" in summary.reason
    assert {"数字事实 1 个未核对"} <= set(whats)
    assert any("约数" in nc.reason for nc in rep.coverage.not_checked)
    assert rep.n_errors == 1 and rep.findings[0].rule == "fact.新建智慧灯杆"


# ----------------------------------------------------------------------------- the seeds

def _fact_errors(path):
    return [f for f in report(str(path)).findings if f.rule.startswith("fact.") and f.severity == "error"]


def test_yantian_kaiban_qiye_4078_versus_3797():
    (f,) = _fact_errors(YANTIAN)
    assert f.rule == "fact.开办企业一站式服务"
    assert sorted([f.stated, f.recomputed]) == [3797, 4078]
    quotes = " ".join(e.quote for e in f.evidence)
    assert "开办企业一窗通”为 4078 家企业" in quotes and "为3797家企业提供了开办企业一站式服务" in quotes
    assert {e.page for e in f.evidence} >= {16, 20}


def test_longhua_quneitongban_185_versus_166():
    (f,) = _fact_errors(LONGHUA)
    assert f.rule == "fact.区内通办业务"
    assert sorted([f.stated, f.recomputed]) == [166, 185]
    assert all(e.page == 13 for e in f.evidence) and len(f.evidence) == 2


@pytest.mark.parametrize("path", [YANTIAN, LONGHUA])
def test_the_samples_errors_are_those_their_expected_file_lists(path):
    """Each contradiction the expected file lists (written by hand from the seed text) is raised
    as an error, and no error is raised that it does not list."""
    listed = json.loads(expected_path(path).read_text(encoding="utf-8"))["planted_contradictions"]
    errors = {f.rule for f in report(str(path)).findings if f.severity == "error"}
    missed = [c["rule"] for c in listed if c["rule"] not in errors]
    assert not missed, missed
    assert errors <= {c["rule"] for c in listed}, errors - {c["rule"] for c in listed}


@pytest.mark.parametrize("path", [YANTIAN, LONGHUA])
def test_the_samples_coverage_counts_their_facts(path):
    r = report(str(path))
    summary = next(nc for nc in r.coverage.not_checked if nc.what.startswith("正文数字事实共"))
    facts = [c for c in r.checks if c.rule.startswith("fact.") and c.outcome in ("pass", "fail")]
    assert len(facts) >= 3 and "经事实比对核对" in summary.reason


# ----------------------------------------------------------------------------- mutations

def _mutations():
    from conftest import REAL, SAMPLES
    from test_mutations import CN, Mutation as M

    yt, lh = "yantian_2023.pdf", "longhua_2019.pdf"
    czj, shgzb = "sh-putuo_caizhengju_2024_bumen-juesuan.pdf", "sh-putuo_shehuigongzuobu_2024_bumen-juesuan.pdf"
    return [
        # a count or a rate stated twice, no catalog key: one of the two edited
        M(yt, 16, "业务量 2685 宗", "2685", "2686", "twice: 全市域通办业务量", folder=SAMPLES),
        M(yt, 19, "涉疫数据 3979 万条", "3979", "3970", "twice: 涉疫数据", folder=SAMPLES),
        M(yt, 16, "上线 65 项", "65", "56", "twice: 政策补贴直通车事项", folder=SAMPLES),
        M(yt, 19, "为 3628 家企业", "3628", "3623", "twice: 首贷服务窗口", folder=SAMPLES),
        M(yt, 16, "即来即办率 75.59%", "75.59", "75.69", "twice: 即来即办率", folder=SAMPLES),
        M(lh, 13, "全城通办业务246项", "246", "248", "twice: 全城通办业务", folder=SAMPLES),
        # a share of a 其中 part against the whole it breaks down (in one sentence, or a list of paragraphs)
        M(czj, 21, "占79.49%", "79.49", "78.49", "share: 基本支出", folder=REAL),
        M(czj, 21, "占99.79%", "99.79", "99.29", "share: 财政拨款收入", folder=REAL),
        M(czj, 21, "占20.51%", "20.51", "21.51", "share: 项目支出", folder=REAL),
        M(shgzb, 17, "占34.30%", "34.30", "34.80", "share: 基本支出", folder=REAL),
        M(shgzb, 17, "占65.70%", "65.70", "65.20", "share: 项目支出", folder=REAL),
        M("suzhou_2026_bumen-yusuan_8933f1.pdf", 26, "占57.62%", "57.62", "52.62", "list share: 基本支出", folder=CN),
        M("suzhou_2026_bumen-yusuan_8933f1.pdf", 26, "占42.38%", "42.38", "42.88", "list share: 项目支出", folder=CN),
        M("wuxi_2026_bumen-yusuan_8a53f1.pdf", 42, "占17.38%", "17.38", "17.88", "list share: 基本支出", folder=CN),
        M("wuxi_2026_danwei-yusuan_6df438.pdf", 32, "占80.56%", "80.56", "80.50", "list share: 一般公共预算收入",
          folder=CN),
        M("suzhou_2026_danwei-yusuan_590ce1.pdf", 30, "占52.48%", "52.48", "53.48", "list share: 一般公共预算收入",
          folder=CN),
    ]


@pytest.mark.parametrize("i", range(16))
def test_a_mutated_fact_is_found_by_the_fact_check_without_unrelated_errors(i, tmp_path):
    """One figure no catalog key names, edited in the PDF's content stream (tests/test_mutations.py):
    found by a fact check on the edited page, and no new error elsewhere."""
    pytest.importorskip("pikepdf")
    from test_mutations import run

    ms = _mutations()
    assert len(ms) == 16  # the parametrisation above
    m = ms[i]
    if not m.path.exists():
        pytest.fail(f"test input missing: {m.path}")
    found, hits, unrelated = run(m, tmp_path)
    assert found and any(h.startswith("error fact.") for h in hits), (m.what, hits)
    assert not unrelated, unrelated
