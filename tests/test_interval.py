"""The interval rule of SPEC.md: a printed number stands for the interval its decimals allow."""
from __future__ import annotations

import pytest

from pipeline.check.interval import Formula, Interval


def test_printed_intervals():
    assert Interval.printed(26.67, 2).tuple() == (26.665, 26.675)
    assert Interval.printed(4755.14, 2).tuple() == (4755.135, 4755.145)
    assert Interval.printed(22, 0, exact=True).tuple() == (22, 22)


@pytest.mark.parametrize("formula, values, stated, ok", [
    ("a / b * 100", {"a": (2.11, 2), "b": (4.79, 2)}, (44.03, 2), True),   # 44.05% vs 44.03%: rounding
    ("a / b * 100", {"a": (4272.61, 2), "b": (5008.04, 2)}, (85.32, 2), True),
    ("a / b * 100", {"a": (2.11, 2), "b": (4.70, 2)}, (44.03, 2), False),  # 44.89%
    ("a + b", {"a": (1318.82, 2), "b": (3436.31, 2)}, (4755.14, 2), True),  # 4755.13 touches 4755.135
    ("a / b * 100", {"a": (10442, 0), "b": (29238, 0)}, (50.9, 1), False),  # 35.71% vs 50.9%
    ("a / b * 100", {"a": (2068, 0), "b": (6887, 0)}, (30.02, 2), True),    # 30.03% vs 30.02%
])
def test_overlap_rule(formula, values, stated, ok):
    f = Formula(formula)
    iv = f.evaluate({k: Interval.printed(*v) for k, v in values.items()})
    assert iv.overlaps(Interval.printed(*stated)) is ok


def test_exact_counts_do_not_widen():
    f = Formula("c / (p + c) * 100")
    iv = f.evaluate({"c": Interval.exact(9), "p": Interval.exact(22)})
    assert iv.overlaps(Interval.printed(29.03, 2)) and not iv.overlaps(Interval.printed(26.67, 2))


def test_formula_kinds_and_render():
    assert Formula("a / b * 100").kind == "ratio"
    assert Formula("a + b + c").kind == "sum"
    assert Formula("a - b").kind == "difference"
    assert Formula("(a + b + c + d) / 4").kind == "average"
    assert Formula("(a - b) / b * 100").kind == "growth"
    assert Formula("c / (p + c) * 100").render({"c": 9, "p": 22}, str) == "9 ÷ (22 + 9) × 100"


def test_division_by_interval_containing_zero():
    with pytest.raises(ZeroDivisionError):
        Interval.exact(1) / Interval.printed(0.0, 2)
