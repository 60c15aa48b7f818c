"""The local batch runner: readers -> worker processes -> writers, in input order, resumable.

The main process discovers the input files, streams documents out of the readers and
sends them to ``jobs`` worker processes in small chunks, with a bounded number of chunks
in flight (so memory stays bounded however large the corpus or one file is). Results
come back in input order whatever ``jobs`` is, so the same input gives byte-identical
output for any number of workers.

Resume (:func:`run_batch` with ``resume=True``) rests on three facts:

1. Records are written to ``OUT.partial`` (failures to ``ERRORS.partial``) in input
   order, and only renamed to their final names when the run completes.
2. After every :data:`CHECKPOINT_EVERY` records the writers flush (a gzip output closes
   a gzip member), fsync, and ``OUT.partial.ckpt`` is replaced atomically with the byte
   offsets of both files. Every offset in a checkpoint is the end of a complete record.
3. A resumed run cuts both partial files back to the checkpointed offsets (dropping any
   half-written line), collects the ``metadata.source`` of every record and failure
   left, and skips those sources before they reach a worker. Because records are
   written in input order, what is left is a prefix of the run, and the resumed output
   is the uninterrupted run's output (byte for byte for plain JSONL; the same records
   in the same order for ``.jsonl.gz``, whose gzip member boundaries may differ).

The sources of the finished documents are held in memory while resuming (about 100
bytes each: 100 MB for a million documents). A document's ``source`` must be unique in
the input, which the readers guarantee (path, plus ``#offset`` or ``#line``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import cleaner
from cleaner.batch import accounting
from cleaner.batch.accounting import FileCounts
from cleaner.batch.guards import SupervisedPool
from cleaner.config import Config
from cleaner.errors import CleanerError, UsageError
from cleaner.model import Document, ErrorInfo, Result, Stage, error_result
from cleaner.output.writers import (
    FOLDER_FORMATS,
    ErrorsWriter,
    FolderFormat,
    FolderWriter,
    JsonlWriter,
    ReasonCounter,
    default_errors_path,
    dumps,
    is_folder_output,
    removed_reasons,
    result_record,
)

if TYPE_CHECKING:
    from cleaner.io.readers import InputFile, ReadFailure, Skipped

# A chunk (the unit sent to a worker) closes at this many documents: enough to make
# the cost of sending it (a few hundred microseconds) negligible next to cleaning eight
# pages (tens of milliseconds each), few enough that workers stay evenly loaded.
CHUNK_DOCS = 8
# ... or at this many bytes of content, so a chunk of large pages stays a few MB.
CHUNK_BYTES = 4_000_000
# ... or at this many items of any kind, so a long run of skipped archive records
# (WARC requests, images) does not pile up in one chunk.
CHUNK_ITEMS = 256
# Chunks in flight per worker: one being cleaned and one waiting, so a worker never
# idles while the main process writes, and memory holds at most 2 x jobs chunks.
IN_FLIGHT_PER_WORKER = 2
# Records between two checkpoints (flush + fsync + checkpoint file). An fsync costs a
# few milliseconds, 256 records take seconds to clean, so the cost is well under 1 %;
# a crash redoes at most this many documents.
CHECKPOINT_EVERY = 256
# Settings a resumed run may change: the guards' limits (a run killed because a page
# needed more time or memory is resumed with a higher limit).
_GUARD_SETTINGS = ("timeout", "max_memory")
# A UTF-16 surrogate on its own: JSON input can hold one ("\ud800"), UTF-8 output cannot;
# records replace it with U+FFFD, as a decoder does with a byte it cannot read.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Version of the checkpoint file layout; a different one is not resumed.
_CHECKPOINT_VERSION = 1


# --- the summary ---------------------------------------------------------------------


@dataclass(slots=True)
class Summary:
    """What a batch did; every input is counted once.

    - ``files``: input files discovered.
    - ``read``: documents the readers yielded and the runner handled, including those
      an earlier run had finished (``already_done``). Always
      ``read == already_done + written + failed``.
    - ``written``: records written to the output, status ``ok`` or ``empty``.
    - ``empty``: written records whose document kept no text: they are written with
      ``text: ""`` so every readable input has a record, and counted here too.
    - ``failed``: documents that could not be cleaned (or written); each has a line in
      the errors file and no record in the output.
    - ``read_failures``: files or archive records the readers could not read (no
      document came out of them); each has a line in the errors file.
    - ``skipped``: items the readers passed over on purpose (unsupported files, WARC
      request records...), by reason in ``skipped_by_reason``; not errors.
    - ``failed_by_stage``: ``failed + read_failures`` by stage (read, decode, parse,
      extract, write).
    - ``earlier_errors``: lines already in the errors file from the run being resumed.
    - ``bytes``: content cleaned in this run (characters for text documents).
    - ``per_file``: the same, per input file and in input order, with every record
      found counted once (:mod:`cleaner.batch.accounting`: ``read == written + skipped +
      failed + already_done`` for each file); written by ``--stats FILE``.
    """

    output: str = ""
    errors_path: str | None = None
    files: int = 0
    read: int = 0
    already_done: int = 0
    written: int = 0
    empty: int = 0
    failed: int = 0
    read_failures: int = 0
    skipped: int = 0
    earlier_errors: int = 0
    skipped_by_reason: Counter[str] = field(default_factory=Counter)
    failed_by_stage: Counter[str] = field(default_factory=Counter)
    removed: ReasonCounter = field(default_factory=ReasonCounter)
    bytes: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    nothing_to_do: bool = False
    per_file: list[FileCounts] = field(default_factory=list)
    unfiled: FileCounts = field(default_factory=lambda: FileCounts("(no file)"))

    @property
    def errors(self) -> int:
        """Lines in the errors file: this run's failures plus those of the run resumed."""
        return self.failed + self.read_failures + self.earlier_errors

    @property
    def exit_code(self) -> int:
        """0 when everything was cleaned, 1 when something failed, 130 when interrupted."""
        if self.interrupted:
            return 130
        return 1 if self.errors else 0

    @property
    def mb_per_s(self) -> float:
        """Content cleaned per second, in MB (10^6 bytes)."""
        return self.bytes / 1e6 / self.seconds if self.seconds > 0 else 0.0

    def format(self) -> str:
        """Render the summary printed on stderr at the end of a batch."""
        if self.nothing_to_do:
            return f"cleaner: {self.output} is complete; nothing to resume (rerun without --resume to redo it)"
        lines = [
            f"cleaner: {self.files} files, {self.read} documents read: {self.written} written "
            f"({self.empty} empty), {self.failed} failed"
            + (f", {self.already_done} already done by the earlier run" if self.already_done else "")
            + f"; {self.read_failures} unreadable, {self.skipped} skipped"
            + f"; {self.bytes / 1e6:.2f} MB in {self.seconds:.1f} s ({self.mb_per_s:.2f} MB/s)"
        ]
        if self.per_file:
            total = accounting.totals(self.per_file)
            lines.append(
                f"  accounting: {total.read} records read = {total.written} written + "
                f"{sum(total.skipped.values())} skipped + {sum(total.failed.values())} failed"
                + (f" + {total.already_done} already done" if total.already_done else "")
            )
            lines.extend(accounting.summary_lines(self.per_file))
        if self.skipped_by_reason:
            lines.append("  skipped: " + _counts(self.skipped_by_reason))
        if self.removed.by_family:
            lines.append("  removed blocks by family: " + _counts(self.removed.by_family))
        if self.errors:
            lines.append(
                f"  errors ({_counts(self.failed_by_stage) or 'from the earlier run'}) listed in {self.errors_path}"
            )
        if self.interrupted:
            lines.append(
                f"  interrupted: finished records are safe in {self.output}.partial; "
                "rerun the same command with --resume to finish"
            )
        return "\n".join(lines)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


