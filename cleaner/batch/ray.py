"""The Ray executor: the same stream, outcomes and sink as the local one, with the cleaning on a Ray cluster.

Install the extra (``pip install 'web-cleaner[ray]'``) on the driver and on every node.
``cleaner clean INPUT -o OUT --engine ray`` (:func:`run_ray`) runs on the Ray cluster named
by ``RAY_ADDRESS`` (every node must see the input paths, e.g. a shared file system), else
on a local Ray instance with ``--jobs`` CPUs. Users who already hold a ``ray.data.Dataset``
of pages use :func:`cleaner.batch.ray_datasets.clean_dataset`.

What is shared with the local executor, so the two cannot drift: the record stream
(:func:`cleaner.batch.stream.entries`, read here by one Ray task per file), the outcome of
each document (:func:`cleaner.batch.outcome.clean_item`, in a Ray task), the output and
errors files (:class:`~cleaner.batch.target.Target`), the writing and the counting
(:class:`~cleaner.batch.sink.Sink`, on the driver, as rows stream back in input order),
and the decision to run pass 1 (:func:`cleaner.batch.site_stats.prepared_config`). So the
output and the errors file are the same bytes, the summary the same counts, and
``--stats`` the same per-file accounting. Not supported here: ``--resume`` and stdin.

How the work is split (:func:`read_dataset`): one read task per input file streams its
entries (a WARC record at a time) into small blocks of :data:`DOCS_PER_TASK` rows, and
each block is one cleaning task. One huge archive is therefore read by one task but
cleaned by every CPU of the cluster, and Ray Data's back-pressure keeps a bounded number of
blocks in flight, so memory does not grow with the size of a file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cleaner.batch.console import progress_bar, stderr_log
from cleaner.batch.local import CHECKPOINT_EVERY
from cleaner.batch.outcome import RESULT_COLUMNS, Outcome, clean_item
from cleaner.batch.preflight import guarded_outputs
from cleaner.batch.ray_datasets import (
    DOCS_PER_TASK,
    dataset_settings,
    require_ray,
    result_schema,
    site_stats,
    stats_for_workers,
    worker_config,
)
from cleaner.batch.sink import Sink
from cleaner.batch.site_stats import corpus_pass_wanted, prepared_config
from cleaner.batch.stream import Done, Entry, FileStart, entries, input_files
from cleaner.batch.summary import Summary, write_stats
from cleaner.batch.target import Target
from cleaner.config import Config
from cleaner.errors import CleanerError, UsageError
from cleaner.io import InputFile, ReadFailure, Skipped
from cleaner.model import Document, ErrorInfo, Stage

if TYPE_CHECKING:
    import pyarrow as pa
    from ray.data import Dataset

__all__ = [
    "batch_documents",
    "clean_files",
    "entry_row",
    "ray_session",
    "read_dataset",
    "result_row",
    "row_entry",
    "run_ray",
    "take_row",
]

# Read tasks reserve no CPU: reading (FastWARC, gzip) runs at hundreds of MB/s, 50 to 100
# times the speed of cleaning, and a reader that held a CPU slot while blocked by
# back-pressure would leave one core of a small machine idle.
READ_CPUS = 0.0
# ... so their number is capped instead: one concurrent read task per this many CPUs of
# the cluster (at least one) is enough to keep the cleaners fed (see above).
CPUS_PER_READER = 8
# The status of the row that marks the start of an input file's rows (its source is the file).
FILE_STATUS = "file"
# Lines written between two flushes of the output: the local executor's checkpoint
# interval, so a .jsonl.gz output is cut into gzip members as large as the local
# executor's (a member per Ray batch of 8 records made the file 4% larger), while records
# still reach the file every few seconds.
FLUSH_EVERY = CHECKPOINT_EVERY


# --------------------------------------------------------------------------- rows


def _read_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            ("kind", pa.string()),  # file | doc | skip | fail
            ("source", pa.string()),
            ("doc", pa.binary()),  # the pickled Document
            ("stage", pa.string()),
            ("type", pa.string()),
            ("message", pa.string()),
        ]
    )


def entry_row(entry: Entry) -> dict[str, Any]:
    """One entry of the stream as a row of the read stage."""
    row: dict[str, Any] = dict.fromkeys(("kind", "source", "doc", "stage", "type", "message"))
    if isinstance(entry, FileStart):
        row.update(kind="file", source=entry.file)
    elif isinstance(entry, Document):
        row.update(kind="doc", source=entry.source, doc=pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
    elif isinstance(entry, Skipped):
        row.update(kind="skip", source=entry.source, type=entry.reason, message=entry.detail)
    elif isinstance(entry, ReadFailure):
        row.update(kind="fail", source=entry.source, stage=entry.stage, type=entry.type, message=entry.message)
    return row


def row_entry(row: Mapping[str, Any]) -> Entry:
    """The entry a row of the read stage stands for (the inverse of :func:`entry_row`)."""
    kind = row["kind"]
    if kind == "file":
        return FileStart(row["source"])
    if kind == "doc":
        return cast(Document, pickle.loads(row["doc"]))
    if kind == "skip":
        return Skipped(row["source"], row["type"], row["message"] or "")
    return ReadFailure(row["source"], row["stage"], row["type"], row["message"])


def result_row(entry: Entry, config: Config) -> dict[str, Any]:
    """Clean one entry into a result row (:data:`RESULT_COLUMNS`); a file start is a row of status ``file``."""
    if isinstance(entry, FileStart):
        return dict.fromkeys(RESULT_COLUMNS) | {"source": entry.file, "status": FILE_STATUS, "reasons": [], "size": 0}
    assert not isinstance(entry, Done)  # the Ray executor does not resume
    return clean_item(entry, config)


def take_row(sink: Sink, row: Mapping[str, Any]) -> int:
    """Hand one result row to the sink, as the local executor hands it the entry and its outcome.

    Returns the lines written (a record or an error: 1, else 0), as :meth:`Sink.take` does.
    """
    status = row["status"]
    if status == FILE_STATUS:
        sink.start_file(row["source"])
        return 0
    detail = row.get("skip_detail") or ""
    if status == "skipped" and row["id"] is not None:  # a document a setting filtered out (--languages)
        return sink.document(row["source"], Outcome("skipped", None, None, (), row["skip_reason"], detail), 0)
    if status == "skipped":
        sink.skipped(Skipped(row["source"], row["skip_reason"], detail))
        return 0
    if status == "error" and row["id"] is None:  # a read failure: no document came out
        return sink.unreadable(ReadFailure(row["source"], row["error_stage"], row["error_type"], row["error_message"]))
    error = None
    if status == "error":
        error = ErrorInfo(cast(Stage, row["error_stage"]), row["error_type"], row["error_message"])
    outcome = Outcome(status, row["record"], error, tuple(row["reasons"] or ()))
    return sink.document(row["source"], outcome, row["size"] or 0)


# --------------------------------------------------------------------------- Ray tasks


def _read_files(batch: pa.Table, config: Config) -> Iterator[pa.Table]:
    """Ray task: stream the entries of the files in ``batch`` as tables of :data:`DOCS_PER_TASK` rows."""
    import pyarrow as pa

    schema = _read_schema()
    for file in batch.to_pylist():
        inp = InputFile(Path(file["path"]), file["relpath"], file["site"])
        rows: list[dict[str, Any]] = []
        for entry in entries([inp], config):
            rows.append(entry_row(entry))
            if len(rows) >= DOCS_PER_TASK:
                yield pa.Table.from_pylist(rows, schema=schema)
                rows = []
        if rows:
            yield pa.Table.from_pylist(rows, schema=schema)


def _clean_entries(batch: pa.Table, config: Config, stats: list[Any] | None) -> pa.Table:
    """Ray task: clean the entries of one block of the read stage."""
    import pyarrow as pa

    config = worker_config(config, stats)
    rows = [result_row(row_entry(row), config) for row in batch.to_pylist()]
    return pa.Table.from_pylist(rows, schema=result_schema())


def batch_documents(batch: pa.Table, config: Config) -> Iterator[Document]:
    """The Documents of a batch of the read stage (what pass 1 summarises)."""
    return (entry for entry in map(row_entry, batch.to_pylist()) if isinstance(entry, Document))


# --------------------------------------------------------------------------- datasets


def _readers(ray: Any) -> int:
    cpus = int(ray.cluster_resources().get("CPU", 1))
    return max(1, cpus // CPUS_PER_READER)


def read_dataset(files: Sequence[InputFile], config: Config) -> Dataset:
    """A Dataset of the stream of ``files``: one read task per file, blocks of :data:`DOCS_PER_TASK` rows."""
    ray = require_ray()
    rows = [{"path": str(Path(f.path).resolve()), "relpath": f.relpath, "site": f.site} for f in files]
    with dataset_settings():
        ds = ray.data.from_items(rows, override_num_blocks=max(1, len(rows)))
        ds = ds.map_batches(
            cast(Any, _read_files),
            batch_size=1,
            batch_format="pyarrow",
            fn_kwargs={"config": config},
            num_cpus=READ_CPUS,
            compute=ray.data.TaskPoolStrategy(size=_readers(ray)),
        )
        return ds.repartition(target_num_rows_per_block=DOCS_PER_TASK)


def clean_files(files: Sequence[InputFile], config: Config, *, wanted: bool = True, log: Any = None) -> Dataset:
    """Clean input files on Ray: a Dataset of result rows in input order, a ``file`` row before each file's rows.

    Pass 1 of the corpus statistics runs first as a map-reduce on Ray when ``wanted``
    (see :func:`cleaner.batch.site_stats.prepared_config`).
    """
    ray = require_ray()
    items = read_dataset(files, config)
    config = prepared_config(config, wanted, lambda: site_stats(items, config, batch_documents), log)
    config, stats = stats_for_workers(ray, config)
    with dataset_settings():
        return items.map_batches(
            cast(Any, _clean_entries),
            batch_size=None,
            batch_format="pyarrow",
            fn_kwargs={"config": config, "stats": stats},
        )


# --------------------------------------------------------------------------- the engine


@contextlib.contextmanager
def ray_session(jobs: int | None = None) -> Iterator[Any]:
    """Connect to ``RAY_ADDRESS``'s cluster, or start a local instance with ``jobs`` CPUs; stop what was started."""
    ray = require_ray()
    if ray.is_initialized():
        yield ray
        return
    options: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.WARNING}
    if not os.environ.get("RAY_ADDRESS"):
        options["num_cpus"] = jobs or os.cpu_count() or 1
    ray.init(**options)
    try:
        yield ray
    finally:
        ray.shutdown()


