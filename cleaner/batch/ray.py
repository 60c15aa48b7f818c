"""The same pipeline on Ray Data, for corpora one machine cannot clean fast enough.

Install the extra (``pip install 'cleaner[ray]'``) on the driver and on every node. Two ways in:

- ``cleaner clean INPUT -o OUT --engine ray`` (:func:`run_ray`): on the Ray cluster named by
  ``RAY_ADDRESS`` (every node must see the input paths, e.g. a shared file system), else on
  a local Ray instance with ``--jobs`` CPUs. The driver writes the same output and errors
  files as the local runner, in the same order.
- :func:`clean_dataset` for users who already hold a ``ray.data.Dataset`` of pages (rows with
  ``html`` or ``text``, and optionally ``id``, ``url``, ``source``): it returns a Dataset of
  :data:`RESULT_COLUMNS`, whose ``record`` column is the JSONL line the local runner writes.

Both clean each document with :func:`cleaner.pipeline.clean_document` and build its record
with :func:`cleaner.output.writers.result_record`, the functions the local runner calls, so the
records are the same (``tests/test_distributed.py`` compares them byte for byte).

How the work is split (:func:`read_dataset`): one read task per input file streams its
documents (a WARC record at a time) into small blocks of :data:`DOCS_PER_TASK` rows, and
each block is one cleaning task. One huge archive is therefore read by one task but
cleaned by every CPU of the cluster, and Ray Data's back-pressure keeps a bounded number of
blocks in flight, so memory does not grow with the size of a file.

Corpus statistics (pass 1 of ``cleaner.corpus.sitestats``, blocks repeated across a site's pages):
computed as a map-reduce on Ray (:func:`site_stats`): each task summarises its documents
into a :class:`~cleaner.corpus.sitestats.SiteStats` where they are, the summaries are merged as they
stream back (the merge is exact and order-free), and the pruned result is shipped once
through the object store to every worker for pass 2. (``Dataset.aggregate`` does the same
but starts hash-shuffle actors: about 5 s more on a small corpus, for nothing.) It runs
when the local runner would run it (``Config.corpus_pass``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cleaner.config import Config
from cleaner.errors import CleanerError, UsageError
from cleaner.model import Document, ErrorInfo, error_result

if TYPE_CHECKING:
    import pyarrow as pa
    from ray.data import Dataset

    from cleaner.batch.local import Summary
    from cleaner.corpus.sitestats import SiteStats
    from cleaner.io.readers import InputFile, ReadItem

# Rows (documents, skips, read failures) per cleaning task. A task costs Ray a few
# milliseconds to schedule; 8 documents take a few hundred milliseconds to clean, so the
# overhead stays near 1 %, and a file of a few dozen pages still spreads over every CPU.
# The same value as the local runner's chunks (cleaner.batch.local.CHUNK_DOCS).
DOCS_PER_TASK = 8
# The largest block a read task emits before Ray cuts it: 4 MB, the local runner's chunk
# bound (cleaner.batch.local.CHUNK_BYTES), so a read task streams its file in small pieces
# instead of buffering Ray's default of 128 MB per block.
READ_BLOCK_BYTES = 4_000_000
# Documents summarised by one task of pass 1 (corpus statistics): a summary is a few
# hundred kB to merge on the driver, and 128 pages take a few seconds to segment, so the
# driver merges far faster than the tasks produce.
STATS_DOCS_PER_TASK = 128
# Read tasks reserve no CPU: reading (FastWARC, gzip) runs at hundreds of MB/s, 50 to 100
# times the speed of cleaning, and a reader that held a CPU slot while blocked by
# back-pressure would leave one core of a small machine idle.
READ_CPUS = 0.0
# ... so their number is capped instead: one concurrent read task per this many CPUs of
# the cluster (at least one) is enough to keep the cleaners fed (see above).
CPUS_PER_READER = 8

# Columns of the Dataset :func:`clean_dataset` returns (and the engine writes from):
# ``status`` is ok | empty | error | skipped; ``record`` the JSONL line (ok and empty);
# ``error_*`` why a document failed (stage: read, decode, parse, extract, write);
# ``skip_reason`` why a row was passed over (no html/text field, a WARC request...);
# ``reasons`` the reason codes of the removed blocks; ``size`` the content size cleaned.
RESULT_COLUMNS = (
    "source",
    "id",
    "status",
    "text",
    "record",
    "error_stage",
    "error_type",
    "error_message",
    "skip_reason",
    "reasons",
    "size",
)
# Row fields of a user's Dataset that are not carried into the record's metadata
# (besides the configured html/text/id/url fields).
_SOURCE_FIELD = "source"


def _require_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401 - the Data library is what we need
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise UsageError("the ray engine needs Ray Data: pip install 'cleaner[ray]'") from exc
    return ray


# --------------------------------------------------------------------------- schemas


def _read_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            ("kind", pa.string()),  # doc | skip | fail
            ("source", pa.string()),
            ("doc", pa.binary()),  # the pickled Document
            ("stage", pa.string()),
            ("type", pa.string()),
            ("message", pa.string()),
        ]
    )


def _result_schema() -> pa.Schema:
    import pyarrow as pa

    string = pa.string()
    fields = [(name, string) for name in RESULT_COLUMNS if name not in ("reasons", "size")]
    return pa.schema([*fields, ("reasons", pa.list_(string)), ("size", pa.int64())])


# --------------------------------------------------------------------------- per document


def clean_item(item: ReadItem, config: Config) -> dict[str, Any]:
    """Clean one reader item into a result row (see :data:`RESULT_COLUMNS`); never raises.

    A Document goes through :func:`cleaner.pipeline.clean_document` and
    :func:`cleaner.output.writers.result_record`, exactly as in the local runner; a read failure
    becomes an ``error`` row at stage ``read`` and a skipped record a ``skipped`` row.
    """
    from cleaner import pipeline
    from cleaner.io.readers import Skipped
    from cleaner.output.writers import dumps, removed_reasons, result_record

    row: dict[str, Any] = dict.fromkeys(RESULT_COLUMNS)
    row["source"] = item.source
    row["reasons"] = []
    row["size"] = 0
    if isinstance(item, Skipped):
        row.update(status="skipped", skip_reason=item.reason)
        return row
    if not isinstance(item, Document):  # a ReadFailure
        row.update(status="error", error_stage=item.stage, error_type=item.type, error_message=item.message)
        return row
    try:
        result = pipeline.clean_document(item, config)
    except Exception as exc:  # noqa: BLE001 - clean_document must not raise; if it does, isolate it
        result = error_result(item, "extract", exc)
    row["id"] = item.id
    row["reasons"] = list(removed_reasons(result))
    error = result.error if result.status == "error" else None
    if error is None:
        try:
            line = dumps(result_record(result, config))
        except Exception as exc:  # noqa: BLE001 - one unserialisable record must not end the batch
            error = ErrorInfo("write", type(exc).__name__, str(exc))
        else:
            row.update(status=result.status, text=result.text, record=line, size=len(item.content))
            return row
    row.update(status="error", error_stage=error.stage, error_type=error.type, error_message=error.message)
    return row


def document_from_row(row: Mapping[str, Any], config: Config) -> ReadItem:
    """Turn a row of a user's Dataset into a Document, as the JSONL reader turns a line into one.

    The page is in ``config.html_field`` (str or bytes) or ``config.text_field`` (str); the
    id, url and an optional ``source`` (how errors and ``metadata.source`` name the row)
    come from their fields, and every other non-null field is carried into the record's
    metadata (a null in a columnar dataset means the row has no such field). Without a
    source the row is named ``dataset#<id>``, or by a hash of its content.
    """
    from cleaner.io.readers import ReadFailure, Skipped, _cut_text, _hash_id, _site

    html, text = row.get(config.html_field), row.get(config.text_field)
    raw_id = row.get(config.id_field)
    doc_id = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) and raw_id != "" else None
    value = html if html is not None else text
    given_source = row.get(_SOURCE_FIELD)
    if isinstance(given_source, str) and given_source:
        source = given_source
    elif doc_id is not None:
        source = f"dataset#{doc_id}"
    else:
        digest = value if isinstance(value, bytes) else str(value).encode("utf-8", "replace")
        source = f"dataset#{hashlib.sha1(digest).hexdigest()[:16]}"
    if value is None:
        return Skipped(source, "jsonl.no_content", f"no {config.html_field!r} or {config.text_field!r} field")
    field = config.html_field if html is not None else config.text_field
    if not isinstance(value, str | bytes) or (html is None and isinstance(value, bytes)):
        return ReadFailure(source, "read", "TypeError", f"field {field!r} is a {type(value).__name__}, expected str")
    raw_url = row.get(config.url_field)
    url = raw_url if isinstance(raw_url, str) and raw_url else None
    taken = {config.html_field, config.text_field, config.id_field, config.url_field, _SOURCE_FIELD}
    metadata: dict[str, Any] = {k: v for k, v in row.items() if k not in taken and v is not None}
    content: bytes | str
    if html is not None:
        content = value if isinstance(value, bytes) else value.encode("utf-8", "replace")
        if len(content) > config.max_bytes:
            content = content[: config.max_bytes]
            metadata["truncated"] = True
    else:
        content, cut = _cut_text(cast(str, value), config.max_bytes)
        if cut:
            metadata["truncated"] = True
    return Document(
        id=doc_id or _hash_id(source),
        source=source,
        input_type="html" if html is not None else "text",
        content=content,
        url=url,
        site=_site(url, None),
        # str HTML was encoded here as UTF-8; raw bytes go through the charset rules.
        charset_hint="utf-8" if isinstance(html, str) else None,
        metadata=metadata,
    )


# --------------------------------------------------------------------------- Ray tasks


def _read_items(inp: InputFile, config: Config) -> Iterator[ReadItem]:
    """The items of one file, as the local runner streams them; a reader bug fails the file."""
    from cleaner.io import readers

    try:
        yield from readers.read_file(inp, config)
    except Exception as exc:  # noqa: BLE001 - read_file must not raise; if it does, fail this file only
        yield readers.ReadFailure(inp.relpath, "read", type(exc).__name__, str(exc) or repr(exc))


def _item_row(item: ReadItem) -> dict[str, Any]:
    from cleaner.io.readers import ReadFailure, Skipped

    row: dict[str, Any] = {"kind": "doc", "source": item.source, "doc": None}
    row.update(stage=None, type=None, message=None)
    if isinstance(item, Document):
        row["doc"] = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
    elif isinstance(item, Skipped):
        row.update(kind="skip", type=item.reason, message=item.detail)
    elif isinstance(item, ReadFailure):
        row.update(kind="fail", stage=item.stage, type=item.type, message=item.message)
    return row


def _row_item(row: Mapping[str, Any]) -> ReadItem:
    from cleaner.io.readers import ReadFailure, Skipped

    if row["kind"] == "doc":
        return cast(Document, pickle.loads(row["doc"]))
    if row["kind"] == "skip":
        return Skipped(row["source"], row["type"], row["message"] or "")
    return ReadFailure(row["source"], row["stage"], row["type"], row["message"])


def _read_files(batch: pa.Table, config: Config) -> Iterator[pa.Table]:
    """Ray task: stream the items of the files in ``batch`` as tables of :data:`DOCS_PER_TASK` rows."""
    import pyarrow as pa

    from cleaner.io.readers import InputFile

    schema = _read_schema()
    for file in batch.to_pylist():
        inp = InputFile(Path(file["path"]), file["relpath"], file["site"])
        rows: list[dict[str, Any]] = []
        for item in _read_items(inp, config):
            rows.append(_item_row(item))
            if len(rows) >= DOCS_PER_TASK:
                yield pa.Table.from_pylist(rows, schema=schema)
                rows = []
        if rows:
            yield pa.Table.from_pylist(rows, schema=schema)


_LOCAL_STATS: dict[str, str] = {}


def _with_stats(config: Config, stats: list[Any] | None) -> Config:
    """The worker's Config for pass 2: the shipped summary written once to a local file.

    ``stats`` is ``[digest, ObjectRef of the .npz bytes]`` (a list, so Ray hands the task
    the reference and not the bytes); each worker process fetches and writes it once.
    """
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


def _clean_items(batch: pa.Table, config: Config, stats: list[Any] | None) -> pa.Table:
    """Ray task: clean the items of one block of the read stage."""
    import pyarrow as pa

    config = _with_stats(config, stats)
    rows = [clean_item(_row_item(row), config) for row in batch.to_pylist()]
    return pa.Table.from_pylist(rows, schema=_result_schema())


def _clean_rows(batch: pa.Table, config: Config, stats: list[Any] | None) -> pa.Table:
    """Ray task: clean one batch of a user's Dataset rows."""
    import pyarrow as pa

    config = _with_stats(config, stats)
    rows = [clean_item(document_from_row(row, config), config) for row in batch.to_pylist()]
    return pa.Table.from_pylist(rows, schema=_result_schema())