# --- work done in the worker processes -------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What a worker sends back for one document of a batch: small, so cheap to pickle."""

    status: str
    line: str | None  # the JSONL line, for JSONL output
    record: dict[str, Any] | None  # the record, for folder output
    error: ErrorInfo | None
    reasons: tuple[str, ...]


def _clean_one(doc: Document, config: Config) -> Result:
    """Run the pipeline on one document; a bug that escapes it still becomes an error Result."""
    from cleaner import pipeline

    try:
        return pipeline.clean_document(doc, config)
    except Exception as exc:  # noqa: BLE001 - clean_document must not raise; if it does, isolate it
        return error_result(doc, "extract", exc)


def _outcome(result: Result, config: Config, as_line: bool) -> _Outcome:
    """Turn a Result into what the writer needs; a record that cannot be built fails at ``write``."""
    reasons = removed_reasons(result)
    if result.status == "error":
        return _Outcome("error", None, None, result.error, reasons)
    try:
        record = result_record(result, config)
        line = dumps(record)
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (a JSONL "\ud800" escape) cannot be written as UTF-8
            line = _LONE_SURROGATE.sub("\ufffd", line)
            record = json.loads(line)
    except Exception as exc:  # noqa: BLE001 - one unserialisable record must not end the batch
        return _Outcome("error", None, None, ErrorInfo("write", type(exc).__name__, str(exc)), reasons)
    return _Outcome(result.status, line if as_line else None, None if as_line else record, None, reasons)


