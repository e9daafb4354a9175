"""What auditors and analysts hand on (issue 15): 问题清单.xlsx and findings.csv one row per problem,
numbers as printed, summary.csv one row per distinct report with its place, labels.csv,
indicators.csv with provenance; the CLI table at 80 columns, `-o` for every format, bad input in
the report's words.

Expected values are read from samples/yantian_2023.pdf and samples/longhua_2019.pdf by hand:
盐田区 and 龙华区 are districts of 深圳市 (广东省); yantian states 编外人员控制率 as 26.67% (p15) and
29.03% (p23); 表2 (p17) prints 公务用车购置及运行维护费 4.70 | 2.11 | 44.03%.
"""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from rich.cells import cell_len

from conftest import LONGHUA, YANTIAN, require, run_cli


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    from pipeline.api import batch

    src = tmp_path_factory.mktemp("in")
    shutil.copy(require(YANTIAN), src / "yantian.pdf")
    shutil.copy(require(YANTIAN), src / "yantian_copy.pdf")  # the same content under a second name
    shutil.copy(require(LONGHUA), src / "longhua.pdf")
    out = tmp_path_factory.mktemp("out")
    batch(src, out, jobs=1, timeout=None)
    return out


def _sheet(path):
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    return ws, [c.value for c in ws[1]]


def test_problem_list_xlsx_columns_formats_and_links(out):
    ws, header = _sheet(out / "问题清单.xlsx")
    assert header[:19] == ["编号", "城市/省", "区", "部门", "年度", "报告类型", "文件", "页码", "表/行/列或原文", "报告数",
                           "复算数", "差额", "差异率", "单位", "严重程度", "说明", "现状", "状态", "备注"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    col = {h: i for i, h in enumerate(header)}
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == 9  # yantian's six problems (once for both names) and longhua's three
    shas = {}
    for row in rows:
        v = {h: row[i].value for h, i in col.items()}
        assert v["严重程度"] in ("错误", "提示") and v["报告类型"] == "绩效自评报告" and v["状态"] == "待核"
        assert v["城市/省"] == "深圳市（广东省）" and v["现状"] == "存在"
        page = row[col["页码"]]
        assert isinstance(page.value, int)
        shas[v["编号"]] = v["SHA-256"]
        assert page.hyperlink.target == f"report.html#r-{v['SHA-256'][:12]}-p{page.value}"
        assert row[col["差异率"]].number_format == "0.00%"
        assert row[col["说明"]].alignment.wrap_text
    vehicle = next(r for r in rows if "公务用车购置及运行维护费" in (r[col["表/行/列或原文"]].value or ""))
    assert vehicle[col["报告数"]].value == pytest.approx(44.03)
    assert vehicle[col["复算数"]].value == pytest.approx(2.11 / 4.70 * 100, abs=1e-4)
    assert vehicle[col["报告数"]].number_format == '0.00"%"'
    assert vehicle[col["差额"]].value == pytest.approx(44.03 - 2.11 / 4.70 * 100, abs=1e-3)
    assert vehicle[col["文件"]].value == "yantian.pdf; yantian_copy.pdf"
    assert vehicle[col["表/行/列或原文"]].value == "表2公用经费控制情况表｜2. 公务用车购置及运行维护费｜控制率"
    assert "相关检查" in vehicle[col["说明"]].value and "公务用车运行维护费" in vehicle[col["说明"]].value
    total = next(r for r in rows if (r[col["表/行/列或原文"]].value or "").endswith("合计｜原值"))
    assert total[col["报告数"]].number_format == "#,##0.00" and total[col["报告数"]].value == pytest.approx(8219.95)
    # the same rows in findings.csv, with the same names
    fin = pd.read_csv(out / "findings.csv", encoding="utf-8-sig")
    assert list(fin.columns) == header and len(fin) == 9
    assert set(fin["编号"]) == set(shas)


def test_numbers_in_text_columns_are_as_printed(out):
    fin = pd.read_csv(out / "findings.csv", encoding="utf-8-sig")
    text = " ".join(fin["说明"])
    assert "26.67%" in text and "29.03%" in text and "44.89%（区间 44.73%～45.05%）" in text
    assert "29.0323" not in text and "44.8936" not in text and "—" not in text
    assert "21,835.93 万元" in text  # longhua's 项目支出 as printed, with its unit


def test_summary_one_row_per_distinct_report_with_place_and_contested_values(out):
    s = pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    assert list(s.columns[:12]) == ["file", "sha256", "status", "province", "city", "district", "department", "year",
                                    "report_type", "pages", "n_errors", "n_warnings"]
    assert sorted(s.file) == ["longhua.pdf", "yantian.pdf; yantian_copy.pdf"]
    yt = s.set_index("district").loc["盐田区"]
    assert (yt.province, yt.city, yt.department, yt.year) == ("广东省", "深圳市", "政务服务数据管理局", 2023)
    assert (yt.n_errors, yt.n_warnings) == (5, 1)  # counted by problem
    assert yt.contract_staff_control_rate == 26.67 and yt.contract_staff_control_rate_other_values == "29.03%"
    labels = pd.read_csv(out / "labels.csv", encoding="utf-8-sig", keep_default_na=False).set_index("key")
    assert list(labels.columns) == ["中文名", "单位"] and set(labels.index) == set(s.columns)
    assert tuple(labels.loc["contract_staff_control_rate"]) == ("编外人员控制率", "%")
    assert tuple(labels.loc["city"]) == ("城市", "")
    from openpyxl import load_workbook
    ws = load_workbook(out / "govaudit.xlsx")["汇总"]
    header = [c.value for c in ws[1]]
    assert "编外人员控制率（%）" in header and "城市" in header
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("区")].value == "盐田区")
    cell = row[header.index("编外人员控制率（%）")]
    assert cell.comment is not None and "29.03%" in cell.comment.text  # contested, marked
    assert row[header.index("报告类型")].value == "绩效自评报告" and row[header.index("状态")].value == "成功"