@contextlib.contextmanager
def _quiet(progress: bool | None) -> Iterator[None]:
    """Keep Ray Data's execution log and progress bars off stderr unless progress is asked for."""
    from ray.data import DataContext

    ctx = DataContext.get_current()
    logger = logging.getLogger("ray.data")
    saved = (ctx.enable_progress_bars, logger.level)
    show = progress if progress is not None else sys.stderr.isatty()
    ctx.enable_progress_bars = bool(show)
    if not show:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        ctx.enable_progress_bars = saved[0]
        logger.setLevel(saved[1])


def run_ray(
    paths: Sequence[str | Path],
    output: str | Path,
    *,
    config: Config | None = None,
    jobs: int | None = None,
    errors_path: str | Path | None = None,
    fmt: str | None = None,
    progress: bool | None = None,
    report: bool = True,
    stats_path: str | Path | None = None,
    overwrite: bool = False,
) -> Summary:
    """``cleaner clean --engine ray``: clean ``paths`` on Ray into ``output``, as the local executor does.

    The same output (JSONL file, ``.jsonl.gz``, ``-`` or a folder), errors file, summary
    and ``stats_path`` JSON, in input order, written by this process as results stream
    back, after the same checks and lock on the outputs (``overwrite`` replaces existing
    ones: :mod:`cleaner.batch.preflight`). Not supported here: ``--resume`` and stdin.
    ``jobs`` is the CPU count of a local instance (ignored on a cluster).
    """
    config = config or Config()
    if any(str(p) == "-" for p in paths):
        raise UsageError("the ray engine reads files: give files or folders, not stdin (or use --engine local)")
    target = Target.resolve(output, fmt, errors_path)
    files = input_files(paths)
    with guarded_outputs(target, paths, stats_path, overwrite=overwrite, resume=False):
        return _run_ray(paths, files, target, config, jobs, progress, report, stats_path)


