"""One input file (or stdin) -> its items: sniff the format, open any gzip layer, hand it to its reader.

Formats: HTML (``.html .htm .xhtml``), text (``.txt``), WARC (``.warc``), WET (``.wet``,
``.warc.wet``), JSONL (``.jsonl``), each optionally gzipped (``.gz``); anything else is
sniffed from its first bytes (:mod:`cleaner.io.sniff`). :func:`read_file` never raises for
bad content: every problem becomes a :class:`~cleaner.io.items.ReadFailure` and reading
goes on with the next record where the format allows it.
"""

from __future__ import annotations

import gzip
import io
import sys
import zlib
from collections.abc import Iterator
from typing import IO, Any, BinaryIO, cast

from cleaner.config import Config
from cleaner.io.decode import decode_text
from cleaner.io.discover import InputFile, special_file_kind
from cleaner.io.items import ReadFailure, ReadItem, Skipped, error_type, gzip_failure
from cleaner.io.jsonl import read_jsonl
from cleaner.io.naming import hash_id
from cleaner.io.sniff import GZIP_MAGIC, HEAD_BYTES, format_from_name, gunzip_head, looks_binary, sniff_format
from cleaner.io.streams import CHUNK, HeadStream, chunks_upto
from cleaner.io.warc import read_warc
from cleaner.model import Document

__all__ = ["read_file"]


def read_file(inp: InputFile, config: Config) -> Iterator[ReadItem]:
    """Read one input into Documents, Skipped records and ReadFailures. Never raises for bad content.

    JSONL goes on with the next line after a broken one; a WARC goes on after a bad record
    and stops with one ReadFailure (naming the offset) when the stream itself is broken.
    """
    try:
        yield from _read(inp, config)
    except BaseException as exc:
        # FastWARC reports some stream errors as a Rust panic, which is a BaseException.
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        yield ReadFailure(inp.relpath, "read", error_type(exc), f"cannot read {inp.relpath}: {exc}")


def _read(inp: InputFile, config: Config) -> Iterator[ReadItem]:
    stdin = str(inp.path) == "-"
    raw: BinaryIO
    if stdin:
        stdin_buffer = sys.stdin.buffer
        head = stdin_buffer.read(HEAD_BYTES)
        # Buffered for readline (JSONL); FastWARC reads it in large blocks either way.
        raw = cast(BinaryIO, io.BufferedReader(HeadStream(head, stdin_buffer), CHUNK))
    else:
        kind = special_file_kind(inp.path)
        if kind:  # opening a FIFO would wait for a writer, reading a device might never end
            yield Skipped(inp.relpath, "file.special", kind)
            return
        raw = open(inp.path, "rb")  # noqa: SIM115 - closed in the finally below, after streaming
        head = raw.read(HEAD_BYTES)
        raw.seek(0)
    try:
        if not head:
            # An empty file is a broken input (a failed download, a truncated copy), not a
            # deliberate skip: it is named in the errors file like any other.
            yield ReadFailure(inp.relpath, "read", "EmptyFile", "the file is empty (0 bytes): nothing to clean")
            return
        gzipped = head.startswith(GZIP_MAGIC)
        inner_head = gunzip_head(head) if gzipped else head
        name = "-" if stdin else inp.path.name
        fmt = sniff_format(inner_head, name)
        if fmt in ("warc", "wet"):
            yield from read_warc(raw, inp, config, gzipped)
            return
        stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")) if gzipped else raw
        if fmt == "jsonl":
            yield from read_jsonl(stream, inp, config)
            return
        if format_from_name(name) is None and looks_binary(inner_head):
            yield ReadFailure(
                inp.relpath,
                "read",
                "BinaryFile",
                "binary file of unknown format; give pages as .html, .txt, .warc(.gz), .wet or .jsonl",
            )
            return
        yield from _read_single(stream, fmt, inp, config)
    finally:
        if not stdin:
            raw.close()


def _read_single(stream: IO[bytes], fmt: str, inp: InputFile, config: Config) -> Iterator[ReadItem]:
    """One HTML or text file: one Document, cut to Config.max_bytes."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in chunks_upto(stream.read, config.max_bytes + 1):
            chunks.append(chunk)
            size += len(chunk)
    except (EOFError, OSError, zlib.error) as exc:
        yield ReadFailure(inp.relpath, "read", error_type(exc), gzip_failure(exc, f"after {size} bytes"))
        return
    data = b"".join(chunks)
    metadata: dict[str, Any] = {}
    if len(data) > config.max_bytes:
        data = data[: config.max_bytes]
        metadata["truncated"] = True
    source = inp.relpath
    if fmt == "html":
        content: bytes | str = data
        input_type = "html"
    else:
        content = decode_text(data)
        input_type = "text"
    yield Document(
        id=hash_id(source),
        source=source,
        input_type=input_type,  # type: ignore[arg-type]  # "html" | "text", checked above
        content=content,
        site=inp.site,
        metadata=metadata,
    )
