"""Numbers as printed in the HTML report (issue #15, item 4): a stated value is shown in the
report's own text, a recomputed one at the printed precision of the figure it is compared with,
in the same unit; the exact value or interval stays in the detail line."""
from __future__ import annotations

import re

from conftest import LONGHUA, YANTIAN, report


def _ind(key, value, raw, unit, decimals=2):
    from pipeline.schema import Indicator
    return Indicator(key=key, value=value, unit=unit, raw_text=raw, decimals=decimals, page=1, bbox=(0, 0, 1, 1), quote="")


def _ev(text):
    from pipeline.schema import Evidence
    return Evidence(page=1, bbox=(0, 0, 1, 1), quote="", value_text=text)


def test_as_printed():
    from pipeline.publish.html import as_printed

    assert as_printed(26.67, 29.032258, [_ev("26.67%"), _ev("29.03%")], "%") == ("26.67%", "29.03%", "%")
    assert as_printed(95.0, 95.8881, [_ev("2.11"), _ev("95.00%")], "%") == ("95.00%", "95.89%", "%")
    assert as_printed(100.0, 95.837543, [_ev("100%")], "%") == ("100%", "96%", "%")
    assert as_printed(6950.0, 7012.345, [_ev("6,950.00 万元")], " 万元") == ("6,950.00 万元", "7,012.35 万元", " 万元")
    assert as_printed(4.79, 4.7, [_ev("4.79"), _ev("0.00"), _ev("4.70")]) == ("4.79", "4.70", "")
    # a stated value no evidence prints (converted to 万元): the number itself, never a guess
    assert as_printed(475.514, 480.0, [_ev("4,755,140 元")], " 万元") == ("475.514 万元", "480 万元", " 万元")
    assert as_printed(None, 1.5, [], "%") == ("", "1.5%", "%")


def _findings_shown(html: str):
    """(rule, 报告所写, 复算, detail lines) for each finding in the HTML."""
    out = []
    for rule, dl in re.findall(r'<section class="finding \w+" data-rule="([^"]+)">.*?<dl class="nums">(.*?)</dl>', html, re.S):
        values = dict(re.findall(r"<dt>(报告所写|复算)</dt><dd>([^<]*)</dd>", dl))
        out.append((rule, values.get("报告所写"), values.get("复算"), re.findall(r'<dd class="iv">([^<]*)</dd>', dl)))
    return out


def test_findings_show_the_printed_numbers_of_the_samples():
    from pipeline.publish.html import ReportEntry, render_html

    for pdf in (YANTIAN, LONGHUA):
        r = report(str(pdf))
        html = render_html([ReportEntry(file=pdf.name, report=r)])
        shown = {rule: (stated, recomputed) for rule, stated, recomputed, _ in _findings_shown(html)}
        # each finding once: a problem's lead, or a check listed under the problem it belongs to
        assert sorted(shown) == sorted(f.rule for f in r.findings)
        for f in r.findings:
            rule, (stated, recomputed) = f.rule, shown[f.rule]
            printed = [(ev.value_text or "").strip() for ev in f.evidence]
            assert stated in printed, (rule, stated, printed)  # the report's own text
            decimals = len(stated.split(".")[1].rstrip("%万元人分 ")) if "." in stated else 0
            number = re.search(r"[\d,]+(?:\.\d+)?", recomputed).group()
            assert (len(number.split(".")[1]) if "." in number else 0) == decimals, (rule, stated, recomputed)
            assert stated.endswith("%") == recomputed.endswith("%"), (rule, stated, recomputed)
    yantian = dict((rule, (s, c, iv)) for rule, s, c, iv in
                   _findings_shown(render_html([ReportEntry(file="y.pdf", report=report(str(YANTIAN)))])))
    assert yantian["cross_mention.contract_staff_control_rate"] == (
        "26.67%", "29.03%", ["区间 [26.665, 26.675]%", "精确值 29.0323%"])
    assert yantian["table_sum.表1-4.合计.原值"][:2] == ("8,219.95", "8,247.31")


def test_indicator_tables_show_the_printed_text():
    from pipeline.publish.html import ReportEntry, render_html
    from pipeline.schema import Issuer, Report
    from test_report_html import _source

    def rep(name, *inds):
        return Report(source=_source(name), issuer=Issuer(district=name, department="财政局"), year=2024,
                      report_type="final_accounts", indicators=list(inds))

    html = render_html([
        ReportEntry(file="a.pdf", report=rep("甲区", _ind("three_public_budget", 6950.0, "6,950.00万元", "万元"),
                                             _ind("budget_execution_rate", 95.0, "95.00%", "%"))),
        ReportEntry(file="b.pdf", report=rep("乙区", _ind("three_public_budget", 475.514, "4,755,140 元", "万元", 4),
                                             _ind("budget_execution_rate", 99.9, "99.9%", "%", 1)))])
    table = re.search(r'<table class="sortable indicators">.*?</table>', html, re.S).group()
    assert '<td class="n " data-v="95.0">95.00</td>' in table and '<td class="n " data-v="99.9">99.9</td>' in table
    amounts = html[html.index("金额与数量"):]
    assert '<td class="n " data-v="6950.0">6,950.00</td>' in amounts  # the unit is in the header
    assert '<td class="n " data-v="475.514">4,755,140 元</td>' in amounts  # another unit: printed whole


def test_a_figure_printed_in_another_unit_says_so():
    """A table in 元 whose figures the catalog counts in 万元: the column says 万元, so the cell names 元."""
    from pipeline.publish.html import shown_number

    assert shown_number("99,406,297", 9940.6297, "万元") == "99,406,297 元"
    assert shown_number("6,950.00万元", 6950.0, "万元") == "6,950.00"
    assert shown_number("4,755,140 元", 475.514, "万元") == "4,755,140 元"  # it names its unit already
    assert shown_number("95.00%", 95.0, "%") == "95.00"