def _stats_of(items: Iterator[ReadItem], config: Config) -> pa.Table:
    """Pass 1, map side: one pickled, compacted SiteStats for the documents of one batch."""
    import pyarrow as pa

    from cleaner.corpus.sitestats import SiteStats, page_keys

    stats = SiteStats()
    for item in items:
        if not isinstance(item, Document):
            continue
        try:
            found = page_keys(item, config)
        except Exception:  # noqa: BLE001 - a bad page is reported by pass 2; pass 1 skips it (as corpus.collect)
            continue
        stats.add(item.site or "", found)
    stats.compact()
    return pa.table({"stats": pa.array([pickle.dumps(stats, protocol=pickle.HIGHEST_PROTOCOL)], pa.binary())})


def _stats_items(batch: pa.Table, config: Config) -> pa.Table:
    return _stats_of((_row_item(row) for row in batch.to_pylist()), config)


def _stats_rows(batch: pa.Table, config: Config) -> pa.Table:
    return _stats_of((document_from_row(row, config) for row in batch.to_pylist()), config)


def merge_all(parts: Iterable[SiteStats]) -> SiteStats:
    """Merge summaries as they come, like a binary counter: each entry is merged O(log n) times, not n.

    ``levels[i]`` holds a merge of about ``2**i`` parts; a new part carries upwards while
    its level is taken. The result is the same whatever the order (SiteStats.merge is exact).
    """
    from cleaner.corpus.sitestats import SiteStats

    levels: list[SiteStats | None] = []
    for part in parts:
        carry: SiteStats = part
        for i, held in enumerate(levels):
            if held is None:
                levels[i] = carry
                break
            carry, levels[i] = held.merge(carry), None
        else:
            levels.append(carry)
    total = SiteStats()
    for held in levels:
        if held is not None:
            total = total.merge(held)
    return total


