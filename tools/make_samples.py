"""Build samples/ from the devdata pages, deterministically (run it twice: same bytes).

    .venv/bin/pip install -e '.[samples]'     # warcio, used only here
    .venv/bin/python tools/make_samples.py [--devdata ../shared/devdata] [--out samples]

Writes samples/html/*.html (4 pages), samples/archive/pages.warc.gz (warcinfo, requests,
6 HTML responses, one PNG response), samples/archive/pages.warc.wet.gz (conversion records
holding the gold text of 3 pages) and samples/pages.jsonl (3 html records, 1 text record).
The WARC is written with warcio on purpose: an independent writer, read back by FastWARC.
Pages come from wcxb-dev (CC-BY-4.0) and andythefactory-news2023 (Apache-2.0); see
samples/NOTICE.md.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import struct
import zlib
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Chosen by hand among the devdata pages that have a URL and a full gold text and are under
# 100 KB (samples stay small): news and blog articles, plus a service page and a listing.
HTML_PAGES = [
    ("wcxb-dev", "dev-0043", "catering-blog"),
    ("wcxb-dev", "dev-0074", "cdc-healthy-eating"),
    ("andythefactory-news2023", "5cbc1eeb7b56dbb4f9406834725c8b67", "isthmus-downtown"),
    ("andythefactory-news2023", "a4b91a94fb6d0305c1a9a09f74eb999c", "realclearpolitics-column"),
]
WARC_PAGES = [
    ("wcxb-dev", "dev-0055"),
    ("wcxb-dev", "dev-0094"),
    ("wcxb-dev", "dev-0115"),
    ("wcxb-dev", "dev-0082"),
    ("andythefactory-news2023", "c3ddb6b1b0c2faa5e0de66723434ced3"),
    ("andythefactory-news2023", "c43789dd89a7695a5a01c90cc3188f4b"),
]
WET_PAGES = [
    ("wcxb-dev", "dev-0053"),
    ("wcxb-dev", "dev-0087"),
    ("andythefactory-news2023", "e5ef5b511934339c675de001011ca075"),
]
JSONL_HTML_PAGES = [
    ("wcxb-dev", "dev-0088"),
    ("wcxb-dev", "dev-0102"),
    ("andythefactory-news2023", "ed37b8070afe89ea25f764b2db3fed93"),
]
JSONL_TEXT_PAGE = ("wcxb-dev", "dev-0112")

DATE = "2024-05-01T12:00:00Z"


class Devdata:
    """Reads pages and gold records from a devdata folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._gold: dict[str, dict[str, dict[str, object]]] = {}

    def html(self, dataset: str, page_id: str) -> bytes:
        """Return the raw bytes of a page."""
        return gzip.decompress((self.root / dataset / "html" / f"{page_id}.html.gz").read_bytes())

    def gold(self, dataset: str, page_id: str) -> dict[str, object]:
        """Return the gold record of a page (id, url, text...)."""
        if dataset not in self._gold:
            lines = (self.root / dataset / "gold.jsonl").read_bytes().split(b"\n")  # not splitlines: U+2028 in text
            self._gold[dataset] = {row["id"]: row for row in map(json.loads, filter(None, lines))}
        return self._gold[dataset][page_id]


def record_id(number: int) -> str:
    """Return a fixed WARC-Record-ID, so the archive is the same bytes on every run."""
    return f"<urn:uuid:5a3e0000-0000-4000-8000-{number:012d}>"


