"""Load the data in ``patterns/``: the indicator catalog, table maps, wordings. Once per process."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.errors import PatternsError
from pipeline.patterns import patterns_dir, read_yaml

PATTERNS_DIR = patterns_dir()

# conversion of printed amounts to 万元 (factor, decimal shift); kinds and their units are data
# (patterns/indicators.yaml `units`, first unit canonical)
UNIT_SCALE = {"万元": (1.0, 0), "元": (1e-4, 4), "千元": (0.1, 1), "亿元": (1e4, -4)}


@lru_cache(maxsize=None)
def load_yaml(name: str) -> dict:
    path = PATTERNS_DIR / name
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise PatternsError(f"{path}: expected a mapping at the top")
    return data


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise PatternsError(f"{PATTERNS_DIR}/{where}: bad regex {pattern!r} ({e})") from None


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
    unit: str = ""  # the canonical unit of its kind


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
    exact_units: frozenset[str] = frozenset()  # whole counts: "22 人" is exactly 22
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
    units = data["units"]
    for raw in itertools.chain.from_iterable(_expand(r) for r in data["indicators"]):
        if raw.get("kind") not in units:
            raise PatternsError(f"{PATTERNS_DIR}/indicators.yaml: {raw.get('key')}: kind {raw.get('kind')!r} is not one of "
                             f"the kinds under `units` ({', '.join(units)})")
        e = Entry(
            key=raw["key"], label=raw.get("label", raw["key"]), kind=raw["kind"],
            names=[_compile(p, f"indicators.yaml: {raw['key']}") for p in raw.get("names", [])],
            terms=[_compile(p, f"indicators.yaml: {raw['key']}") for p in raw.get("terms", [])],
            subject=raw.get("subject"), phase=raw.get("phase"), formula=raw.get("formula"),
            fallback_formulas=raw.get("fallback_formulas", []),
            alternative_formulas=raw.get("alternative_formulas", []),
            unit=units[raw["kind"]][0],
        )
        if e.key in entries:
            raise PatternsError(f"{PATTERNS_DIR}/indicators.yaml: key {e.key} defined twice")
        entries[e.key] = e
    return Catalog(
        entries=entries, number=data["number"], gap=data["gap"], units=data["units"],
        reject_after=data.get("reject_after", []),
        subjects={k: [_compile(p, f"indicators.yaml: subjects.{k}") for p in v] for k, v in data["subjects"].items()},
        phases={k: [_compile(p, f"indicators.yaml: phases.{k}") for p in v] for k, v in data["phases"].items()},
        phase_default=data.get("phase_default", {}), series=data.get("series", []),
        userdict=data.get("userdict", []),
        exact_units=frozenset(u for kind in data.get("exact_kinds", []) for u in units[kind]),
    )


@lru_cache(maxsize=None)
def tables_config() -> dict:
    return load_yaml("tables.yaml")


@lru_cache(maxsize=None)
def rules_config() -> dict:
    return load_yaml("rules.yaml")


# --------------------------------------------------------------------------------------- budget.yaml
_NUM = r"(?:[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?)"


def budget_regex(pattern: str, where: str) -> re.Pattern:
    """A budget.yaml pattern: ``{num}`` stands for a printed number (named groups stay)."""
    return _compile(pattern.replace("{num}", _NUM), f"budget.yaml: {where}")


@lru_cache(maxsize=None)
def budget_config() -> dict:
    """patterns/budget.yaml, validated: every key is in the catalog, every table kind named in
    `required` is declared, every pattern compiles. Bad data: PatternsError, one line."""
    data = load_yaml("budget.yaml")
    where = f"{PATTERNS_DIR}/budget.yaml"
    keys = catalog().entries
    for section in ("scopes", "tables", "required", "phrasings", "items", "comparisons"):
        if section not in data:
            raise PatternsError(f"{where}: missing section `{section}`")
    scopes = {s.get("scope") for s in data["scopes"]}
    kinds = set()
    for t in data["tables"]:
        if not t.get("kind") or not t.get("title"):
            raise PatternsError(f"{where}: a table needs `kind` and `title` ({t!r:.80})")
        kinds.add(t["kind"])
        t["title_re"] = budget_regex(t["title"], f"tables.{t['kind']}.title")
        for s in t.get("scopes", []):
            if s not in scopes:
                raise PatternsError(f"{where}: tables.{t['kind']}: scope {s!r} is not one of {sorted(scopes)}")
        for c in t.get("cells", []):
            if c.get("key") not in keys:
                raise PatternsError(f"{where}: tables.{t['kind']}: key {c.get('key')!r} is not in indicators.yaml")
            if not c.get("first") and not c.get("row"):
                raise PatternsError(f"{where}: tables.{t['kind']}: cell {c['key']} needs `row` or `first: true`")
            c["row_re"] = budget_regex(c.get("row", ""), f"tables.{t['kind']}.row")
    for scope, required in data["required"].items():
        if scope not in scopes:
            raise PatternsError(f"{where}: required.{scope}: not a declared scope")
        for k in required:
            if k not in kinds:
                raise PatternsError(f"{where}: required.{scope}: table kind {k!r} is not declared under `tables`")
    for block in data["phrasings"]:
        for p in block["patterns"]:
            p["re"] = budget_regex(p["pattern"], "phrasings")
            named = set(p["re"].groupindex) | {k for ks in p.get("also", {}).values() for k in ks}
            for k in named:
                if k not in keys:
                    raise PatternsError(f"{where}: phrasings: group {k!r} is not a key of indicators.yaml")
    for scope, spec in data["items"].items():
        spec["patterns_re"] = [budget_regex(p, f"items.{scope}.patterns") for p in spec.get("patterns", [])]
        for name in ("budget", "actual", "previous", "planned", "change"):
            if name in spec:
                spec[name + "_re"] = budget_regex(spec[name], f"items.{scope}.{name}")
    comp = data["comparisons"]
    if not isinstance(comp.get("basically_equal"), (int, float)) or not 0 <= comp["basically_equal"] < 1:
        raise PatternsError(f"{where}: comparisons.basically_equal must be a share between 0 and 1")
    bad = {w: v for w, v in comp["words"].items() if v not in ("gt", "lt", "eq", "approx")}
    if bad:
        raise PatternsError(f"{where}: comparisons.words: {bad} (each must be gt, lt, eq or approx)")
    for name in ("final_vs_budget", "budget_value", "actual_value"):
        comp[name + "_re"] = budget_regex(comp[name], f"comparisons.{name}")
    data["empty_table_note_re"] = budget_regex(data.get("empty_table_note", "本表无数据"), "empty_table_note")
    unit = data.get("unit_name", {})
    data["unit_cover_re"] = [budget_regex(p, "unit_name.cover") for p in unit.get("cover", [])]
    data["unit_text_re"] = budget_regex(unit["text"], "unit_name.text") if unit.get("text") else None
    for name, pat in data.get("years", {}).items():
        data.setdefault("years_re", {})[name] = budget_regex(pat, f"years.{name}")
    return data
