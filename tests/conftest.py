"""Shared fixtures. Keep this small: helpers that more than one test module needs."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest


@dataclass
class WarcBuilder:
    """Builds WARC files byte by byte, so tests control every header and every offset.

    ``add_*`` append a record; ``build(gz)`` returns the file's bytes and fills ``offsets``
    with each record's start offset in it (in the compressed file when ``gz``).
    """

    records: list[bytes] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)

    def _add(self, warc_type: str, block: bytes, content_type: str, uri: str | None, extra: dict[str, str]) -> int:
        number = len(self.records)
        headers = {
            "WARC-Type": warc_type,
            "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{number:012d}>",
            "WARC-Date": f"2024-05-01T12:00:{number % 60:02d}Z",
        }
        if uri:
            headers["WARC-Target-URI"] = uri
        headers.update(extra)
        headers["Content-Type"] = content_type
        headers["Content-Length"] = str(len(block))
        head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        self.records.append(head.encode() + block + b"\r\n\r\n")
        return number

    def add_warcinfo(self) -> int:
        return self._add(
            "warcinfo", b"software: tests\r\nformat: WARC File Format 1.1\r\n", "application/warc-fields", None, {}
        )

    def add_request(self, uri: str) -> int:
        block = f"GET / HTTP/1.1\r\nHost: {uri.split('/')[2]}\r\nUser-Agent: tests\r\n\r\n".encode()
        return self._add("request", block, "application/http; msgtype=request", uri, {})

    def add_response(
        self,
        uri: str,
        body: bytes,
        content_type: str | None = "text/html; charset=utf-8",
        status: str = "200 OK",
        http_headers: dict[str, str] | None = None,
        extra: dict[str, str] | None = None,
    ) -> int:
        lines = [f"HTTP/1.1 {status}"]
        if content_type is not None:
            lines.append(f"Content-Type: {content_type}")
        lines += [f"{k}: {v}" for k, v in (http_headers or {}).items()]
        block = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        return self._add("response", block, "application/http; msgtype=response", uri, extra or {})

    def add_conversion(self, uri: str, text: str, language: str | None = None) -> int:
        extra = {"WARC-Identified-Content-Language": language} if language else {}
        return self._add("conversion", text.encode(), "text/plain", uri, extra)

    def add_metadata(self, uri: str) -> int:
        return self._add("metadata", b"fetchTimeMs: 12\r\n", "application/warc-fields", uri, {})

    def build(self, gz: bool = True) -> bytes:
        out = bytearray()
        self.offsets = []
        for record in self.records:
            self.offsets.append(len(out))
            out += gzip.compress(record, mtime=0) if gz else record
        return bytes(out)


@pytest.fixture
def warc_builder() -> Callable[[], WarcBuilder]:
    """A factory of empty :class:`WarcBuilder` objects."""
    return WarcBuilder
