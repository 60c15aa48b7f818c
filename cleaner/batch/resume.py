"""Finishing an interrupted run: checkpoints of the partial output, and where to start again.

Resume rests on three facts:

1. Records are written to ``OUT.partial`` (failures to ``ERRORS.partial``) in input
   order, and only renamed to their final names when the run completes
   (:class:`~cleaner.batch.target.Target`).
2. After every :data:`cleaner.batch.local.CHECKPOINT_EVERY` records the writers flush (a gzip output closes
   a gzip member), fsync, and ``OUT.partial.ckpt`` is replaced atomically with the byte
   offsets of both files (:func:`save_checkpoint`). Every offset in a checkpoint is the
   end of a complete record.
3. A resumed run cuts both partial files back to the checkpointed offsets (dropping any
   half-written line), collects the ``metadata.source`` of every record and failure
   left (:func:`finished_sources`), and skips those sources before they reach a worker.
   Because records are written in input order, what is left is a prefix of the run, and
   the resumed output is the uninterrupted run's output (byte for byte for plain JSONL;
   the same records in the same order for ``.jsonl.gz``, whose gzip member boundaries
   may differ).

An output folder's run keeps only its fingerprint in a hidden checkpoint in the folder,
so a resumed folder run refuses inputs or settings that changed (:func:`check_folder_run`).

The sources of the finished documents are held in memory while resuming (about 100
bytes each: 100 MB for a million documents). A document's ``source`` must be unique in
the input, which the readers guarantee (path, plus ``#offset`` or ``#line``). Folder
output resumes by skipping documents whose file exists (failed documents are tried again).
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.batch.site_stats import stats_digest
from cleaner.batch.target import Target
from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.io import InputFile
from cleaner.output.writers import ErrorsWriter, FolderWriter, JsonlWriter, StderrErrors
from cleaner.version import __version__

__all__ = [
    "Checkpoint",
    "check_folder_run",
    "fingerprint",
    "finished_sources",
    "inputs_digest",
    "read_checkpoint",
    "save_checkpoint",
]

# Settings a resumed run may change: the guards' limits (a run killed because a page
# needed more time or memory is resumed with a higher limit).
_GUARD_SETTINGS = ("timeout", "max_memory")
# Version of the checkpoint file layout; a different one is not resumed.
_CHECKPOINT_VERSION = 1


@dataclass(slots=True)
class Checkpoint:
    """Where a resumed run starts: the byte offsets to cut the partial files back to (None: fresh)."""

    output_bytes: int | None = None
    errors_bytes: int | None = None
    done: set[str] = field(default_factory=set)
    earlier_errors: int = 0


def fingerprint(config: Config, fmt: str, files: Sequence[InputFile] = ()) -> dict[str, Any]:
    """Describe what must not change between a run and its resumption, or the output would mix.

    The site statistics count by their content, not their path: pass 1 of a resumed run
    saves them to a file of its own, and a statistics file that changed would change the
    records. The input files count by their names, sizes and modification times
    (:func:`inputs_digest`): a file removed, added or changed since the interrupted run
    would leave its old records in the output, or put new ones out of order.
    """
    settings = dataclasses.asdict(config)
    for guard in _GUARD_SETTINGS:  # limits change which documents fail, never a finished record
        settings.pop(guard, None)
    if config.site_stats and os.path.exists(config.site_stats):
        settings["site_stats"] = "sha1:" + stats_digest(config.site_stats)
    return {"config": settings, "format": fmt, "cleaner_version": __version__, "inputs": inputs_digest(files)}


def inputs_digest(files: Sequence[InputFile]) -> str:
    """A digest of the input files' names, sizes and modification times (stdin: its name only)."""
    digest = hashlib.sha1()
    for inp in files:
        try:
            info = os.stat(inp.path) if str(inp.path) != "-" else None
        except OSError:
            info = None
        digest.update(json.dumps([inp.relpath, info and info.st_size, info and info.st_mtime_ns]).encode())
    return digest.hexdigest()[:16]


