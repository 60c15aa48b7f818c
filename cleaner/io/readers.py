"""Files, folders and stdin -> Documents, for every input format cleaner reads.

Formats: HTML (``.html .htm .xhtml``), text (``.txt``), WARC (``.warc``), WET (``.wet``,
``.warc.wet``), JSONL (``.jsonl``), each optionally gzipped (``.gz``); anything else is
sniffed from its first bytes. :func:`read_file` never raises for bad content: every problem
becomes a :class:`ReadFailure` and reading goes on with the next record where the format
allows it.

WARC library, measured on a 36 MB WARC.gz of 900 devdata responses + 900 requests (read
every record, every response body, its content type and offset; best of two runs):

    FastWARC 2.0.1   0.21 s   ~8,500 records/s   ~990 MB/s of HTML
    warcio 1.8.1     0.48 s   ~3,800 records/s   ~435 MB/s of HTML

so FastWARC it is (2.2x faster). Two things it does not do that this module makes up for:
it ends silently on a truncated file (so each record's body length is checked against its
headers here), and with ``auto_decode`` the raw length is lost (so chunked transfer and gzip /
deflate / brotli content encodings are undone here, bounded by ``Config.max_bytes``).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, cast
from urllib.parse import urlsplit

from fastwarc.stream_io import BrotliReader
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.model import Document
from cleaner.page.decode import decode_text

__all__ = ["InputFile", "Skipped", "ReadFailure", "ReadItem", "discover", "read_file", "sniff_format"]


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input to read: a file on disk, or ``Path("-")`` for stdin.

    ``relpath`` is the path relative to the folder the user gave (the file name when a file
    was given, ``"-"`` for stdin); ``site`` is the folder the file sits in, relative to that
    folder (``""`` at the top level): the site of documents that carry no URL.
    """

    path: Path
    relpath: str
    site: str | None


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

# Bytes read to sniff a format: enough for a WARC header block, a doctype or a JSON key.
_HEAD_BYTES = 4096
_GZIP_MAGIC = b"\x1f\x8b"
# Bytes read at a time from a (possibly gzipped) HTML or text file, so a truncated gzip
# stream can say how far it got; 1 MB keeps the number of reads small.
_CHUNK = 1 << 20
# Compressed bytes read to find where a gzip member ends, to name a broken WARC stream's
# failure: per-record members are at most a few MB; a longer one is a whole file gzipped as
# one stream, whose end says little about where it broke.
_MEMBER_SEARCH = 64 * _CHUNK
# A JSONL line may be this many times Config.max_bytes before it is refused unread: JSON
# escaping grows HTML (quotes, backslashes, \uXXXX) but rarely past 2x; 4x leaves room.
_JSONL_LINE_FACTOR = 4
# More control bytes than this share of a sniffed file's head means binary, not text: real
# text has none or a handful (form feeds, ANSI escapes); random bytes have about 11%.
_BINARY_CONTROL_SHARE = 0.02
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x08\x1b")

# An HTTP chunk size: hex digits (RFC 9112), at most 16 of them (a size below 2**64).
_HEX_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")

_HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml+xhtml"})
# Files in a folder that are documentation, not pages, whatever their extension.
_DOC_STEMS = frozenset({"readme", "notice", "license", "licence", "copying", "changelog"})

_EXTENSIONS: dict[str, str] = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".txt": "text",
    ".warc": "warc",
    ".arc": "warc",
    ".wet": "wet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


# --------------------------------------------------------------------------- discover


def discover(paths: Sequence[str | Path]) -> Iterator[InputFile]:
    """Expand files and folders into InputFiles, recursively and in sorted order.

    Hidden files and folders (``.name``) and documentation files found inside folders
    (README, NOTICE, LICENSE...) are left out; ``"-"`` stands for stdin. Every path is
    checked before anything is yielded: a missing one raises :class:`UsageError`.
    """
    items = [str(p) for p in paths]
    missing = [p for p in items if p != "-" and not Path(p).exists()]
    if missing:
        raise UsageError(f"input path(s) not found: {', '.join(missing)}; check the spelling, or give '-' for stdin")
    return _expand(items)


