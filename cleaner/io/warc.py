"""WARC and WET archives -> Documents, one record at a time, every record named by its offset.

WARC library, measured on a 36 MB WARC.gz of 900 devdata responses + 900 requests (read
every record, every response body, its content type and offset; best of two runs):

    FastWARC 2.0.1   0.21 s   ~8,500 records/s   ~990 MB/s of HTML
    warcio 1.8.1     0.48 s   ~3,800 records/s   ~435 MB/s of HTML

so FastWARC it is (2.2x faster). Two things it does not do that this module makes up for:
it ends silently on a truncated file (so each record's body length is checked against its
headers here), and with ``auto_decode`` the raw length is lost (so chunked transfer and gzip /
deflate / brotli content encodings are undone here, by :mod:`cleaner.io.http`, bounded by
``Config.max_bytes``).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from cleaner.config import Config
from cleaner.io.decode import decode_text
from cleaner.io.discover import InputFile
from cleaner.io.http import undo_http_encodings
from cleaner.io.items import ReadFailure, ReadItem, Skipped, error_type
from cleaner.io.naming import hash_id, site_of
from cleaner.io.sniff import HEAD_BYTES, looks_html
from cleaner.io.streams import CHUNK, chunks_upto
from cleaner.model import Document

__all__ = ["read_warc"]

# Compressed bytes read to find where a gzip member ends, to name a broken WARC stream's
# failure: per-record members are at most a few MB; a longer one is a whole file gzipped as
# one stream, whose end says little about where it broke.
_MEMBER_SEARCH = 64 * CHUNK
# What a record starts with: a WARC header line (``WARC/1.0`` or ``WARC/1.1``) after a line feed,
# and the first bytes of a gzip member (magic and the deflate method): where reading resumes.
HEADER_LINE = b"\nWARC/1."
GZIP_MEMBER = b"\x1f\x8b\x08"
_HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml+xhtml"})


def read_warc(raw: BinaryIO, inp: InputFile, config: Config, gzipped: bool) -> Iterator[ReadItem]:
    """Stream the records of a WARC or WET file (gzipped or not) one at a time.

    Every item gets its own source (:class:`_Names`). A record whose Content-Length runs
    past the start of the next record (a lie, or a record cut short in the middle of the
    file) is a ``BadContentLength`` failure of its own, and reading goes on from the next
    record: the next ``WARC/1.`` header line, or the next gzip member. A stream that
    breaks between records gives one failure, named by where the broken data begins
    (:func:`_end_of_record`), and reading goes on the same way. From stdin, which cannot
    be read twice, nothing is resynchronised: the failure ends the file.
    """
    names = _Names(inp.relpath)
    seekable = str(inp.path) != "-"
    base = found = 0
    reported = False  # a broken stream was reported: a file with no record says so once
    while True:
        if base:
            raw.seek(base)
        records = iter(ArchiveIterator(raw, parse_http=False, fsspec_args=False))
        held: tuple[ReadItem, int, int] | None = None  # the last record read, yielded once the next one parses
        broken: BaseException | None = None
        restart: int | None = None  # where to read again from, past a record that swallowed others
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
                    raise
                broken = exc
                break
            if held is not None and seekable:
                # Did the record before swallow records (fastwarc reads its Content-Length
                # whatever lies there, or skips to the next WARC/ it finds)? Go back for them.
                position = raw.tell()
                real_end = _swallowed(raw, held[1], held[2], record.stream_pos, gzipped)
                raw.seek(position)
                if real_end is not None:
                    yield ReadFailure(held[0].source, "read", "BadContentLength", _overrun_message(held[2], real_end))
                    held, restart = None, real_end
                    break
            if held is not None:
                yield held[0]
            found += 1
            offset, length = record.stream_pos, record.content_length  # (parsing HTTP headers changes the length)
            source = names.record(offset)
            try:
                item = _warc_record(record, source, inp, config, gzipped)
            except Exception as exc:
                item = ReadFailure(source, "read", error_type(exc), f"bad WARC record: {exc}")
            held = (item, offset, length)
        if restart is not None:
            base = restart
            continue
        if held is not None:
            item, offset, length = held
            real_end = _overrun(raw, offset, length, gzipped) if seekable else None
            if real_end is not None:  # it swallowed the records after it: it alone fails
                yield ReadFailure(item.source, "read", "BadContentLength", _overrun_message(length, real_end))
                base = real_end
                continue
            yield item
        if broken is None:
            break
        reported = True
        last = (held[1], held[2]) if held is not None else None
        failure, resume = _broken_stream(raw, broken, names, base, last, gzipped, seekable)
        yield failure
        if resume is None:
            break
        base = resume
    if found == 0 and not reported:
        yield ReadFailure(
            inp.relpath, "read", "NoRecords", "no WARC record found: not a WARC file, or a corrupt gzip stream"
        )


def _broken_stream(
    raw: BinaryIO,
    broken: BaseException,
    names: _Names,
    base: int,
    last: tuple[int, int] | None,
    gzipped: bool,
    seekable: bool,
) -> tuple[ReadFailure, int | None]:
    """The failure of a stream that broke after the record ``last`` (offset, length), and where to read on.

    The failure is named by where the bad data begins (:func:`_end_of_record`); reading
    goes on at the next record after it (:func:`_next_record_start`), or not at all (None)
    when there is none or the stream cannot seek (stdin).
    """
    end: int | None
    if last is None and base == 0:
        where, end = "at the start of the file", 0
    elif last is None:
        where, end = f"at offset {base}", _end_of_record(raw, base, 0, gzipped) if seekable else None
    else:
        where, end = f"after the record at offset {last[0]}", _end_of_record(raw, *last, gzipped) if seekable else None
    resume = _next_record_start(raw, max(end or 0, base + 1), gzipped) if seekable else None
    source = f"{names.relpath}#0" if last is None and base == 0 else names.failure(end, resume)
    rest = "reading went on at the next record" if resume is not None else "the rest of the file was not"
    message = f"invalid WARC data {where}: {broken}; the records before it were read, {rest}"
    return ReadFailure(source, "read", error_type(broken), message), resume


class _Names:
    """The sources of one file's items, each its own.

    A record is ``#offset``, FastWARC's offset of the record; in a WARC gzipped as one
    stream (``gzip crawl.warc``, not a gzip member per record) that offset is how far the
    compressed file had been read, which several records share, so the second and later
    records at one offset are ``#offset.1``, ``#offset.2``...
    """

    def __init__(self, relpath: str) -> None:
        self.relpath = relpath
        self.top = -1  # the largest offset named so far
        self.repeats = 0  # items named after ``top`` with a ``.N`` suffix

    def record(self, offset: int) -> str:
        """The source of the record FastWARC places at ``offset``."""
        if offset > self.top:
            self.top, self.repeats = offset, 0
            return f"{self.relpath}#{offset}"
        return self.repeat()

    def failure(self, end: int | None, resume: int | None) -> str:
        """The source of a broken stream's failure: ``#end`` where the bad data begins, when that names it alone."""
        if end is not None and end > self.top and (resume is None or end < resume):
            self.top, self.repeats = end, 0
            return f"{self.relpath}#{end}"
        return self.repeat()

    def repeat(self) -> str:
        """The next ``#top.N`` name."""
        self.repeats += 1
        return f"{self.relpath}#{self.top}.{self.repeats}"


