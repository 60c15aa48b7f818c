"""The end of a batch's stream: write each document's record or error, in input order, and count everything.

Both executors hand the :class:`Sink` the same things in input order: the start of each
input file, each document's :class:`~cleaner.batch.outcome.Outcome`, each record the
readers skipped or could not read, and each item an earlier run finished. The sink writes
the records and the errors file and keeps the :class:`~cleaner.batch.summary.Summary`, with
every record of every file counted once (:mod:`cleaner.batch.accounting`).
"""

from __future__ import annotations

from cleaner.batch.accounting import FileCounts
from cleaner.batch.outcome import Outcome, record_of
from cleaner.batch.stream import Done, Entry, FileStart, content_size
from cleaner.batch.summary import Summary
from cleaner.io import ReadFailure, Skipped
from cleaner.model import Document, ErrorInfo
from cleaner.output.writers import ErrorsWriter, FolderWriter, JsonlWriter, StderrErrors

__all__ = ["Sink"]


class Sink:
    """Writes outcomes to ``writer`` and ``errors`` and counts them in ``summary``.

    Every method that writes a line (a record or an error) returns 1, else 0, so the
    caller knows when a checkpoint is due.
    """

    def __init__(
        self, writer: JsonlWriter | FolderWriter, errors: ErrorsWriter | StderrErrors, summary: Summary
    ) -> None:
        self.writer, self.errors, self.summary = writer, errors, summary

    @property
    def _counts(self) -> FileCounts:
        """The counts of the file being read (records before any file start go to ``unfiled``)."""
        return self.summary.per_file[-1] if self.summary.per_file else self.summary.unfiled

    def take(self, entry: Entry, outcome: Outcome | None) -> int:
        """Handle one entry of the stream (``outcome`` is the Outcome of a Document, else None)."""
        if isinstance(entry, FileStart):
            self.start_file(entry.file)
            return 0
        if isinstance(entry, Document):
            assert outcome is not None
            return self.document(entry.source, outcome, content_size(entry))
        if isinstance(entry, Done):
            self.done_before(entry)
            return 0
        if isinstance(entry, Skipped):
            self.skipped(entry)
            return 0
        return self.unreadable(entry)

    def start_file(self, name: str) -> None:
        """The records that follow come from input file ``name``."""
        self.summary.per_file.append(FileCounts(name))

    def document(self, source: str, outcome: Outcome, size: int) -> int:
        """Write a document's record (or its error, when it failed or cannot be written).

        A document a setting filtered out (outcome ``skipped``) is counted as skipped, as a
        record the readers passed over is: no line is written.
        """
        if outcome.status == "skipped":
            if isinstance(self.writer, FolderWriter):
                self.writer.claim(source)  # as a failed document does: a resumed run cleans it again
            self.skipped(Skipped(source, outcome.skip_reason, outcome.skip_detail))
            return 0
        counts = self._counts
        counts.read += 1
        self.summary.read += 1
        if isinstance(self.writer, FolderWriter):
            # Every document claims its file name in input order, failed ones too, as a resumed
            # run's claims do: else a later document took a failed one's name, and the resumed
            # run took that file for the failed document's.
            self.writer.claim(source)
        error = outcome.error
        if error is None:
            try:
                if isinstance(self.writer, FolderWriter):
                    self.writer.write(record_of(outcome))
                else:
                    assert outcome.line is not None
                    self.writer.write_line(outcome.line)
            except OSError as exc:  # one file that cannot be written (name too long...)
                if isinstance(self.writer, JsonlWriter):
                    raise
                error = ErrorInfo("write", type(exc).__name__, str(exc))
        if error is not None:
            self.errors.write(source, error.stage, error.type, error.message)
            self.summary.note_error(source, error.stage, error.type, error.message)
            self.summary.failed += 1
            self.summary.failed_by_stage[error.stage] += 1
            counts.failed[f"{error.stage}/{error.type}"] += 1
        else:
            self.summary.written += 1
            self.summary.empty += outcome.status == "empty"
            self.summary.removed.add(outcome.reasons)
            self.summary.bytes += size
            counts.written += 1
            counts.empty += outcome.status == "empty"
        return 1

    def done_before(self, item: Done) -> None:
        """Count an item the run being resumed had finished."""
        counts = self._counts
        counts.read += 1
        counts.already_done += 1
        if item.document:
            self.summary.read += 1
            self.summary.already_done += 1

    def skipped(self, item: Skipped) -> None:
        """Count a record the readers passed over on purpose."""
        self._counts.read += 1
        self._counts.skipped[item.reason] += 1
        self.summary.skipped += 1
        self.summary.note_skip(item.source, item.reason, item.detail)
        self.summary.skipped_by_reason[item.reason] += 1

    def unreadable(self, item: ReadFailure) -> int:
        """List a file or record the readers could not read in the errors file."""
        self._counts.read += 1
        self._counts.failed[f"{item.stage}/{item.type}"] += 1
        self.errors.write(item.source, item.stage, item.type, item.message)
        self.summary.note_error(item.source, item.stage, item.type, item.message)
        self.summary.read_failures += 1
        self.summary.failed_by_stage[item.stage] += 1
        return 1
