"""Publish stage: the store (or one Report) -> what people read.

In: :class:`pipeline.run.store.Store` or a Report. Out: CSV/xlsx/parquet/JSON exports
(``export``), the self-contained HTML report (``html`` with ``templates/``, page crops from
``pagecrop``), the A4 working paper per report (``paper``), and the terminal tables of
``govaudit audit`` (``terminal``).
"""
