"""The record stream of a batch: every input file's items, in input order, in chunks.

Both executors (local processes and Ray) consume the same stream: a :class:`FileStart`
before each file's items (so every file is accounted for, even one with no record), then
its Documents, Skipped records and ReadFailures as the readers yield them; a record an
earlier run finished becomes a :class:`Done` marker instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.io import InputFile, ReadFailure, ReadItem, Skipped, discover, read_file
from cleaner.model import Document

__all__ = [
    "CHUNK_BYTES",
    "CHUNK_DOCS",
    "CHUNK_ITEMS",
    "Done",
    "Entry",
    "FileStart",
    "chunks",
    "content_size",
    "entries",
    "file_items",
    "input_files",
]

# A chunk (the unit sent to a worker) closes at this many documents: enough to make
# the cost of sending it (a few hundred microseconds) negligible next to cleaning eight
# pages (tens of milliseconds each), few enough that workers stay evenly loaded.
CHUNK_DOCS = 8
# ... or at this many bytes of content, so a chunk of large pages stays a few MB.
CHUNK_BYTES = 4_000_000
# ... or at this many items of any kind, so a long run of skipped archive records
# (WARC requests, images) does not pile up in one chunk.
CHUNK_ITEMS = 256


@dataclass(frozen=True, slots=True)
class FileStart:
    """Marks where the items of the next input file begin, for the per-file accounting."""

    file: str


@dataclass(frozen=True, slots=True)
class Done:
    """An item an earlier run finished: counted, not cleaned again.

    ``document`` is False for a read failure the earlier run already listed.
    """

    source: str
    document: bool = True


Entry = FileStart | Document | Skipped | ReadFailure | Done


def input_files(paths: Sequence[str | Path]) -> list[InputFile]:
    """Every input file, listed before any output is touched so a missing path fails first."""
    if not paths:
        raise UsageError("no input given: name files or folders to clean")
    return list(discover(paths))


def file_items(inp: InputFile, config: Config) -> Iterator[ReadItem]:
    """The items of one input file; a reader bug fails that file only, with a ReadFailure."""
    try:
        yield from read_file(inp, config)
    except Exception as exc:  # noqa: BLE001 - read_file must not raise; if it does, fail this file only
        yield ReadFailure(inp.relpath, "read", type(exc).__name__, str(exc) or repr(exc))


def entries(
    files: Iterable[InputFile], config: Config, is_done: Callable[[ReadItem], bool] | None = None
) -> Iterator[Entry]:
    """The stream of a batch: a FileStart before each file's items; items ``is_done`` says are finished become Done."""
    for inp in files:
        yield FileStart(inp.relpath)
        for item in file_items(inp, config):
            if is_done is not None and not isinstance(item, Skipped) and is_done(item):
                yield Done(item.source, isinstance(item, Document))
            else:
                yield item


def content_size(doc: Document) -> int:
    """The size of a document's content: bytes of HTML, characters of text."""
    return len(doc.content)


def chunks(stream: Iterable[Any]) -> Iterator[list[Any]]:
    """Group the stream into chunks (see :data:`CHUNK_DOCS`, :data:`CHUNK_BYTES`, :data:`CHUNK_ITEMS`)."""
    chunk: list[Any] = []
    docs = size = 0
    for item in stream:
        chunk.append(item)
        if isinstance(item, Document):
            docs += 1
            size += content_size(item)
        if docs >= CHUNK_DOCS or size >= CHUNK_BYTES or len(chunk) >= CHUNK_ITEMS:
            yield chunk
            chunk, docs, size = [], 0, 0
    if chunk:
        yield chunk
