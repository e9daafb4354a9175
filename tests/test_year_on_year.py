"""Year-on-year changes recomputed inside one report (pipeline/check/changes.py): the prior figure
wherever the report prints it — the same sentence, a 与上年对比 table, a sentence about the prior
year — and the change's rate against the change itself; 元 and 万元 figures compared in 万元."""
from __future__ import annotations

import pytest

from pipeline.check.changes import year_on_year_checks
from pipeline.check.core import Context
from pipeline.document import Cell, Document, Line, Page, Paragraph, Row, Source, Table
from pipeline.read.normalize import normalize


def _doc(texts: list[str], tables: list[Table] = ()) -> Document:
    paras = []
    for k, raw in enumerate(texts):
        text = normalize(raw)
        line = Line(page=1, bbox=(50.0, 100.0 + 20 * k, 545.0, 112.0 + 20 * k), raw=raw, text=text)
        paras.append(Paragraph(index=k, lines=[line], text=text, raw=raw))
    return Document(source=Source(path="yoy.pdf", sha256="0" * 64, pages=1),
                    pages=[Page(number=1, width=595.0, height=842.0, n_chars=100)], paragraphs=paras,
                    tables=list(tables))


def _table(rows: list[list[str]], caption="表3 收入支出与上年对比情况表", unit="万元") -> Table:
    def row(y, texts):
        return Row(page=1, bbox=(0, y, 500, y + 20),
                   cells=[Cell(text=t, raw=t, bbox=(100 * i, y, 100 * i + 100, y + 20), x0=100 * i + 4)
                          for i, t in enumerate(texts)])
    return Table(index=0, page=1, bbox=(0, 300, 500, 300 + 20 * len(rows)), caption=caption, unit=unit,
                 n_header_rows=1, rows=[row(300 + 20 * k, r) for k, r in enumerate(rows)], after_paragraph=0)


def _checks(doc: Document, year: int = 2023):
    from pipeline.api import build_report

    rep = build_report(doc)
    rep.year = year
    return {c.rule: c for c in year_on_year_checks(Context.of(rep, doc))}


def test_prior_figure_in_the_same_sentence():
    got = _checks(_doc(["2023年人员经费支出468.92万元，比上年的456.52万元增加12.40万元，增长2.72%。"]))
    assert got["change.人员经费支出"].outcome == "pass"
    assert got["change.人员经费支出.增减率"].outcome == "pass"
    bad = _checks(_doc(["2023年人员经费支出468.92万元，较上年（456.52万元）增长2.80%。"]))
    c = bad["change.人员经费支出.增减率"]
    assert c.outcome == "fail" and c.severity == "error" and "2.72%" in c.message


def test_prior_figure_stated_in_another_sentence():
    doc = _doc(["2022年人员经费支出456.52万元。", "2023年人员经费支出468.92万元，比上年增加13.40万元。"])
    c = _checks(doc)["change.人员经费支出"]
    assert c.outcome == "fail" and c.severity == "error"
    assert c.recomputed == pytest.approx(12.40)
    # the prior year stated twice with different values: which one is meant is not known
    doc = _doc(["2022年人员经费支出456.52万元。", "上年人员经费支出455.52万元。",
                "2023年人员经费支出468.92万元，比上年增加13.40万元。"])
    assert _checks(doc)["change.人员经费支出"].outcome == "insufficient_data"


def test_change_in_yuan_against_its_rate_and_no_prior_figure():
    c = _checks(_doc(["公用经费支出74,800元，比上年减少3,200元，下降4.1%。"]))["change.公用经费支出.增减率"]
    assert c.outcome == "pass"  # 3,200 ÷ (74,800 + 3,200) = 4.10%
    c = _checks(_doc(["公用经费支出74,800元，比上年减少3,200元，下降4.4%。"]))["change.公用经费支出.增减率"]
    assert c.outcome == "fail" and c.severity == "error"
    # no prior figure and only the change: nothing to recompute, said so
    c = _checks(_doc(["收入836.45万元，同比增长1.5%。"]))["change.收入"]
    assert c.outcome == "insufficient_data" and "上年数" in c.message


def test_a_comparison_with_another_year_than_the_last_is_not_read():
    assert not _checks(_doc(["人员经费支出468.92万元，比2020年增加52.40万元。"]))


def test_table_of_two_years_recomputed_row_by_row():
    t = _table([["项目", "2023年", "2022年", "增减额", "增减率(%)"],
                ["人员经费", "468.92", "456.52", "12.40", "2.72"],
                ["公用经费", "74.80", "78.00", "-3.20", "-4.10"],
                ["合计", "543.72", "534.52", "9.20", "1.72"]])
    got = _checks(_doc(["一、收入支出情况"], [t]))
    assert {r: c.outcome for r, c in got.items()} == {
        "change.表3.人员经费": "pass", "change.表3.人员经费.增减率": "pass", "change.表3.公用经费": "pass",
        "change.表3.公用经费.增减率": "pass", "change.表3.合计": "pass", "change.表3.合计.增减率": "pass"}
    t.rows[3].cells[3] = t.rows[3].cells[3].model_copy(update={"text": "9.02", "raw": "9.02"})
    got = _checks(_doc(["一、收入支出情况"], [t]))
    assert got["change.表3.合计"].outcome == "fail" and got["change.表3.合计"].severity == "error"


def test_prose_change_checked_against_the_table_of_the_prior_year():
    t = _table([["项目", "本年数", "上年数"], ["人员经费", "468.92", "456.52"]])
    doc = _doc(["人员经费468.92万元，比上年增加21.40万元。"], [t])
    c = _checks(doc)["change.人员经费"]
    assert c.outcome == "fail" and "上年数" in c.message and c.recomputed == pytest.approx(12.40)
    # the table's row holds another figure this year: not the same quantity, no prior figure from it
    doc = _doc(["人员经费478.92万元，比上年增加21.40万元。"], [t])
    assert _checks(doc)["change.人员经费"].outcome == "insufficient_data"


def test_a_table_in_doubt_gives_no_error():
    from pipeline.document import TableDoubt
    from pipeline.extract.structure import reading_of

    t = _table([["项目", "2023年", "2022年", "增减额"], ["合计", "543.72", "534.52", "9.02"]])
    doc = _doc(["一、收入支出情况"], [t])
    reading_of(t, doc).doubts.append(TableDoubt(kind="may_continue", reason="表格可能在下页续排"))
    c = _checks(doc)["change.表3.合计"]
    assert c.outcome == "insufficient_data" and "结构存疑" in c.message


def test_the_two_years_side_by_side_in_one_sentence():
    # 北京's 决算 shape: 本年 / 上年 / 同比增减额 / 同比增减率
    got = _checks(_doc(["单位支出本年2,864.37万元，上年2,698.04万元，同比增减额166.33万元，同比增减率6.61%。"]))
    assert got["change.单位支出"].outcome == "pass"
    c = got["change.单位支出.增减率"]
    assert c.outcome == "fail" and c.severity == "error" and "6.16%" in c.message
    got = _checks(_doc(["公用经费本年72.10万元，上年76.30万元，同比增减额-4.20万元，同比增减率-5.50%。"]))
    assert {c.outcome for c in got.values()} == {"pass"}
