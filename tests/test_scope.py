"""Scope (issue 12, item 4): a parenthetical breakdown or a 其中 clause does not carry its subject
past its closing bracket or its clause, and a cross-mention compares two statements only when
their subject and phase agree — not because the same key word appears."""
from __future__ import annotations

from pipeline.check.formulas import cross_mention_checks
from pipeline.check.core import Context
from pipeline.check.validate import validate
from pipeline.document import Source
from pipeline.extract.indicators import extract_indicators
from pipeline.schema import Indicator, Issuer, Report
from test_phrasings import document

ISSUE = "全年实际支出8,420.16万元（基本支出2,105.33万元、项目支出6,314.83万元），调整后预算8,901.20万元，执行率94.60%。"


def keys(text: str, report_type: str = "performance_self_evaluation") -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for i in extract_indicators(document(text), report_type)[0]:
        out.setdefault(i.key, []).append(round(i.value, 6))
    return out


def by_key(text: str) -> dict[str, Indicator]:
    return {i.key: i for i in extract_indicators(document(text), "performance_self_evaluation")[0]}


# ------------------------------------------------------------------------------------ extraction
def test_the_issue_sentence_the_figure_after_the_bracket_is_the_departments():
    got = keys(ISSUE)
    assert got["budget_adjusted"] == [8901.2]
    assert got["budget_execution_rate"] == [94.6]
    assert got["project_expenditure"] == [6314.83] and got["basic_expenditure"] == [2105.33]
    assert "project_budget_adjusted" not in got and "project_execution_rate" not in got


def test_a_subject_inside_brackets_still_governs_the_terms_inside_them():
    got = keys("全年实际支出980.00万元（其中项目支出调整后预算520.00万元，实际支出498.00万元），调整后预算1,010.00万元。")
    assert got["project_budget_adjusted"] == [520.0]
    assert got["project_expenditure"] == [498.0]
    assert got["budget_adjusted"] == [1010.0]
    assert got["expenditure_actual"] == [980.0]


def test_a_qi_zhong_clause_ends_at_its_semicolon():
    got = keys("全年实际支出8,114.62万元，其中项目支出调整后预算6,200.00万元；调整后预算8,502.30万元，执行率95.44%。")
    assert got["project_budget_adjusted"] == [6200.0]
    assert got["budget_adjusted"] == [8502.3]
    assert got["budget_execution_rate"] == [95.44]


def test_a_subject_stated_with_its_own_value_is_a_figure_not_a_topic():
    # 项目支出 names its own 6,083.12: the 调整后预算 after it is the department's ...
    got = keys("全年实际支出8,114.62万元，项目支出6,083.12万元，调整后预算8,502.30万元。")
    assert got["budget_adjusted"] == [8502.3] and "project_budget_adjusted" not in got
    # ... while a subject followed by its terms keeps them ("项目支出调整后预算…，实际支出…")
    got = keys("项目支出调整后预算2,450.00万元，实际支出2,398.16万元，执行率97.88%。")
    assert got == {"project_budget_adjusted": [2450.0], "project_expenditure": [2398.16],
                   "project_execution_rate": [97.88]}


def test_a_breakdown_right_after_a_figure_belongs_to_that_figure():
    got = keys("聘用人员（含劳务派遣）12人，其中在岗10人，在编人员40人。")
    assert got == {"contract_staff": [12.0], "contract_staff_on_duty": [10.0], "staff_on_payroll": [40.0]}


def test_an_elliptical_list_of_quarters_repeats_the_term_for_each_quarter():
    got = keys("分季度看，一季度支出进度为21.36%，二季度48.72%，三季度71.05%，四季度96.25%，总体符合序时进度要求。")
    assert got == {"quarterly_progress_q1": [21.36], "quarterly_progress_q2": [48.72],
                   "quarterly_progress_q3": [71.05], "quarterly_progress_q4": [96.25]}
    # a quarter followed by its number after a figure of another kind is not an ellipsis
    assert keys("全年实际支出8,114.62万元，二季度48.72%。") == {"expenditure_actual": [8114.62]}


def test_a_qi_zhong_sentence_breaks_down_the_figure_its_parts_add_up_to():
    # nearest figure 5.2 (budget) is not the sum 0.00 + 2.34 + 1.13; the earlier 3.46 (spending) is
    got = keys("“三公”经费支出3.46万元，年初预算5.2万元，控制率66.3%。其中因公出国（境）费0.00万元，"
               "公务用车购置及运行维护费2.34万元，公务接待费1.13万元。")
    assert got["three_public_vehicle_actual"] == [2.34] and got["three_public_reception_actual"] == [1.13]
    assert not {"three_public_vehicle_budget", "three_public_reception_budget"} & set(got)
    # when the parts add up to the budget, they are the budget's
    got = keys("“三公”经费支出3.46万元，年初预算5.20万元。其中公务用车购置及运行维护费预算3.50万元，公务接待费预算1.70万元。")
    assert got["three_public_vehicle_budget"] == [3.5] and got["three_public_reception_budget"] == [1.7]


def test_last_years_figures_are_not_this_years():
    assert keys("2023年度预算执行率为98.60%，上年度预算执行率为95.10%。") == {"budget_execution_rate": [98.6]}
    got = keys("全年支出3,120.40万元，与上年相比减少58.49万元；其中基本支出1,020.40万元。")
    assert got == {"expenditure_actual": [3120.4], "basic_expenditure": [1020.4]}