def _work_lines(docs: list[Document], config: Config) -> list[_Outcome]:
    """Worker task for JSONL output: clean a chunk, serialise the records."""
    return [_outcome(_clean_one(doc, config), config, True) for doc in docs]


def _work_records(docs: list[Document], config: Config) -> list[_Outcome]:
    """Worker task for folder output: clean a chunk, build the records."""
    return [_outcome(_clean_one(doc, config), config, False) for doc in docs]


def _work_results(docs: list[Document], config: Config) -> list[Result]:
    """Worker task for :func:`clean_corpus`: clean a chunk, return the Results."""
    return [_clean_one(doc, config) for doc in docs]


def _crash_outcome(doc: Document, exc_type: str, message: str, stage: str = "extract") -> _Outcome:
    """The outcome of a document the guards stopped (Timeout, MemoryError, WorkerDied)."""
    return _Outcome("error", None, None, ErrorInfo(cast(Stage, stage), exc_type, message), ())


def _crash_result(doc: Document, exc_type: str, message: str, stage: str = "extract") -> Result:
    """The Result of a document the guards stopped, for :func:`clean_corpus`."""
    result = error_result(doc, cast(Stage, stage), message)
    result.error = ErrorInfo(cast(Stage, stage), exc_type, message)
    return result


# --- ordered, bounded, guarded parallel map ------------------------------------------

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class _Done:
    """An item an earlier run finished: counted, not cleaned again.

    ``document`` is False for a read failure the earlier run already listed.
    """

    source: str
    document: bool = True


class _OrderedPool(SupervisedPool[R]):
    """The runner's pool: :class:`cleaner.batch.guards.SupervisedPool` with ``IN_FLIGHT_PER_WORKER``.

    ``crashed(doc, type, message)`` may omit the stage argument of the guards' callback
    (the corpus pass's callbacks do); the stage is then not passed.
    """

    def __init__(
        self,
        task: Callable[[list[Document], Config], list[R]],
        crashed: Callable[..., R],
        config: Config,
        jobs: int,
    ) -> None:
        super().__init__(task, _with_stage(crashed), config, jobs, in_flight=IN_FLIGHT_PER_WORKER)


def _with_stage(crashed: Callable[..., R]) -> Callable[[Document, str, str, str], R]:
    """Adapt a three-argument ``crashed(doc, type, message)`` to the guards' four arguments."""
    import inspect

    try:
        takes_stage = len(inspect.signature(crashed).parameters) >= 4
    except (TypeError, ValueError):
        takes_stage = False
    if takes_stage:
        return crashed

    def adapted(doc: Document, kind: str, message: str, stage: str) -> R:
        return crashed(doc, kind, message)

    return adapted


# --- the input stream ----------------------------------------------------------------


def _discover(paths: Sequence[str | Path]) -> list[InputFile]:
    """Every input file, listed before any output is touched so a missing path fails first."""
    from cleaner.io import readers

    if not paths:
        raise UsageError("no input given: name files or folders to clean")
    return list(readers.discover(paths))


def _stream(files: list[InputFile], config: Config) -> Iterator[Document | Skipped | ReadFailure]:
    """Documents, skips and read failures of every file, in input order; a reader bug fails its file."""
    from cleaner.io import readers

    for inp in files:
        try:
            yield from readers.read_file(inp, config)
        except Exception as exc:  # noqa: BLE001 - read_file must not raise; if it does, fail this file only
            yield readers.ReadFailure(inp.relpath, "read", type(exc).__name__, str(exc) or repr(exc))


