"""Load the data in ``patterns/``: the indicator catalog, table maps, wordings. Once per process."""
from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

PATTERNS_DIR = Path(os.environ.get("GOVAUDIT_PATTERNS", Path(__file__).resolve().parent.parent / "patterns"))

CANONICAL_UNIT = {"rate": "%", "amount": "万元", "count": "人", "vehicles": "辆", "score": "分"}
# conversion of printed units to the canonical one (factor, decimal shift)
UNIT_SCALE = {"万元": (1.0, 0), "元": (1e-4, 4), "千元": (0.1, 1), "亿元": (1e4, -4)}
EXACT_UNITS = {"人", "辆"}


@lru_cache(maxsize=None)
def load_yaml(name: str) -> dict:
    with open(PATTERNS_DIR / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


@dataclass
class Entry:
    key: str
    label: str
    kind: str
    names: list[re.Pattern] = field(default_factory=list)
    terms: list[re.Pattern] = field(default_factory=list)
    subject: str | None = None
    phase: str | None = None
    formula: str | None = None
    fallback_formulas: list[str] = field(default_factory=list)
    alternative_formulas: list[str] = field(default_factory=list)

    @property
    def unit(self) -> str:
        return CANONICAL_UNIT[self.kind]


@dataclass
class Catalog:
    entries: dict[str, Entry]
    number: str
    gap: str
    units: dict[str, list[str]]
    reject_after: list[str]
    subjects: dict[str, list[re.Pattern]]
    phases: dict[str, list[re.Pattern]]
    phase_default: dict[str, str]
    series: list[dict]
    userdict: list[str]
    value_re: re.Pattern = field(init=False)

    def __post_init__(self):
        all_units = sorted({u for us in self.units.values() for u in us}, key=len, reverse=True)
        self.value_re = re.compile(
            self.gap + r"\s*" + self.number + r"\s*(?P<unit>" + "|".join(map(re.escape, all_units)) + ")?"
        )


def _expand(raw: dict) -> list[dict]:
    """An entry with ``repeat`` stands for one entry per position of its lists."""
    rep = raw.get("repeat")
    if not rep:
        return [raw]
    names = list(rep)
    out = []
    for values in zip(*(rep[n] for n in names)):
        def sub(x):
            if isinstance(x, str):
                for n, v in zip(names, values):
                    x = x.replace("{" + n + "}", str(v))
                return x
            if isinstance(x, list):
                return [sub(i) for i in x]
            if isinstance(x, dict):
                return {k: sub(v) for k, v in x.items()}
            return x
        out.append({k: sub(v) for k, v in raw.items() if k != "repeat"})
    return out


@lru_cache(maxsize=None)
def catalog() -> Catalog:
    data = load_yaml("indicators.yaml")
    entries: dict[str, Entry] = {}
    for raw in itertools.chain.from_iterable(_expand(r) for r in data["indicators"]):
        e = Entry(
            key=raw["key"], label=raw.get("label", raw["key"]), kind=raw["kind"],
            names=[re.compile(p) for p in raw.get("names", [])],
            terms=[re.compile(p) for p in raw.get("terms", [])],
            subject=raw.get("subject"), phase=raw.get("phase"), formula=raw.get("formula"),
            fallback_formulas=raw.get("fallback_formulas", []),
            alternative_formulas=raw.get("alternative_formulas", []),
        )
        if e.key in entries:
            raise ValueError(f"patterns/indicators.yaml: key {e.key} defined twice")
        entries[e.key] = e
    return Catalog(
        entries=entries, number=data["number"], gap=data["gap"], units=data["units"],
        reject_after=data.get("reject_after", []),
        subjects={k: [re.compile(p) for p in v] for k, v in data["subjects"].items()},
        phases={k: [re.compile(p) for p in v] for k, v in data["phases"].items()},
        phase_default=data.get("phase_default", {}), series=data.get("series", []),
        userdict=data.get("userdict", []),
    )


@lru_cache(maxsize=None)
def tables_config() -> dict:
    return load_yaml("tables.yaml")


@lru_cache(maxsize=None)
def rules_config() -> dict:
    return load_yaml("rules.yaml")
