"""Ray Data for cleaner: the settings, tasks and map-reduce shared by the Ray executor, and :func:`clean_dataset`.

:func:`clean_dataset` is for users who already hold a ``ray.data.Dataset`` of pages (rows
with ``html`` or ``text``, and optionally ``id``, ``url``, ``source``): it returns a Dataset
of :data:`~cleaner.batch.outcome.RESULT_COLUMNS`, whose ``record`` column is the JSONL
line ``cleaner clean`` writes (each row goes through :func:`cleaner.io.document_from_row`
and :func:`cleaner.batch.outcome.clean_item`, the functions every executor uses).

Corpus statistics (pass 1 of :mod:`cleaner.corpus`, blocks repeated across a site's
pages): computed as a map-reduce on Ray (:func:`site_stats`): each task summarises its
documents into a :class:`~cleaner.corpus.stats.SiteStats` where they are, the summaries
are merged as they stream back (the merge is exact and order-free), and the pruned result
is shipped once through the object store to every worker for pass 2
(:func:`stats_for_workers`). (``Dataset.aggregate`` does the same but starts hash-shuffle
actors: about 5 s more on a small corpus, for nothing.)
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cleaner.batch.outcome import RESULT_COLUMNS, clean_item
from cleaner.batch.site_stats import collect_documents, prepared_config, stats_digest
from cleaner.config import Config
from cleaner.corpus.stats import SiteStats, merge_all
from cleaner.errors import UsageError
from cleaner.io import document_from_row
from cleaner.model import Document

if TYPE_CHECKING:
    import pyarrow as pa
    from ray.data import Dataset

__all__ = [
    "DOCS_PER_TASK",
    "clean_dataset",
    "dataset_settings",
    "require_ray",
    "result_schema",
    "site_stats",
    "stats_for_workers",
    "worker_config",
]

# Rows (documents, skips, read failures) per cleaning task. A task costs Ray a few
# milliseconds to schedule; 8 documents take a few hundred milliseconds to clean, so the
# overhead stays near 1 %, and a file of a few dozen pages still spreads over every CPU.
# The same value as the local executor's chunks (cleaner.batch.stream.CHUNK_DOCS).
DOCS_PER_TASK = 8
# The largest block a read task emits before Ray cuts it: 4 MB, the local executor's chunk
# bound (cleaner.batch.stream.CHUNK_BYTES), so a read task streams its file in small pieces
# instead of buffering Ray's default of 128 MB per block.
READ_BLOCK_BYTES = 4_000_000
# Documents summarised by one task of pass 1 (corpus statistics): a summary is a few
# hundred kB to merge on the driver, and 128 pages take a few seconds to segment, so the
# driver merges far faster than the tasks produce.
STATS_DOCS_PER_TASK = 128
# Where each worker process keeps the shipped statistics: digest -> local file.
_LOCAL_STATS: dict[str, str] = {}


def require_ray() -> Any:
    """The ``ray`` module with Ray Data, or a usage error saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401 - the Data library is what we need
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise UsageError("the ray engine needs Ray Data: pip install 'web-cleaner[ray]'") from exc
    return ray


def result_schema() -> pa.Schema:
    """The Arrow schema of the result rows (:data:`~cleaner.batch.outcome.RESULT_COLUMNS`)."""
    import pyarrow as pa

    string = pa.string()
    fields = [(name, string) for name in RESULT_COLUMNS if name not in ("reasons", "size")]
    return pa.schema([*fields, ("reasons", pa.list_(string)), ("size", pa.int64())])


@contextlib.contextmanager
def dataset_settings() -> Iterator[None]:
    """Build datasets with cleaner's Ray Data settings (input order kept, small blocks); restore them after."""
    from ray.data import DataContext

    ctx = DataContext.get_current()
    saved = (ctx.execution_options.preserve_order, ctx.target_max_block_size)
    ctx.execution_options.preserve_order = True
    ctx.target_max_block_size = READ_BLOCK_BYTES
    try:
        yield
    finally:
        ctx.execution_options.preserve_order, ctx.target_max_block_size = saved


# --------------------------------------------------------------------------- pass 1 and its shipping


def _summarise(documents: Iterable[Document], config: Config) -> pa.Table:
    """Pass 1, map side: one pickled, compacted SiteStats for the documents of one batch."""
    import pyarrow as pa

    stats = collect_documents(documents, config)
    return pa.table({"stats": pa.array([pickle.dumps(stats, protocol=pickle.HIGHEST_PROTOCOL)], pa.binary())})


