"""The report schema: the contract of the JSON that ``extract``, ``audit`` and ``batch`` write.

Top-level keys are fixed by SPEC.md. ``schema/report.schema.json`` is exported from these
models (``govaudit schema``) and a test keeps the committed file in step with them.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pipeline.document import BBox, CrossCheck, Source

ReportType = Literal["performance_self_evaluation", "final_accounts", "budget", "performance_targets", "unknown"]
Severity = Literal["error", "warning"]
Outcome = Literal["pass", "fail", "not_applicable", "insufficient_data"]


class Issuer(BaseModel):
    province: str | None = None  # from patterns/metadata.yaml when the cover names only the district
    city: str | None = None
    district: str | None = None
    department: str | None = None


class Indicator(BaseModel):
    """One mention of a catalog quantity: a value as printed, where it was printed."""

    key: str
    value: float
    unit: str  # "%", "万元", "人", "分"
    raw_text: str  # the number as printed, e.g. "4,755.14 万元", "26.67%"
    decimals: int  # decimals as printed; the interval a check uses comes from it
    page: int
    bbox: BBox
    section: str | None = None  # heading path, " > " joined
    quote: str  # the sentence or table row the number sits in
    source: Literal["text", "table"] = "text"
    components: dict[str, float] = Field(default_factory=dict)
    confidence: float | None = None  # OCR recognition confidence of the printed number (None: text layer)
    # whose figure it is and at which stage, as the sentence said it: the subject word in scope
    # (三公 / 项目 / 一季度 …; None: the department's own) and the phase word (budget / actual; None:
    # not said). Two mentions are one statement only when these agree (cross-mention checks).
    subject: str | None = None
    phase: str | None = None


class Score(BaseModel):
    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    max_score: float | None = None
    score: float | None = None
    page: int | None = None
    bbox: BBox | None = None
    quote: str | None = None
    decimals: int = 2


class Evidence(BaseModel):
    page: int
    bbox: BBox
    quote: str
    label: str | None = None  # which operand this is, e.g. "contract_staff"
    value_text: str | None = None  # the printed number, so a picture can box it
    unit: str | None = None  # the unit the number is printed in when not beside it (a table's 单位：万元)
    sha256: str | None = None  # set when the evidence is in another report (cross-report checks)


class CheckResult(BaseModel):
    """The outcome of one executed check, kept whatever it ended in."""

    rule: str
    kind: str
    outcome: Outcome
    severity: Severity | None = None
    message: str
    stated: float | None = None
    recomputed: float | None = None
    interval: tuple[float, float] | None = None  # the recomputed interval
    stated_interval: tuple[float, float] | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    # a failed table check read again before it was called an error: the other reading's verdict
    # on each page of its table it rests on (pipeline.check.second_reading)
    second_reading: list[CrossCheck] = Field(default_factory=list)


class Finding(BaseModel):
    rule: str
    severity: Severity
    message: str
    stated: float | None = None
    recomputed: float | None = None
    interval: tuple[float, float] | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class Reference(BaseModel):
    """A figure this report states about another report: "比2023年预算减少876.75万元" says that the
    2023 budget's figure of the same quantity was this report's figure + 876.75."""

    key: str  # the quantity: an indicator key, taken from the figure the statement follows, else its subject
    year: int  # the year it names ("上年": the report's year − 1)
    phase: Literal["budget", "final", "same"]  # 预算 / 决算 (执行数) / unnamed: the same kind of report
    relation: Literal["difference", "equals"]  # this figure − other = change; or other = value
    value: float  # this report's figure (difference) or the other report's figure (equals)
    value_text: str
    change: float = 0.0  # signed: + for 增加, − for 减少, 0 for 持平
    change_text: str = ""  # as printed ("" for 持平)
    page: int
    bbox: BBox
    quote: str
    # the words before the figure, normalised (patterns/crossreport.yaml subjects): "财政拨款收入".
    # A reference whose figure is no catalog indicator has it as its key too.
    subject: str | None = None
    basis: str = ""  # the comparison as printed up to its direction word: "比2023年预算"


class Statement(BaseModel):
    """An amount the report's prose states of a subject ("财政拨款收入16497.86万元"), indicator or not:
    the counterpart a reference of another report about that subject is checked against."""

    subject: str  # normalised like Reference.subject
    value: float  # 万元
    raw_text: str
    decimals: int  # in 万元, so "164,978,640元" has 4
    page: int


ReviewStatus = Literal["待核", "已核实", "已排除"]


class Review(BaseModel):
    status: ReviewStatus = "待核"
    note: str = ""
    at: str | None = None  # ISO time the auditor set it


class Problem(BaseModel):
    """One problem for people: findings that rest on the same printed numbers, counted once."""

    id: str  # stable across runs: file sha256 + rule + the numbers
    severity: Severity
    findings: list[int] = Field(default_factory=list)  # indices into Report.findings; the first leads
    review: Review = Field(default_factory=Review)


class NotChecked(BaseModel):
    what: str
    reason: str


class Coverage(BaseModel):
    checked: int = 0  # checkable statements whose check ran to pass or fail
    not_checked: list[NotChecked] = Field(default_factory=list)


class Report(BaseModel):
    source: Source
    issuer: Issuer
    year: int | None = None
    report_type: ReportType = "unknown"
    indicators: list[Indicator] = Field(default_factory=list)
    scores: list[Score] = Field(default_factory=list)
    total_score: float | None = None
    findings: list[Finding] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)  # figures stated about other reports
    statements: list[Statement] = Field(default_factory=list)  # amounts the prose states of a subject
    problems: list[Problem] = Field(default_factory=list)
    coverage: Coverage | None = None
    notes: list[str] = Field(default_factory=list)  # e.g. "repaired", limits reached, OCR pages
    scope: Literal["department", "unit"] | None = None  # 部门 or 单位 预算/决算 (what the figures cover)

    def values(self, key: str) -> list[Indicator]:
        return [i for i in self.indicators if i.key == key]

    def first(self, key: str) -> float | None:
        found = self.values(key)
        return found[0].value if found else None

    @property
    def n_errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def n_warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    # what people count: problems (findings on the same printed numbers count once)
    @property
    def n_error_problems(self) -> int:
        return sum(p.severity == "error" for p in self.problems) if self.problems else self.n_errors

    @property
    def n_warning_problems(self) -> int:
        return sum(p.severity == "warning" for p in self.problems) if self.problems else self.n_warnings
