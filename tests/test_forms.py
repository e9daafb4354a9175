"""Form tables read like prose (pipeline/extract/forms.py): a table no declaration names gives the
figures its labels and header paths state, under the catalog's own names, terms, subjects and
phases; targets, weights and scores are not read; a two-level header is read as one term."""
from __future__ import annotations

from pipeline.document import Cell, Document, Row, Source, Table
from pipeline.extract.indicators import extract_indicators


def _table(rows: list[list[str]], header: int = 1, caption: str | None = None, unit: str | None = None,
           spans: set[tuple[int, int]] = frozenset(), widths: dict[tuple[int, int], int] | None = None) -> Table:
    """``widths``: (row, col) -> how many columns the cell covers (a merged header cell)."""
    widths = widths or {}
    out = []
    for r, texts in enumerate(rows):
        y = 20.0 * r
        cells = []
        for c, t in enumerate(texts):
            w = widths.get((r, c), 1)
            cells.append(Cell(text=t, raw=t, bbox=(100.0 * c, y, 100.0 * (c + w), y + 20), spanned=(r, c) in spans))
        out.append(Row(page=1, bbox=(0, y, 100.0 * len(texts), y + 20), cells=cells))
    return Table(index=0, page=1, bbox=(0, 0, 800, 20.0 * len(rows)), n_header_rows=header, rows=out,
                 caption=caption, unit=unit)


def _got(*tables: Table, report_type: str = "performance_self_evaluation") -> set[tuple]:
    doc = Document(source=Source(path="form.pdf", sha256="0" * 64, pages=1), pages=[], paragraphs=[],
                   tables=list(tables))
    return {(i.key, i.value, i.source) for i in extract_indicators(doc, report_type, 2023)[0]}


def test_label_value_pairs_with_units_in_labels_and_cells():
    t = _table([["单位名称", "清河县档案馆", "联系人", "王敏"],
                ["人员编制(人)", "24", "实有人数", "22人"],
                ["自评总分（分）", "95.36", "", ""]], header=0)
    assert _got(t) == {("staff_quota", 24.0, "table"), ("staff_on_payroll", 22.0, "table"),
                       ("total_score", 95.36, "table")}


def test_a_grid_under_a_caption_takes_the_caption_as_its_subject():
    # the caption makes 合计 the 三公 figure, not the department's spending
    t = _table([["项目", "预算数", "实际支出"], ["公务接待费", "1.67", "0.84"], ["合计", "4.79", "2.12"]],
               caption="表1“三公”经费支出情况统计", unit="万元")
    got = _got(t)
    assert ("three_public_actual", 2.12, "table") in got and ("three_public_budget", 4.79, "table") in got
    assert ("three_public_reception_actual", 0.84, "table") in got
    assert not {k for k, _, _ in got} & {"expenditure_actual", "budget_initial"}


def test_two_level_header_read_as_one_term_and_units_converted():
    # 预算数 over 年初 | 调整后, in 元: "调整后预算数" is the adjusted budget, 4,861,500 元 = 486.15 万元
    t = _table([["资金来源", "预算数", "", "执行数"], ["", "年初", "调整后", ""],
                ["年度资金总额", "4,126,000.00", "4,861,500.00", "4,679,200.00"]],
               header=2, unit="元", spans={(0, 2), (1, 0), (1, 3)}, widths={(0, 1): 2})
    got = _got(t)
    assert {("budget_initial", 412.6, "table"), ("budget_adjusted", 486.15, "table"),
            ("expenditure_actual", 467.92, "table")} <= got


def test_targets_weights_and_scores_are_not_read():
    t = _table([["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
                ["产出指标", "数量指标", "政务数据归集条数", "≥800万条", "862万条", "15", "15"],
                ["效益指标", "预算执行", "预算执行率", "95.00%", "96.25%", "10", "9"]])
    got = _got(t)
    assert ("budget_execution_rate", 96.25, "table") in got  # the completion column, not the target 95%
    assert not [g for g in got if g[1] in (95.0, 15.0, 10.0, 9.0)]


def test_no_unit_no_amount_and_not_in_a_budget():
    t = _table([["项目", "年初预算数", "调整后预算数"], ["合计", "412.60", "486.15"]])
    assert _got(t) == set()  # 元 or 万元: not said, not read
    # a budget's tables are read by patterns/budget.yaml, not as forms
    t = _table([["项目", "调整后预算数"], ["合计", "486.15"]], unit="万元")
    assert ("budget_adjusted", 486.15, "table") in _got(t)
    assert ("budget_adjusted", 486.15, "table") not in _got(t, report_type="budget")


def test_parts_beside_a_total_and_header_less_pairs():
    # one row per office and a 合计: only 合计 is the department's; a label / value form has no header
    t = _table([["单位", "编制数", "在职人数"], ["局机关", "28", "26"], ["管护中心", "16", "15"], ["合计", "44", "41"]],
               caption="表1 人员情况表")
    assert _got(t) == {("staff_quota", 44.0, "table"), ("staff_on_payroll", 41.0, "table")}
    t = _table([["编制数（人）", "59", "实有人数（人）", "56"], ["年初预算数（万元）", "3,684.20", "资产总额（万元）", "12,583.46"]])
    assert _got(t) == {("staff_quota", 59.0, "table"), ("staff_on_payroll", 56.0, "table"),
                       ("budget_initial", 3684.2, "table"), ("assets_total", 12583.46, "table")}
