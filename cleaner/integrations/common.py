"""What the integrations share: one page cleaned into plain values, and the hint to install the extra.

A step of another library's pipeline gets a page and its url, not a file, so it calls
:func:`cleaner.clean` and keeps the record's metadata without ``source`` (``<string>``
there: the page's place is the caller's row or Document). The values are plain (str,
list, dict, None): they cross a process boundary (datatrove's sandbox) and go into Arrow
columns (datasets) as they are.
"""

from __future__ import annotations

from typing import Any, TypedDict

import cleaner
from cleaner.config import Config
from cleaner.output.records import result_record

__all__ = ["EXTRA", "CleanedPage", "clean_page", "missing_extra"]

# The pip requirement that brings datatrove and datasets.
EXTRA = "web-cleaner[integrations]"


class CleanedPage(TypedDict):
    """One page cleaned: the text, the status, the record's metadata and the dropped blocks."""

    text: str
    status: str
    metadata: dict[str, Any]
    removed: list[dict[str, Any]]


def clean_page(content: str | bytes, url: str | None, config: Config) -> CleanedPage:
    """Clean one HTML page or text dump with :func:`cleaner.clean`, as plain values.

    ``status`` is ``ok``, ``empty``, ``error`` or ``skipped`` (``config.languages``);
    ``metadata`` is the ``metadata`` of the record ``cleaner clean`` writes (url, host,
    title, author, date... and ``status``, ``error`` for a failed page) less ``source``;
    ``removed`` lists every dropped block as ``{block, reason, by, role, text, detail}``,
    whatever ``config.explain`` (which adds ``metadata_sources``).
    """
    result = cleaner.clean(content, url, config=config)
    metadata = result_record(result, config)["metadata"]
    metadata.pop("source", None)
    if result.skip_reason is not None:
        metadata["skip_reason"], metadata["skip_detail"] = result.skip_reason, result.skip_detail
    return CleanedPage(text=result.text, status=result.status, metadata=metadata, removed=result.removed)


def missing_extra(library: str, what: str) -> ImportError:
    """The error raised when ``library`` is not installed: what needs it, and the pip command."""
    return ImportError(f"{what} needs {library}: pip install '{EXTRA}'")
