"""The batch of issue 2: every format mixed with broken files; nothing is lost silently."""

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from cleaner.cli import cli

ARTICLE = (
    "<html><head><meta charset='utf-8'><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>{title}</h1><p>The rain in Spain stays mainly in the plain, according to meteorologists "
    "who studied the region for many years and published their results in a journal.</p>"
    "<p>Farmers in the central plateau welcomed the downpour after a long dry summer that damaged many of "
    "their crops and dried out the wells in their villages.</p></article></body></html>"
)


def warc_record(kind: str, uri: str, payload: bytes, content_type: str) -> bytes:
    if kind == "response":
        payload = b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type.encode() + b"\r\n\r\n" + payload
        ctype = "application/http; msgtype=response"
    else:
        ctype = content_type
    header = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Record-ID: <urn:uuid:{abs(hash((kind, uri))):032x}>\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        f"Content-Type: {ctype}\r\nContent-Length: {len(payload)}\r\n\r\n"
    ).encode()
    return header + payload + b"\r\n\r\n"


def build(root: Path) -> None:
    root.mkdir()
    (root / "good.html").write_text(ARTICLE.format(title="Good page"), encoding="utf-8")
    (root / "empty.html").write_bytes(b"")
    (root / "binary.bin").write_bytes(bytes(range(256)) * 40)
    # a gzip file cut in the middle of its stream
    full = gzip.compress(ARTICLE.format(title="Cut").encode() * 50)
    (root / "truncated.html.gz").write_bytes(full[: len(full) // 2])
    # a WARC whose second response is cut mid-record, after a good one
    good = gzip.compress(
        warc_record("response", "http://ex.com/a", ARTICLE.format(title="Warc A").encode(), "text/html")
    )
    cut = warc_record("response", "http://ex.com/b", ARTICLE.format(title="Warc B").encode(), "text/html")
    (root / "crawl.warc.gz").write_bytes(good + gzip.compress(cut)[:-60])
    (root / "latin1.txt").write_bytes(
        "Der Bürgermeister sagte, die Straße werde im März gesperrt, weil sie über dem Fluß liegt.\n".encode("latin-1")
    )
    deep = "<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>"
    (root / "deep.html").write_text(deep, encoding="utf-8")
    (root / "longline.txt").write_text(("A very long line of words that goes on. " * 250_000) + "\n", encoding="utf-8")
    lines = [
        json.dumps({"id": "j1", "url": "http://ex.com/j1", "html": ARTICLE.format(title="Json one")}),
        '{"id": "j2", "html": "<p>broken',
        json.dumps(
            {"id": "j3", "text": "A text record with a full sentence in it, long enough to be kept as content."}
        ),
    ]
    (root / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_batch_of_broken_files_finishes_and_names_every_broken_one(tmp_path):
    corpus = tmp_path / "corpus"
    build(corpus)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["clean", str(corpus), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 1, result.output  # some failed, all listed

    written = {json.loads(line)["metadata"]["source"] for line in out.read_text(encoding="utf-8").splitlines()}
    errors = [json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    failed = {e["source"].split("#")[0] for e in errors}

    # every good document is written
    assert "good.html" in written and "latin1.txt" in written and "longline.txt" in written
    assert any(s.startswith("crawl.warc.gz#") for s in written)
    assert "pages.jsonl#1" in written and "pages.jsonl#3" in written
    # every broken one is named, with a stage and a reason
    assert {"empty.html", "binary.bin", "truncated.html.gz", "crawl.warc.gz", "deep.html", "pages.jsonl"} <= failed
    assert any(e["source"] == "pages.jsonl#2" for e in errors)
    assert all(e["stage"] in {"read", "decode", "parse", "extract", "write"} and e["message"] for e in errors)
    deep = next(e for e in errors if e["source"] == "deep.html")
    assert deep["stage"] == "parse"


def test_latin1_text_is_decoded_correctly(tmp_path):
    corpus = tmp_path / "corpus"
    build(corpus)
    out = tmp_path / "out.jsonl"
    CliRunner().invoke(cli, ["clean", str(corpus / "latin1.txt"), "-o", str(out), "--jobs", "1"])
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert "Bürgermeister" in record["text"] and "Straße" in record["text"]