def tiny_png() -> bytes:
    """Return a valid 1x1 white PNG: the non-HTML response a crawl always has."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def write_warc(data: Devdata, path: Path) -> None:
    """Write the sample WARC: warcinfo, then request + response per page, and a PNG."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    number = 0

    def headers(**extra: str) -> dict[str, str]:
        nonlocal number
        number += 1
        return {"WARC-Record-ID": record_id(number), "WARC-Date": DATE, **extra}

    info = writer.create_warcinfo_record(
        "pages.warc.gz", {"software": "cleaner tools/make_samples.py", "format": "WARC File Format 1.1"}
    )
    info.rec_headers.replace_header("WARC-Record-ID", record_id(0))
    info.rec_headers.replace_header("WARC-Date", DATE)
    writer.write_record(info)
    items: list[tuple[str, bytes, str]] = []
    for dataset, page_id in WARC_PAGES:
        url = str(data.gold(dataset, page_id)["url"])
        items.append((url, data.html(dataset, page_id), "text/html; charset=UTF-8"))
    first_host = items[0][0].split("/")[2]
    items.insert(3, (f"https://{first_host}/favicon.png", tiny_png(), "image/png"))
    for url, body, content_type in items:
        host = url.split("/")[2]
        path_part = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
        request_http = StatusAndHeaders(
            f"GET {path_part} HTTP/1.1",
            [("Host", host), ("User-Agent", "cleaner-samples/0.1"), ("Accept", "text/html,*/*;q=0.8")],
            is_http_request=True,
        )
        request = writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), http_headers=request_http, warc_headers_dict=headers()
        )
        response_http = StatusAndHeaders(
            "200 OK",
            [
                ("Date", "Wed, 01 May 2024 12:00:00 GMT"),
                ("Server", "nginx"),
                ("Content-Type", content_type),
                ("Content-Length", str(len(body))),
            ],
            protocol="HTTP/1.1",
        )
        response = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=response_http,
            warc_headers_dict=headers(**{"WARC-IP-Address": "192.0.2.1"}),
        )
        writer.write_record(request)
        writer.write_record(response)
    path.write_bytes(out.getvalue())


def write_wet(data: Devdata, path: Path) -> None:
    """Write the sample WET file: conversion records holding gold text, like Common Crawl's."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.0")
    info = writer.create_warcinfo_record("pages.warc.wet.gz", {"software": "cleaner tools/make_samples.py"})
    info.rec_headers.replace_header("WARC-Record-ID", record_id(100))
    info.rec_headers.replace_header("WARC-Date", DATE)
    writer.write_record(info)
    for number, (dataset, page_id) in enumerate(WET_PAGES, start=101):
        gold = data.gold(dataset, page_id)
        title = str(gold.get("title") or "")
        text = (title + "\n" if title else "") + str(gold["text"])
        record = writer.create_warc_record(
            str(gold["url"]),
            "conversion",
            payload=io.BytesIO(text.encode("utf-8")),
            length=len(text.encode("utf-8")),
            warc_content_type="text/plain",
            warc_headers_dict={
                "WARC-Record-ID": record_id(number),
                "WARC-Date": DATE,
                "WARC-Identified-Content-Language": "eng",
            },
        )
        writer.write_record(record)
    path.write_bytes(out.getvalue())


def write_jsonl(data: Devdata, path: Path) -> None:
    """Write the sample JSONL: html records with id/url and extra fields, one text record."""
    rows: list[dict[str, object]] = []
    for dataset, page_id in JSONL_HTML_PAGES:
        gold = data.gold(dataset, page_id)
        html = data.html(dataset, page_id).decode("utf-8", "replace")
        rows.append({"id": page_id, "url": gold["url"], "html": html, "dataset": dataset})
    dataset, page_id = JSONL_TEXT_PAGE
    gold = data.gold(dataset, page_id)
    rows.append({"id": page_id, "url": gold["url"], "text": gold["text"], "dataset": dataset})
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def main() -> None:
    """Build every sample file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    root = Path(__file__).resolve().parent.parent
    parser.add_argument("--devdata", type=Path, default=root.parent / "shared" / "devdata")
    parser.add_argument("--out", type=Path, default=root / "samples")
    args = parser.parse_args()
    data = Devdata(args.devdata)
    (args.out / "html").mkdir(parents=True, exist_ok=True)
    (args.out / "archive").mkdir(parents=True, exist_ok=True)
    for dataset, page_id, name in HTML_PAGES:
        (args.out / "html" / f"{name}.html").write_bytes(data.html(dataset, page_id))
    write_warc(data, args.out / "archive" / "pages.warc.gz")
    write_wet(data, args.out / "archive" / "pages.warc.wet.gz")
    write_jsonl(data, args.out / "pages.jsonl")


if __name__ == "__main__":
    main()