def _overrun_message(length: int, real_end: int) -> str:
    return (
        f"the record's Content-Length ({length} bytes) runs past the next record, at offset {real_end}: "
        "this record was not read, the records after it were"
    )


def _swallowed(raw: BinaryIO, offset: int, length: int, next_offset: int, gzipped: bool) -> int | None:
    """:func:`_overrun` of a record read before the one at ``next_offset``.

    Gzipped, the record's member is inflated again only when another gzip member starts
    between the two records (three bytes found in compressed data now and then, in every
    record that swallowed one): inflating every member twice tripled the time to read a
    gzipped WARC of 300 devdata pages.
    """
    if gzipped:
        raw.seek(offset + 1)
        if raw.read(max(next_offset - offset - 1, 0)).find(GZIP_MEMBER) < 0:
            return None
    return _overrun(raw, offset, length, gzipped)


def _overrun(raw: BinaryIO, offset: int, length: int, gzipped: bool) -> int | None:
    """Where the next record begins when the record at ``offset`` claims (``length``) bytes past it; else None.

    Uncompressed: a ``WARC/1.`` header line between the record's header block and the end
    its Content-Length gives (which may be past the end of the file). Gzipped with a
    member per record: the end of the record's member, when the member holds less than
    the record claims and another member follows.
    """
    try:
        size = raw.seek(0, io.SEEK_END)
        if gzipped:
            member = _inflate_member(raw, offset)
            if member is None:
                return None
            end, head, inflated = member
            header_end = head.find(b"\r\n\r\n")
            claims = (header_end + 4 if header_end >= 0 else inflated) + length
            return end if inflated < claims and end < size else None
        raw.seek(offset)
        head = raw.read(CHUNK)
        header_end = head.find(b"\r\n\r\n")
        if not head.startswith(b"WARC/") or header_end < 0:
            return None
        block = offset + header_end + 4
        return _next_header(raw, block, block + length)
    except (OSError, ValueError, zlib.error):
        return None


