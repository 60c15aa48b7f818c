from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path, PurePosixPath

import pytest
import yaml

import cleaner
from cleaner.batch.summary import ReasonCounter
from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.model import Block, Decision, Document, Result, error_result
from cleaner.output.records import removed_reasons, render_file, result_record
from cleaner.output.writers import (
    ErrorsWriter,
    FolderWriter,
    JsonlWriter,
    default_errors_path,
    folder_relpath,
    is_folder_output,
)

BLOCKS = [
    "Skip to main content",
    "Zürich council approves new tram line",
    "The city council of Zürich voted on Tuesday to build a tram line to the airport, ending a decade of debate.",
    "Construction is expected to start in 2026 and cost 480 million francs.",
    "Share on Facebook",
    "© 2024 Example News. All rights reserved.",
]
VERDICTS = [
    (False, "nav.skip_link"),
    (False, "meta.title"),
    (True, "content.article"),
    (True, "content.article"),
    (False, "social.follow"),
    (False, "legal.footer"),
]


def make_result(source: str = "news/tram.html", *, url: str | None = "https://www.example.com/news/tram?x=1") -> Result:
    doc = Document(
        id="doc-1",
        source=source,
        input_type="html",
        content=b"<html>...</html>",
        url=url,
        metadata={"WARC-Date": "2024-05-01T10:00:00Z", "source": "must not overwrite ours", "tags": ("a", "b")},
    )
    blocks = [Block(index=i, text=t, tag="p") for i, t in enumerate(BLOCKS)]
    decisions = [Decision(block=i, keep=k, reason=r, by="rules") for i, (k, r) in enumerate(VERDICTS)]
    text = "\n".join(b.text for b, d in zip(blocks, decisions, strict=True) if d.keep)
    metadata = {
        "title": "Zürich council approves new tram line",
        "author": None,
        "date": "2024-04-30",
        "sitename": "Example News",
        "language": "en",
        "description": None,
        "canonical_url": "https://example.com/news/tram",
        "input_type": "html",
        "extractor": "rules",
    }
    return Result(doc, blocks, decisions, text, metadata, "ok")


# --- records -------------------------------------------------------------------------


def test_result_record_has_the_design_layout_in_order() -> None:
    record = result_record(make_result(), Config())
    assert list(record) == ["id", "text", "metadata"]
    assert record["id"] == "doc-1"
    assert record["text"].startswith("The city council of Zürich voted")
    meta = record["metadata"]
    assert list(meta)[:9] == ["source", "url", "host", "title", "author", "date", "sitename", "language", "description"]
    assert list(meta)[9:14] == ["canonical_url", "input_type", "extractor", "cleaner_version", "status"]
    assert meta["source"] == "news/tram.html"  # the document's field wins over the WARC/JSONL one
    assert meta["host"] == "example.com"
    assert meta["cleaner_version"] == cleaner.__version__
    assert meta["status"] == "ok"
    assert meta["WARC-Date"] == "2024-05-01T10:00:00Z"  # fields that came with the document follow
    assert list(meta)[-2:] == ["WARC-Date", "tags"]


def test_result_record_adds_removed_only_when_explaining() -> None:
    assert "removed" not in result_record(make_result(), Config())
    removed = result_record(make_result(), Config(explain=True))["removed"]
    assert [r["reason"] for r in removed] == ["nav.skip_link", "meta.title", "social.follow", "legal.footer"]
    assert removed[0]["text"] == "Skip to main content"


def test_result_record_of_a_document_without_url_and_of_a_failure() -> None:
    doc = Document(id="x", source="dump.txt", input_type="text", content="")
    record = result_record(error_result(doc, "decode", ValueError("bad bytes")), Config())
    meta = record["metadata"]
    assert meta["url"] is None and meta["host"] is None and meta["title"] is None
    assert meta["status"] == "error"
    assert meta["error"] == {"stage": "decode", "type": "ValueError", "message": "bad bytes"}
    assert meta["extractor"] == "default"  # from the config when the pipeline did not say


