from __future__ import annotations

import gzip
import hashlib
import io
import json
import subprocess
import sys
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.io import InputFile, ReadFailure, Skipped, discover, read_file, sniff_format
from cleaner.model import Document
from cleaner.pipeline import clean_document

if TYPE_CHECKING:
    from conftest import WarcBuilder

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PAGE = b"<!doctype html><html><head><title>T</title></head><body><p>Hello world.</p></body></html>"


def read(path: Path, config: Config | None = None, relpath: str | None = None) -> list[object]:
    return list(read_file(InputFile(path, relpath or path.name, ""), config or Config()))


def docs(items: list[object]) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


# --------------------------------------------------------------------------- discover


def test_discover_recursion_order_hidden_and_relpaths(tmp_path: Path) -> None:
    for name in ["b.html", "a.txt", "sub/z.html", "sub/deeper/y.jsonl", "a_dir/x.html", ".hidden.html", ".git/c.html"]:
        write(tmp_path / "corpus", name, b"x")
    write(tmp_path / "corpus", "README.md", b"docs, not a page")
    found = list(discover([tmp_path / "corpus"]))
    assert [f.relpath for f in found] == ["a.txt", "a_dir/x.html", "b.html", "sub/deeper/y.jsonl", "sub/z.html"]
    assert [f.site for f in found] == ["", "a_dir", "", "sub/deeper", "sub"]
    assert found[0].path == tmp_path / "corpus" / "a.txt"


def test_discover_file_and_stdin(tmp_path: Path) -> None:
    page = write(tmp_path, "news/p.html", b"x")
    found = list(discover([str(page), "-"]))
    assert found == [InputFile(page, "p.html", ""), InputFile(Path("-"), "-", "")]


def test_discover_missing_path_fails_before_anything(tmp_path: Path) -> None:
    write(tmp_path, "ok.html", b"x")
    with pytest.raises(UsageError, match="nope") as info:
        discover([tmp_path / "ok.html", tmp_path / "nope"])
    assert info.value.exit_code == 2


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (b"", "a.HTML", "html"),
        (b"", "a.htm.gz", "html"),
        (b"", "a.txt", "text"),
        (b"", "a.warc.gz", "warc"),
        (b"", "a.warc.wet.gz", "wet"),
        (b"", "a.wet", "wet"),
        (b"", "a.jsonl.gz", "jsonl"),
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "dump", "warc"),
        (b"WARC/1.0\r\nWARC-Type: conversion\r\n", "dump", "wet"),
        (b'  {"html": "<p>"}\n', "dump", "jsonl"),
        (b"\xef\xbb\xbf<!DOCTYPE html>", "dump", "html"),
        (b"<html>", "dump", "html"),
        (b"Just some words.\n", "dump", "text"),
    ],
)
def test_sniff_format(head: bytes, name: str, expected: str) -> None:
    assert sniff_format(head, name) == expected


# --------------------------------------------------------------------------- HTML and text


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page.xhtml", "page.html.gz"])
def test_html_file(tmp_path: Path, name: str) -> None:
    data = gz(PAGE) if name.endswith(".gz") else PAGE
    (doc,) = read(write(tmp_path, name, data))
    assert isinstance(doc, Document)
    assert doc.input_type == "html" and doc.content == PAGE and doc.url is None
    assert doc.source == name and doc.id == hashlib.sha1(name.encode()).hexdigest()[:16]


def test_site_of_local_file_is_its_folder(tmp_path: Path) -> None:
    write(tmp_path, "corpus/news/site1/p.html", PAGE)
    (inp,) = discover([tmp_path / "corpus"])
    (doc,) = read_file(inp, Config())
    assert isinstance(doc, Document) and doc.site == "news/site1" and doc.source == "news/site1/p.html"


def test_text_file_latin1_and_gzip(tmp_path: Path) -> None:
    text = "Le café est très bon à Paris.\nÇa coûte cher, déjà."
    (doc,) = read(write(tmp_path, "a.txt", text.encode("latin-1")))
    assert isinstance(doc, Document) and doc.input_type == "text" and doc.content == text
    (doc,) = read(write(tmp_path, "b.txt.gz", gz(text.encode("utf-8"))))
    assert isinstance(doc, Document) and doc.content == text