def _next_record_start(raw: BinaryIO, start: int, gzipped: bool) -> int | None:
    """The offset of the first record that begins at ``start`` or after it (None: there is none).

    Uncompressed: a ``WARC/1.`` header line. Gzipped: a gzip member whose content starts
    with ``WARC/`` (a WARC gzipped as one stream has none after its start).
    """
    try:
        if not gzipped:
            return _next_header(raw, start, None)
        return next((at for at in _occurrences(raw, start, GZIP_MEMBER) if _starts_warc_member(raw, at)), None)
    except (OSError, ValueError):
        return None


def _starts_warc_member(raw: BinaryIO, at: int) -> bool:
    """True when a gzip member starts at ``at`` and its content starts with ``WARC/``."""
    raw.seek(at)
    try:
        return zlib.decompressobj(wbits=31).decompress(raw.read(HEAD_BYTES), 8).startswith(b"WARC/")
    except zlib.error:
        return False


def _next_header(raw: BinaryIO, start: int, stop: int | None) -> int | None:
    """The offset of the first ``WARC/1.`` header line starting in ``[start, stop)`` (``stop`` None: the end)."""
    if start == 0:  # a header line at the start of the file follows no line feed
        raw.seek(0)
        if raw.read(len(HEADER_LINE) - 1) == HEADER_LINE[1:]:
            return 0
    # from the byte before start: a header line starts after a line feed
    at = next((found + 1 for found in _occurrences(raw, max(0, start - 1), HEADER_LINE)), None)
    return at if at is not None and (stop is None or at < stop) else None


def _occurrences(raw: BinaryIO, start: int, pattern: bytes) -> Iterator[int]:
    """The offsets of ``pattern`` in ``raw`` from ``start`` on, in order (the caller may seek between them)."""
    position, tail = start, b""
    while True:
        raw.seek(position)
        chunk = raw.read(CHUNK)
        if not chunk:
            return
        data = tail + chunk
        found = data.find(pattern)
        while found >= 0:
            yield position - len(tail) + found
            found = data.find(pattern, found + 1)
        tail = data[-(len(pattern) - 1) :]  # a pattern cut by the chunk's end is found in the next
        position += len(chunk)


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
            head = raw.read(CHUNK)
            header_end = head.find(b"\r\n\r\n")
            if not head.startswith(b"WARC/") or header_end < 0:
                return None
            end = offset + header_end + 4 + length
            raw.seek(end)
            if raw.read(4) == b"\r\n\r\n":
                end += 4
            return min(end, size)
        member = _inflate_member(raw, offset)
        return member[0] if member is not None else None
    except (OSError, ValueError, zlib.error):
        return None


def _inflate_member(raw: BinaryIO, offset: int) -> tuple[int, bytes, int] | None:
    """Inflate the gzip member at ``offset``: ``(where it ends, its first bytes, its inflated size)``.

    A member cut by the end of the file ends there. None when the member runs past
    :data:`_MEMBER_SEARCH` compressed bytes (a WARC gzipped as one stream). Raises
    zlib.error when no member starts at ``offset``.
    """
    size = raw.seek(0, io.SEEK_END)
    raw.seek(offset)
    inflater = zlib.decompressobj(wbits=31)
    read = inflated = 0
    head = b""
    while not inflater.eof and read < _MEMBER_SEARCH:
        chunk = raw.read(CHUNK)
        if not chunk:
            return size, head, inflated  # the member is cut: the bad data runs to the end of the file
        read += len(chunk)
        while chunk and not inflater.eof:  # output is counted and thrown away, at most CHUNK at a time
            out = inflater.decompress(chunk, CHUNK)
            if len(head) < HEAD_BYTES:
                head += out[: HEAD_BYTES - len(head)]
            inflated += len(out)
            chunk = inflater.unconsumed_tail
    return (offset + read - len(inflater.unused_data), head, inflated) if inflater.eof else None


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
            body = undo_http_encodings(
                body, http.get("Transfer-Encoding"), http.get("Content-Encoding"), config.max_bytes
            )
        except Exception as exc:
            return ReadFailure(source, "decode", error_type(exc), f"cannot undo the HTTP encoding: {exc}")
    if len(body) > config.max_bytes:
        body = body[: config.max_bytes]
        metadata["truncated"] = True
    if not content_type and not looks_html(body[:HEAD_BYTES]):
        return Skipped(source, "warc.non_html", "no content type, not HTML")
    url = headers.get("WARC-Target-URI") or None
    return Document(
        id=record.record_id or hash_id(source),
        source=source,
        input_type="html",
        content=body,
        url=url,
        site=site_of(url, inp.site),
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
        id=record.record_id or hash_id(source),
        source=source,
        input_type="text",
        content=decode_text(body),
        url=url,
        site=site_of(url, inp.site),
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
    parts = list(chunks_upto(reader.read, config.max_bytes + 1))
    size = sum(map(len, parts))
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
