"""Read stage: PDF file -> :class:`pipeline.document.Document`.

In: a path. Out: pages with their text lines (raw and normalised text, bbox), ruled tables (cells
with bbox, stitched across page breaks), paragraphs rejoined across breaks; running headers and
page numbers set aside. Modules: ``ingest`` (the entry point, :func:`load`), ``backends/`` (how
characters and ruling edges come out of the PDF: pdfium, pdfplumber), ``layout`` (characters ->
lines), ``tables`` (edges + characters -> tables), ``camelot_check`` (a second reading of the
tables), ``normalize`` (text for matching). Imports nothing above the shared data model.
"""