@dataclass(frozen=True, slots=True)
class _FileStart:
    """Marks where the items of the next input file begin, for the per-file accounting."""

    file: str


def _stream_marked(files: list[InputFile], config: Config) -> Iterator[Any]:
    """:func:`_stream` with a :class:`_FileStart` before each file's items."""
    for inp in files:
        yield _FileStart(inp.relpath)
        yield from _stream([inp], config)


def _size(doc: Document) -> int:
    return len(doc.content)


def _chunks(items: Iterable[Any], is_done: Callable[[Any], bool] | None = None) -> Iterator[list[Any]]:
    """Group the stream into chunks (see :data:`CHUNK_DOCS`); items already done become markers.

    A document an earlier run finished, or a read failure it recorded (already in the
    errors file), becomes :class:`_Done`.
    """
    chunk: list[Any] = []
    docs = size = 0
    for item in items:
        if is_done is not None and is_done(item):
            item = _Done(item.source, isinstance(item, Document))
        chunk.append(item)
        if isinstance(item, Document):
            docs += 1
            size += _size(item)
        if docs >= CHUNK_DOCS or size >= CHUNK_BYTES or len(chunk) >= CHUNK_ITEMS:
            yield chunk
            chunk, docs, size = [], 0, 0
    if chunk:
        yield chunk


def _jobs(jobs: int | None) -> int:
    if jobs is None:
        return os.cpu_count() or 1
    if jobs < 1:
        raise UsageError(f"jobs must be at least 1, not {jobs}")
    return jobs


# --- Ctrl-C --------------------------------------------------------------------------


