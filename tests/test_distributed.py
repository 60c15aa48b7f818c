"""The Ray executor (cleaner.batch.ray) against the local one.

The row helpers (cleaner.io.document_from_row, cleaner.batch.outcome.clean_item) and the
Ray executor's row protocol (read rows -> result rows -> the shared sink) are tested
without Ray, against the local output. The engine tests start one local Ray instance with
2 CPUs for the module (they are skipped when Ray is not installed: `web-cleaner[ray]`) and are
marked slow: `make test-slow` runs them.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import pipeline
from cleaner.batch import ray as ray_engine
from cleaner.batch import ray_datasets
from cleaner.batch.local import run_batch
from cleaner.batch.outcome import RESULT_COLUMNS, clean_item
from cleaner.batch.sink import Sink
from cleaner.batch.site_stats import collect, prepare
from cleaner.batch.stream import entries, input_files
from cleaner.batch.summary import Summary
from cleaner.batch.target import Target
from cleaner.config import Config
from cleaner.corpus.revise import REASON
from cleaner.io import InputFile, ReadFailure, Skipped, document_from_row, read_file
from cleaner.model import Document

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FOOTER = "Subscribe to our weekly newsletter to get the best stories delivered to your inbox every Friday."
ARTICLES = [
    "The council approved the new library after a long debate about its cost and its place in the old town.",
    "Farmers in the valley say the dry spring has cut their first harvest of hay by nearly half this year.",
    "A small team of volunteers restored the chapel roof using slate from a quarry that closed in 1950.",
    "The regional orchestra will tour five villages this summer, playing in barns and on market squares.",
]


def page(title: str, body: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1><p>{body}</p><p>{body.replace('the', 'a')}</p><p>{FOOTER}</p></article>"
        "<footer>Example Times</footer></body></html>"
    )


# --------------------------------------------------------------------------- rows, without Ray


def jsonl_document(line: dict[str, Any], config: Config) -> Document:
    """What the JSONL reader makes of the same fields (the behaviour document_from_row mirrors)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one.jsonl"
        path.write_text(json.dumps(line) + "\n", encoding="utf-8")
        items = list(read_file(InputFile(path, "one.jsonl", ""), config))
    assert isinstance(items[0], Document)
    return items[0]


def test_row_with_html_becomes_the_document_the_jsonl_reader_makes() -> None:
    config = Config()
    row = {"id": "a1", "url": "https://www.example.org/x", "html": "<p>Grüße</p>", "lang": "de", "source": "s#1"}
    doc = document_from_row(row, config)
    expected = jsonl_document({k: v for k, v in row.items() if k != "source"}, config)
    assert isinstance(doc, Document)
    assert doc.source == "s#1"
    assert (doc.id, doc.url, doc.site, doc.input_type, doc.content, doc.charset_hint) == (
        expected.id,
        expected.url,
        expected.site,
        expected.input_type,
        expected.content,
        expected.charset_hint,
    )
    assert dict(doc.metadata) == dict(expected.metadata) == {"lang": "de"}


def test_row_variants() -> None:
    config = Config()
    raw = "<meta charset='latin-1'><p>caf\xe9</p>".encode("latin-1")
    doc = document_from_row({"html": raw, "title": None, "n": 3}, config)
    assert isinstance(doc, Document)
    assert doc.content == raw and doc.charset_hint is None  # bytes go through the charset rules
    assert dict(doc.metadata) == {"n": 3}  # a null column is no field
    assert doc.source.startswith("dataset#") and doc.site is None
    text = document_from_row({"id": 7, "text": "line one\nline two"}, config)
    assert isinstance(text, Document)
    assert (text.input_type, text.id, text.source) == ("text", "7", "dataset#7")
    assert isinstance(document_from_row({"id": "x"}, config), Skipped)
    assert isinstance(document_from_row({"html": 12}, config), ReadFailure)
    assert isinstance(document_from_row({"text": b"bytes"}, config), ReadFailure)
    custom = document_from_row({"body": "<p>x</p>"}, config.replace(html_field="body"))
    assert isinstance(custom, Document) and custom.input_type == "html"


