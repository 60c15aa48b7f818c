"""What a batch did: the counts of the summary on stderr and of ``--stats``, whatever the executor."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.batch import accounting
from cleaner.batch.accounting import FileCounts
from cleaner.errors import CleanerError
from cleaner.model import reason_family

__all__ = ["EXPLAINED_SKIPS", "READS", "SHOWN_ERRORS", "SHOWN_LEFT_OUT", "ReasonCounter", "Summary", "write_stats"]

# Documents left out of the site statistics named in the summary on stderr: a line's worth;
# --stats lists them all.
SHOWN_LEFT_OUT = 5
# Failures the summary names with their reasons: enough to see what went wrong without
# opening the errors file, few enough that a run with thousands keeps a short summary.
SHOWN_ERRORS = 3
# Skip reasons the summary explains with an example in every run: a JSONL record without the
# page's field is most often a field named otherwise (the example names the option). Other
# skips (WARC requests, images...) are routine; their examples show only when nothing was found.
# A document --languages filtered out shows its language, so a run that skipped more than
# expected says which language it found.
EXPLAINED_SKIPS = frozenset({"jsonl.no_content", "language.other"})
# What cleaner reads, said when a run found no document in its inputs.
READS = (
    "cleaner reads HTML pages, text dumps, WARC/WET archives (their HTML responses), JSONL records with an "
    "'html' or 'text' field (--html-field, --text-field), each gzipped or not, and stdin (-); hidden files and "
    "README/LICENSE files in folders are left out"
)


class ReasonCounter:
    """Removed blocks counted by reason code (``nav.skip_link``) and by family (``nav``)."""

    def __init__(self) -> None:
        self.by_reason: Counter[str] = Counter()
        self.by_family: Counter[str] = Counter()

    def add(self, reasons: Iterable[str]) -> None:
        """Count the reason codes of one document's removed blocks."""
        for code in reasons:
            self.by_reason[code] += 1
            try:
                family = reason_family(code)
            except KeyError:
                family = code.partition(".")[0]
            self.by_family[family] += 1

    def merge(self, other: ReasonCounter) -> None:
        """Add another counter's counts to this one (counters are mergeable)."""
        self.by_reason.update(other.by_reason)
        self.by_family.update(other.by_family)


