"""Check stage: Report + Document -> every check with its state, and the findings.

In: a Report with its indicators and the Document they came from. Out: ``report.checks`` (pass,
fail, not_applicable, insufficient_data, with why) and ``report.findings``. ``validate`` runs the
check families: ``formulas`` (catalog formulas, cross-mentions), ``tables`` (sums and ratios in
tables), ``scores`` (scoring rules), ``prose`` (year-on-year and completion sentences), over the
shared ``core`` (context, verdicts) and ``interval`` (printed numbers as intervals).
"""
