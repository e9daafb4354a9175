"""Printed numbers as intervals, and interval arithmetic.

A printed "26.67%" stands for every value that rounds to it: [26.665, 26.675]. A whole count
("22 人") is exact. A check recomputes a figure's interval from its components' intervals and
passes when it overlaps the stated one: the XBRL Calculations 1.1 rule, extended from sums to
ratios, differences and averages. No tolerance is ever chosen by hand.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable, Mapping


@dataclass(frozen=True)
class Interval:
    lo: float
    hi: float

    @classmethod
    def printed(cls, value: float, decimals: int, exact: bool = False) -> "Interval":
        if exact:
            return cls(value, value)
        half = 0.5 * 10.0 ** (-decimals)
        return cls(value - half, value + half)

    @classmethod
    def exact(cls, value: float) -> "Interval":
        return cls(value, value)

    @property
    def mid(self) -> float:
        return (self.lo + self.hi) / 2

    def overlaps(self, other: "Interval") -> bool:
        # a whisker of float slack, so that touching endpoints (4755.135 both sides) count as overlap
        eps = 1e-9 * max(1.0, abs(self.lo), abs(self.hi), abs(other.lo), abs(other.hi))
        return self.lo <= other.hi + eps and other.lo <= self.hi + eps

    def __add__(self, o: "Interval") -> "Interval":
        return Interval(self.lo + o.lo, self.hi + o.hi)

    def __sub__(self, o: "Interval") -> "Interval":
        return Interval(self.lo - o.hi, self.hi - o.lo)

    def __mul__(self, o: "Interval") -> "Interval":
        ps = (self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi)
        return Interval(min(ps), max(ps))

    def __truediv__(self, o: "Interval") -> "Interval":
        if o.lo <= 0 <= o.hi:
            raise ZeroDivisionError("divisor interval contains 0")
        return self * Interval(1 / o.hi, 1 / o.lo)

    def __neg__(self) -> "Interval":
        return Interval(-self.hi, -self.lo)

    def tuple(self, digits: int = 6) -> tuple[float, float]:
        return (round(self.lo, digits), round(self.hi, digits))


def imin(*xs: Interval) -> Interval:
    return Interval(min(x.lo for x in xs), min(x.hi for x in xs))


def imax(*xs: Interval) -> Interval:
    return Interval(max(x.lo for x in xs), max(x.hi for x in xs))


_FUNCS: dict[str, Callable[..., Interval]] = {"min": imin, "max": imax}


class Formula:
    """An arithmetic expression over indicator keys, e.g. ``a / (b + c) * 100``."""

    def __init__(self, text: str):
        self.text = text
        self.tree = ast.parse(text, mode="eval").body
        self.names = sorted({n.id for n in ast.walk(self.tree) if isinstance(n, ast.Name) and n.id not in _FUNCS})
        self.kind = _kind(self.tree)

    def evaluate(self, values: Mapping[str, Interval]) -> Interval:
        return _eval(self.tree, values)

    def render(self, values: Mapping[str, float], fmt: Callable[[float], str]) -> str:
        """The formula with numbers in place of names: '9 ÷ (22 + 9) × 100'."""
        return _render(self.tree, values, fmt)


def _eval(node: ast.AST, values: Mapping[str, Interval]) -> Interval:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return Interval.exact(float(node.value))
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand, values)
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, values), _eval(node.right, values)
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        if isinstance(node.op, ast.Div):
            return a / b
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS:
        return _FUNCS[node.func.id](*(_eval(a, values) for a in node.args))
    raise ValueError(f"unsupported expression: {ast.unparse(node)}")


_OPS = {ast.Add: " + ", ast.Sub: " − ", ast.Mult: " × ", ast.Div: " ÷ "}
_PREC = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}


def _render(node, values, fmt, parent_prec: int = 0, right: bool = False) -> str:
    if isinstance(node, ast.Constant):
        return fmt(node.value) if isinstance(node.value, float) else str(node.value)
    if isinstance(node, ast.Name):
        return fmt(values[node.id]) if node.id in values else node.id
    if isinstance(node, ast.BinOp):
        prec = _PREC[type(node.op)]
        s = (_render(node.left, values, fmt, prec) + _OPS[type(node.op)]
             + _render(node.right, values, fmt, prec, right=True))
        return f"({s})" if prec < parent_prec or (right and prec == parent_prec and prec == 1) else s
    if isinstance(node, ast.Call):
        return f"{node.func.id}(" + ", ".join(_render(a, values, fmt) for a in node.args) + ")"
    return ast.unparse(node)


def _kind(node: ast.AST) -> str:
    """ratio, sum, difference or average, read from the expression's shape."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and isinstance(node.right, ast.Constant):
        return _kind(node.left)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Div):
            if isinstance(node.right, ast.Constant) and isinstance(node.left, ast.BinOp) and isinstance(node.left.op, ast.Add):
                return "average"
            if isinstance(node.left, ast.BinOp) and isinstance(node.left.op, ast.Sub):
                return "growth"
            return "ratio"
        if isinstance(node.op, ast.Add):
            return "sum"
        if isinstance(node.op, ast.Sub):
            return "difference"
    return "formula"