def test_clean_item_rows_for_skips_failures_and_crashes(monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config()
    skipped = clean_item(Skipped("a.warc#0", "warc.request"), config)
    assert (skipped["status"], skipped["skip_reason"], skipped["record"]) == ("skipped", "warc.request", None)
    failed = clean_item(ReadFailure("b.warc#9", "read", "EOFError", "cut"), config)
    assert (failed["status"], failed["error_stage"], failed["error_type"], failed["id"]) == (
        "error",
        "read",
        "EOFError",
        None,
    )

    def boom(doc: Document, config: Config) -> Any:
        raise RuntimeError("bug")

    monkeypatch.setattr(pipeline, "clean_document", boom)
    doc = Document(id="d", source="c.html", input_type="html", content=b"<p>x</p>")
    crashed = clean_item(doc, config)
    assert (crashed["status"], crashed["error_stage"], crashed["id"], crashed["record"]) == (
        "error",
        "extract",
        "d",
        None,
    )


row_values = st.one_of(st.none(), st.text(max_size=40), st.binary(max_size=40), st.integers(), st.booleans())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["html", "text", "id", "url", "source", "extra"]), row_values, max_size=6))
def test_any_row_gives_one_well_formed_result_row(row: dict[str, Any]) -> None:
    config = Config(corpus_pass=False)
    out = clean_item(document_from_row(row, config), config)
    assert set(out) == set(RESULT_COLUMNS)
    assert out["status"] in ("ok", "empty", "error", "skipped")
    if out["status"] in ("ok", "empty"):
        record = json.loads(out["record"])
        assert record["text"] == out["text"] and record["id"] == out["id"]
        assert record["metadata"]["status"] == out["status"]
    else:
        assert out["record"] is None


# --------------------------------------------------------------------------- the engine's rows, without Ray


def broken_corpus(root: Path) -> Path:
    """The samples plus inputs that fail: a corrupt archive, an empty page, a JSONL with bad lines."""
    corpus = root / "corpus"
    shutil.copytree(SAMPLES, corpus)
    (corpus / "broken.warc.gz").write_bytes(gzip.compress(b"WARC/1.0\r\nWARC-Type: resp")[:-9])
    (corpus / "empty.html").write_bytes(b"")
    (corpus / "bad.jsonl").write_text('{"html": "<p>fine</p>"}\nnot json\n{"html": 3}\n{"other": 1}\n')
    return corpus


