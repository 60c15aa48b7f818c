"""What ``cleaner report`` shows, and where it comes from: documents, their blocks, the corpus counts.

The page (:mod:`cleaner.explain.report`: inline CSS, JavaScript and SVG, nothing fetched) has:

- for the corpus, the removed characters by reason family and by site as bar charts,
  and one table of the totals by family;
- for each document (the first ``limit`` of them), its metadata and its blocks in page
  order: kept ones as they are, removed ones struck through and coloured by reason
  family, with the reason code, the extractor and its evidence on hover;
- a legend that hides or shows a family, and a filter on the documents' source.

Input is either a corpus (files and folders, cleaned here with explanations on) or a
JSONL file that ``cleaner clean --explain`` wrote (recognised by its records: ``id``,
``text``, ``metadata.cleaner_version`` and ``removed``); the failed documents in the
errors file beside it are listed too. A record's blocks are rebuilt from its ``text``
(the kept blocks joined by newlines; no block holds a newline) and ``removed`` (each
dropped block with its index), so both inputs give the same page, but for the name of
the site of a local file at the top of the corpus (see :func:`site_name`). A record
written as Markdown (``metadata.text_format``) shows its removed blocks in page order,
then its text: Markdown lines are not the kept blocks.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.batch.local import clean_corpus
from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.io import discover, host_of
from cleaner.model import REASONS, reason_family
from cleaner.output.records import result_record
from cleaner.output.writers import default_errors_path

__all__ = [
    "DEFAULT_LIMIT",
    "TOP_FILES",
    "ReportData",
    "ShownBlock",
    "ShownDocument",
    "build_report",
    "is_explained_output",
    "records_from_corpus",
    "records_from_output",
    "shown_document",
    "site_name",
    "top_folders",
]

# Documents shown block by block: enough to browse, few enough that the page opens
# quickly (a devdata page is about 10 KB of report); the charts count every document.
DEFAULT_LIMIT = 500


@dataclass(slots=True)
class ShownBlock:
    """One block as the report shows it."""

    text: str
    keep: bool
    reason: str = ""
    by: str = ""
    detail: str = ""
    role: str = ""  # the block's role (heading 2, list item...) where the record says it

    @property
    def family(self) -> str:
        """The reason family the block is coloured by (``content`` for a kept block without a reason)."""
        return reason_family(self.reason) if self.reason in REASONS else ("content" if self.keep else "boilerplate")


@dataclass(slots=True)
class ShownDocument:
    """One document of the report: where it came from, its metadata and its blocks."""

    source: str
    site: str
    status: str
    metadata: dict[str, Any]
    blocks: list[ShownBlock]
    error: str = ""

    @property
    def removed(self) -> list[ShownBlock]:
        """The blocks that were dropped, in page order."""
        return [b for b in self.blocks if not b.keep]


@dataclass(slots=True)
class ReportData:
    """What the page shows: the corpus counts of every document and the first documents in full."""

    title: str
    limit: int = DEFAULT_LIMIT
    documents: int = 0
    failed: int = 0
    empty: int = 0
    kept_chars: int = 0
    removed_blocks: int = 0
    by_family: Counter[str] = field(default_factory=Counter)  # removed characters
    blocks_by_family: Counter[str] = field(default_factory=Counter)  # removed blocks
    by_site: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    shown: list[ShownDocument] = field(default_factory=list)
    failures: list[ShownDocument] = field(default_factory=list)

    def add(self, doc: ShownDocument) -> None:
        """Count a document, and keep it for display while fewer than ``limit`` are kept."""
        if doc.status == "error":
            self.failed += 1
            if len(self.failures) < self.limit:
                self.failures.append(doc)
            return
        self.documents += 1
        self.empty += doc.status == "empty"
        for block in doc.blocks:
            if block.keep:
                self.kept_chars += len(block.text)
                continue
            self.removed_blocks += 1
            self.by_family[block.family] += len(block.text)
            self.blocks_by_family[block.family] += 1
            self.by_site[doc.site][block.family] += len(block.text)
        if len(self.shown) < self.limit:
            self.shown.append(doc)


# --- reading -------------------------------------------------------------------------


def _open_text(path: Path) -> Any:
    return gzip.open(path, "rt", encoding="utf-8") if path.name.endswith(".gz") else open(path, encoding="utf-8")


def is_explained_output(path: str | Path) -> bool:
    """True when ``path`` is a JSONL file of cleaner records (``cleaner clean`` output).

    Raises UsageError when it is cleaner output written without ``--explain``: the
    removed blocks are not in it, so there is nothing to show.
    """
    path = Path(path)
    name = path.name.lower().removesuffix(".gz")
    if not path.is_file() or not name.endswith((".jsonl", ".ndjson")):
        return False
    try:
        with _open_text(path) as handle:
            first = next((line for line in handle if line.strip()), "")
        record = json.loads(first)
    except (OSError, ValueError, EOFError):
        return False
    if not (isinstance(record, dict) and isinstance(record.get("metadata"), dict) and "text" in record):
        return False
    if "cleaner_version" not in record["metadata"]:
        return False
    if "removed" not in record:
        raise UsageError(
            f"{path} was written without --explain, so it does not say what was removed: rerun "
            "`cleaner clean ... --explain`, or give the corpus itself to `cleaner report`"
        )
    return True


def _removed_block(entry: Mapping[str, Any]) -> ShownBlock:
    """A ``removed`` entry of a record as the report shows it."""
    reason, by = str(entry.get("reason", "")), str(entry.get("by", ""))
    detail, role = str(entry.get("detail") or ""), str(entry.get("role") or "")
    return ShownBlock(str(entry.get("text", "")), False, reason, by, detail, role)


def shown_document(record: dict[str, Any], top_folders: Mapping[str, str] | None = None) -> ShownDocument:
    """Rebuild a document's blocks from its record's ``text`` and ``removed``; its site by :func:`site_name`."""
    meta = record.get("metadata") or {}
    removed = {int(r["block"]): r for r in record.get("removed") or []}
    text = record.get("text") or ""
    markdown = meta.get("text_format") == "markdown"  # its lines are Markdown, not the kept blocks
    kept = [text] if markdown and text else text.split("\n") if text else []
    total = len(kept) + len(removed)
    blocks: list[ShownBlock] = []
    if not markdown and all(0 <= i < total for i in removed):
        kept_iter = iter(kept)
        for i in range(total):
            if i in removed:
                blocks.append(_removed_block(removed[i]))
            else:
                blocks.append(ShownBlock(next(kept_iter), True))
    else:  # Markdown, or not a record cleaner wrote: the removed blocks in page order, then the text
        blocks = [_removed_block(r) for _, r in sorted(removed.items())]
        blocks += [ShownBlock(line, True) for line in kept]
    error = meta.get("error") or {}
    return ShownDocument(
        source=str(meta.get("source") or record.get("id") or ""),
        site=site_name(meta, top_folders or {}),
        status=str(meta.get("status") or "ok"),
        metadata=meta,
        blocks=blocks,
        error=f"{error.get('stage')}: {error.get('type')}: {error.get('message')}" if error else "",
    )


# The group of the files at the top of a corpus when the folder's name is not known (a
# JSONL output does not record which folder was cleaned).
TOP_FILES = "(files at the top of the corpus)"


def site_name(meta: Mapping[str, Any], top_folders: Mapping[str, str]) -> str:
    """The site a document is counted under: a host, else the folder its file is in.

    The host of the record's url (``host``), else the host of the page's canonical url
    (a saved page names its own site, as the corpus pass reads it); for a local file with
    neither, the folder of its source (``alpha`` for ``alpha/page.html``), and for a file
    at the top of the corpus the name of the folder given, from ``top_folders`` (its source
    -> that name; :func:`top_folders`). Without it (a JSONL output does not say which
    folder was cleaned), an archive at the top is named by itself (``pages.jsonl``) and the
    other files there are grouped under :data:`TOP_FILES`.
    """
    host = meta.get("host") or host_of(meta.get("url")) or host_of(meta.get("canonical_url"))
    if host:
        return str(host)
    source = str(meta.get("source") or "")
    path, member, _ = source.partition("#")
    folder, _, name = path.rpartition("/")
    return folder or top_folders.get(path) or (name if member else TOP_FILES)


def top_folders(paths: Sequence[str | Path]) -> dict[str, str]:
    """The name of the folder each file at the top of a corpus sits in: its source -> the folder's name.

    The folder given for the files at its top (``corpus`` for ``corpus/page.html``), the
    folder holding a file given by itself; stdin has none.
    """
    return {
        inp.relpath: inp.path.resolve().parent.name
        for inp in discover(paths)
        if not inp.site and inp.relpath != "-" and "/" not in inp.relpath
    }


def records_from_output(path: Path) -> Iterator[ShownDocument]:
    """The documents of a cleaner JSONL output, then the failures of its errors file."""
    with _open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield shown_document(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                raise UsageError(f"{path} line {number} is not a cleaner record ({exc})") from exc
    errors = default_errors_path(path)
    if errors.exists():
        with open(errors, encoding="utf-8") as handle:
            for line in handle:
                try:
                    e = json.loads(line)
                    failure = f"{e['stage']}: {e['error']}: {e['message']}"
                    source = str(e["source"])
                except (ValueError, KeyError, TypeError):
                    continue  # a damaged line of the errors file: the output's records are what counts
                yield ShownDocument(source, "", "error", {}, [], failure)


def records_from_corpus(paths: Sequence[str | Path], config: Config, jobs: int | None) -> Iterator[ShownDocument]:
    """Clean the corpus with explanations on and turn every result into a ShownDocument."""
    config = config.replace(explain=True)
    folders = top_folders(paths)
    for result in clean_corpus(paths, config=config, jobs=jobs):
        yield shown_document(result_record(result, config), folders)


def build_report(documents: Iterable[ShownDocument], title: str, limit: int = DEFAULT_LIMIT) -> ReportData:
    """Count every document and keep the first ``limit`` for display."""
    data = ReportData(title=title, limit=limit)
    for doc in documents:
        data.add(doc)
    return data
