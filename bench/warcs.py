"""Build large WARC files from the real devdata pages, for the scaling and memory benchmarks.

Pages are repeated until the file reaches the size asked for; each copy gets its own URL
(``?copy=N`` appended) and its own WARC-Record-ID, so every record is a distinct document
to the readers and the runner. Every page is a ``response`` record preceded by a
``request`` record (as in a crawl), written uncompressed or as one gzip member per record
(as Common Crawl does). Deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

DATE = "2024-05-01T12:00:00Z"


def devdata_pages(devdata: Path) -> Iterator[tuple[str, bytes]]:
    """(url, raw HTML) of every devdata page, in a fixed order; pages without a URL get one."""
    for folder in sorted(p for p in devdata.iterdir() if (p / "gold.jsonl").exists()):
        urls = {}
        for line in (folder / "gold.jsonl").read_bytes().split(b"\n"):
            if line.strip():
                row = json.loads(line)
                urls[str(row["id"])] = row.get("url")
        for path in sorted((folder / "html").glob("*.html.gz")):
            page_id = path.name.removesuffix(".html.gz")
            url = urls.get(page_id) or f"https://{folder.name}.example/{page_id}"
            yield url, gzip.decompress(path.read_bytes())


def _record(number: int, warc_type: str, url: str, block: bytes, content_type: str) -> bytes:
    head = (
        "WARC/1.0\r\n"
        f"WARC-Type: {warc_type}\r\n"
        f"WARC-Record-ID: <urn:uuid:7e570000-0000-4000-8000-{number:012d}>\r\n"
        f"WARC-Date: {DATE}\r\n"
        f"WARC-Target-URI: {url}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return head.encode("utf-8") + block + b"\r\n\r\n"


def page_records(number: int, url: str, html: bytes) -> tuple[bytes, bytes]:
    """The request and response records of one crawled page (record ids ``number`` and ``number + 1``)."""
    host = url.split("/")[2]
    path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: cleaner-bench\r\n\r\n".encode()
    http = (
        f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(html)}\r\n\r\n"
    ).encode() + html
    return (
        _record(number, "request", url, request, "application/http; msgtype=request"),
        _record(number + 1, "response", url, http, "application/http; msgtype=response"),
    )


def write_warc(pages: list[tuple[str, bytes]], out: Path) -> None:
    """Write ``(url, raw HTML)`` pages to ``out`` as they are (one request and one response record each)."""
    with open(out, "wb") as handle:
        for i, (url, html) in enumerate(pages):
            for record in page_records(2 * i, url, html):
                handle.write(record)


def build_warc(
    devdata: Path, out: Path, target_bytes: int, *, gz: bool = False, pages_limit: int | None = None
) -> tuple[int, int]:
    """Write ``out`` (about ``target_bytes`` on disk) from devdata pages; return (responses, bytes of HTML).

    ``pages_limit`` repeats only the first pages of the fixed shuffle (a small set seen many
    times, to tell a leak from caches filling up with the variety of the pages).
    """
    # a fixed shuffle (by hash of the URL), so every part of the file mixes all datasets
    pages = sorted(devdata_pages(devdata), key=lambda page: hashlib.sha1(page[0].encode()).digest())
    pages = pages[:pages_limit] if pages_limit else pages
    responses = html_bytes = number = 0
    with open(out, "wb") as handle:
        copy = 0
        while handle.tell() < target_bytes:
            for url, html in pages:
                if handle.tell() >= target_bytes:
                    break
                sep = "&" if "?" in url else "?"
                for record in page_records(number, f"{url}{sep}copy={copy}", html):
                    handle.write(gzip.compress(record, compresslevel=6, mtime=0) if gz else record)
                number += 2
                responses += 1
                html_bytes += len(html)
            copy += 1
    return responses, html_bytes
