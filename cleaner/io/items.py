"""What the readers yield besides Documents: records passed over on purpose, and failures."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from cleaner.model import Document

__all__ = ["ReadFailure", "ReadItem", "Skipped", "error_type", "gzip_failure"]


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that is not a document to clean (a WARC request, an image...), with why."""

    source: str
    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """A file or record that could not be read; ``source`` names it (with ``#offset``/``#line``)."""

    source: str
    stage: str
    type: str
    message: str


ReadItem = Document | Skipped | ReadFailure


def error_type(exc: BaseException) -> str:
    """The error type a failure is listed under: the exception's name, with its module for zlib's bare ``error``."""
    return "zlib.error" if isinstance(exc, zlib.error) else type(exc).__name__


def gzip_failure(exc: BaseException, where: str) -> str:
    """The message of a broken (gzip) stream: truncated, or corrupt, and what to do about it."""
    if isinstance(exc, EOFError):
        return f"truncated gzip stream {where}: the file is incomplete (an interrupted download?); re-fetch it"
    return f"corrupt compressed data {where}: {exc}; check the file with `gzip -t`"