def _summarise_batch(batch: pa.Table, config: Config, documents: Callable[..., Iterable[Document]]) -> pa.Table:
    return _summarise(documents(batch, config), config)


def _row_documents(batch: pa.Table, config: Config) -> Iterator[Document]:
    """The Documents of a batch of a user's rows (rows that are no document are left out)."""
    for row in batch.to_pylist():
        item = document_from_row(row, config)
        if isinstance(item, Document):
            yield item


def site_stats(ds: Dataset, config: Config, documents: Callable[..., Iterable[Document]]) -> SiteStats:
    """Pass 1 of the corpus statistics over a Dataset, as a map-reduce on Ray (not pruned).

    Map: each task summarises :data:`STATS_DOCS_PER_TASK` documents into a SiteStats
    where they are (``documents(batch, config)`` gives a batch's Documents); reduce: the
    summaries stream back to this process and are merged (:func:`cleaner.corpus.stats.merge_all`).
    The result equals :func:`cleaner.batch.site_stats.collect` over the same documents.
    """
    require_ray()
    with dataset_settings():
        parts = ds.map_batches(
            cast(Any, _summarise_batch),
            batch_size=STATS_DOCS_PER_TASK,
            batch_format="pyarrow",
            fn_kwargs={"config": config, "documents": documents},
        )
    return merge_all(pickle.loads(row["stats"]) for row in parts.iter_rows())


def stats_for_workers(ray: Any, config: Config) -> tuple[Config, list[Any] | None]:
    """Put the statistics file of ``config`` in the object store for the workers of pass 2.

    Returns the Config the workers start from (no local path: theirs is made by
    :func:`worker_config`) and ``[digest, ObjectRef of the file's bytes]`` (a list, so Ray
    hands a task the reference and not the bytes), or None without statistics.
    """
    if not config.site_stats or not os.path.exists(config.site_stats):
        return config.replace(site_stats=None), None
    data = Path(config.site_stats).read_bytes()
    return config.replace(site_stats=None), [stats_digest(config.site_stats), ray.put(data)]


def worker_config(config: Config, stats: list[Any] | None) -> Config:
    """The worker's Config for pass 2: the shipped summary, written once to a local file (:func:`stats_for_workers`)."""
    if not stats:
        return config
    digest, ref = stats
    path = _LOCAL_STATS.get(digest)
    if path is None:
        path = os.path.join(tempfile.gettempdir(), f"cleaner-site-stats-{digest}.npz")
        if not os.path.exists(path):
            import ray

            tmp = f"{path}.{os.getpid()}.tmp"
            with open(tmp, "wb") as handle:
                handle.write(ray.get(ref))
            os.replace(tmp, path)
        _LOCAL_STATS[digest] = path
    return config.replace(site_stats=path)


# --------------------------------------------------------------------------- users' datasets


def _clean_rows(batch: pa.Table, config: Config, stats: list[Any] | None) -> pa.Table:
    """Ray task: clean one batch of a user's Dataset rows."""
    import pyarrow as pa

    config = worker_config(config, stats)
    rows = [clean_item(document_from_row(row, config), config) for row in batch.to_pylist()]
    return pa.Table.from_pylist(rows, schema=result_schema())


def clean_dataset(ds: Dataset, config: Config | None = None) -> Dataset:
    """Clean a Dataset of pages; return a Dataset of results (:data:`~cleaner.batch.outcome.RESULT_COLUMNS`), in order.

    Rows hold ``html`` (str or bytes) or ``text``, and optionally ``id``, ``url``,
    ``source`` and any other fields, carried into the record's metadata (see
    :func:`cleaner.io.document_from_row`; the field names come from ``config``). The
    ``record`` column of an ``ok`` or ``empty`` row is the JSON line ``cleaner clean``
    would write; ``ds.filter(lambda r: r["record"] is not None)`` keeps the records. Unless
    ``config.corpus_pass`` is False (or ``config.site_stats`` names an existing file), the
    corpus statistics are first computed over ``ds`` (so ``ds`` is read twice:
    materialise it first if that is costly).
    """
    ray = require_ray()
    given = config or Config()
    config, stats = stats_for_workers(
        ray, prepared_config(given, True, lambda: site_stats(ds, given, _row_documents), None)
    )
    with dataset_settings():
        return ds.map_batches(
            cast(Any, _clean_rows),
            batch_size=DOCS_PER_TASK,
            batch_format="pyarrow",
            fn_kwargs={"config": config, "stats": stats},
        )