def test_indicators_csv_has_provenance_and_no_exact_duplicates(out):
    ind = pd.read_csv(out / "indicators.csv", encoding="utf-8-sig")
    for c in ("file", "district", "department", "year", "report_type", "key", "value", "unit", "raw_text", "page",
              "bbox", "quote"):
        assert c in ind.columns, c
    assert not ind.duplicated().any()
    rates = ind[(ind.district == "盐田区") & (ind.key == "contract_staff_control_rate")]
    assert sorted(rates.value) == [26.67, 29.03] and sorted(rates.page) == [15, 23]
    assert rates.quote.str.contains("编外人员控制率").all() and rates.bbox.str.count(",").eq(3).all()


def test_audit_table_to_a_file_fits_80_columns(tmp_path):
    target = tmp_path / "yantian.txt"
    res = run_cli("audit", str(YANTIAN), "--format", "table", "-o", str(target))
    assert res.returncode == 1 and res.stdout == "", res.stderr  # errors found; nothing on stdout
    text = target.read_text(encoding="utf-8")
    assert "按问题计：错误 5，提示 1" in text
    for h in ("严重", "说明", "报告数", "复算数", "页码"):
        assert h in text
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "\x1b[" not in text  # plain text


def test_bad_input_in_the_reports_words(tmp_path):
    fake = tmp_path / "fake.pdf"
    fake.write_text("hello", encoding="utf-8")
    res = run_cli("audit", str(fake))
    assert res.returncode == 2
    assert "不是 PDF 文件（not_pdf：" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_patterns_shows_phrases_not_regexes():
    from pipeline.publish.terminal import formula_phrase, wording_phrase

    assert wording_phrase("(?<![项目时序分季])预算执行率") == "预算执行率"
    assert wording_phrase("调整后(?:全年|部门)预算(?:数|总额)?") == "调整后全年/部门预算[数/总额]"
    assert wording_phrase('[“"]?三公[”"]?经费控制率') == "三公经费控制率"
    assert "÷" in formula_phrase("contract_staff / (staff_on_payroll + contract_staff) * 100")
    res = run_cli("patterns")
    assert res.returncode == 0 and "(?" not in res.stdout and "\\d" not in res.stdout


def test_places_and_departments_from_the_cover():
    import yaml

    from pipeline.extract.catalog import PATTERNS_DIR
    from pipeline.extract.metadata import _issuer, _place, place_of

    cfg = yaml.safe_load((PATTERNS_DIR / "metadata.yaml").read_text(encoding="utf-8"))
    assert place_of("普陀区") == ("上海市", "上海市")
    assert place_of("盐田区") == place_of("龙华区") == ("广东省", "深圳市")
    assert place_of("某某区") == (None, None)
    title = "深圳市光明区科学城建设服务署部门整体支出绩效自评报告"
    issuer = _issuer(title, cfg)
    assert (issuer.district, issuer.department) == ("光明区", "科学城建设服务署")
    assert (_place(issuer, title, cfg).city, _place(issuer, title, cfg).province) == ("深圳市", "广东省")
    # the city the cover names wins over the table (a 普陀区 outside Shanghai); its province is the
    # city's (patterns/metadata.yaml cities)
    named = _place(_issuer("舟山市普陀区财政局2023年度部门决算", cfg), "舟山市普陀区财政局2023年度部门决算", cfg)
    assert (named.city, named.province) == ("舟山市", "浙江省")


@pytest.mark.parametrize("x,text,shown", [
    (29.032258, "26.67%", "29.03%"), (95.837543, "100%", "96%"), (8247.31, "8,219.95", "8,247.31"),
    (10442.0, "2068", "10442"), (4760.004, "4,755.14 万元", "4,760.00 万元"), (None, "1", "无法计算"),
])
def test_recomputed_values_at_the_printed_precision(x, text, shown):
    from pipeline.check.core import fmt_like

    assert fmt_like(x, text) == shown


def test_interval_detail_line():
    from pipeline.check.core import fmt_interval

    assert fmt_interval(44.7396, 45.0479, "44.03%") == "（区间 44.73%～45.05%）"
    assert fmt_interval(29.0323, 29.0323, "26.67%") == ""  # exact: nothing to round
    assert fmt_interval(35.70, 35.72, "50.9%") == "（区间 35.7%～35.8%）"