def read_checkpoint(target: Target, expected: dict[str, Any]) -> Checkpoint:
    """The checkpoint of ``target``'s partial files, or a fresh start when there is none (or it is unreadable).

    A checkpoint made with another fingerprint (other settings, another version) is a
    usage error: resuming it would mix two runs' records.
    """
    if not target.out_partial.exists():
        return Checkpoint()
    try:
        state = json.loads(target.checkpoint.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Checkpoint()
    if not isinstance(state, dict) or state.get("version") != _CHECKPOINT_VERSION:
        return Checkpoint()
    _same_run(state.get("fingerprint"), expected, str(target.out_partial))
    return Checkpoint(int(state["output_bytes"]), int(state["errors_bytes"]))


def check_folder_run(target: Target, expected: dict[str, Any]) -> None:
    """Refuse to resume an output folder whose unfinished run had other inputs or settings.

    The run's checkpoint in the folder holds its fingerprint; a folder without one was
    finished (or written before checkpoints), and resuming it skips the files it holds.
    """
    try:
        state = json.loads(target.checkpoint.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(state, dict) and state.get("version") == _CHECKPOINT_VERSION:
        _same_run(state.get("fingerprint"), expected, target.output)


def _same_run(earlier: Any, expected: dict[str, Any], left: str) -> None:
    """Raise a UsageError naming the fix when the interrupted run's fingerprint is not ``expected``."""
    if isinstance(earlier, dict) and earlier.get("inputs") != expected.get("inputs"):
        raise UsageError(
            f"the input files changed since the run that left {left} (a file added, removed or "
            "modified): resuming would mix the two; rerun with --overwrite to start again"
        )
    if earlier != json.loads(json.dumps(expected)):
        raise UsageError(
            f"{left} was made with other settings or another cleaner version; rerun with the "
            "same options, or with --overwrite instead of --resume to start again"
        )


def finished_sources(target: Target, checkpoint: Checkpoint) -> None:
    """Fill ``checkpoint.done`` with the sources in the (already cut back) partial files."""
    checkpoint.done.update(_sources_in(target.out_partial, gz=target.gz, record_source=True))
    earlier = _sources_in(target.errors_partial, gz=False, record_source=False)
    checkpoint.earlier_errors = len(earlier)
    checkpoint.done.update(earlier)


def save_checkpoint(
    target: Target, writer: JsonlWriter | FolderWriter, errors: ErrorsWriter | StderrErrors, state: dict[str, Any]
) -> None:
    """Flush both writers; for a file output, fsync them and record their offsets atomically.

    An output folder's checkpoint holds the run's fingerprint only (a resumed folder run
    skips the documents whose file exists).
    """
    if target.to_stdout:
        writer.flush()
        errors.flush()
        return
    data: dict[str, Any] = {"version": _CHECKPOINT_VERSION, "fingerprint": state}
    if target.folder:
        writer.flush()
        errors.flush()
        target.checkpoint.parent.mkdir(parents=True, exist_ok=True)
    else:
        data["output_bytes"] = writer.flush(sync=True)
        data["errors_bytes"] = errors.flush(sync=True)
    tmp = target.checkpoint.with_name(target.checkpoint.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target.checkpoint)


def _sources_in(path: Path, *, gz: bool, record_source: bool) -> list[str]:
    """List the sources in a (truncated, so complete) partial output or errors file."""
    if not path.exists():
        return []
    opener: Any = gzip.open if gz else open
    sources = []
    with opener(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            try:
                data = json.loads(line)
                sources.append(str(data["metadata"]["source"] if record_source else data["source"]))
            except (ValueError, KeyError, TypeError) as exc:
                fix = "rerun with --overwrite instead of --resume"
                raise UsageError(f"{path} is damaged at line {number} ({exc}); {fix}") from exc
    return sources
