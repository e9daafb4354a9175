"""Extract stage: Document -> issuer, year, report type, indicators and scores, each with provenance.

In: a :class:`pipeline.document.Document` and the catalog in patterns/. Out: the fields of
:class:`pipeline.schema.Report` before any check. Modules: ``catalog`` (patterns/ loaded and
validated), ``indicators`` (prose and table cells -> indicator mentions; the scoring table),
``words`` (word boundaries with jieba), ``numbers`` (printed numbers and units), ``sections``
(heading paths), ``metadata`` (issuer, year, type from the cover).
"""
