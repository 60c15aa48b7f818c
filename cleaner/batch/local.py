"""The local executor: the record stream -> guarded worker processes -> the sink, in input order, resumable.

The main process discovers the input files, streams documents out of the readers and
sends them to ``jobs`` worker processes in chunks (:mod:`cleaner.batch.stream`), with a
bounded number of chunks in flight (so memory stays bounded however large the corpus or
one file is; :mod:`cleaner.batch.pool`). Outcomes come back in input order whatever
``jobs`` is, so the same input gives byte-identical output for any number of workers; the
:class:`~cleaner.batch.sink.Sink` writes and counts them, and checkpoints let an
interrupted run finish where it stopped (:mod:`cleaner.batch.resume`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from cleaner.batch.console import progress_bar, stderr_log, terminal_safe, worker_count
from cleaner.batch.interrupt import InterruptGuard
from cleaner.batch.outcome import Outcome, clean_chunk, clean_results, crashed_outcome, crashed_result
from cleaner.batch.pool import SupervisedPool
from cleaner.batch.preflight import guarded_outputs
from cleaner.batch.resume import Checkpoint, check_folder_run, fingerprint, finished_sources, read_checkpoint
from cleaner.batch.resume import save_checkpoint as write_checkpoint
from cleaner.batch.sink import Sink
from cleaner.batch.site_stats import prepare
from cleaner.batch.stream import Done, chunks, entries, input_files
from cleaner.batch.summary import Summary, write_stats
from cleaner.batch.target import Target
from cleaner.config import Config
from cleaner.errors import CleanerError, UsageError
from cleaner.io import InputFile, ReadFailure, ReadItem
from cleaner.model import Document, ErrorInfo, Result, Stage
from cleaner.output.writers import FolderWriter

__all__ = ["CHECKPOINT_EVERY", "clean_corpus", "run_batch"]

# Records between two checkpoints (flush + fsync + checkpoint file). An fsync costs a
# few milliseconds, 256 records take seconds to clean, so the cost is well under 1 %;
# a crash redoes at most this many documents.
CHECKPOINT_EVERY = 256


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
    overwrite: bool = False,
) -> Summary:
    """Clean every document under ``paths`` into ``output``; return what happened.

    ``output`` is a ``.jsonl`` / ``.jsonl.gz`` file, ``-`` for stdout, or a folder
    (ends with ``/`` or exists as a directory) that gets one file per document in
    ``fmt`` ``txt`` (the default for folders), ``md`` or ``json``; files take ``jsonl``
    (:class:`~cleaner.batch.target.Target`). Records are written in input order whatever
    ``jobs`` is (default: the CPU count; 1 runs in this process when the guards are off).
    Documents whose cleaning fails, and files that cannot be read, are listed in
    ``errors_path`` (default: beside the output), which exists after the run only if
    there was an error; the batch goes on. Empty results (no text kept) are written with
    ``text: ""`` and counted as ``empty``. See :class:`~cleaner.batch.summary.Summary`
    for what the counts mean.

    Before anything is read, the output, errors and stats paths are checked and locked
    (:mod:`cleaner.batch.preflight`): one that is an input, lies in an input folder, is a
    device or a link, or is written by another run now is a usage error, and so is one that
    exists already unless ``overwrite`` (replace it) or ``resume``.

    A file output is written to ``OUT.partial`` and renamed at the end; a killed or
    interrupted run is finished by ``resume=True`` without redoing or duplicating any
    document (:mod:`cleaner.batch.resume`). With ``overwrite`` an earlier partial output
    is discarded and an existing output replaced when the run completes. Ctrl-C saves a
    checkpoint and returns a Summary with ``interrupted`` set (exit code 130).
    ``progress`` (default: when stderr is a terminal) shows a bar on stderr; ``report``
    prints the summary on stderr; ``stats_path`` gets the per-file counts as JSON
    (:func:`cleaner.batch.accounting.stats_document`), also when the run is interrupted.
    """
    config = config or Config()
    jobs = worker_count(jobs)
    target = Target.resolve(output, fmt, errors_path)
    if resume and target.to_stdout:
        raise UsageError("stdout output cannot be resumed: write to a file (-o out.jsonl) to use --resume")
    files = input_files(paths)
    with guarded_outputs(target, paths, stats_path, overwrite=overwrite, resume=resume):
        return _run(paths, files, target, config, jobs, resume, progress, report, stats_path)


def _run(
    paths: Sequence[str | Path],
    files: list[InputFile],
    target: Target,
    config: Config,
    jobs: int,
    resume: bool,
    progress: bool | None,
    report: bool,
    stats_path: str | Path | None,
) -> Summary:
    """The run of :func:`run_batch` once its outputs are checked and locked."""
    left_out: list[tuple[str, str]] = []
    config = prepare(paths, files, config, jobs, stderr_log(report), left_out)
    summary = Summary(output=target.output, errors_path=target.errors_shown, files=len(files))
    summary.left_out_of_stats = left_out
    state = fingerprint(config, target.fmt, files)
    checkpoint = Checkpoint()
    if resume and target.is_file:
        if not target.out_partial.exists() and target.out_final.exists():
            _nothing_to_resume(target, summary)
            _finish_report(summary, report, stats_path)
            return summary
        checkpoint = read_checkpoint(target, state)
    elif resume and target.folder:
        check_folder_run(target, state)
    if checkpoint.output_bytes is None:  # a fresh start: nothing of an earlier partial run is kept
        target.discard_partial()
    started = time.monotonic()
    writer = target.open_writer(checkpoint.output_bytes)
    errors = target.open_errors(checkpoint.errors_bytes)
    if checkpoint.output_bytes is not None:  # read once the partial files are cut back to the checkpoint
        finished_sources(target, checkpoint)
        summary.earlier_errors = checkpoint.earlier_errors
    sink = Sink(writer, errors, summary)
    is_done = _done_test(writer, checkpoint.done, folder_resume=resume and target.folder)
    _drive(files, config, jobs, target, sink, state, is_done, progress)
    summary.seconds = time.monotonic() - started
    _finish_report(summary, report, stats_path)
    return summary


def _nothing_to_resume(target: Target, summary: Summary) -> None:
    """A resumed run whose output is complete: finish what the last renames left, and say so."""
    if target.errors_partial.exists():  # the run was killed between its two final renames
        target.errors_partial.replace(target.errors_final)
    target.checkpoint.unlink(missing_ok=True)
    summary.nothing_to_do = True
    if target.errors_final.exists():  # the run resumed had failures: the exit code still says so
        with open(target.errors_final, "rb") as handle:
            summary.earlier_errors = sum(1 for _line in handle)


def _finish_report(summary: Summary, report: bool, stats_path: str | Path | None) -> None:
    if report:
        print(terminal_safe(summary.format()), file=sys.stderr)
    if stats_path:
        write_stats(stats_path, summary)


def _done_test(writer: Any, done: set[str], *, folder_resume: bool) -> Callable[[ReadItem], bool] | None:
    """Which items an earlier run finished: in ``done``, or (resumed folder output) whose file exists."""
    if folder_resume:
        folder_writer = cast(FolderWriter, writer)
        return lambda item: isinstance(item, Document) and folder_writer.claim(item.source).exists()
    if done:
        return lambda item: isinstance(item, Document | ReadFailure) and item.source in done
    return None


def _drive(
    files: list[InputFile],
    config: Config,
    jobs: int,
    target: Target,
    sink: Sink,
    state: dict[str, Any],
    is_done: Callable[[ReadItem], bool] | None,
    progress: bool | None,
) -> None:
    """Stream the entries through the pool into the sink, with checkpoints; Ctrl-C leaves a resumable run."""
    writer, errors, summary = sink.writer, sink.errors, sink.summary
    guard = InterruptGuard()
    pool: SupervisedPool[Outcome] = SupervisedPool(clean_chunk, crashed_outcome, config, jobs)
    bar = progress_bar(progress)
    since_checkpoint = 0
    completed = False
    try:
        with guard:
            with guard.critical():
                write_checkpoint(target, writer, errors, state)
            for chunk, outcomes in pool.map(chunks(entries(files, config, is_done))):
                with guard.critical():
                    results = iter(outcomes)
                    for entry in chunk:
                        since_checkpoint += sink.take(entry, next(results) if isinstance(entry, Document) else None)
                    if since_checkpoint >= CHECKPOINT_EVERY or target.to_stdout:
                        write_checkpoint(target, writer, errors, state)
                        since_checkpoint = 0
                if bar is not None:
                    bar.update(sum(1 for i in chunk if isinstance(i, Document) or (isinstance(i, Done) and i.document)))
                    bar.set_postfix(failed=summary.failed + summary.read_failures, refresh=False)
            with guard.critical():
                write_checkpoint(target, writer, errors, state)
                pool.close()
                target.finish(writer, errors)
                completed = True
    except KeyboardInterrupt:
        if not completed:  # (a Ctrl-C deferred past the final renames changes nothing)
            summary.interrupted = True
            pool.close(kill=True)
            with guard, guard.critical():
                write_checkpoint(target, writer, errors, state)
                writer.close()
                errors.close()
    except OSError as exc:
        pool.close(kill=True)
        if target.to_stdout and isinstance(exc, BrokenPipeError):
            raise CleanerError(
                f"stdout was closed by its reader after {summary.written} records; the others were not written "
                "(stdout cannot be resumed: write to a file, -o out.jsonl, to be able to use --resume)"
            ) from exc
        raise CleanerError(
            f"cannot write the output ({exc}); free the space or fix the path, then rerun with --resume"
        ) from exc
    finally:
        pool.close(kill=True)
        if bar is not None:
            bar.close()


def clean_corpus(
    paths: Sequence[str | Path], config: Config | None = None, jobs: int | None = None
) -> Iterator[Result]:
    """Clean every document under ``paths``, yielding one Result per document in input order.

    ``jobs`` worker processes clean in parallel (default: the CPU count; 1 cleans in
    this process when the guards are off). A file or archive record that cannot be read
    yields an error Result (stage ``read``) whose document holds only its ``source``;
    items the readers skip on purpose yield nothing. A missing path raises UsageError at once.
    """
    config = config or Config()
    jobs = worker_count(jobs)
    files = input_files(paths)
    return _clean_corpus(files, prepare(paths, files, config, jobs), jobs)


def _clean_corpus(files: list[InputFile], config: Config, jobs: int) -> Iterator[Result]:
    pool: SupervisedPool[Result] = SupervisedPool(clean_results, crashed_result, config, jobs)
    try:
        for chunk, results in pool.map(chunks(entries(files, config))):
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
