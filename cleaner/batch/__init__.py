"""Batches: a corpus in, a cleaned output out, on worker processes here or on a Ray cluster.

One engine, two executors. The pieces every executor shares:

- :mod:`~cleaner.batch.stream`: the record stream (each input file's items in input
  order, in chunks); :mod:`~cleaner.batch.outcome`: what becomes of one document,
  computed where it is cleaned; :mod:`~cleaner.batch.sink`: writing each record or error
  in input order and counting everything (:mod:`~cleaner.batch.summary`,
  :mod:`~cleaner.batch.accounting`); :mod:`~cleaner.batch.target`: the output and errors
  files; :mod:`~cleaner.batch.site_stats`: pass 1 of the corpus statistics.
- The local executor, :mod:`~cleaner.batch.local` (``--engine local``): guarded worker
  processes (:mod:`~cleaner.batch.pool`, :mod:`~cleaner.batch.guards`), checkpoints and
  resume (:mod:`~cleaner.batch.resume`), Ctrl-C (:mod:`~cleaner.batch.interrupt`);
  :func:`clean_corpus` for the Python API.
- The Ray executor, :mod:`~cleaner.batch.ray` (``--engine ray``), and
  :mod:`~cleaner.batch.ray_datasets` for a Ray Dataset a user already has.

For any other engine (Spark, Dask...), map :func:`clean_item` over
:func:`cleaner.io.document_from_row` of each row.
"""

from cleaner.batch.local import clean_corpus, run_batch
from cleaner.batch.outcome import RESULT_COLUMNS, clean_item
from cleaner.batch.site_stats import collect_documents
from cleaner.batch.summary import Summary

__all__ = ["RESULT_COLUMNS", "Summary", "clean_corpus", "clean_item", "collect_documents", "run_batch"]