def test_the_ray_executors_rows_give_the_local_output_without_ray(tmp_path: Path) -> None:
    """Every entry through the Ray executor's row protocol into the shared sink: the local output, byte for byte."""
    corpus = broken_corpus(tmp_path)
    local = run_batch([corpus], tmp_path / "local.jsonl", config=Config(explain=True), jobs=1, report=False)
    files = input_files([corpus])
    config = prepare([corpus], files, Config(explain=True), 1)  # pass 1, as the executors run it
    target = Target.resolve(tmp_path / "rows.jsonl", None, None)
    summary = Summary(files=len(files))
    writer, errors = target.open_writer(), target.open_errors()
    sink = Sink(writer, errors, summary)
    for entry in entries(files, config):
        ray_engine.take_row(sink, ray_engine.result_row(ray_engine.row_entry(ray_engine.entry_row(entry)), config))
    target.finish(writer, errors)
    assert local.written >= 20 and local.read_failures >= 2 and local.skipped >= 10  # the input is what we think
    assert (tmp_path / "rows.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert (tmp_path / "rows.errors.jsonl").read_bytes() == (tmp_path / "local.errors.jsonl").read_bytes()
    for name in ("read", "written", "empty", "failed", "read_failures", "skipped", "bytes"):
        assert getattr(summary, name) == getattr(local, name), name
    assert [f.to_dict() for f in summary.per_file] == [f.to_dict() for f in local.per_file]


# --------------------------------------------------------------------------- the engine, on a local Ray


@pytest.fixture(scope="module")
def local_ray() -> Any:
    """A local Ray instance for the module; the engine tests skip (saying why) when the ray extra is absent.

    Skipped here rather than at module level, so the row tests above run without Ray.
    """
    ray = pytest.importorskip("ray", reason="the ray extra is not installed: `make test-slow` installs it")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_engine_writes_the_local_runners_output_byte_for_byte(tmp_path: Path, local_ray: Any) -> None:
    corpus = broken_corpus(tmp_path)
    config = Config(explain=True)
    local = run_batch([corpus], tmp_path / "local.jsonl", config=config, jobs=1, report=False)
    on_ray = ray_engine.run_ray([corpus], tmp_path / "ray.jsonl", config=config, report=False)
    local_bytes = (tmp_path / "local.jsonl").read_bytes()
    assert local.written >= 20 and local.read_failures >= 2 and local.skipped >= 10  # the input is what we think
    assert (tmp_path / "ray.jsonl").read_bytes() == local_bytes
    assert (tmp_path / "ray.errors.jsonl").read_bytes() == (tmp_path / "local.errors.jsonl").read_bytes()
    for name in ("read", "written", "empty", "failed", "read_failures", "skipped", "bytes"):
        assert getattr(on_ray, name) == getattr(local, name), name
    assert on_ray.skipped_by_reason == local.skipped_by_reason
    assert on_ray.removed.by_reason == local.removed.by_reason
    assert on_ray.exit_code == local.exit_code == 1
    assert not (tmp_path / "ray.jsonl.partial").exists()


@pytest.mark.slow
def test_engine_gives_the_local_summary_and_per_file_stats(tmp_path: Path, local_ray: Any) -> None:
    corpus = broken_corpus(tmp_path)
    stats = {}
    for engine, run in (
        ("local", lambda out: run_batch([corpus], out, jobs=1, report=False, stats_path=tmp_path / "local.stats")),
        ("ray", lambda out: ray_engine.run_ray([corpus], out, report=False, stats_path=tmp_path / "ray.stats")),
    ):
        summary = run(tmp_path / f"{engine}.jsonl.gz")
        stats[engine] = json.loads((tmp_path / f"{engine}.stats").read_text(encoding="utf-8"))
        stats[engine].pop("seconds")
        stats[engine].pop("output")
        stats[engine].pop("errors")
        summary.seconds = 0.0
        stats[engine]["summary"] = summary.format().replace(str(tmp_path / engine), "OUT")
    assert stats["ray"] == stats["local"]
    files = stats["local"]["files"]
    assert {f["file"] for f in files} >= {"broken.warc.gz", "empty.html", "bad.jsonl", "pages.jsonl"}
    assert stats["local"]["totals"]["failed"] >= 3 and stats["local"]["totals"]["skipped"] >= 10
    # the .gz output is gzip on both executors, with the same records
    local_lines = gzip.decompress((tmp_path / "local.jsonl.gz").read_bytes())
    assert gzip.decompress((tmp_path / "ray.jsonl.gz").read_bytes()) == local_lines


@pytest.mark.slow
def test_site_statistics_by_ray_map_reduce_equal_the_local_pass(tmp_path: Path, local_ray: Any) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for i, body in enumerate(ARTICLES * 2):  # 8 pages, each article twice (near-copies)
        # local files count for the corpus pass through the site their canonical link names
        canonical = f"<head><link rel='canonical' href='https://times.example/p{i}'>"
        (site / f"p{i}.html").write_text(page(f"Story {i % 4}", body).replace("<head>", canonical), encoding="utf-8")
    files = input_files([site])
    config = Config(explain=True)
    items = ray_engine.read_dataset(files, config)
    on_ray = ray_datasets.site_stats(items, config, ray_engine.batch_documents)
    assert on_ray == collect(files, config)
    assert on_ray.total_docs == 8
    # pass 2 on Ray uses the shipped summary: the footer on every page is dropped, as locally
    run_batch([site], tmp_path / "local.jsonl", config=config, jobs=1, report=False)
    ray_engine.run_ray([site], tmp_path / "ray.jsonl", config=config, report=False)
    local_text = (tmp_path / "local.jsonl").read_text(encoding="utf-8")
    records = [json.loads(line) for line in local_text.splitlines()]
    assert len(records) == 8 and all(FOOTER not in r["text"] for r in records)
    assert all(REASON in {x["reason"] for x in r["removed"]} for r in records)
    assert (tmp_path / "ray.jsonl").read_text(encoding="utf-8") == local_text


@pytest.mark.slow
def test_clean_dataset_gives_the_records_of_the_same_jsonl_file(tmp_path: Path, local_ray: Any) -> None:
    source = SAMPLES / "pages.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines()
    rows = [{**json.loads(line), "source": f"pages.jsonl#{n}"} for n, line in enumerate(lines, 1)]
    ds = local_ray.data.from_items(rows, override_num_blocks=2)
    results = ray_datasets.clean_dataset(ds, Config()).take_all()
    run_batch([source], tmp_path / "local.jsonl", config=Config(), jobs=1, report=False)
    expected = (tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines()
    assert [r["source"] for r in results] == [r["source"] for r in rows]  # input order
    assert [r["record"] for r in results] == expected
    assert all(r["status"] == "ok" for r in results)


@pytest.mark.slow
def test_cli_engine_ray(tmp_path: Path, local_ray: Any) -> None:
    from cleaner.cli import cli

    archive = str(SAMPLES / "archive" / "pages.warc.gz")
    out = tmp_path / "ray.jsonl"
    result = CliRunner().invoke(cli, ["clean", archive, "-o", str(out), "--engine", "ray", "--no-progress"])
    assert result.exit_code == 0, result.output
    run_batch([archive], tmp_path / "local.jsonl", config=Config(), jobs=1, report=False)
    assert out.read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    refused = CliRunner().invoke(cli, ["clean", archive, "-o", str(out), "--engine", "ray", "--resume"])
    assert refused.exit_code == 2