def _expand(items: list[str]) -> Iterator[InputFile]:
    for item in items:
        if item == "-":
            yield InputFile(path=Path("-"), relpath="-", site="")
            continue
        path = Path(item)
        if path.is_dir():
            seen = {os.path.realpath(path)}
            for file in _walk(path, seen):
                rel = file.relative_to(path)
                parent = rel.parent.as_posix()
                yield InputFile(path=file, relpath=rel.as_posix(), site="" if parent == "." else parent)
        else:
            yield InputFile(path=path, relpath=path.name, site="")


def _walk(folder: Path, seen: set[str]) -> Iterator[Path]:
    """Files under ``folder`` sorted by name at each level (so by path), skipping hidden ones."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return  # an unreadable folder: read_file never sees it; nothing in it can be read
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if entry.is_dir():
            real = os.path.realpath(path)
            if real not in seen:  # a symlink loop would recurse forever
                seen.add(real)
                yield from _walk(path, seen)
        elif entry.is_file() and entry.name.split(".", 1)[0].lower() not in _DOC_STEMS:
            yield path


# --------------------------------------------------------------------------- sniffing


def sniff_format(head: bytes, name: str) -> str:
    """Guess the format of an input from its name, else its first (decompressed) bytes.

    Returns ``"html"``, ``"text"``, ``"warc"``, ``"wet"`` or ``"jsonl"``. ``head`` should be
    the start of the content after any gzip layer; binary content sniffs as ``"text"``
    (:func:`read_file` refuses it separately).
    """
    by_name = _format_from_name(name)
    return by_name if by_name is not None else _format_from_head(head)


def _format_from_name(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    if lower.endswith((".warc.wet", ".wet")):
        return "wet"
    return _EXTENSIONS.get(os.path.splitext(lower)[1])


def _format_from_head(head: bytes) -> str:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:64]
    if start.startswith(b"WARC/"):
        return "wet" if b"WARC-Type: conversion" in head else "warc"
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"<"):
        return "html"
    return "text"


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):  # a text BOM
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in _TEXT_CONTROLS)
    return controls > len(head) * _BINARY_CONTROL_SHARE


def _looks_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:256].lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<!--", b"<?xml")) or b"<html" in start


def _gunzip_head(raw_head: bytes) -> bytes:
    """Return the first decompressed bytes of a gzip stream, from its first compressed bytes."""
    try:
        return zlib.decompressobj(wbits=31).decompress(raw_head, _HEAD_BYTES)
    except zlib.error:
        return b""


# --------------------------------------------------------------------------- read_file


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
        yield ReadFailure(inp.relpath, "read", _error_type(exc), f"cannot read {inp.relpath}: {exc}")


def _read(inp: InputFile, config: Config) -> Iterator[ReadItem]:
    stdin = str(inp.path) == "-"
    raw: BinaryIO
    if stdin:
        stdin_buffer = sys.stdin.buffer
        head = stdin_buffer.read(_HEAD_BYTES)
        # Buffered for readline (JSONL); FastWARC reads it in large blocks either way.
        raw = cast(BinaryIO, io.BufferedReader(_HeadStream(head, stdin_buffer), _CHUNK))
    else:
        raw = open(inp.path, "rb")  # noqa: SIM115 - closed in the finally below, after streaming
        head = raw.read(_HEAD_BYTES)
        raw.seek(0)
    try:
        if not head:
            # An empty file is a broken input (a failed download, a truncated copy), not a
            # deliberate skip: it is named in the errors file like any other.
            yield ReadFailure(inp.relpath, "read", "EmptyFile", "the file is empty (0 bytes): nothing to clean")
            return
        gzipped = head.startswith(_GZIP_MAGIC)
        inner_head = _gunzip_head(head) if gzipped else head
        name = "-" if stdin else inp.path.name
        fmt = sniff_format(inner_head, name)
        if fmt in ("warc", "wet"):
            yield from _read_warc(raw, inp, config, gzipped)
            return
        stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")) if gzipped else raw
        if fmt == "jsonl":
            yield from _read_jsonl(stream, inp, config)
            return
        if _format_from_name(name) is None and _looks_binary(inner_head):
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
        while size <= config.max_bytes:
            chunk = stream.read(min(_CHUNK, config.max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except (EOFError, OSError, zlib.error) as exc:
        yield ReadFailure(inp.relpath, "read", _error_type(exc), _gzip_message(exc, f"after {size} bytes"))
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
        id=_hash_id(source),
        source=source,
        input_type=input_type,  # type: ignore[arg-type]  # "html" | "text", checked above
        content=content,
        site=inp.site,
        metadata=metadata,
    )


def _gzip_message(exc: BaseException, where: str) -> str:
    if isinstance(exc, EOFError):
        return f"truncated gzip stream {where}: the file is incomplete (an interrupted download?); re-fetch it"
    return f"corrupt compressed data {where}: {exc}; check the file with `gzip -t`"


# --------------------------------------------------------------------------- JSONL


def _read_jsonl(stream: IO[bytes], inp: InputFile, config: Config) -> Iterator[ReadItem]:
    """One Document per line; a broken line is a ReadFailure and reading goes on."""
    limit = config.max_bytes * _JSONL_LINE_FACTOR
    line_no = 0
    while True:
        line_no += 1
        source = f"{inp.relpath}#{line_no}"
        try:
            line = stream.readline(limit)
            if len(line) == limit and not line.endswith(b"\n"):
                while True:  # skip the rest of the overlong line without holding it
                    rest = stream.readline(_CHUNK)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield ReadFailure(source, "read", "LineTooLong", f"line longer than {limit} bytes; skipped")
                continue
        except (EOFError, OSError, zlib.error) as exc:
            yield ReadFailure(source, "read", _error_type(exc), _gzip_message(exc, f"at line {line_no}"))
            return
        if not line:
            return
        if not line.strip():
            continue
        yield _jsonl_record(line, source, inp, config)


def _jsonl_record(line: bytes, source: str, inp: InputFile, config: Config) -> ReadItem:
    try:
        obj = json.loads(line)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError both are
        return ReadFailure(source, "read", _error_type(exc), f"not a valid JSON line: {exc}")
    if not isinstance(obj, dict):
        return ReadFailure(source, "read", "TypeError", f"a JSON {type(obj).__name__}, expected an object")
    html = obj.get(config.html_field)
    text = obj.get(config.text_field)
    field, value = (config.html_field, html) if html is not None else (config.text_field, text)
    if value is None:
        return Skipped(source, "jsonl.no_content", f"no {config.html_field!r} or {config.text_field!r} field")
    if not isinstance(value, str):
        return ReadFailure(
            source, "read", "TypeError", f"field {field!r} is a JSON {type(value).__name__}, expected a string"
        )
    raw_id = obj.get(config.id_field)
    doc_id = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) and raw_id != "" else None
    raw_url = obj.get(config.url_field)
    url = raw_url if isinstance(raw_url, str) and raw_url else None
    taken = {config.html_field, config.text_field, config.id_field, config.url_field}
    metadata: dict[str, Any] = {k: v for k, v in obj.items() if k not in taken}
    content: bytes | str
    if html is not None:
        content = value.encode("utf-8", "replace")
        if len(content) > config.max_bytes:
            content = content[: config.max_bytes]
            metadata["truncated"] = True
    else:
        content, cut = _cut_text(value, config.max_bytes)
        if cut:
            metadata["truncated"] = True
    return Document(
        id=doc_id or _hash_id(source),
        source=source,
        input_type="html" if html is not None else "text",
        content=content,
        url=url,
        site=_site(url, inp.site),
        charset_hint="utf-8" if html is not None else None,
        metadata=metadata,
    )


def _cut_text(text: str, max_bytes: int) -> tuple[str, bool]:
    if len(text) * 4 <= max_bytes:  # fast path: even all-4-byte characters fit
        return text, False
    data = text.encode("utf-8", "replace")
    if len(data) <= max_bytes:
        return text, False
    return data[:max_bytes].decode("utf-8", "ignore"), True


# --------------------------------------------------------------------------- WARC / WET


def _read_warc(raw: BinaryIO, inp: InputFile, config: Config, gzipped: bool) -> Iterator[ReadItem]:
    """Stream the records of a WARC or WET file (gzipped or not) one at a time.

    Every item gets its own source. A record is ``#offset``, FastWARC's offset of the
    record; in a WARC gzipped as one stream (``gzip crawl.warc``, not a gzip member per
    record) that offset is how far the compressed file had been read, which several
    records share, so the second and later records at one offset are ``#offset.1``,
    ``#offset.2``... The failure of a broken stream is named by where the broken data
    begins (:func:`_end_of_record`), or the next ``#offset.N`` when that cannot be found.
    """
    records = ArchiveIterator(raw, parse_http=False, fsspec_args=False)
    count = 0
    top = -1  # the largest record offset named so far
    repeats = 0  # records named after ``top`` with a ``.N`` suffix
    last_offset = last_length = -1
    iterator = iter(records)
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            break
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
                raise
            if count:
                where = f"after the record at offset {last_offset}"
                end = None if str(inp.path) == "-" else _end_of_record(raw, last_offset, last_length, gzipped)
                if end is not None and end > top:
                    source = f"{inp.relpath}#{end}"
                else:
                    repeats += 1
                    source = f"{inp.relpath}#{top}.{repeats}"
            else:
                where, source = "at the start of the file", f"{inp.relpath}#0"
            yield ReadFailure(
                source,
                "read",
                _error_type(exc),
                f"invalid WARC data {where}: {exc}; the records before it were read, the rest of the file was not",
            )
            return
        count += 1
        last_offset, last_length = record.stream_pos, record.content_length
        if last_offset > top:
            top, repeats = last_offset, 0
            source = f"{inp.relpath}#{top}"
        else:
            repeats += 1
            source = f"{inp.relpath}#{top}.{repeats}"
        try:
            yield _warc_record(record, source, inp, config, gzipped)
        except Exception as exc:
            yield ReadFailure(source, "read", _error_type(exc), f"bad WARC record: {exc}")
    if count == 0:
        yield ReadFailure(
            inp.relpath, "read", "NoRecords", "no WARC record found: not a WARC file, or a corrupt gzip stream"
        )


def _end_of_record(raw: BinaryIO, offset: int, length: int, gzipped: bool) -> int | None:
    """Return the offset just past the record at ``offset``: where a broken stream's bad data begins.

    Uncompressed: the end of the record's block (its header block and ``length`` bytes),
    and of the blank line after it when that is there (so a record whose Content-Length is
    short gives the offset of the bytes it left over); never past the end of the file.
    Gzipped: the end of the gzip member starting at ``offset`` (the bad data is the next
    member, or the rest of this one), or of the file when the member never ends. None when
    it cannot be told: no header block at ``offset``, no gzip member there (a WARC
    gzipped as one stream), or a member longer than :data:`_MEMBER_SEARCH` bytes.
    """
    try:
        size = raw.seek(0, io.SEEK_END)
        raw.seek(offset)
        if not gzipped:
            head = raw.read(_CHUNK)
            header_end = head.find(b"\r\n\r\n")
            if not head.startswith(b"WARC/") or header_end < 0:
                return None
            end = offset + header_end + 4 + length
            raw.seek(end)
            if raw.read(4) == b"\r\n\r\n":
                end += 4
            return min(end, size)
        inflater = zlib.decompressobj(wbits=31)
        read = 0
        while not inflater.eof and read < _MEMBER_SEARCH:
            chunk = raw.read(_CHUNK)
            if not chunk:
                return size  # the member is cut: the bad data runs to the end of the file
            read += len(chunk)
            while chunk and not inflater.eof:  # output is thrown away, at most _CHUNK at a time
                inflater.decompress(chunk, _CHUNK)
                chunk = inflater.unconsumed_tail
        return offset + read - len(inflater.unused_data) if inflater.eof else None
    except (OSError, ValueError, zlib.error):
        return None


def _warc_record(record: WarcRecord, source: str, inp: InputFile, config: Config, gzipped: bool) -> ReadItem:
    rtype = record.record_type
    headers = record.headers
    if headers.get("Content-Length") is None:  # a header block cut short, or not a WARC header
        return ReadFailure(
            source, "read", "EOFError", _cut_message("WARC record header without Content-Length", gzipped)
        )
    if rtype == WarcRecordType.conversion:
        return _warc_conversion(record, source, inp, config, gzipped)
    if rtype not in (WarcRecordType.response, WarcRecordType.resource):
        return Skipped(
            source, f"warc.{rtype}", (headers.get("WARC-Type") or "") if rtype == WarcRecordType.unknown else ""
        )
    content_type = ""
    charset: str | None = None
    http = None
    if record.is_http:
        record.parse_http(auto_decode="none")
        http = record.http_headers
        status = http.status_code
        if status is not None and not 200 <= status < 300:
            return Skipped(source, "warc.http_status", str(status))
        content_type = (record.http_content_type or "").strip().lower()
        charset = record.http_charset
    else:
        content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type and content_type not in _HTML_CONTENT_TYPES:
        return Skipped(source, "warc.non_html", content_type)
    body, failure = _record_body(record, source, config, gzipped)
    if failure is not None:
        return failure
    metadata = _warc_metadata(record, content_type or "text/html")
    if http is not None:
        try:
            body = _undo_http_encodings(body, http.get("Transfer-Encoding"), http.get("Content-Encoding"), config)
        except Exception as exc:
            return ReadFailure(source, "decode", _error_type(exc), f"cannot undo the HTTP encoding: {exc}")
    if len(body) > config.max_bytes:
        body = body[: config.max_bytes]
        metadata["truncated"] = True
    if not content_type and not _looks_html(body[:_HEAD_BYTES]):
        return Skipped(source, "warc.non_html", "no content type, not HTML")
    url = headers.get("WARC-Target-URI") or None
    return Document(
        id=record.record_id or _hash_id(source),
        source=source,
        input_type="html",
        content=body,
        url=url,
        site=_site(url, inp.site),
        charset_hint=charset,
        metadata=metadata,
    )


def _warc_conversion(record: WarcRecord, source: str, inp: InputFile, config: Config, gzipped: bool) -> ReadItem:
    """Turn a WET conversion record (the page's text as the crawler extracted it) into a Document."""
    body, failure = _record_body(record, source, config, gzipped)
    if failure is not None:
        return failure
    metadata = _warc_metadata(record, (record.headers.get("Content-Type") or "text/plain").strip())
    if len(body) > config.max_bytes:
        body = body[: config.max_bytes]
        metadata["truncated"] = True
    language = record.headers.get("WARC-Identified-Content-Language")
    if language:
        metadata["warc_identified_content_language"] = language
    url = record.headers.get("WARC-Target-URI") or None
    return Document(
        id=record.record_id or _hash_id(source),
        source=source,
        input_type="text",
        content=decode_text(body),
        url=url,
        site=_site(url, inp.site),
        metadata=metadata,
    )


def _warc_metadata(record: WarcRecord, content_type: str) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "warc_record_id": record.record_id,
        "warc_date": record.headers.get("WARC-Date"),
        "warc_offset": record.stream_pos,
        "content_type": content_type,
    }
    if record.headers.get("WARC-Truncated"):  # the crawler cut the payload at its own limit
        metadata["truncated"] = True
    return metadata