def test_a_paragraph_headed_by_a_budget_line_item_is_about_that_item():
    text = "1、一般公共服务支出(类)财政事务(款)行政运行(项)。主要用于基本支出。年初预算为1560.05万元，支出决算为1511.89万元。"
    assert keys(text, "final_accounts") == {}
    assert keys("一般公共预算财政拨款支出年初预算为2993.92万元，支出决算为2940.05万元。", "final_accounts") == {}


def test_one_named_project_is_neither_the_department_nor_its_project_total():
    assert keys("智慧政务平台运维项目调整后预算120.00万元，实际支出118.50万元，执行率98.75%。") == {}


def test_the_split_of_the_adjusted_budget_is_the_adjusted_split():
    got = keys("调整后预算9,000.00万元，其中基本支出3,000.00万元、项目支出6,000.00万元。")
    assert got == {"budget_adjusted": [9000.0], "basic_budget_adjusted": [3000.0], "project_budget_adjusted": [6000.0]}
    got = keys("年初预算3,200.00万元，其中基本支出1,100.00万元、项目支出2,100.00万元。")
    assert got == {"budget_initial": [3200.0], "basic_budget": [1100.0], "project_budget": [2100.0]}


def test_each_mention_records_its_subject_and_phase():
    inds = by_key("项目支出调整后预算2,450.00万元，实际支出2,398.16万元，预算执行率97.88%。")
    # 预算执行率 is a name: no subject of its own, so it is the figure of the subject in scope
    assert inds["budget_execution_rate"].subject == "project"
    inds = by_key(ISSUE)
    assert inds["budget_execution_rate"].subject is None
    assert inds["budget_adjusted"].subject is None
    assert inds["basic_expenditure"].phase == "actual"


# ------------------------------------------------------------------------------------ cross-mentions
def _ind(key: str, value: float, page: int, subject=None, phase=None, quote="q") -> Indicator:
    return Indicator(key=key, value=value, unit="%", raw_text=f"{value:.2f}%", decimals=2, page=page,
                     bbox=(0, 0, 1, 1), quote=f"{quote} p{page}", subject=subject, phase=phase)


def _report(*inds: Indicator) -> Report:
    return Report(source=Source(path="x.pdf", sha256="0" * 64, pages=3), issuer=Issuer(), indicators=list(inds))


def test_cross_mention_compares_only_statements_of_the_same_subject():
    r = _report(_ind("budget_execution_rate", 94.60, 1), _ind("budget_execution_rate", 97.88, 2, subject="project"))
    assert [c for c in cross_mention_checks(Context.of(r, None)) if c.outcome == "fail"] == []
    r = _report(_ind("budget_execution_rate", 94.60, 1), _ind("budget_execution_rate", 97.88, 2))
    fails = [c for c in cross_mention_checks(Context.of(r, None)) if c.outcome == "fail"]
    assert [(c.rule, c.severity) for c in fails] == [("cross_mention.budget_execution_rate", "error")]


def test_cross_mention_phase_said_differently_is_not_one_statement_but_unsaid_agrees():
    r = _report(_ind("budget_adjusted", 100.0, 1, phase="budget"), _ind("budget_adjusted", 95.0, 2, phase="actual"))
    assert [c for c in cross_mention_checks(Context.of(r, None)) if c.outcome == "fail"] == []
    r = _report(_ind("budget_adjusted", 100.0, 1, phase="budget"), _ind("budget_adjusted", 95.0, 2))
    assert [c.outcome for c in cross_mention_checks(Context.of(r, None))] == ["fail"]


def test_cross_mention_same_subject_other_than_the_entrys_is_named_in_the_rule():
    r = _report(_ind("budget_execution_rate", 97.88, 1, subject="project"),
                _ind("budget_execution_rate", 96.00, 2, subject="project"))
    [c] = cross_mention_checks(Context.of(r, None))
    assert (c.rule, c.outcome) == ("cross_mention.budget_execution_rate@project", "fail")


def test_the_issue_report_raises_no_cross_mention_error_against_the_real_project_figure():
    from pipeline.extract.indicators import extract_indicators as ex
    from pipeline.document import Document, Line, Page, Paragraph

    texts = [ISSUE, "项目支出调整后预算6,500.00万元，实际支出6,314.83万元，项目预算执行率97.15%。"]
    paras = []
    for k, raw in enumerate(texts):
        line = Line(page=k + 1, bbox=(50.0, 100.0, 545.0, 112.0), raw=raw, text=document(raw).paragraphs[0].text)
        paras.append(Paragraph(index=k, lines=[line], text=line.text, raw=raw))
    doc = Document(source=Source(path="x.pdf", sha256="0" * 64, pages=2),
                   pages=[Page(number=n, width=595.0, height=842.0, n_chars=100) for n in (1, 2)],
                   paragraphs=paras, tables=[])
    inds, _, _ = ex(doc, "performance_self_evaluation")
    report = validate(_report(*inds), doc)
    assert [i.value for i in inds if i.key == "project_budget_adjusted"] == [6500.0]
    assert [i.value for i in inds if i.key == "budget_adjusted"] == [8901.2]
    assert not [f for f in report.findings if f.rule.startswith(("cross_mention", "text_vs_table"))]
    # 8,420.16 / 8,901.20 = 94.60% and 6,314.83 / 6,500.00 = 97.15%: both rates check and pass
    outcome = {c.rule: c.outcome for c in report.checks}
    assert outcome["ratio.budget_execution_rate"] == "pass"
    assert outcome["ratio.project_execution_rate"] == "pass"