def _run_ray(
    paths: Sequence[str | Path],
    files: list[InputFile],
    target: Target,
    config: Config,
    jobs: int | None,
    progress: bool | None,
    report: bool,
    stats_path: str | Path | None,
) -> Summary:
    """The run of :func:`run_ray` once its outputs are checked and locked."""
    wanted = config.corpus_pass is not False and corpus_pass_wanted(paths, files, config)
    summary = Summary(output=target.output, errors_path=target.errors_shown, files=len(files))
    started = time.monotonic()
    with ray_session(jobs) as ray, _quiet(progress):
        results = clean_files(files, config, wanted=wanted, log=stderr_log(report))
        target.discard_partial()
        writer, errors = target.open_writer(), target.open_errors()
        sink = Sink(writer, errors, summary)
        try:
            _write_rows(results, sink, target, progress)
        except KeyboardInterrupt:
            summary.interrupted = True
        except ray.exceptions.RayError as exc:
            target.abandon(writer, errors)
            raise CleanerError(f"the Ray job failed ({exc}); see the Ray logs") from exc
        except OSError as exc:
            target.abandon(writer, errors)
            raise CleanerError(f"cannot write the output ({exc}); free the space or fix the path, then rerun") from exc
        except BaseException:
            target.abandon(writer, errors)
            raise
    summary.seconds = time.monotonic() - started
    if summary.interrupted:
        target.abandon(writer, errors)
        if report:
            print("cleaner: interrupted; the ray engine cannot resume: rerun the command", file=sys.stderr)
    else:
        target.finish(writer, errors)
        if report:
            print(summary.format(), file=sys.stderr)
    if stats_path:
        write_stats(stats_path, summary)
    return summary


def _write_rows(results: Dataset, sink: Sink, target: Target, progress: bool | None) -> None:
    """Hand the result rows to the sink as they stream back, in input order; flush every :data:`FLUSH_EVERY` lines."""
    bar = progress_bar(progress)
    since_flush = 0
    try:
        for batch in results.iter_batches(batch_size=None, batch_format="pyarrow"):
            rows = cast(Any, batch).to_pylist()
            for row in rows:
                since_flush += take_row(sink, row)
            if since_flush >= FLUSH_EVERY or target.to_stdout:
                sink.writer.flush()
                sink.errors.flush()
                since_flush = 0
            if bar is not None:
                bar.update(sum(1 for r in rows if r["status"] not in ("skipped", FILE_STATUS)))
    finally:
        if bar is not None:
            bar.close()
