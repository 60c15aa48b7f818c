"""What becomes of one document in a batch, computed where it is cleaned (a worker, a Ray task).

:func:`clean_to_outcome` runs the pipeline on a Document and turns the Result into an
:class:`Outcome`: small and cheap to send back (the record as its JSON line, the error, the
reason codes of the removed blocks). Every executor calls it, so a record is the same
bytes whichever executor made it. :func:`clean_item` gives the same as a flat row of
:data:`RESULT_COLUMNS`, for engines that move tables (Ray Data, Spark).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from cleaner import pipeline
from cleaner.batch.stream import content_size
from cleaner.config import Config
from cleaner.io import ReadItem, Skipped
from cleaner.model import Document, ErrorInfo, Result, Stage, error_result
from cleaner.output.records import dumps, removed_reasons, result_record, utf8_safe

__all__ = [
    "RESULT_COLUMNS",
    "Outcome",
    "clean_chunk",
    "clean_item",
    "clean_one",
    "clean_results",
    "clean_to_outcome",
    "crashed_outcome",
    "crashed_result",
    "outcome_of",
    "record_of",
]

# Columns of :func:`clean_item`'s rows: ``status`` is ok | empty | error | skipped;
# ``record`` the JSONL line (ok and empty); ``error_*`` why a document failed (stage: read,
# decode, parse, extract, write); ``skip_reason`` why a row was passed over (no html/text
# field, a WARC request, a language --languages leaves out...) and ``skip_detail`` its
# evidence; ``reasons`` the reason codes of the removed blocks; ``size`` the content size
# cleaned.
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
    "skip_detail",
    "reasons",
    "size",
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one document: ``ok``/``empty`` with its record's JSON ``line``, ``error``, or ``skipped``.

    A ``skipped`` document (filtered out by a setting, e.g. ``--languages``) has no line:
    ``skip_reason`` and ``skip_detail`` say why, and the sink counts it as skipped.
    """

    status: str
    line: str | None
    error: ErrorInfo | None
    reasons: tuple[str, ...]
    skip_reason: str = ""
    skip_detail: str = ""


def clean_one(doc: Document, config: Config) -> Result:
    """Run the pipeline on one document; a bug that escapes it still becomes an error Result."""
    try:
        return pipeline.clean_document(doc, config)
    except Exception as exc:  # noqa: BLE001 - clean_document must not raise; if it does, isolate it
        return error_result(doc, "extract", exc)


def outcome_of(result: Result, config: Config) -> Outcome:
    """Turn a Result into what the sink needs; a record that cannot be serialised fails at ``write``."""
    reasons = removed_reasons(result)
    if result.status == "error":
        return Outcome("error", None, result.error, reasons)
    if result.status == "skipped":
        return Outcome("skipped", None, None, reasons, result.skip_reason or "", result.skip_detail)
    try:
        line = utf8_safe(dumps(result_record(result, config)))
    except Exception as exc:  # noqa: BLE001 - one unserialisable record must not end the batch
        return Outcome("error", None, ErrorInfo("write", type(exc).__name__, str(exc)), reasons)
    return Outcome(result.status, line, None, reasons)


def clean_to_outcome(doc: Document, config: Config) -> Outcome:
    """Clean one document and make its Outcome."""
    return outcome_of(clean_one(doc, config), config)


def clean_chunk(docs: list[Document], config: Config) -> list[Outcome]:
    """Worker task of a batch: the Outcome of each document of a chunk."""
    return [clean_to_outcome(doc, config) for doc in docs]


def clean_results(docs: list[Document], config: Config) -> list[Result]:
    """Worker task of :func:`cleaner.batch.local.clean_corpus`: the Result of each document of a chunk."""
    return [clean_one(doc, config) for doc in docs]


def crashed_outcome(doc: Document, exc_type: str, message: str, stage: str) -> Outcome:
    """The Outcome of a document the guards stopped (Timeout, MemoryError, WorkerDied)."""
    return Outcome("error", None, ErrorInfo(cast(Stage, stage), exc_type, message), ())


def crashed_result(doc: Document, exc_type: str, message: str, stage: str) -> Result:
    """The Result of a document the guards stopped, for :func:`cleaner.batch.local.clean_corpus`."""
    result = error_result(doc, cast(Stage, stage), message)
    result.error = ErrorInfo(cast(Stage, stage), exc_type, message)
    return result


def clean_item(item: ReadItem, config: Config) -> dict[str, Any]:
    """Clean one reader item into a flat row of :data:`RESULT_COLUMNS`; never raises.

    A Document goes through :func:`clean_to_outcome`, exactly as in a batch; a read failure
    becomes an ``error`` row at stage ``read`` (with no id) and a skipped record a
    ``skipped`` row. For any engine that maps a function over rows (Ray Data, Spark).
    """
    row: dict[str, Any] = dict.fromkeys(RESULT_COLUMNS)
    row.update(source=item.source, reasons=[], size=0)
    if isinstance(item, Skipped):
        row.update(status="skipped", skip_reason=item.reason, skip_detail=item.detail)
        return row
    if not isinstance(item, Document):  # a ReadFailure
        row.update(status="error", error_stage=item.stage, error_type=item.type, error_message=item.message)
        return row
    result = clean_one(item, config)
    outcome = outcome_of(result, config)
    row.update(id=item.id, status=outcome.status, reasons=list(outcome.reasons))
    if outcome.status == "skipped":
        row.update(skip_reason=outcome.skip_reason, skip_detail=outcome.skip_detail)
    elif outcome.error is not None:
        row.update(error_stage=outcome.error.stage, error_type=outcome.error.type, error_message=outcome.error.message)
    else:
        row.update(text=result.text, record=outcome.line, size=content_size(item))
    return row


def record_of(outcome: Outcome) -> dict[str, Any]:
    """The record of an ``ok`` or ``empty`` outcome, as a dict (for folder output)."""
    return cast(dict[str, Any], json.loads(cast(str, outcome.line)))