def test_removed_reasons_and_counter() -> None:
    reasons = removed_reasons(make_result())
    assert reasons == ("nav.skip_link", "meta.title", "social.follow", "legal.footer")
    counter = ReasonCounter()
    counter.add(reasons)
    counter.add(["nav.menu"])
    assert counter.by_reason["nav.skip_link"] == 1
    assert counter.by_family == {"nav": 2, "meta": 1, "social": 1, "legal": 1}
    other = ReasonCounter()
    other.add(["nav.menu"])
    counter.merge(other)
    assert counter.by_family["nav"] == 3


# --- JSONL ---------------------------------------------------------------------------


def records(n: int) -> list[dict[str, object]]:
    return [
        {"id": str(i), "text": f"Paragraph {i} — naïve café", "metadata": {"source": f"a/{i}.html"}} for i in range(n)
    ]


def test_jsonl_writer_writes_one_utf8_line_per_record(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    writer = JsonlWriter(path)
    for record in records(3):
        writer.write(record)
    assert path.read_bytes() == b""  # buffered until flushed
    offset = writer.flush()
    writer.close()
    data = path.read_bytes()
    assert offset == len(data)
    assert "naïve café".encode() in data  # not \u-escaped
    lines = data.decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records(3)
    assert list(json.loads(lines[0])) == ["id", "text", "metadata"]


def test_line_breaks_json_keeps_raw_are_escaped(tmp_path: Path) -> None:
    """NEL, U+2028 and U+2029 end a line for str.splitlines(): a record holding them stays one line."""
    record = {"id": "x", "text": "one\x85two\u2028three\u2029four", "metadata": {"url": "\x85", "t": "Grüße"}}
    path = tmp_path / "out.jsonl"
    writer = JsonlWriter(path)
    writer.write(record)
    writer.write({"id": "y", "text": "plain"})
    writer.close()
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") == 2 and len(text.splitlines()) == 2
    assert "\\u0085" in text and "\\u2028" in text and "\\u2029" in text and "Grüße" in text
    assert [json.loads(line) for line in text.splitlines()] == [record, {"id": "y", "text": "plain"}]
    errors = tmp_path / "errors.jsonl"
    errors_writer = ErrorsWriter(errors)
    errors_writer.write("a\u2028b.html", "read", "OSError", "bad\x85name")
    errors_writer.close()
    (line,) = errors.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["source"] == "a\u2028b.html"


def test_jsonl_gz_output_reads_back_and_is_deterministic(tmp_path: Path) -> None:
    def write(path: Path) -> list[int]:
        writer = JsonlWriter(path)
        offsets = []
        for i, record in enumerate(records(5)):
            writer.write(record)
            if i % 2:
                offsets.append(writer.flush())  # every flush closes a gzip member
        writer.close()
        return offsets

    first, second = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    offsets = write(first)
    write(second)
    assert first.read_bytes() == second.read_bytes()  # no timestamp or name in the members
    with gzip.open(first, "rt", encoding="utf-8") as handle:
        assert [json.loads(line) for line in handle] == records(5)
    # every flush offset is a member boundary: the prefix up to it decompresses on its own
    prefix = first.read_bytes()[: offsets[0]]
    assert [json.loads(line) for line in gzip.decompress(prefix).splitlines()] == records(2)


def test_jsonl_writer_truncate_at_resumes_a_file(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl.partial"
    writer = JsonlWriter(path, gz=False)
    writer.write(records(1)[0])
    offset = writer.flush()
    writer.close()
    with open(path, "ab") as handle:
        handle.write(b'{"id": "half a li')  # a record cut by a crash
    writer = JsonlWriter(path, gz=False, truncate_at=offset)
    writer.write(records(2)[1])
    writer.close()
    assert [json.loads(line) for line in path.read_text("utf-8").splitlines()] == records(2)
    with pytest.raises(UsageError, match="shorter"):
        JsonlWriter(path, gz=False, truncate_at=10_000)


def test_jsonl_writer_to_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(buffer, encoding="utf-8"))
    writer = JsonlWriter("-")
    for record in records(2):
        writer.write(record)
    assert writer.flush() == 0
    writer.close()
    assert [json.loads(line) for line in buffer.getvalue().decode("utf-8").splitlines()] == records(2)


# --- folder --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "fmt", "expected"),
    [
        ("a/b.html", "txt", "a/b.txt"),
        ("a/b.html.gz", "md", "a/b.md"),
        ("crawl.warc.gz#1234", "txt", "crawl.warc.gz/1234.txt"),
        ("sub/pages.jsonl#17", "json", "sub/pages.jsonl/17.json"),
        ("../../etc/passwd", "txt", "__/__/etc/passwd.txt"),
        ("/abs/page.htm", "txt", "abs/page.txt"),
    ],
)
def test_folder_relpath(source: str, fmt: str, expected: str) -> None:
    assert folder_relpath(source, fmt) == PurePosixPath(expected)  # type: ignore[arg-type]