def _record_body(record: WarcRecord, source: str, config: Config, gzipped: bool) -> tuple[bytes, ReadFailure | None]:
    """Read a record's payload, at most max_bytes + 1 of it, and check it is all there."""
    expected = record.content_length
    reader = record.reader
    parts: list[bytes] = []
    size = 0
    while size <= config.max_bytes:
        chunk = reader.read(min(_CHUNK, config.max_bytes + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    total = size + (reader.consume() if size > config.max_bytes else 0)
    if total < expected:
        return b"", ReadFailure(
            source,
            "read",
            "EOFError",
            _cut_message(f"WARC record cut short after {total} of {expected} bytes", gzipped),
        )
    return b"".join(parts), None


def _cut_message(what: str, gzipped: bool) -> str:
    prefix = "truncated gzip stream: " if gzipped else ""
    return f"{prefix}{what}; the file is incomplete (an interrupted download?): re-fetch it"


def _undo_http_encodings(body: bytes, transfer: str | None, encoding: str | None, config: Config) -> bytes:
    """Undo chunked transfer coding and gzip/deflate/br content coding, bounded by max_bytes."""
    if transfer and "chunked" in transfer.lower():
        body = _dechunk(body)
    coding = (encoding or "").strip().lower()
    limit = config.max_bytes + 1
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(wbits=47).decompress(body, limit)  # 47: gzip or zlib header
    if coding == "deflate":
        try:
            return zlib.decompressobj().decompress(body, limit)
        except zlib.error:  # many servers send raw deflate without the zlib header
            return zlib.decompressobj(wbits=-15).decompress(body, limit)
    if coding == "br":
        return BrotliReader(io.BytesIO(body)).read(limit)
    return body


def _dechunk(body: bytes) -> bytes:
    """Undo HTTP chunked transfer coding; the body as is when it is not chunked after all."""
    out: list[bytes] = []
    pos = 0
    while pos < len(body):
        end = body.find(b"\r\n", pos)
        if end < 0:
            break
        size_field = body[pos:end].split(b";", 1)[0].strip()
        # Hex digits only: int(..., 16) also takes "-6", "+6", "0x6" and "6_0", and a
        # negative size moved pos back onto the same size line, for ever (make fuzz).
        if not _HEX_SIZE.fullmatch(size_field):
            return body if not out else b"".join(out)  # not chunked (a crawler already decoded it)
        size = int(size_field, 16)
        if size == 0:
            break
        out.append(body[end + 2 : end + 2 + size])
        pos = end + 2 + size + 2
    return b"".join(out)


# --------------------------------------------------------------------------- helpers


def _error_type(exc: BaseException) -> str:
    """The error type a failure is listed under: the exception's name, with its module for zlib's bare ``error``."""
    return "zlib.error" if isinstance(exc, zlib.error) else type(exc).__name__


def _hash_id(source: str) -> str:
    return hashlib.sha1(source.encode()).hexdigest()[:16]


def _site(url: str | None, fallback: str | None) -> str | None:
    """Return the URL's host (lower-case, no port, no leading ``www.``), else ``fallback``."""
    if url:
        try:
            host = urlsplit(url).hostname
        except ValueError:
            host = None
        if host:
            return host[4:] if host.startswith("www.") else host
    return fallback


class _HeadStream(io.RawIOBase):
    """Bytes already read (the sniffed head) followed by the rest of a non-seekable stream.

    It claims to be seekable and supports only the no-op seeks FastWARC makes to learn its
    position, so stdin can be streamed into FastWARC (which refuses unseekable streams).
    """

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = head
        self._rest = rest
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if (whence == io.SEEK_SET and offset == self._pos) or (whence == io.SEEK_CUR and offset == 0):
            return self._pos
        raise io.UnsupportedOperation("stdin cannot seek")

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
        else:
            data = self._rest.read(len(view))
            n = len(data)
            view[:n] = data
        self._pos += n
        return n
