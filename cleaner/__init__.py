"""cleaner: clean web archives into article text plus metadata, explaining every removal.

The public API::

    import cleaner
    result = cleaner.clean("<html>...</html>", url="https://example.com/a")
    result.text, result.metadata["title"], result.removed

    for result in cleaner.clean_corpus(["corpus/"], jobs=2):
        ...
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from cleaner.config import Config
from cleaner.errors import CleanerError, InputError, UsageError
from cleaner.model import Block, Decision, Document, ErrorInfo, Result

__version__ = "0.1.0"

__all__ = [
    "Block",
    "CleanerError",
    "Config",
    "Decision",
    "Document",
    "ErrorInfo",
    "InputError",
    "Result",
    "UsageError",
    "__version__",
    "clean",
    "clean_corpus",
    "clean_document",
]


def clean(
    content: str | bytes, url: str | None = None, *, config: Config | None = None, input_type: str | None = None
) -> Result:
    """Clean one HTML page or text dump; ``input_type`` ('html' or 'text') is sniffed if omitted."""
    from cleaner.pipeline import clean as _clean

    return _clean(content, url, config=config, input_type=input_type)  # type: ignore[arg-type]


def clean_document(document: Document, config: Config | None = None) -> Result:
    """Clean a Document built by a reader (or by hand); never raises for bad content."""
    from cleaner.pipeline import clean_document as _clean_document

    return _clean_document(document, config or Config())


def clean_corpus(
    paths: Sequence[str | Path], config: Config | None = None, jobs: int | None = None
) -> Iterator[Result]:
    """Clean every document under ``paths`` (files, folders, archives), yielding Results in input order."""
    from cleaner.batch.local import clean_corpus as _clean_corpus

    return _clean_corpus(paths, config=config, jobs=jobs)