def test_folder_writer_each_format(tmp_path: Path) -> None:
    record = result_record(make_result("news/tram.html"), Config())
    for fmt in ("txt", "md", "json"):
        writer = FolderWriter(tmp_path / fmt, fmt)  # type: ignore[arg-type]
        path = writer.write(record)
        assert path == tmp_path / fmt / "news" / f"tram.{fmt}"
        content = path.read_text("utf-8")
        if fmt == "txt":
            assert content == record["text"] + "\n"
        elif fmt == "md":  # YAML front matter with the metadata, then the text
            head, body = content.split("\n---\n\n", 1)
            assert head.startswith("---\n")
            front = yaml.safe_load(head[4:])
            assert front["title"] == "Zürich council approves new tram line"
            assert front["url"] == record["metadata"]["url"]
            assert "author" not in front  # unknown fields are left out, not written as null
            assert body == record["text"] + "\n"
        else:
            assert json.loads(content) == json.loads(json.dumps(record, ensure_ascii=False, default=str))
        assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp file left


def test_folder_writer_archive_records_and_collisions(tmp_path: Path) -> None:
    writer = FolderWriter(tmp_path / "out", "txt")
    assert writer.claim("crawl.warc.gz#10") == tmp_path / "out" / "crawl.warc.gz" / "10.txt"
    assert writer.claim("a/b.html") == tmp_path / "out" / "a" / "b.txt"
    assert writer.claim("a/b.txt") == tmp_path / "out" / "a" / "b.txt.txt"  # b.txt was taken first
    assert writer.claim("a/b.html") == tmp_path / "out" / "a" / "b.txt"  # a claim is stable


def test_render_empty_text() -> None:
    record = {"id": "e", "text": "", "metadata": {"title": None}}
    assert render_file(record, "txt") == ""
    assert render_file(record, "md") == ""
    with pytest.raises(UsageError):
        render_file(record, "pdf")  # type: ignore[arg-type]


# --- errors --------------------------------------------------------------------------


def test_errors_writer_creates_its_file_only_at_the_first_error(tmp_path: Path) -> None:
    path = tmp_path / "out.errors.jsonl"
    writer = ErrorsWriter(path)
    assert writer.flush() == 0
    writer.close()
    assert not path.exists()
    writer = ErrorsWriter(path)
    writer.write("a/b.html", "parse", "ParserError", "Document is empty")
    writer.write("crawl.warc.gz", "read", "ArchiveError", "truncated gzip")
    assert writer.flush() == path.stat().st_size
    writer.close()
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert lines[0] == {"source": "a/b.html", "stage": "parse", "error": "ParserError", "message": "Document is empty"}
    assert list(lines[1]) == ["source", "stage", "error", "message"]
    assert writer.count == 2


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("out.jsonl", "out.errors.jsonl"),
        ("dir/out.jsonl.gz", "dir/out.errors.jsonl"),
        ("clean", "clean.errors.jsonl"),
        ("folder/", "folder.errors.jsonl"),
        ("-", "cleaner-errors.jsonl"),
    ],
)
def test_default_errors_path(output: str, expected: str) -> None:
    assert default_errors_path(output) == Path(expected)


def test_is_folder_output(tmp_path: Path) -> None:
    assert is_folder_output("out/")
    assert is_folder_output(tmp_path)
    assert not is_folder_output(tmp_path / "out.jsonl")
    assert not is_folder_output("-")