# --------------------------------------------------------------------------- datasets


def _data_context() -> Any:
    """Ray Data settings for cleaner's datasets: input order kept, small blocks, no bars."""
    from ray.data import DataContext

    ctx = DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.target_max_block_size = READ_BLOCK_BYTES
    return ctx


@contextlib.contextmanager
def _dataset_settings() -> Iterator[None]:
    """Build datasets under :func:`_data_context` (a Dataset keeps the context it was made in)."""
    from ray.data import DataContext

    ctx = DataContext.get_current()
    saved = (ctx.execution_options.preserve_order, ctx.target_max_block_size)
    _data_context()
    try:
        yield
    finally:
        ctx.execution_options.preserve_order, ctx.target_max_block_size = saved


def _readers(ray: Any) -> int:
    cpus = int(ray.cluster_resources().get("CPU", 1))
    return max(1, cpus // CPUS_PER_READER)


def read_dataset(files: Sequence[InputFile], config: Config) -> Dataset:
    """A Dataset of the reader items of ``files``: one read task per file, blocks of :data:`DOCS_PER_TASK` rows."""
    ray = _require_ray()
    rows = [{"path": str(Path(f.path).resolve()), "relpath": f.relpath, "site": f.site} for f in files]
    with _dataset_settings():
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


def site_stats(ds: Dataset, config: Config, *, rows: bool = True) -> SiteStats:
    """Pass 1 of the corpus statistics over a Dataset, as a map-reduce on Ray (not pruned).

    Map: each task summarises :data:`STATS_DOCS_PER_TASK` documents into a SiteStats
    where they are; reduce: the summaries stream back to this process and are merged
    (:func:`merge_all`). ``ds`` holds a user's rows (``rows=True``, see
    :func:`document_from_row`) or the items of :func:`read_dataset` (``rows=False``). The
    result equals :func:`cleaner.corpus.sitestats.collect` over the same documents.
    """
    _require_ray()
    with _dataset_settings():
        parts = ds.map_batches(
            cast(Any, _stats_rows if rows else _stats_items),
            batch_size=STATS_DOCS_PER_TASK,
            batch_format="pyarrow",
            fn_kwargs={"config": config},
        )
    return merge_all(pickle.loads(row["stats"]) for row in parts.iter_rows())


def _corpus_wanted(config: Config, is_corpus: bool) -> bool:
    """Whether pass 1 must run: the local runner's rule (cleaner.corpus.sitestats.prepare)."""
    wanted, path = getattr(config, "corpus_pass", False), getattr(config, "site_stats", None)
    if wanted is False or (path and os.path.exists(path)):
        return False
    return bool(wanted) if wanted is not None else is_corpus


def _ship_stats(ray: Any, config: Config, compute: Any, log: Any) -> tuple[Config, list[Any] | None]:
    """Make the site statistics for pass 2 (compute or load them) and put them in the object store."""
    if getattr(config, "corpus_pass", False) is False:  # (also a cleaner without the corpus pass)
        return config.replace(site_stats=None) if hasattr(config, "site_stats") else config, None
    path = config.site_stats
    if compute is not None:
        started = time.monotonic()
        stats = compute().pruned_copy()
        with tempfile.NamedTemporaryFile(suffix=".npz", delete=False) as handle:
            scratch = handle.name
        stats.save(scratch)
        if config.site_stats:
            os.replace(scratch, config.site_stats)
        else:
            path = scratch
        if log:
            log(
                f"cleaner: pass 1 (ray): {stats.total_docs} documents of {len(stats.sites)} sites, "
                f"{stats.entries} repeated blocks in {time.monotonic() - started:.1f} s"
            )
    if not path or not os.path.exists(path):
        return config.replace(site_stats=None), None
    data = Path(path).read_bytes()
    if not config.site_stats:
        os.unlink(path)
    digest = hashlib.sha1(data).hexdigest()[:16]
    return config.replace(site_stats=None), [digest, ray.put(data)]


def clean_dataset(ds: Dataset, config: Config | None = None) -> Dataset:
    """Clean a Dataset of pages; return a Dataset of results (:data:`RESULT_COLUMNS`), in the same order.

    Rows hold ``html`` (str or bytes) or ``text``, and optionally ``id``, ``url``,
    ``source`` and any other fields, carried into the record's metadata (see
    :func:`document_from_row`; the field names come from ``config``). The ``record``
    column of an ``ok`` or ``empty`` row is the JSON line the local runner would write;
    ``ds.filter(lambda r: r["record"] is not None)`` keeps the records. Unless
    ``config.corpus_pass`` is False (or ``config.site_stats`` names an existing file), the
    corpus statistics are first computed over ``ds`` (so ``ds`` is read twice:
    materialise it first if that is costly).
    """
    ray = _require_ray()
    config = config or Config()
    compute = (lambda: site_stats(ds, cast(Config, config), rows=True)) if _corpus_wanted(config, True) else None
    config, stats = _ship_stats(ray, config, compute, None)
    with _dataset_settings():
        return ds.map_batches(
            cast(Any, _clean_rows),
            batch_size=DOCS_PER_TASK,
            batch_format="pyarrow",
            fn_kwargs={"config": config, "stats": stats},
        )


def clean_files(files: Sequence[InputFile], config: Config, *, is_corpus: bool = True, log: Any = None) -> Dataset:
    """Clean discovered input files on Ray: a Dataset of results in input order (see :func:`read_dataset`)."""
    ray = _require_ray()
    items = read_dataset(files, config)
    compute = (lambda: site_stats(items, config, rows=False)) if _corpus_wanted(config, is_corpus) else None
    config, stats = _ship_stats(ray, config, compute, log)
    with _dataset_settings():
        return items.map_batches(
            cast(Any, _clean_items),
            batch_size=None,
            batch_format="pyarrow",
            fn_kwargs={"config": config, "stats": stats},
        )


# --------------------------------------------------------------------------- the engine


@contextlib.contextmanager
def ray_session(jobs: int | None = None) -> Iterator[Any]:
    """Connect to ``RAY_ADDRESS``'s cluster, or start a local instance with ``jobs`` CPUs; stop what was started."""
    ray = _require_ray()
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
) -> Summary:
    """``cleaner clean --engine ray``: clean ``paths`` on Ray into ``output``, like ``run_batch``.

    The same output (JSONL file, ``.jsonl.gz``, ``-`` or a folder) and errors file, in
    input order, written by this process as results stream back. Not supported here:
    ``--resume`` and stdin. ``jobs`` is the CPU count of a local instance (ignored on a
    cluster).
    """
    from cleaner.batch import local as run
    from cleaner.output.writers import (
        FOLDER_FORMATS,
        ErrorsWriter,
        FolderWriter,
        JsonlWriter,
        default_errors_path,
        is_folder_output,
    )

    config = config or Config()
    out_text = str(output)
    if any(str(p) == "-" for p in paths):
        raise UsageError("the ray engine reads files: give files or folders, not stdin (or use --engine local)")
    folder = is_folder_output(output)
    fmt = fmt or ("txt" if folder else "jsonl")
    if folder and fmt not in FOLDER_FORMATS:
        raise UsageError(f"folder output takes --format {'|'.join(FOLDER_FORMATS)}, not {fmt!r}")
    if not folder and fmt != "jsonl":
        raise UsageError(f"--format {fmt} needs a folder output (-o {out_text.rstrip('/')}/)")
    errors_final = Path(errors_path) if errors_path else default_errors_path(output)
    files = run._discover(paths)
    try:
        from cleaner.corpus.sitestats import is_corpus

        corpus = is_corpus(paths, files)
    except ImportError:  # pragma: no cover - before the corpus pass existed
        corpus = False
    summary = run.Summary(output=out_text, errors_path=str(errors_final), files=len(files))
    to_stdout = out_text == "-"
    out_final = Path(out_text)
    out_partial = out_final.with_name(out_final.name + ".partial")
    errors_partial = errors_final.with_name(errors_final.name + ".partial")
    log = (lambda m: print(m, file=sys.stderr)) if report else None
    started = time.monotonic()
    with ray_session(jobs) as ray, _quiet(progress):
        results = clean_files(files, config, is_corpus=corpus, log=log)
        writer: JsonlWriter | FolderWriter = (
            FolderWriter(out_text, cast(Any, fmt)) if folder else JsonlWriter("-" if to_stdout else out_partial)
        )
        errors = ErrorsWriter(errors_partial)
        bar = run._progress_bar(progress)
        try:
            for batch in results.iter_batches(batch_size=None, batch_format="pyarrow"):
                rows = cast(Any, batch).to_pylist()
                for row in rows:
                    _write_row(row, writer, errors, summary)
                writer.flush()  # records reach the file as they come: nothing piles up here
                if bar is not None:
                    bar.update(sum(1 for r in rows if r["status"] != "skipped"))
        except KeyboardInterrupt:
            summary.interrupted = True
        except ray.exceptions.RayError as exc:
            raise CleanerError(f"the Ray job failed ({exc}); see the Ray logs") from exc
        finally:
            if bar is not None:
                bar.close()
            writer.close()
            errors.close()
    if summary.interrupted:
        out_partial.unlink(missing_ok=True)
        errors_partial.unlink(missing_ok=True)
        if report:
            print("cleaner: interrupted; the ray engine cannot resume: rerun the command", file=sys.stderr)
        return summary
    if not (folder or to_stdout):
        os.replace(out_partial, out_final)
    if errors.created:
        os.replace(errors.path, errors_final)
    else:
        errors_final.unlink(missing_ok=True)
    summary.seconds = time.monotonic() - started
    if report:
        print(summary.format(), file=sys.stderr)
    return summary