def test_empty_file_is_a_read_failure(tmp_path: Path) -> None:
    (failure,) = read(write(tmp_path, "e.html", b""))
    assert isinstance(failure, ReadFailure) and failure.source == "e.html" and failure.type == "EmptyFile"


def test_binary_file_with_html_extension_is_still_a_document(tmp_path: Path) -> None:
    blob = bytes(range(256)) * 8
    (doc,) = read(write(tmp_path, "odd.html", blob))
    assert isinstance(doc, Document) and doc.content == blob


def test_binary_file_of_unknown_extension_fails(tmp_path: Path) -> None:
    (failure,) = read(write(tmp_path, "image.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)))
    assert isinstance(failure, ReadFailure) and failure.source == "image.bin" and "binary" in failure.message


def test_utf16_page_of_unknown_extension_is_read_and_decoded(tmp_path: Path) -> None:
    """Binary or not is told for UTF-16 markup by its NUL bytes: it is a page, and it decodes."""
    text = "A sentence about the weather in Zürich, where it rained all week long. " * 4
    page = f"<html><head><title>Wetter</title></head><body><article><p>{text}</p></article></body></html>"
    (doc,) = read(write(tmp_path, "page.dat", page.encode("utf-16-le")))
    assert isinstance(doc, Document) and doc.input_type == "html"
    assert clean_document(doc, Config()).text == text.strip()


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    (doc,) = read(write(tmp_path, "page", PAGE))
    assert isinstance(doc, Document) and doc.input_type == "html"
    (doc,) = read(write(tmp_path, "notes", "Grüße aus München\n".encode()))
    assert isinstance(doc, Document) and doc.input_type == "text" and doc.content == "Grüße aus München\n"
    (doc,) = read(write(tmp_path, "page.dat", gz(PAGE)))  # gzip magic: look inside
    assert isinstance(doc, Document) and doc.input_type == "html" and doc.content == PAGE


def test_file_larger_than_max_bytes_is_cut(tmp_path: Path) -> None:
    (doc,) = read(write(tmp_path, "big.html", PAGE * 10), Config(max_bytes=100))
    assert isinstance(doc, Document) and doc.content == (PAGE * 10)[:100] and doc.metadata == {"truncated": True}
    (doc,) = read(write(tmp_path, "small.html", PAGE), Config(max_bytes=len(PAGE)))
    assert isinstance(doc, Document) and doc.content == PAGE and doc.metadata == {}


def test_truncated_gzip_html(tmp_path: Path) -> None:
    data = gz(PAGE * 200)
    (failure,) = read(write(tmp_path, "cut.html.gz", data[: len(data) // 2]))
    assert isinstance(failure, ReadFailure) and failure.source == "cut.html.gz"
    assert failure.message.startswith("truncated gzip stream")


# --------------------------------------------------------------------------- JSONL


def test_jsonl_records_fields_and_broken_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a1", "url": "https://WWW.Example.org:443/x", "html": "<p>Grüße</p>", "lang": "de"}),
        "{broken json",
        "",
        json.dumps({"text": "plain text", "source": "crawl"}),
        json.dumps({"title": "no content"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": 7, "html": 42}),
    ]
    items = read(write(tmp_path, "p.jsonl", "\n".join(lines).encode()))
    assert [type(i).__name__ for i in items] == [
        "Document",
        "ReadFailure",
        "Document",
        "Skipped",
        "ReadFailure",
        "ReadFailure",
    ]
    first, broken, text, skipped, not_object, bad_field = items
    assert isinstance(first, Document) and isinstance(text, Document)
    assert first.id == "a1" and first.url == "https://WWW.Example.org:443/x" and first.site == "example.org"
    assert first.input_type == "html" and first.content == "<p>Grüße</p>".encode() and first.charset_hint == "utf-8"
    assert first.metadata == {"lang": "de"} and first.source == "p.jsonl#1"
    assert isinstance(broken, ReadFailure) and broken.source == "p.jsonl#2"
    assert text.input_type == "text" and text.content == "plain text" and text.source == "p.jsonl#4"
    assert text.id == hashlib.sha1(b"p.jsonl#4").hexdigest()[:16] and text.metadata == {"source": "crawl"}
    assert skipped == Skipped(
        "p.jsonl#5",
        "jsonl.no_content",
        "no 'html' or 'text' field (it has 'title'); name the field that holds the page with --html-field or --text-field",
    )
    assert isinstance(not_object, ReadFailure) and not_object.source == "p.jsonl#6"
    assert isinstance(bad_field, ReadFailure) and "'html'" in bad_field.message


def test_jsonl_configurable_field_names(tmp_path: Path) -> None:
    line = json.dumps({"doc_id": "x9", "link": "https://a.example/p", "body": "<p>hi</p>", "html": "<p>other</p>"})
    config = Config(html_field="body", id_field="doc_id", url_field="link")
    (doc,) = read(write(tmp_path, "c.jsonl", line.encode()), config)
    assert isinstance(doc, Document) and doc.id == "x9" and doc.url == "https://a.example/p"
    assert doc.content == b"<p>hi</p>" and doc.metadata == {"html": "<p>other</p>"}


def test_truncated_gzip_jsonl_yields_lines_before_the_cut(tmp_path: Path) -> None:
    lines = [json.dumps({"id": str(i), "text": f"record {i} " + "padding words " * 40}) for i in range(300)]
    data = gz("\n".join(lines).encode())
    items = read(write(tmp_path, "t.jsonl.gz", data[: len(data) // 2]))
    assert all(isinstance(i, Document) for i in items[:-1]) and len(items) > 10
    assert [d.id for d in docs(items)] == [str(i) for i in range(len(items) - 1)]
    last = items[-1]
    assert isinstance(last, ReadFailure) and last.source == f"t.jsonl.gz#{len(items)}"
    assert last.message.startswith("truncated gzip stream")


# --------------------------------------------------------------------------- WARC and WET


def build_mixed(b: WarcBuilder) -> None:
    b.add_warcinfo()
    b.add_request("https://www.news.example/a")
    b.add_response(
        "https://www.news.example/a", "<html><p>Grüße</p></html>".encode("cp1252"), "text/html; charset=ISO-8859-1"
    )
    b.add_response("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(20), "image/png")
    b.add_metadata("https://www.news.example/a")
    b.add_response("https://news.example/b", PAGE, "application/xhtml+xml")
    b.add_response("https://news.example/moved", b"", "text/html", status="301 Moved Permanently")
    b.add_response("https://news.example/c", PAGE, None)  # no Content-Type: sniffed


@pytest.mark.parametrize("compressed", [True, False])
def test_warc_records_offsets_urls_and_skips(
    tmp_path: Path, warc_builder: Callable[[], WarcBuilder], compressed: bool
) -> None:
    b = warc_builder()
    build_mixed(b)
    name = "crawl.warc.gz" if compressed else "crawl.warc"
    items = read(write(tmp_path, name, b.build(gz=compressed)))
    assert len(items) == 8
    assert [i.source for i in items] == [f"{name}#{o}" for o in b.offsets]  # type: ignore[attr-defined]
    reasons = Counter(i.reason for i in items if isinstance(i, Skipped))
    assert reasons == {
        "warc.warcinfo": 1,
        "warc.request": 1,
        "warc.metadata": 1,
        "warc.non_html": 1,
        "warc.http_status": 1,
    }
    assert Skipped(f"{name}#{b.offsets[3]}", "warc.non_html", "image/png") in items
    first, second, third = docs(items)
    assert first.url == "https://www.news.example/a" and first.site == "news.example"
    assert first.id == "<urn:uuid:00000000-0000-4000-8000-000000000002>"
    assert first.charset_hint is not None and first.charset_hint.lower().replace("_", "-") in ("iso-8859-1", "latin-1")
    assert first.content == "<html><p>Grüße</p></html>".encode("cp1252")
    assert first.metadata == {
        "warc_record_id": "<urn:uuid:00000000-0000-4000-8000-000000000002>",
        "warc_date": "2024-05-01T12:00:02Z",
        "warc_offset": b.offsets[2],
        "content_type": "text/html",
    }
    assert second.content == PAGE and second.metadata["content_type"] == "application/xhtml+xml"
    assert third.content == PAGE and third.input_type == "html"


def test_warc_http_encodings_are_undone(tmp_path: Path, warc_builder: Callable[[], WarcBuilder]) -> None:
    b = warc_builder()
    co = zlib.compressobj(wbits=31)
    b.add_response("https://x.example/gz", co.compress(PAGE) + co.flush(), http_headers={"Content-Encoding": "gzip"})
    chunked = b"10\r\n" + PAGE[:16] + b"\r\n" + f"{len(PAGE) - 16:x}\r\n".encode() + PAGE[16:] + b"\r\n0\r\n\r\n"
    b.add_response("https://x.example/ch", chunked, http_headers={"Transfer-Encoding": "chunked"})
    b.add_response("https://x.example/df", zlib.compress(PAGE), http_headers={"Content-Encoding": "deflate"})
    items = read(write(tmp_path, "enc.warc.gz", b.build()))
    assert [d.content for d in docs(items)] == [PAGE, PAGE, PAGE]


def test_warc_chunked_body_with_a_bad_chunk_size_is_not_undone(
    tmp_path: Path, warc_builder: Callable[[], WarcBuilder]
) -> None:
    chunked = {"Transfer-Encoding": "chunked"}
    b = warc_builder()
    b.add_response("https://x.example/negative", b"-6\r\n" + PAGE, http_headers=chunked)
    b.add_response("https://x.example/prefixed", b"0x5\r\n" + PAGE, http_headers=chunked)
    second_bad = b"5\r\n" + PAGE[:5] + b"\r\n-2\r\nxy\r\n0\r\n\r\n"
    b.add_response("https://x.example/bad-second", second_bad, http_headers=chunked)
    path = write(tmp_path, "chunks.warc.gz", b.build())
    # In a child process with a time limit: a negative size once sent the reader round one line for ever.
    script = (
        "import json, sys; from pathlib import Path; from cleaner.config import Config;"
        "from cleaner.io import InputFile, read_file;"
        "items = read_file(InputFile(Path(sys.argv[1]), 'chunks.warc.gz', ''), Config());"
        "print(json.dumps([[i.url, i.content.decode('latin-1')] for i in items]))"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, timeout=60, check=True)
    # Not chunked after all: the bodies as they are, or the chunks before the bad size.
    assert json.loads(done.stdout) == [
        ["https://x.example/negative", (b"-6\r\n" + PAGE).decode("latin-1")],
        ["https://x.example/prefixed", (b"0x5\r\n" + PAGE).decode("latin-1")],
        ["https://x.example/bad-second", PAGE[:5].decode("latin-1")],
    ]


def test_warc_body_not_in_its_content_encoding_is_a_named_decode_failure(
    tmp_path: Path, warc_builder: Callable[[], WarcBuilder]
) -> None:
    b = warc_builder()
    for coding in ("gzip", "deflate", "br"):
        b.add_response(f"https://x.example/{coding}", PAGE, http_headers={"Content-Encoding": coding})
    b.add_response("https://x.example/fine", PAGE)
    items = read(write(tmp_path, "lying.warc.gz", b.build()))
    failures = [i for i in items if isinstance(i, ReadFailure)]
    # zlib's exception class is called just "error": the failure names its module too
    assert [(f.source, f.stage, f.type) for f in failures] == [
        ("lying.warc.gz#0", "decode", "zlib.error"),
        (f"lying.warc.gz#{b.offsets[1]}", "decode", "zlib.error"),
        (f"lying.warc.gz#{b.offsets[2]}", "decode", "OSError"),
    ]
    assert all("cannot undo the HTTP encoding" in f.message for f in failures)
    assert [d.url for d in docs(items)] == ["https://x.example/fine"]


def test_warc_body_larger_than_max_bytes_is_cut(tmp_path: Path, warc_builder: Callable[[], WarcBuilder]) -> None:
    b = warc_builder()
    b.add_response("https://x.example/big", PAGE * 50)
    b.add_response("https://x.example/next", PAGE)
    first, second = read(write(tmp_path, "big.warc.gz", b.build()), Config(max_bytes=200))
    assert isinstance(first, Document) and first.content == (PAGE * 50)[:200] and first.metadata["truncated"] is True
    assert isinstance(second, Document) and second.content == PAGE  # the rest of the big record was skipped


@pytest.mark.parametrize("compressed", [True, False])
def test_warc_cut_mid_record(tmp_path: Path, warc_builder: Callable[[], WarcBuilder], compressed: bool) -> None:
    b = warc_builder()
    for i in range(4):
        b.add_response(f"https://x.example/{i}", PAGE * 40)
    data = b.build(gz=compressed)
    cut = b.offsets[3] + (len(data) - b.offsets[3]) // 2
    items = read(write(tmp_path, "cut.warc.gz", data[:cut]))
    assert [type(i).__name__ for i in items] == ["Document"] * 3 + ["ReadFailure"]
    failure = items[-1]
    assert isinstance(failure, ReadFailure) and failure.source == f"cut.warc.gz#{b.offsets[3]}"
    assert failure.message.startswith("truncated gzip stream") == compressed
    assert "the file is incomplete" in failure.message


@pytest.mark.parametrize("compressed", [True, False])
def test_warc_garbage_between_records_is_named_by_its_offset(
    tmp_path: Path, warc_builder: Callable[[], WarcBuilder], compressed: bool
) -> None:
    b = warc_builder()
    b.add_response("https://x.example/1", PAGE)
    b.add_response("https://x.example/2", PAGE)
    data = b.build(gz=compressed)
    broken = data[: b.offsets[1]] + b"this is not a WARC header\r\n\r\n" + data[b.offsets[1] :]
    name = "g.warc.gz" if compressed else "g.warc"
    doc, failure, second = read(write(tmp_path, name, broken))
    assert isinstance(doc, Document) and doc.source == f"{name}#0"
    # The failure is where the garbage starts (the end of the first record, or of its gzip member).
    assert isinstance(failure, ReadFailure) and failure.source == f"{name}#{b.offsets[1]}"
    assert "after the record at offset 0" in failure.message and "went on at the next record" in failure.message
    # ... and reading goes on at the next record, after the garbage.
    garbage = len(b"this is not a WARC header\r\n\r\n")
    assert isinstance(second, Document) and second.source == f"{name}#{b.offsets[1] + garbage}"
    assert second.url == "https://x.example/2"


def test_warc_content_length_too_short_names_the_bytes_left_over(
    tmp_path: Path, warc_builder: Callable[[], WarcBuilder]
) -> None:
    b = warc_builder()
    b.add_response("https://x.example/1", PAGE)
    b.add_response("https://x.example/2", PAGE)
    data = b.build(gz=False)
    length = len(b.records[0].split(b"\r\n\r\n", 1)[1]) - 4  # the block, without the blank line after it
    assert f"Content-Length: {length}\r\n".encode() in data[: b.offsets[1]]
    short = data.replace(f"Content-Length: {length}\r\n".encode(), f"Content-Length: {length - 3}\r\n".encode(), 1)
    assert len(short) == len(data)  # as many digits: the second record is still at offsets[1]
    doc, failure, second = read(write(tmp_path, "s.warc", short))
    assert isinstance(doc, Document) and doc.source == "s.warc#0" and doc.content == PAGE[:-3]
    # The stream breaks at the 3 bytes of the block the record did not claim, before the blank line.
    assert isinstance(failure, ReadFailure) and failure.source == f"s.warc#{b.offsets[1] - 4 - 3}"
    assert short[b.offsets[1] - 7 : b.offsets[1]] == PAGE[-3:] + b"\r\n\r\n"
    # Reading goes on at the next header.
    assert isinstance(second, Document) and second.source == f"s.warc#{b.offsets[1]}" and second.content == PAGE


def test_warc_gzipped_as_one_stream_names_every_record_apart(
    tmp_path: Path, warc_builder: Callable[[], WarcBuilder]
) -> None:
    """FastWARC's offsets in a WARC gzipped whole (not per record) repeat: the sources must not."""
    b = warc_builder()
    for i in range(6):
        b.add_response(f"https://x.example/{i}", PAGE + b" " * (i * 7000))
    whole = gz(b.build(gz=False))
    items = read(write(tmp_path, "whole.warc.gz", whole))
    assert [d.url for d in docs(items)] == [f"https://x.example/{i}" for i in range(6)]
    sources = [i.source for i in items]  # type: ignore[attr-defined]
    assert len(set(sources)) == 6 and sources[0] == "whole.warc.gz#0"
    assert all(s.startswith("whole.warc.gz#") for s in sources)
    assert len({d.id for d in docs(items)}) == 6
    # A stream that breaks after its last record: the failure is named apart from them too.
    broken = gz(b.build(gz=False) + b"not a WARC header\r\n\r\n")
    items = read(write(tmp_path, "broken.warc.gz", broken))
    assert [type(i).__name__ for i in items] == ["Document"] * 6 + ["ReadFailure"]
    assert len({i.source for i in items}) == 7  # type: ignore[attr-defined]


def test_not_a_warc_at_all(tmp_path: Path) -> None:
    (failure,) = read(write(tmp_path, "fake.warc.gz", gz(b"hello, not a warc")))
    assert isinstance(failure, ReadFailure)
    (failure,) = read(write(tmp_path, "fake2.warc.gz", b"\x1f\x8b\x08\x00garbage"))
    assert isinstance(failure, ReadFailure) and failure.source == "fake2.warc.gz"


def test_wet_conversion_records(tmp_path: Path, warc_builder: Callable[[], WarcBuilder]) -> None:
    b = warc_builder()
    b.add_warcinfo()
    b.add_conversion("https://www.Blog.example/post", "Title\nGrüße aus München.\n", language="deu")
    b.add_conversion("https://blog.example/other", "Second page.\n")
    for name in ["pages.warc.wet.gz", "pages.wet.gz", "pages.wet"]:
        data = b.build(gz=not name.endswith(".wet"))
        items = read(write(tmp_path, name, data))
        assert items[0] == Skipped(f"{name}#0", "warc.warcinfo")
        first, second = docs(items)
        assert first.input_type == "text" and first.content == "Title\nGrüße aus München.\n"
        assert first.url == "https://www.Blog.example/post" and first.site == "blog.example"
        assert first.source == f"{name}#{b.offsets[1]}" and first.metadata["warc_offset"] == b.offsets[1]
        assert first.metadata["warc_identified_content_language"] == "deu"
        assert second.content == "Second page.\n"


def test_warc_without_extension_is_sniffed(tmp_path: Path, warc_builder: Callable[[], WarcBuilder]) -> None:
    b = warc_builder()
    b.add_response("https://x.example/", PAGE)
    (doc,) = read(write(tmp_path, "dump.bin", b.build()))
    assert isinstance(doc, Document) and doc.url == "https://x.example/" and doc.source == "dump.bin#0"


# --------------------------------------------------------------------------- stdin


class FakeStdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


@pytest.mark.parametrize("compressed", [True, False])
def test_stdin_warc(monkeypatch: pytest.MonkeyPatch, warc_builder: Callable[[], WarcBuilder], compressed: bool) -> None:
    b = warc_builder()
    build_mixed(b)
    monkeypatch.setattr(sys, "stdin", FakeStdin(b.build(gz=compressed)))
    (inp,) = discover(["-"])
    items = list(read_file(inp, Config()))
    assert len(items) == 8 and len(docs(items)) == 3
    assert [i.source for i in items] == [f"-#{o}" for o in b.offsets]  # type: ignore[attr-defined]


@pytest.mark.parametrize("compressed", [True, False])
def test_stdin_warc_stream_failure_has_its_own_source(
    monkeypatch: pytest.MonkeyPatch, warc_builder: Callable[[], WarcBuilder], compressed: bool
) -> None:
    b = warc_builder()
    b.add_response("https://x.example/1", PAGE)
    data = b.build(gz=compressed) + b"garbage, not a WARC record\r\n\r\n"
    monkeypatch.setattr(sys, "stdin", FakeStdin(data))
    doc, failure = read_file(InputFile(Path("-"), "-", ""), Config())
    assert isinstance(doc, Document) and doc.source == "-#0"
    # stdin cannot be read again to find where the garbage starts: the failure is the next item at #0.
    assert isinstance(failure, ReadFailure) and failure.source == "-#0.1"


def test_stdin_jsonl_html_and_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(b'{"html": "<p>a</p>"}\n{"text": "b"}\n'))
    assert [(d.source, d.content) for d in docs(list(read_file(InputFile(Path("-"), "-", ""), Config())))] == [
        ("-#1", b"<p>a</p>"),
        ("-#2", "b"),
    ]
    monkeypatch.setattr(sys, "stdin", FakeStdin(gz(PAGE)))
    (doc,) = read_file(InputFile(Path("-"), "-", ""), Config())
    assert isinstance(doc, Document) and doc.content == PAGE and doc.source == "-"
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"caf\xe9 cr\xe8me"))
    (doc,) = read_file(InputFile(Path("-"), "-", ""), Config())
    assert isinstance(doc, Document) and doc.content == "café crème"
    monkeypatch.setattr(sys, "stdin", FakeStdin(b""))
    (failure,) = read_file(InputFile(Path("-"), "-", ""), Config())
    assert isinstance(failure, ReadFailure) and failure.source == "-" and failure.type == "EmptyFile"


# --------------------------------------------------------------------------- robustness


def test_file_vanished_is_a_failure(tmp_path: Path) -> None:
    (failure,) = read(tmp_path / "gone.html")
    assert isinstance(failure, ReadFailure) and failure.type == "FileNotFoundError"


@pytest.mark.parametrize("suffix", [".html", ".txt", ".warc.gz", ".warc", ".jsonl", ".jsonl.gz", ".bin", ""])
@given(data=st.binary(max_size=2000))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_arbitrary_bytes_never_raise(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = write(tmp_path, f"f{suffix}", data)
    for item in read_file(InputFile(path, path.name, ""), Config()):
        assert isinstance(item, Document | Skipped | ReadFailure)


@given(data=st.binary(max_size=400), at=st.integers(min_value=0, max_value=3000))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_corrupted_warc_never_raises(
    tmp_path: Path, warc_builder: Callable[[], WarcBuilder], data: bytes, at: int
) -> None:
    b = warc_builder()
    build_mixed(b)
    for compressed in (True, False):
        good = b.build(gz=compressed)
        path = write(tmp_path, "c.warc.gz", good[:at] + data + good[at + len(data) :])
        for item in read_file(InputFile(path, path.name, ""), Config()):
            assert isinstance(item, Document | Skipped | ReadFailure)


# --------------------------------------------------------------------------- shipped samples


def test_shipped_samples_read_cleanly() -> None:
    inputs = list(discover([SAMPLES]))
    assert {"archive/pages.warc.gz", "archive/pages.warc.wet.gz", "pages.jsonl"} <= {i.relpath for i in inputs}
    assert not any(i.relpath.endswith(".md") for i in inputs)
    for inp in inputs:
        items = list(read_file(inp, Config()))
        assert not [i for i in items if isinstance(i, ReadFailure)], inp.relpath
        assert docs(items), inp.relpath