class _InterruptGuard:
    """Defer Ctrl-C while records and checkpoints are written, so neither is left torn.

    Outside :meth:`critical` a Ctrl-C raises KeyboardInterrupt at once; inside, it is
    remembered and raised when the section ends. Only installed in the main thread.
    """

    def __init__(self) -> None:
        self._depth = 0
        self._pending = False
        self._previous: Any = None
        self._installed = False

    def __enter__(self) -> _InterruptGuard:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handler)
            self._installed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        if self._depth:
            self._pending = True
        else:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def critical(self) -> Iterator[None]:
        """Run a section that Ctrl-C does not cut; the interrupt is raised after it."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth and self._pending:
                self._pending = False
                raise KeyboardInterrupt


# --- resume --------------------------------------------------------------------------


def _fingerprint(config: Config, fmt: str) -> dict[str, Any]:
    """Describe what must not change between a run and its resumption, or the output would mix."""
    settings = dataclasses.asdict(config)
    for guard in _GUARD_SETTINGS:  # limits change which documents fail, never a finished record
        settings.pop(guard, None)
    return {"config": settings, "format": fmt, "cleaner_version": cleaner.__version__}


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _read_checkpoint(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == _CHECKPOINT_VERSION else None


def _sources_in(path: Path, *, gz: bool, record_source: bool) -> list[str]:
    """List the sources in a (truncated, so complete) partial output or errors file."""
    if not path.exists():
        return []
    import gzip

    opener: Any = gzip.open if gz else open
    sources = []
    with opener(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            try:
                data = json.loads(line)
                sources.append(str(data["metadata"]["source"] if record_source else data["source"]))
            except (ValueError, KeyError, TypeError) as exc:
                raise UsageError(f"{path} is damaged at line {number} ({exc}); rerun without --resume") from exc
    return sources


# --- run_batch -----------------------------------------------------------------------


def run_batch(
    paths: Sequence[str | Path],
    output: str | Path,
    *,
    config: Config | None = None,
    jobs: int | None = None,
    resume: bool = False,
    errors_path: str | Path | None = None,
    fmt: str | None = None,
    progress: bool | None = None,
    report: bool = True,
    stats_path: str | Path | None = None,
) -> Summary:
    """Clean every document under ``paths`` into ``output``; return what happened.

    ``output`` is a ``.jsonl`` / ``.jsonl.gz`` file, ``-`` for stdout, or a folder
    (ends with ``/`` or exists as a directory) that gets one file per document in
    ``fmt`` ``txt`` (the default for folders), ``md`` or ``json``; files take ``jsonl``.
    Records are written in input order whatever ``jobs`` is (default: the CPU count;
    1 runs in this process). Documents whose cleaning fails, and files that cannot be
    read, are listed in ``errors_path`` (default :func:`~cleaner.output.writers.default_errors_path`),
    which exists after the run only if there was an error; the batch goes on.
    Empty results (no text kept) are written with ``text: ""`` and counted as ``empty``.
    See :class:`Summary` for what the counts mean.

    A file output is written to ``OUT.partial`` and renamed at the end; a killed or
    interrupted run is finished by ``resume=True`` without redoing or duplicating any
    document (see the module docstring). Without ``resume`` an earlier partial output
    is discarded and an existing output replaced when the run completes. Folder output
    resumes by skipping documents whose file exists (failed documents are tried again).
    Ctrl-C saves a checkpoint and returns a Summary with ``interrupted`` set (exit code
    130). ``progress`` (default: when stderr is a terminal) shows a bar on stderr;
    ``report`` prints the summary on stderr; ``stats_path`` gets the per-file counts as
    JSON (:func:`cleaner.batch.accounting.stats_document`), also when the run is interrupted.
    """
    config = config or Config()
    jobs = _jobs(jobs)
    out_text = str(output)
    to_stdout = out_text == "-"
    folder = is_folder_output(output)
    fmt = fmt or ("txt" if folder else "jsonl")
    if folder and fmt not in FOLDER_FORMATS:
        raise UsageError(f"folder output takes --format {'|'.join(FOLDER_FORMATS)}, not {fmt!r}")
    if not folder and fmt != "jsonl":
        raise UsageError(
            f"--format {fmt} needs a folder output (-o {out_text.rstrip('/')}/); files and stdout take jsonl"
        )
    if resume and to_stdout:
        raise UsageError("stdout output cannot be resumed: write to a file (-o out.jsonl) to use --resume")
    errors_final = Path(errors_path) if errors_path else default_errors_path(output)
    if not to_stdout and not folder and errors_final.resolve() == Path(out_text).resolve():
        raise UsageError(f"the errors file and the output are both {errors_final}: give --errors another path")
    files = _discover(paths)
    from cleaner.corpus.sitestats import prepare  # the corpus pass (site statistics): pass 1 runs here when wanted

    config = prepare(paths, files, config, jobs, (lambda m: print(m, file=sys.stderr)) if report else None)

    summary = Summary(output=out_text, errors_path=str(errors_final), files=len(files))
    out_final = Path(out_text)
    out_partial = out_final.with_name(out_final.name + ".partial")
    checkpoint = out_final.with_name(out_partial.name + ".ckpt")
    errors_partial = errors_final.with_name(errors_final.name + ".partial")
    use_checkpoint = not (to_stdout or folder)
    gz = out_text.endswith(".gz")
    fingerprint = _fingerprint(config, fmt)

    # Where to start: fresh, or from the last checkpoint of an interrupted run.
    out_offset: int | None = None
    errors_offset: int | None = None
    done: set[str] = set()
    if resume and use_checkpoint:
        if not out_partial.exists() and out_final.exists():
            if errors_partial.exists():  # the run was killed between its two final renames
                os.replace(errors_partial, errors_final)
            checkpoint.unlink(missing_ok=True)
            summary.nothing_to_do = True
            if report:
                print(summary.format(), file=sys.stderr)
            if stats_path:
                _write_stats(stats_path, summary)
            return summary
        state = _read_checkpoint(checkpoint) if out_partial.exists() else None
        if state is not None:
            if state.get("fingerprint") != json.loads(json.dumps(fingerprint)):
                raise UsageError(
                    f"{out_partial} was made with other settings or another cleaner version; rerun with the "
                    "same options, or without --resume to start again"
                )
            out_offset, errors_offset = int(state["output_bytes"]), int(state["errors_bytes"])
    if out_offset is None:  # a fresh start: nothing of an earlier partial run is kept
        for stale in (out_partial, errors_partial, checkpoint) if use_checkpoint else (errors_partial,):
            stale.unlink(missing_ok=True)

    started = time.monotonic()
    guard = _InterruptGuard()
    writer: JsonlWriter | FolderWriter
    if folder:
        writer = FolderWriter(out_text, cast(FolderFormat, fmt))
    else:
        writer = JsonlWriter("-" if to_stdout else out_partial, gz=gz, truncate_at=out_offset)
    errors = ErrorsWriter(errors_partial, truncate_at=errors_offset)
    if out_offset is not None:
        done.update(_sources_in(out_partial, gz=gz, record_source=True))
        earlier = _sources_in(errors_partial, gz=False, record_source=False)
        summary.earlier_errors = len(earlier)
        done.update(earlier)

    def save_checkpoint() -> None:
        if not use_checkpoint:
            writer.flush()
            errors.flush()
            return
        state = {
            "version": _CHECKPOINT_VERSION,
            "output_bytes": writer.flush(sync=True),
            "errors_bytes": errors.flush(sync=True),
            "fingerprint": fingerprint,
        }
        _write_json_atomic(checkpoint, state)

    is_done: Callable[[Any], bool] | None = None
    if folder and resume:
        folder_writer = cast(FolderWriter, writer)

        def is_done(item: Any) -> bool:
            return isinstance(item, Document) and folder_writer.claim(item.source).exists()

    elif done:
        from cleaner.io.readers import ReadFailure

        def is_done(item: Any) -> bool:
            return isinstance(item, Document | ReadFailure) and item.source in done

    pool: _OrderedPool[_Outcome] = _OrderedPool(_work_records if folder else _work_lines, _crash_outcome, config, jobs)
    bar = _progress_bar(progress)
    since_checkpoint = 0
    completed = False
    try:
        with guard:
            with guard.critical():
                save_checkpoint()
            for chunk, outcomes in pool.map(_chunks(_stream_marked(files, config), is_done)):
                with guard.critical():
                    since_checkpoint += _handle_chunk(chunk, outcomes, writer, errors, summary)
                    if since_checkpoint >= CHECKPOINT_EVERY or to_stdout:
                        save_checkpoint()
                        since_checkpoint = 0
                if bar is not None:
                    bar.update(
                        sum(1 for i in chunk if isinstance(i, Document) or (isinstance(i, _Done) and i.document))
                    )
                    bar.set_postfix(failed=summary.failed + summary.read_failures, refresh=False)
            with guard.critical():
                save_checkpoint()
                pool.close()
                _finish(writer, errors, out_partial, out_final, errors_final, checkpoint, use_checkpoint)
                completed = True
    except KeyboardInterrupt:
        if not completed:  # (a Ctrl-C deferred past the final renames changes nothing)
            summary.interrupted = True
            pool.close(kill=True)
            with guard, guard.critical():
                save_checkpoint()
                writer.close()
                errors.close()
    except OSError as exc:
        pool.close(kill=True)
        raise CleanerError(
            f"cannot write the output ({exc}); free the space or fix the path, then rerun with --resume"
        ) from exc
    finally:
        pool.close(kill=True)
        if bar is not None:
            bar.close()
    summary.seconds = time.monotonic() - started
    if report:
        print(summary.format(), file=sys.stderr)
    if stats_path:
        _write_stats(stats_path, summary)
    return summary


def _write_stats(path: str | Path, summary: Summary) -> None:
    """Write the ``--stats`` JSON of a batch."""
    files = summary.per_file + ([summary.unfiled] if summary.unfiled.read else [])
    document = accounting.stats_document(
        files,
        output=summary.output,
        errors=summary.errors_path,
        complete=not summary.interrupted,
        nothing_to_do=summary.nothing_to_do,
        seconds=round(summary.seconds, 3),
        removed_blocks_by_family=dict(sorted(summary.removed.by_family.items())),
    )
    try:
        accounting.write_stats(path, document)
    except OSError as exc:
        raise CleanerError(f"cannot write the stats file {path} ({exc}); fix the path and rerun with --resume") from exc


def _handle_chunk(
    chunk: list[Any],
    outcomes: list[_Outcome],
    writer: JsonlWriter | FolderWriter,
    errors: ErrorsWriter,
    summary: Summary,
) -> int:
    """Write one chunk's records and failures in input order and count them; return how many lines."""
    from cleaner.io.readers import ReadFailure, Skipped

    results = iter(outcomes)
    lines = 0
    for item in chunk:
        if isinstance(item, _FileStart):
            summary.per_file.append(FileCounts(item.file))
            continue
        counts = summary.per_file[-1] if summary.per_file else summary.unfiled
        counts.read += 1
        if isinstance(item, Document):
            outcome = next(results)
            summary.read += 1
            error = outcome.error
            if error is None:
                try:
                    if isinstance(writer, FolderWriter):
                        assert outcome.record is not None
                        writer.write(outcome.record)
                    else:
                        assert outcome.line is not None
                        writer.write_line(outcome.line)
                except OSError as exc:  # one file that cannot be written (name too long...)
                    if isinstance(writer, JsonlWriter):
                        raise
                    error = ErrorInfo("write", type(exc).__name__, str(exc))
            if error is not None:
                errors.write(item.source, error.stage, error.type, error.message)
                summary.failed += 1
                summary.failed_by_stage[error.stage] += 1
                counts.failed[f"{error.stage}/{error.type}"] += 1
            else:
                summary.written += 1
                summary.empty += outcome.status == "empty"
                summary.removed.add(outcome.reasons)
                summary.bytes += _size(item)
                counts.written += 1
                counts.empty += outcome.status == "empty"
            lines += 1
        elif isinstance(item, _Done):
            counts.already_done += 1
            if item.document:
                summary.read += 1
                summary.already_done += 1
        elif isinstance(item, Skipped):
            summary.skipped += 1
            summary.skipped_by_reason[item.reason] += 1
            counts.skipped[item.reason] += 1
        elif isinstance(item, ReadFailure):
            errors.write(item.source, item.stage, item.type, item.message)
            summary.read_failures += 1
            summary.failed_by_stage[item.stage] += 1
            counts.failed[f"{item.stage}/{item.type}"] += 1
            lines += 1
        else:
            counts.read -= 1  # not an input record
    return lines