def _write_row(row: dict[str, Any], writer: Any, errors: Any, summary: Summary) -> None:
    """Write one result row and count it as the local runner does (cleaner.batch.local._handle_chunk)."""
    from cleaner.output.writers import FolderWriter

    status = row["status"]
    if status == "skipped":
        summary.skipped += 1
        summary.skipped_by_reason[row["skip_reason"]] += 1
        return
    if status == "error" and row["error_stage"] == "read" and row["id"] is None:  # no document came out
        errors.write(row["source"], row["error_stage"], row["error_type"], row["error_message"])
        summary.read_failures += 1
        summary.failed_by_stage["read"] += 1
        return
    summary.read += 1
    error: tuple[str, str, str] | None = None
    if status == "error":
        error = (row["error_stage"], row["error_type"], row["error_message"])
    else:
        try:
            if isinstance(writer, FolderWriter):
                writer.write(json.loads(row["record"]))
            else:
                writer.write_line(row["record"])
        except OSError as exc:
            if not isinstance(writer, FolderWriter):
                raise
            error = ("write", type(exc).__name__, str(exc))
    if error is not None:
        errors.write(row["source"], *error)
        summary.failed += 1
        summary.failed_by_stage[error[0]] += 1
        return
    summary.written += 1
    summary.empty += status == "empty"
    summary.removed.add(row["reasons"] or ())
    summary.bytes += row["size"] or 0


__all__ = [
    "DOCS_PER_TASK",
    "RESULT_COLUMNS",
    "clean_dataset",
    "clean_files",
    "clean_item",
    "document_from_row",
    "ray_session",
    "read_dataset",
    "run_ray",
    "site_stats",
]