@dataclass(slots=True)
class Summary:
    """What a batch did; every input is counted once.

    - ``files``: input files discovered.
    - ``read``: documents the readers yielded and the batch handled, including those
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
      request records...) and documents a setting filtered out (``language.other``:
      ``--languages``), by reason in ``skipped_by_reason``; not errors, and not in ``read``.
    - ``failed_by_stage``: ``failed + read_failures`` by stage (read, decode, parse,
      extract, write); ``first_errors``: the first :data:`SHOWN_ERRORS` of them with
      their reasons, ``first_skips``: the first skipped record of each reason, with why.
    - ``earlier_errors``: lines already in the errors file from the run being resumed.
    - ``bytes``: content cleaned in this run (characters for text documents).
    - ``left_out_of_stats``: ``(source, error type)`` of the documents pass 1 of the
      corpus statistics could not count (a worker killed, a timeout...): their sites'
      counts miss them. Pass 2 cleans them (or lists them in the errors file) as usual.
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
    left_out_of_stats: list[tuple[str, str]] = field(default_factory=list)
    unfiled: FileCounts = field(default_factory=lambda: FileCounts("(no file)"))
    first_errors: list[str] = field(default_factory=list)
    first_skips: dict[str, str] = field(default_factory=dict)

    def note_error(self, source: str, stage: str, kind: str, message: str) -> None:
        """Keep a failure's reason for the summary, while fewer than :data:`SHOWN_ERRORS` are kept."""
        if len(self.first_errors) < SHOWN_ERRORS:
            self.first_errors.append(f"{source} ({stage}/{kind}): {message}")

    def note_skip(self, source: str, reason: str, detail: str) -> None:
        """Keep why the first record of each skip reason was passed over."""
        self.first_skips.setdefault(reason, f"{source}: {detail}" if detail else source)

    @property
    def found_nothing(self) -> bool:
        """No document and no unreadable file came out of the inputs: the run had nothing to clean."""
        return not (self.read or self.read_failures or self.nothing_to_do or self.interrupted)

    @property
    def errors(self) -> int:
        """Lines in the errors file: this run's failures plus those of the run resumed."""
        return self.failed + self.read_failures + self.earlier_errors

    @property
    def exit_code(self) -> int:
        """0 when everything was cleaned, 1 when something failed or nothing was found, 130 when interrupted."""
        if self.interrupted:
            return 130
        return 1 if self.errors or self.found_nothing else 0

    @property
    def mb_per_s(self) -> float:
        """Content cleaned per second, in MB (10^6 bytes)."""
        return self.bytes / 1e6 / self.seconds if self.seconds > 0 else 0.0

    def format(self) -> str:
        """Render the summary printed on stderr at the end of a batch."""
        if self.nothing_to_do:
            earlier = f"; its {self.earlier_errors} errors are in {self.errors_path}" if self.earlier_errors else ""
            return f"cleaner: {self.output} is complete; nothing to resume (rerun with --overwrite to redo it){earlier}"
        failures = self.failed + self.read_failures
        lines = [
            f"cleaner: {self.files} files: {self.written} written ({self.empty} empty), {failures} failed"
            + (f" ({self.read_failures} unreadable)" if self.read_failures else "")
            + f", {self.skipped} skipped"
            + (f", {self.already_done} already done by the earlier run" if self.already_done else "")
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
        if self.left_out_of_stats:
            shown = ", ".join(f"{source} ({kind})" for source, kind in self.left_out_of_stats[:SHOWN_LEFT_OUT])
            more = len(self.left_out_of_stats) - SHOWN_LEFT_OUT
            lines.append(
                f"  corpus pass: {len(self.left_out_of_stats)} documents left out of the site statistics: {shown}"
                + (f" and {more} more (all in --stats)" if more > 0 else "")
            )
        if self.skipped_by_reason:
            lines.append("  skipped: " + accounting.format_counts(self.skipped_by_reason))
            lines.extend(
                f"    {reason}, e.g. {example}"
                for reason, example in sorted(self.first_skips.items())
                if reason in EXPLAINED_SKIPS or self.found_nothing
            )
        if self.removed.by_family:
            lines.append("  removed blocks by family: " + accounting.format_counts(self.removed.by_family))
        if self.errors:
            earlier = f" ({self.earlier_errors} from the earlier run)" if self.earlier_errors else ""
            lines.append(f"  {self.errors} failed{earlier}, listed in {self.errors_path}" + (":" if failures else ""))
            lines.extend(f"    {line}" for line in self.first_errors)
            if failures > len(self.first_errors):
                lines.append(f"    ... and {failures - len(self.first_errors)} more")
        if self.found_nothing:
            lines.append(f"  nothing to clean: no document was found in the inputs; {READS}")
        if self.interrupted:
            lines.append(
                f"  interrupted: finished records are safe in {self.output}.partial; "
                "rerun the same command with --resume to finish"
            )
        return "\n".join(lines)


def write_stats(path: str | Path, summary: Summary) -> None:
    """Write the ``--stats`` JSON of a batch (:func:`cleaner.batch.accounting.stats_document`)."""
    files = summary.per_file + ([summary.unfiled] if summary.unfiled.read else [])
    document = accounting.stats_document(
        files,
        output=summary.output,
        errors=summary.errors_path,
        complete=not summary.interrupted,
        nothing_to_do=summary.nothing_to_do,
        left_out_of_site_stats=[{"source": source, "error": kind} for source, kind in summary.left_out_of_stats],
        seconds=round(summary.seconds, 3),
        removed_blocks_by_family=dict(sorted(summary.removed.by_family.items())),
    )
    try:
        accounting.save_stats_document(path, document)
    except OSError as exc:
        raise CleanerError(f"cannot write the stats file {path} ({exc}); fix the path and rerun with --resume") from exc
