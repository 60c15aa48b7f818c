"""Per-file accounting of a batch: every record found is counted once, and the counts add up.

For each input file the batch counts, in :class:`FileCounts` (kept by :class:`cleaner.batch.sink.Sink`):

- ``read``: records the reader found in the file: documents, records it skipped on
  purpose, and records (or the whole file) it could not read;
- ``written``: records written to the output (``empty`` of them kept no text: they are
  written with ``text: ""`` and counted in both);
- ``skipped``: records that are not documents to clean, by reason (``warc.request``,
  ``warc.metadata``, ``warc.non_html``, ``warc.http_status``, ``jsonl.no_content``...);
- ``failed``: records that could not be read or cleaned, by ``stage/type``
  (``read/EmptyFile``, ``read/EOFError``, ``parse/Timeout``, ``extract/WorkerDied``...),
  each one a line of the errors file;
- ``already_done``: records a resumed run found finished by the run it resumes.

The identity, checked by :func:`check`::

    read == written + sum(skipped) + sum(failed) + already_done

``cleaner clean --stats FILE`` writes the counts of every file and their totals as
JSON (:func:`stats_document`).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

IDENTITY = "read == written + skipped + failed + already_done"
# Files listed one by one in the summary on stderr: a screenful; the rest are in --stats.
SUMMARY_FILES = 20


@dataclass(slots=True)
class FileCounts:
    """What became of the records of one input file (see the module docstring)."""

    file: str
    read: int = 0
    written: int = 0
    empty: int = 0
    already_done: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)

    def balance(self) -> int:
        """``read`` minus everything it must equal: 0 when the counts add up."""
        return self.read - self.written - sum(self.skipped.values()) - sum(self.failed.values()) - self.already_done

    def add(self, other: FileCounts) -> None:
        """Add another file's counts to these (for totals)."""
        self.read += other.read
        self.written += other.written
        self.empty += other.empty
        self.already_done += other.already_done
        self.skipped.update(other.skipped)
        self.failed.update(other.failed)

    def to_dict(self) -> dict[str, Any]:
        """The counts as JSON-ready data, reasons sorted by name."""
        return {
            "file": self.file,
            "read": self.read,
            "written": self.written,
            "empty": self.empty,
            "skipped": sum(self.skipped.values()),
            "skipped_by_reason": dict(sorted(self.skipped.items())),
            "failed": sum(self.failed.values()),
            "failed_by_type": dict(sorted(self.failed.items())),
            "already_done": self.already_done,
        }

    def format(self) -> str:
        """One line of the summary on stderr."""
        parts = [f"{self.read} read", f"{self.written} written" + (f" ({self.empty} empty)" if self.empty else "")]
        if self.skipped:
            parts.append(f"{sum(self.skipped.values())} skipped ({format_counts(self.skipped)})")
        if self.failed:
            parts.append(f"{sum(self.failed.values())} failed ({format_counts(self.failed)})")
        if self.already_done:
            parts.append(f"{self.already_done} already done")
        return f"{self.file}: " + ", ".join(parts)


def totals(files: Iterable[FileCounts]) -> FileCounts:
    """The sum of the counts of ``files``."""
    total = FileCounts("(all files)")
    for counts in files:
        total.add(counts)
    return total


def check(files: Iterable[FileCounts]) -> list[str]:
    """The files whose counts do not add up, with by how much (empty when all do)."""
    return [f"{c.file}: read - accounted = {c.balance()}" for c in files if c.balance()]


def summary_lines(files: list[FileCounts]) -> list[str]:
    """Per-file lines for the summary: every file when there are few, else those with problems."""
    shown = files if len(files) <= SUMMARY_FILES else [f for f in files if f.failed or f.skipped]
    lines = ["  " + c.format() for c in shown[:SUMMARY_FILES]]
    hidden = len(files) - min(len(shown), SUMMARY_FILES)
    if hidden:
        lines.append(f"  ... and {hidden} more files (every file's counts: --stats FILE)")
    return lines


def stats_document(files: list[FileCounts], **extra: Any) -> dict[str, Any]:
    """The ``--stats`` JSON: ``identity``, ``totals``, ``files`` (input order), and ``extra`` fields."""
    return {
        "identity": IDENTITY,
        **extra,
        "totals": totals(files).to_dict() | {"file": None, "files": len(files)},
        "files": [c.to_dict() for c in files],
    }


def save_stats_document(path: str | Path, document: dict[str, Any]) -> None:
    """Write the stats JSON to ``path`` (through a temporary file, so a reader never sees half)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    os.replace(tmp, path)


def format_counts(counter: Counter[str]) -> str:
    """Counts as ``name n, name n``, the largest first (ties by name)."""
    return ", ".join(f"{name} {n}" for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
