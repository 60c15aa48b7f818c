"""The replay check: a record's text rebuilt from its explanation alone (ftfy's replay test, for cleaner).

The page is decoded and segmented afresh, and the blocks the record's ``removed`` list
names are left out: what remains, joined by newlines, must be the record's text. It uses
neither the Result's decisions nor ``rebuild_text``, so it fails when the text, the
decisions and the explanation written out disagree (and each removed entry must quote the
block it names).
"""

from __future__ import annotations

from typing import Any

from cleaner import pipeline
from cleaner.config import Config
from cleaner.model import Document, Result
from cleaner.output.records import result_record


def replay(document: Document, record: dict[str, Any], config: Config) -> str:
    """The text ``record`` explains: the blocks of ``document`` segmented again, less those it removed."""
    blocks = pipeline.parse(document, pipeline.decode(document, config)).blocks
    removed = {entry["block"]: entry["text"] for entry in record["removed"]}
    assert all(blocks[index].text == text for index, text in removed.items())
    return "\n".join(block.text for position, block in enumerate(blocks) if position not in removed)


def replay_result(result: Result, config: Config) -> str:
    """:func:`replay` of the record ``result`` gives (a failed document has no text to replay)."""
    if result.status == "error":
        return ""
    return replay(result.document, result_record(result, config.replace(explain=True)), config)
