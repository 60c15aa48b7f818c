"""HTTP payloads as crawlers store them: chunked transfer coding and content encodings undone."""

from __future__ import annotations

import io
import re
import zlib

from fastwarc.stream_io import BrotliReader

__all__ = ["dechunk", "undo_http_encodings"]

# An HTTP chunk size: hex digits (RFC 9112), at most 16 of them (a size below 2**64).
_HEX_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")


def undo_http_encodings(body: bytes, transfer: str | None, encoding: str | None, max_bytes: int) -> bytes:
    """Undo chunked transfer coding and gzip/deflate/br content coding, bounded by ``max_bytes`` (+1)."""
    if transfer and "chunked" in transfer.lower():
        body = dechunk(body)
    coding = (encoding or "").strip().lower()
    limit = max_bytes + 1
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


def dechunk(body: bytes) -> bytes:
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
