"""Per-file accounting: a corpus with every kind of failure, and the counts add up.

Every expected count below is worked out by hand from how the corpus is built, not read
back from a run.
"""

from __future__ import annotations

import ctypes
import faulthandler
import gzip
import json
import os
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cleaner import pipeline
from cleaner.batch import accounting
from cleaner.batch.accounting import FileCounts
from cleaner.cli import cli

ARTICLE = (
    "<html><head><meta charset='utf-8'><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>{title}</h1><p>The rain in Spain stays mainly in the plain, according to meteorologists "
    "who studied the region for many years and published their results in a journal.</p>"
    "<p>Farmers in the central plateau welcomed the downpour after a long dry summer that damaged many of "
    "their crops and dried out the wells in their villages.</p></article></body></html>"
)


def build(root: Path, warc_builder: Callable[[], Any]) -> None:
    root.mkdir()
    (root / "a_good.html").write_text(ARTICLE.format(title="Good page"), encoding="utf-8")
    (root / "b_binary.bin").write_bytes(bytes(range(256)) * 40)
    full = gzip.compress(ARTICLE.format(title="Cut").encode() * 50)
    (root / "c_truncated.html.gz").write_bytes(full[: len(full) // 2])
    (root / "d_empty.html").write_bytes(b"")
    # invalid UTF-8 under a UTF-8 declaration: decoded with replacement characters, still written
    (root / "e_undecodable.html").write_bytes(
        ARTICLE.format(title="Bytes").encode().replace(b"Farmers", b"Farm\xff\xfe\x80ers")
    )
    (root / "f_undecodable.txt").write_bytes(
        b"A line of text with broken bytes \xc3\x28 \xa0\xa1 in the middle of a long enough sentence.\n"
    )
    (root / "g_slow.html").write_text(ARTICLE.format(title="Slow page"), encoding="utf-8")
    (root / "h_crash.html").write_text(ARTICLE.format(title="Crash page"), encoding="utf-8")
    (root / "i_hungry.html").write_text(ARTICLE.format(title="Hungry page"), encoding="utf-8")
    (root / "j_nothing.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", "utf-8")
    lines = [
        json.dumps({"id": "j1", "html": ARTICLE.format(title="Json one")}),
        '{"id": "j2", "html": "<p>a line cut in the mid',
        json.dumps({"id": "j3", "title": "no content field"}),
        json.dumps({"id": "j4", "text": "A text record with a full sentence in it, long enough to be kept."}),
        "[1, 2, 3]",
    ]
    (root / "k_pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    warc = warc_builder()
    warc.add_warcinfo()
    warc.add_request("http://ex.com/a")
    warc.add_response("http://ex.com/a", ARTICLE.format(title="Warc A").encode())
    warc.add_metadata("http://ex.com/a")
    warc.add_response("http://ex.com/logo.png", b"\x89PNG....", content_type="image/png")
    warc.add_response("http://ex.com/gone", b"<html>gone</html>", status="404 Not Found")
    warc.add_request("http://ex.com/b")
    warc.add_response("http://ex.com/b", ARTICLE.format(title="Warc B").encode())
    data = warc.build(gz=True)
    (root / "l_crawl.warc.gz").write_bytes(data[: warc.offsets[-1]] + gzip.compress(warc.records[-1])[:-60])


# What each file must give: read, written, empty, skipped by reason, failed by stage/type.
EXPECTED: dict[str, tuple[int, int, int, dict[str, int], dict[str, int]]] = {
    "a_good.html": (1, 1, 0, {}, {}),
    "b_binary.bin": (1, 0, 0, {}, {"read/BinaryFile": 1}),
    "c_truncated.html.gz": (1, 0, 0, {}, {"read/EOFError": 1}),
    "d_empty.html": (1, 0, 0, {}, {"read/EmptyFile": 1}),
    "e_undecodable.html": (1, 1, 0, {}, {}),
    "f_undecodable.txt": (1, 1, 0, {}, {}),
    "g_slow.html": (1, 0, 0, {}, {"parse/Timeout": 1}),
    "h_crash.html": (1, 0, 0, {}, {"extract/WorkerDied": 1}),
    "i_hungry.html": (1, 0, 0, {}, {"parse/MemoryError": 1}),
    "j_nothing.html": (1, 1, 1, {}, {}),
    "k_pages.jsonl": (5, 2, 0, {"jsonl.no_content": 1}, {"read/JSONDecodeError": 1, "read/TypeError": 1}),
    # warcinfo, request, response A, metadata, png, 404, request, response B (cut)
    "l_crawl.warc.gz": (
        8,
        1,
        0,
        {"warc.warcinfo": 1, "warc.request": 2, "warc.metadata": 1, "warc.non_html": 1, "warc.http_status": 1},
        {"read/EOFError": 1},
    ),
}


@pytest.fixture
def misbehaving_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages titled Slow take a minute to parse, Hungry ones want 4 GB, Crash ones segfault."""
    parse, decide = pipeline.parse, pipeline.decide
    parent = os.getpid()

    def slow_parse(document: Any, markup: str, *args: Any) -> Any:
        if "<title>Slow" in markup:
            time.sleep(60)
        if "<title>Hungry" in markup:
            bytearray(4 * 1024**3)
        return parse(document, markup, *args)

    def crashing_decide(page: Any, config: Any) -> Any:
        if "<title>Crash" in page.markup and os.getpid() != parent:
            faulthandler.disable()
            ctypes.string_at(0)
        return decide(page, config)

    monkeypatch.setattr(pipeline, "parse", slow_parse)
    monkeypatch.setattr(pipeline, "decide", crashing_decide)


@pytest.mark.usefixtures("misbehaving_pipeline")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_every_record_of_every_file_is_accounted_for(tmp_path: Path, warc_builder: Any, jobs: str) -> None:
    corpus = tmp_path / "corpus"
    build(corpus, warc_builder)
    out, stats_file = tmp_path / "out.jsonl", tmp_path / "stats.json"
    args = ["clean", str(corpus), "-o", str(out), "-j", jobs, "--timeout", "1", "--max-memory", "300"]
    result = CliRunner().invoke(cli, [*args, "--no-corpus-pass", "--stats", str(stats_file)])
    assert result.exit_code == 1, result.output
    stats = json.loads(stats_file.read_text(encoding="utf-8"))

    files = {f["file"]: f for f in stats["files"]}
    assert list(files) == sorted(EXPECTED)  # every file, in input order
    for name, (read, written, empty, skipped, failed) in EXPECTED.items():
        got = files[name]
        assert (got["read"], got["written"], got["empty"]) == (read, written, empty), name
        assert got["skipped_by_reason"] == skipped, name
        assert got["failed_by_type"] == failed, name
        assert got["read"] == got["written"] + got["skipped"] + got["failed"] + got["already_done"], name

    totals = stats["totals"]
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    errors = [json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert totals["written"] == len(records) == 7
    assert totals["failed"] == len(errors) == 9
    assert totals["empty"] == sum(r["metadata"]["status"] == "empty" for r in records) == 1
    assert totals["read"] == sum(e[0] for e in EXPECTED.values()) == 23
    assert totals["read"] == totals["written"] + totals["skipped"] + totals["failed"]
    # the errors file names the same failures, by stage and type
    assert Counter(f"{e['stage']}/{e['error']}" for e in errors) == sum(
        (Counter(e[4]) for e in EXPECTED.values()), Counter()
    )
    # the summary on stderr shows the identity and the files with problems
    assert "accounting: 23 records read = 7 written + 7 skipped + 9 failed" in result.output
    assert "g_slow.html: 1 read, 0 written, 1 failed (parse/Timeout 1)" in result.output


def test_file_counts_balance_and_totals() -> None:
    a = FileCounts("a", read=5, written=2, empty=1, skipped=Counter({"warc.request": 2}), failed=Counter({"read/X": 1}))
    b = FileCounts("b", read=3, written=1, already_done=1)
    assert a.balance() == 0 and b.balance() == 1
    assert accounting.check([a, b]) == ["b: read - accounted = 1"]
    total = accounting.totals([a, b])
    assert (total.read, total.written, total.empty, total.already_done) == (8, 3, 1, 1)
    document = accounting.stats_document([a, b], output="o")
    assert document["totals"]["files"] == 2 and document["files"][0]["skipped"] == 2
    assert document["identity"] == accounting.IDENTITY


def test_summary_lists_only_files_with_problems_when_there_are_many() -> None:
    files = [FileCounts(f"f{i}", read=1, written=1) for i in range(30)]
    files[7].failed["read/EOFError"] += 1
    lines = accounting.summary_lines(files)
    assert lines[0].strip().startswith("f7: 1 read") and "29 more files" in lines[-1]
    assert len(accounting.summary_lines(files[:5])) == 5