def _finish(
    writer: JsonlWriter | FolderWriter,
    errors: ErrorsWriter,
    out_partial: Path,
    out_final: Path,
    errors_final: Path,
    checkpoint: Path,
    use_checkpoint: bool,
) -> None:
    """Close the writers and give the files their final names (output first, then errors)."""
    writer.close()
    errors.close()
    if use_checkpoint:
        os.replace(out_partial, out_final)
    if errors.created:
        os.replace(errors.path, errors_final)
    else:
        errors_final.unlink(missing_ok=True)  # an earlier run's errors file would now mislead
    if use_checkpoint:
        checkpoint.unlink(missing_ok=True)


def _progress_bar(progress: bool | None) -> Any:
    """Make a tqdm bar on stderr when asked, or by default when stderr is a terminal."""
    show = progress if progress is not None else sys.stderr.isatty()
    if not show:
        return None
    from tqdm import tqdm

    return tqdm(unit=" docs", file=sys.stderr, dynamic_ncols=True, mininterval=0.5)


# --- the Python API ------------------------------------------------------------------


def clean_corpus(
    paths: Sequence[str | Path], config: Config | None = None, jobs: int | None = None
) -> Iterator[Result]:
    """Clean every document under ``paths``, yielding one Result per document in input order.

    ``jobs`` worker processes clean in parallel (default: the CPU count; 1 cleans in
    this process). A file or archive record that cannot be read yields an error Result
    (stage ``read``) whose document holds only its ``source``; items the readers skip
    on purpose yield nothing. A missing path raises UsageError at once.
    """
    config = config or Config()
    jobs = _jobs(jobs)
    files = _discover(paths)
    from cleaner.corpus.sitestats import prepare  # the corpus pass (site statistics): pass 1 runs here when wanted

    return _clean_corpus(files, prepare(paths, files, config, jobs), jobs)


def _clean_corpus(files: list[InputFile], config: Config, jobs: int) -> Iterator[Result]:
    from cleaner.io.readers import ReadFailure

    pool: _OrderedPool[Result] = _OrderedPool(_work_results, _crash_result, config, jobs)
    try:
        for chunk, results in pool.map(_chunks(_stream(files, config))):
            it = iter(results)
            for item in chunk:
                if isinstance(item, Document):
                    yield next(it)
                elif isinstance(item, ReadFailure):
                    doc = Document(id=item.source, source=item.source, input_type="text", content="")
                    info = ErrorInfo(cast(Stage, item.stage), item.type, item.message)
                    yield Result(doc, [], [], "", {}, "error", info)
        pool.close()
    finally:
        pool.close(kill=True)


__all__ = ["CHECKPOINT_EVERY", "CHUNK_DOCS", "Summary", "clean_corpus", "run_batch"]
