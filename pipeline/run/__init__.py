"""Run stage: a folder of PDFs -> the SQLite store, in worker processes or on a Dask cluster.

In: a folder. Out: ``OUT/govaudit.sqlite`` with one row per input file and one report per
distinct content (``store``), filled by ``runner`` (hashing, workers, timeouts, resume). The
exports are written afterwards by the caller (:func:`pipeline.api.batch`), never from here.
"""
