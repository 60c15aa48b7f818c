"""Where a batch writes: the output (file, stdout or folder), the errors file, their partial names.

A file output is written to ``OUT.partial`` (failures to ``ERRORS.partial``) and renamed to
its final name when the run completes, output first, then errors; an errors file exists
after a run only if there was an error. Records on stdout with no ``--errors`` list their
failures on stderr instead: a filter in a pipe leaves no file in the current folder. Both
executors use the same :class:`Target`.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from cleaner.errors import UsageError
from cleaner.output.records import FOLDER_FORMATS, FolderFormat
from cleaner.output.writers import (
    ErrorsWriter,
    FolderWriter,
    JsonlWriter,
    StderrErrors,
    default_errors_path,
    is_folder_output,
)

__all__ = ["Target"]


# The checkpoint of a folder output's run, inside the folder: hidden, so never an input.
FOLDER_CHECKPOINT = ".cleaner-run.ckpt"


@dataclass(frozen=True, slots=True)
class Target:
    """The output of a batch and its errors file, checked and named (see the module docstring)."""

    output: str
    fmt: str
    folder: bool
    errors_final: Path
    errors_on_stderr: bool = False

    @classmethod
    def resolve(cls, output: str | Path, fmt: str | None, errors_path: str | Path | None) -> Target:
        """Check the output, its format and the errors path; a clash is a usage error.

        ``output`` is a ``.jsonl`` / ``.jsonl.gz`` file, ``-`` for stdout, or a folder
        (ends with ``/`` or exists as a directory) that takes ``fmt`` ``txt`` (the
        default), ``md`` or ``json``; files take ``jsonl``. ``errors_path`` defaults to
        :func:`~cleaner.output.writers.default_errors_path`.
        """
        out_text = str(output)
        folder = is_folder_output(output)
        fmt = fmt or ("txt" if folder else "jsonl")
        if folder and fmt not in FOLDER_FORMATS:
            raise UsageError(f"folder output takes --format {'|'.join(FOLDER_FORMATS)}, not {fmt!r}")
        if not folder and fmt != "jsonl":
            raise UsageError(
                f"--format {fmt} needs a folder output (-o {out_text.rstrip('/')}/); files and stdout take jsonl"
            )
        errors_final = Path(errors_path) if errors_path else default_errors_path(output)
        target = cls(out_text, fmt, folder, errors_final, errors_on_stderr=out_text == "-" and not errors_path)
        if target.is_file and errors_final.resolve() == Path(out_text).resolve():
            raise UsageError(f"the errors file and the output are both {errors_final}: give --errors another path")
        return target

    @property
    def to_stdout(self) -> bool:
        """The records go to stdout (``-o -``)."""
        return self.output == "-"

    @property
    def errors_shown(self) -> str:
        """Where the failures are listed, as the summary names it: the errors file, or stderr."""
        return "stderr" if self.errors_on_stderr else str(self.errors_final)

    @property
    def is_file(self) -> bool:
        """The records go to one file, written under its partial name first (resumable)."""
        return not (self.to_stdout or self.folder)

    @property
    def gz(self) -> bool:
        """The output file is gzip-compressed (its name ends with ``.gz``)."""
        return self.output.endswith(".gz")

    @property
    def out_final(self) -> Path:
        """The output's final path."""
        return Path(self.output)

    @property
    def out_partial(self) -> Path:
        """Where a file output is written until the run completes."""
        return self.out_final.with_name(self.out_final.name + ".partial")

    @property
    def checkpoint(self) -> Path:
        """The checkpoint of the run (see :mod:`cleaner.batch.resume`).

        Beside a file output's partial files; a hidden file in an output folder (never read
        as an input).
        """
        if self.folder:
            return self.out_final / FOLDER_CHECKPOINT
        return self.out_final.with_name(self.out_partial.name + ".ckpt")

    @property
    def errors_partial(self) -> Path:
        """Where failures are listed until the run completes."""
        return self.errors_final.with_name(self.errors_final.name + ".partial")

    def discard_partial(self) -> None:
        """Remove what an earlier, unfinished run left (a fresh start keeps nothing of it)."""
        stale = [] if self.errors_on_stderr else [self.errors_partial]
        if self.is_file:
            stale += [self.out_partial, self.checkpoint]
        elif self.folder:
            stale.append(self.checkpoint)
        for path in stale:
            path.unlink(missing_ok=True)

    def open_writer(self, truncate_at: int | None = None) -> JsonlWriter | FolderWriter:
        """The writer of the records (a resumed file output is cut back to ``truncate_at`` first)."""
        if self.folder:
            return FolderWriter(self.output, cast(FolderFormat, self.fmt))
        return JsonlWriter("-" if self.to_stdout else self.out_partial, gz=self.gz, truncate_at=truncate_at)

    def open_errors(self, truncate_at: int | None = None) -> ErrorsWriter | StderrErrors:
        """The writer of the errors file (created at the first error), or of the lines on stderr."""
        if self.errors_on_stderr:
            return StderrErrors()
        return ErrorsWriter(self.errors_partial, truncate_at=truncate_at)

    def finish(self, writer: JsonlWriter | FolderWriter, errors: ErrorsWriter | StderrErrors) -> None:
        """Close the writers and give the files their final names (output first, then errors)."""
        writer.close()
        errors.close()
        if self.is_file:
            os.replace(self.out_partial, self.out_final)
        if isinstance(errors, ErrorsWriter) and errors.created:
            os.replace(errors.path, self.errors_final)
        elif not self.errors_on_stderr:
            self.errors_final.unlink(missing_ok=True)  # an earlier run's errors file would now mislead
        if not self.to_stdout:
            self.checkpoint.unlink(missing_ok=True)

    def abandon(self, writer: JsonlWriter | FolderWriter, errors: ErrorsWriter | StderrErrors) -> None:
        """Close the writers of a run that stopped and cannot be resumed, and remove its partial files.

        A writer that cannot flush what it holds (the disk is full: why the run stopped) is
        closed all the same; its partial file goes anyway.
        """
        for closing in (writer, errors):
            with contextlib.suppress(OSError):
                closing.close()
        if self.is_file:
            self.out_partial.unlink(missing_ok=True)
        if not self.errors_on_stderr:
            self.errors_partial.unlink(missing_ok=True)
