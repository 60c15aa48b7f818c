"""The local executor (run_batch) against the real readers and pipeline, with failures injected by monkeypatch.

Worker processes are forked, so a monkeypatched ``cleaner.pipeline.clean_document`` is
what the workers run too.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import pipeline
from cleaner.batch import local as run
from cleaner.batch import stream
from cleaner.batch.local import clean_corpus, run_batch
from cleaner.batch.summary import Summary
from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.io import discover, read_file
from cleaner.model import Document, Result, error_result

PARAGRAPHS = [
    "The city council voted on Tuesday to build a new tram line to the airport, ending a decade of debate.",
    "Construction is expected to start next spring and to cost about 480 million francs, the mayor said.",
    "Opponents argued that the money would be better spent on buses, which can change routes as the city grows.",
    "Shop owners along the route worry about two years of roadworks in front of their doors.",
    "A referendum on the project is still possible if fifty thousand signatures are collected by June.",
    "Engineers said the line would carry twenty thousand passengers a day once it opens in 2030.",
    "Cyclists asked for a protected lane alongside the tracks, which the council promised to study.",
    "Die Straße wird im März gesperrt, sagte der Bürgermeister, weil sie über dem Fluss liegt.",
]
# Guards off: jobs=1 then cleans in this process, where a monkeypatched pipeline can count
# calls or stand for the whole process dying (the guarded default forks one worker).
IN_PROCESS = Config(timeout=0, max_memory=0)
BOILERPLATE = ["Skip to main content", "Share on Facebook", "© 2024 Example News. All rights reserved."]


def html_page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>© 2024 Example News. All rights reserved.</footer></body></html>"
    )


def text_dump(title: str, paragraphs: list[str]) -> str:
    return "\n\n".join([BOILERPLATE[0], title, *paragraphs, BOILERPLATE[1], BOILERPLATE[2]]) + "\n"


def build_corpus(root: Path, n: int = 6) -> Path:
    """HTML and text pages in two folders, a JSONL file with a broken line, an empty file, a blank page."""
    for i in range(n):
        paras = [PARAGRAPHS[(i + k) % len(PARAGRAPHS)] for k in range(3)]
        folder = root / ("news" if i % 2 else "blog")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"story{i:02d}.html").write_text(html_page(f"Story number {i}", paras), encoding="utf-8")
        (folder / f"dump{i:02d}.txt").write_text(text_dump(f"Dump number {i}", paras), encoding="utf-8")
    lines = [
        json.dumps({"id": "j1", "url": "https://example.com/j1", "html": html_page("Json one", PARAGRAPHS[:2])}),
        '{"id": "j2", "html": "<p>a line cut in the mid',
        json.dumps({"id": "j3", "text": PARAGRAPHS[3], "lang_hint": "en"}),
    ]
    (root / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "empty.html").write_bytes(b"")
    (root / "blank.txt").write_text("   \n\n", encoding="utf-8")
    return root


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return build_corpus(tmp_path / "corpus")


def read_lines(path: Path) -> list[dict[str, Any]]:
    opener: Any = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def stream_sources(paths: list[Path]) -> list[str]:
    """The sources of the documents the readers yield, in order: the order records must follow."""
    return [item.source for inp in discover(paths) for item in read_file(inp, Config()) if isinstance(item, Document)]


def assert_counts_add_up(summary: Summary) -> None:
    assert summary.read == summary.already_done + summary.written + summary.failed
    assert summary.empty <= summary.written
    assert sum(summary.failed_by_stage.values()) == summary.failed + summary.read_failures
    assert sum(summary.skipped_by_reason.values()) == summary.skipped


def failing_on(
    predicate: Callable[[Document], bool], *, raise_it: bool = False
) -> Callable[[Document, Config], Result]:
    real = pipeline.clean_document

    def clean_document(doc: Document, config: Config) -> Result:
        if predicate(doc):
            if raise_it:
                raise RuntimeError(f"bug while cleaning {doc.source}")
            return error_result(doc, "parse", ValueError(f"cannot parse {doc.source}"))
        return real(doc, config)

    return clean_document


# --- a batch -------------------------------------------------------------------------


def test_batch_writes_every_document_once_in_input_order(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    summary = run_batch([corpus], out, jobs=1, progress=False)
    lines = read_lines(out)
    sources = [r["metadata"]["source"] for r in lines]
    assert sources == stream_sources([corpus])
    assert "blog/story00.html" in sources and "pages.jsonl#3" in sources
    # the broken JSONL line and the empty file are read failures; the blank page an empty record
    errors = read_lines(tmp_path / "out.errors.jsonl")
    assert sorted(e["source"] for e in errors) == ["empty.html", "pages.jsonl#2"]
    assert {e["stage"] for e in errors} == {"read"}
    blank = next(r for r in lines if r["metadata"]["source"] == "blank.txt")
    assert blank["text"] == "" and blank["metadata"]["status"] == "empty"
    story = next(r for r in lines if r["metadata"]["source"] == "blog/story00.html")
    assert PARAGRAPHS[0] in story["text"]
    # the counts add up and match the files
    assert_counts_add_up(summary)
    assert summary.files == 15
    assert summary.written == len(lines) == 15 and summary.empty == 1 and summary.failed == 0
    assert summary.read_failures == 2 and summary.skipped_by_reason == {}
    assert summary.exit_code == 1  # the broken JSONL line and the empty file are errors
    assert summary.bytes > 0 and summary.removed.by_family  # boilerplate was removed and counted
    assert not list(tmp_path.glob("*.partial*"))  # no partial or checkpoint left


def test_output_is_byte_identical_for_one_and_two_workers(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "CHUNK_DOCS", 2)  # many chunks in flight, so order really is at stake
    monkeypatch.setattr(run, "CHECKPOINT_EVERY", 3)  # several gzip members
    outputs = {}
    for jobs in (1, 2):
        for name in ("out.jsonl", "out.jsonl.gz"):
            path = tmp_path / f"j{jobs}-{name}" / name  # a folder each: the two names share an errors file
            summary = run_batch([corpus], path, jobs=jobs, progress=False, config=Config(explain=True))
            assert summary.written == 15
            outputs[jobs, name] = path.read_bytes()
            assert (path.parent / "out.errors.jsonl").exists()
    assert outputs[1, "out.jsonl"] == outputs[2, "out.jsonl"]
    assert outputs[1, "out.jsonl.gz"] == outputs[2, "out.jsonl.gz"]
    assert gzip.decompress(outputs[2, "out.jsonl.gz"]) == outputs[2, "out.jsonl"]
    first = json.loads(outputs[1, "out.jsonl"].splitlines()[0])
    assert "removed" in first  # explain reached the workers


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pages=st.lists(
        st.tuples(st.booleans(), st.lists(st.sampled_from(PARAGRAPHS + BOILERPLATE), min_size=0, max_size=5)),
        min_size=1,
        max_size=12,
    ),
    jobs=st.integers(min_value=2, max_value=3),
    chunk=st.integers(min_value=1, max_value=4),
)
def test_same_input_same_output_for_any_jobs(pages: list[tuple[bool, list[str]]], jobs: int, chunk: int) -> None:
    saved = stream.CHUNK_DOCS
    stream.CHUNK_DOCS = chunk
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "corpus"
            root.mkdir()
            for i, (is_html, paras) in enumerate(pages):
                if is_html:
                    (root / f"p{i:02d}.html").write_text(html_page(f"Page {i}", paras), encoding="utf-8")
                else:
                    (root / f"p{i:02d}.txt").write_text(text_dump(f"Page {i}", paras), encoding="utf-8")
            one, many = Path(tmp) / "one.jsonl", Path(tmp) / "many.jsonl"
            run_batch([root], one, jobs=1, progress=False, report=False)
            run_batch([root], many, jobs=jobs, progress=False, report=False)
            assert one.read_bytes() == many.read_bytes()
            assert len(one.read_bytes().splitlines()) == len(pages)
    finally:
        stream.CHUNK_DOCS = saved


def test_failing_documents_go_to_the_errors_file_and_the_batch_goes_on(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        pipeline, "clean_document", failing_on(lambda d: d.source.endswith(("story01.html", "dump04.txt")))
    )
    monkeypatch.setattr(stream, "CHUNK_DOCS", 3)
    out = tmp_path / "out.jsonl"
    summary = run_batch([corpus], out, jobs=2, progress=False)
    sources = [r["metadata"]["source"] for r in read_lines(out)]
    assert "news/story01.html" not in sources and "blog/dump04.txt" not in sources
    assert len(sources) == 13
    errors = read_lines(tmp_path / "out.errors.jsonl")
    assert [(e["source"], e["stage"], e["error"]) for e in errors] == [
        ("blog/dump04.txt", "parse", "ValueError"),
        ("empty.html", "read", "EmptyFile"),
        ("news/story01.html", "parse", "ValueError"),
        ("pages.jsonl#2", "read", "JSONDecodeError"),
    ]
    assert summary.failed == 2 and summary.failed_by_stage["parse"] == 2
    assert summary.exit_code == 1
    assert_counts_add_up(summary)


def test_a_pipeline_that_raises_fails_only_its_document(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "clean_document", failing_on(lambda d: "dump02" in d.source, raise_it=True))
    summary = run_batch([corpus], tmp_path / "out.jsonl", jobs=1, progress=False)
    errors = read_lines(tmp_path / "out.errors.jsonl")
    assert errors[0]["source"] == "blog/dump02.txt" and errors[0]["error"] == "RuntimeError"
    assert summary.written == 14 and summary.failed == 1


def test_a_document_that_kills_its_worker_becomes_an_error(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    real = pipeline.clean_document

    def clean_document(doc: Document, config: Config) -> Result:
        if "story03" in doc.source and os.getpid() != parent:
            os._exit(9)  # what an out-of-memory kill or a segfault looks like to the pool
        return real(doc, config)

    monkeypatch.setattr(pipeline, "clean_document", clean_document)
    monkeypatch.setattr(stream, "CHUNK_DOCS", 2)
    out = tmp_path / "out.jsonl"
    summary = run_batch([corpus], out, jobs=2, progress=False)
    sources = [r["metadata"]["source"] for r in read_lines(out)]
    assert sources == [s for s in stream_sources([corpus]) if "story03" not in s]
    crash = next(e for e in read_lines(tmp_path / "out.errors.jsonl") if e["source"] == "news/story03.html")
    assert crash["error"] == "WorkerDied" and "died (exit code 9)" in crash["message"]
    assert summary.failed == 1
    assert_counts_add_up(summary)


def test_stdout_output(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfdbinary: Any) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cleaner-errors.jsonl").write_text("an earlier run's\n", encoding="utf-8")
    summary = run_batch([corpus], "-", jobs=1, progress=False)
    captured = capfdbinary.readouterr()
    sources = [json.loads(line)["metadata"]["source"] for line in captured.out.splitlines()]
    assert sources == stream_sources([corpus])
    assert summary.output == "-" and summary.errors_path == "stderr"
    # with no --errors, the failures are lines on stderr: no file in the current folder (an old one is left alone)
    prefix = b"cleaner: error: "
    errors = [json.loads(line[len(prefix) :]) for line in captured.err.splitlines() if line.startswith(prefix)]
    assert [e["source"] for e in errors] == ["empty.html", "pages.jsonl#2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cleaner-errors.jsonl", "corpus"]
    assert (tmp_path / "cleaner-errors.jsonl").read_text(encoding="utf-8") == "an earlier run's\n"
    # ... and a second run is not refused for the file an earlier version left
    assert run_batch([corpus], "-", jobs=1, progress=False).failed + summary.read_failures == 2
    # --errors still writes the file
    run_batch([corpus], "-", jobs=1, progress=False, errors_path=tmp_path / "e.jsonl")
    assert [e["source"] for e in read_lines(tmp_path / "e.jsonl")] == ["empty.html", "pages.jsonl#2"]
    with pytest.raises(UsageError, match="cannot be resumed"):
        run_batch([corpus], "-", resume=True)


def test_usage_errors(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        run_batch([tmp_path / "missing"], tmp_path / "out.jsonl")
    with pytest.raises(UsageError, match="folder output"):
        run_batch([corpus], tmp_path / "out.jsonl", fmt="md")
    with pytest.raises(UsageError):
        run_batch([corpus], f"{tmp_path}/dir/", fmt="jsonl")
    with pytest.raises(UsageError):
        run_batch([corpus], tmp_path / "out.jsonl", jobs=0)
    assert not (tmp_path / "out.jsonl.partial").exists()  # nothing touched before the checks


def test_a_clean_run_removes_a_stale_errors_file(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_text(text_dump("Title", PARAGRAPHS[:2]), encoding="utf-8")
    (tmp_path / "out.errors.jsonl").write_text('{"source": "old"}\n', encoding="utf-8")
    with pytest.raises(UsageError, match="--errors .*out.errors.jsonl exists already: add --overwrite"):
        run_batch([root], tmp_path / "out.jsonl", jobs=1, progress=False)
    assert (tmp_path / "out.errors.jsonl").exists()  # refused: nothing replaced without --overwrite
    summary = run_batch([root], tmp_path / "out.jsonl", jobs=1, progress=False, overwrite=True)
    assert summary.exit_code == 0 and summary.errors == 0
    assert not (tmp_path / "out.errors.jsonl").exists()


# --- folder output -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["txt", "md", "json"])
def test_folder_output_mirrors_the_input_tree(corpus: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    summary = run_batch([corpus], f"{out}/", fmt=None if fmt == "txt" else fmt, jobs=2, progress=False)
    assert summary.written == 15
    assert (out / "blog" / f"story00.{fmt}").exists()
    assert (out / "pages.jsonl" / f"3.{fmt}").exists()
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) == 15
    assert not [p for p in files if p.name.startswith(".")]
    text = (out / "news" / f"dump01.{fmt}").read_text("utf-8")
    assert PARAGRAPHS[1] in text
    if fmt == "json":
        assert json.loads(text)["metadata"]["source"] == "news/dump01.txt"
    assert (tmp_path / "out.errors.jsonl").exists()


def test_folder_resume_skips_documents_whose_file_exists(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    run_batch([corpus], f"{out}/", jobs=1, config=IN_PROCESS, progress=False)
    (out / "news" / "story03.txt").unlink()
    cleaned: list[str] = []
    real = pipeline.clean_document

    def counting(doc: Document, config: Config) -> Result:
        cleaned.append(doc.source)
        return real(doc, config)

    monkeypatch.setattr(pipeline, "clean_document", counting)
    summary = run_batch([corpus], f"{out}/", jobs=1, resume=True, config=IN_PROCESS, progress=False)
    assert cleaned == ["news/story03.html"]
    assert (out / "news" / "story03.txt").exists()
    assert summary.already_done == 14 and summary.written == 1
    assert_counts_add_up(summary)


# --- resume --------------------------------------------------------------------------


class Crash(BaseException):
    """Stands for the process dying: nothing in the runner catches it."""


def test_resume_after_a_crash_gives_the_uninterrupted_output(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "CHECKPOINT_EVERY", 3)
    monkeypatch.setattr(stream, "CHUNK_DOCS", 2)
    reference = tmp_path / "ref" / "out.jsonl"
    run_batch([corpus], reference, jobs=1, config=IN_PROCESS, progress=False)

    out = tmp_path / "out.jsonl"
    real = pipeline.clean_document
    cleaned: list[str] = []

    def crashing(doc: Document, config: Config) -> Result:
        if len(cleaned) == 9:
            raise Crash
        cleaned.append(doc.source)
        return real(doc, config)

    monkeypatch.setattr(pipeline, "clean_document", crashing)
    with pytest.raises(Crash):
        run_batch([corpus], out, jobs=1, config=IN_PROCESS, progress=False)
    partial = tmp_path / "out.jsonl.partial"
    assert not out.exists() and partial.exists()
    checkpoint = json.loads((tmp_path / "out.jsonl.partial.ckpt").read_text())
    assert 0 < checkpoint["output_bytes"] <= partial.stat().st_size
    with open(partial, "ab") as handle:
        handle.write(b'{"id": "a record cut by the crash", "te')

    cleaned.clear()

    def counting(doc: Document, config: Config) -> Result:
        cleaned.append(doc.source)
        return real(doc, config)

    monkeypatch.setattr(pipeline, "clean_document", counting)
    summary = run_batch([corpus], out, jobs=1, resume=True, config=IN_PROCESS, progress=False)
    assert out.read_bytes() == reference.read_bytes()
    assert (tmp_path / "out.errors.jsonl").read_bytes() == (tmp_path / "ref" / "out.errors.jsonl").read_bytes()
    sources = [r["metadata"]["source"] for r in read_lines(out)]
    assert len(sources) == len(set(sources))
    # the documents behind the checkpoint were not cleaned again
    assert summary.already_done > 0 and len(cleaned) == summary.written == 15 - summary.already_done
    # the empty file failed before the crash point, the broken JSONL line after it
    assert summary.earlier_errors == 1 and summary.exit_code == 1
    assert_counts_add_up(summary)
    assert not list(tmp_path.glob("out.jsonl.partial*"))

    # resuming a finished run has nothing to do, and its exit code still says the run had two failures
    again = run_batch([corpus], out, jobs=1, resume=True, config=IN_PROCESS, progress=False)
    assert again.nothing_to_do and "nothing to resume" in again.format()
    assert again.earlier_errors == 2 and again.exit_code == 1 and "2 errors are in" in again.format()


def test_resume_loses_no_record_of_a_broken_warc_or_one_gzipped_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warc_builder: Callable[[], Any]
) -> None:
    """Resume skips the sources already written: a WARC whose items shared a source lost them.

    ``a.warc.gz`` (a gzip member per record) breaks after its second record, whose
    Content-Length is short; ``b.warc.gz`` is six records gzipped as one stream, to which
    FastWARC gives repeated offsets (all but its first record are at ``#800``, before the
    ``.N`` suffixes). The run dies at the third document of ``b``, with two of ``b`` written.
    """
    monkeypatch.setattr(run, "CHECKPOINT_EVERY", 1)
    monkeypatch.setattr(stream, "CHUNK_DOCS", 1)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    broken = warc_builder()
    for i in range(2):
        broken.add_response(f"https://a.example/{i}", html_page(f"A{i}", PARAGRAPHS[i : i + 3]).encode())
    first, second = broken.records
    block = len(second.split(b"\r\n\r\n", 1)[1]) - 4  # without the blank line ending the record
    short = second.replace(f"Content-Length: {block}\r\n".encode(), f"Content-Length: {block - 5}\r\n".encode())
    assert short != second
    (corpus / "a.warc.gz").write_bytes(gzip.compress(first, mtime=0) + gzip.compress(short, mtime=0))
    whole = warc_builder()
    for i in range(6):
        whole.add_response(f"https://b.example/{i}", html_page(f"B{i}", PARAGRAPHS[i % 3 : i % 3 + 3]).encode())
    (corpus / "b.warc.gz").write_bytes(gzip.compress(whole.build(gz=False), mtime=0))

    reference = tmp_path / "ref" / "out.jsonl"
    run_batch([corpus], reference, jobs=1, config=IN_PROCESS, progress=False)
    expected = read_lines(reference)
    assert [r["metadata"]["url"] for r in expected] == [f"https://a.example/{i}" for i in range(2)] + [
        f"https://b.example/{i}" for i in range(6)
    ]
    (error,) = read_lines(tmp_path / "ref" / "out.errors.jsonl")
    assert error["source"].startswith("a.warc.gz#") and "after the record" in error["message"]

    out = tmp_path / "out.jsonl"
    real = pipeline.clean_document

    def crashing(doc: Document, config: Config) -> Result:
        if doc.url == "https://b.example/2":
            raise Crash
        return real(doc, config)

    monkeypatch.setattr(pipeline, "clean_document", crashing)
    with pytest.raises(Crash):
        run_batch([corpus], out, jobs=1, config=IN_PROCESS, progress=False)
    monkeypatch.setattr(pipeline, "clean_document", real)
    summary = run_batch([corpus], out, jobs=1, resume=True, config=IN_PROCESS, progress=False)
    assert summary.already_done == 4
    assert read_lines(out) == expected
    assert (tmp_path / "out.errors.jsonl").read_bytes() == (tmp_path / "ref" / "out.errors.jsonl").read_bytes()
    assert_counts_add_up(summary)


def test_resume_of_gz_output_after_a_crash(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "CHECKPOINT_EVERY", 4)
    monkeypatch.setattr(stream, "CHUNK_DOCS", 2)
    reference = tmp_path / "ref.jsonl.gz"
    run_batch([corpus], reference, jobs=2, progress=False)
    out = tmp_path / "out.jsonl.gz"
    real = pipeline.clean_document
    count = [0]

    def crashing(doc: Document, config: Config) -> Result:
        count[0] += 1
        if count[0] > 10:
            raise Crash
        return real(doc, config)

    monkeypatch.setattr(pipeline, "clean_document", crashing)
    with pytest.raises(Crash):
        run_batch([corpus], out, jobs=1, config=IN_PROCESS, progress=False)
    monkeypatch.setattr(pipeline, "clean_document", real)
    summary = run_batch([corpus], out, jobs=2, resume=True, progress=False)
    assert summary.already_done >= 4
    assert read_lines(out) == read_lines(reference)


def test_ctrl_c_saves_a_checkpoint_and_resume_finishes(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "CHECKPOINT_EVERY", 1000)  # only the interrupt itself checkpoints
    reference = tmp_path / "ref.jsonl"
    run_batch([corpus], reference, jobs=1, config=IN_PROCESS, progress=False)
    out = tmp_path / "out.jsonl"
    real = pipeline.clean_document
    count = [0]

    def interrupting(doc: Document, config: Config) -> Result:
        count[0] += 1
        if count[0] == 12:
            os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C
        return real(doc, config)

    monkeypatch.setattr(pipeline, "clean_document", interrupting)
    before = signal.getsignal(signal.SIGINT)  # default_int_handler, or SIG_IGN in a background job
    summary = run_batch([corpus], out, jobs=1, config=IN_PROCESS, progress=False)
    assert summary.interrupted and summary.exit_code == 130
    assert "--resume" in summary.format()
    assert 8 <= summary.written < 15  # chunks handled before the interrupt were saved
    assert_counts_add_up(summary)
    assert signal.getsignal(signal.SIGINT) is before  # the handler is restored

    monkeypatch.setattr(pipeline, "clean_document", real)
    resumed = run_batch([corpus], out, jobs=1, resume=True, config=IN_PROCESS, progress=False)
    assert resumed.already_done == summary.written
    assert out.read_bytes() == reference.read_bytes()


def test_resume_refuses_other_settings_and_fresh_runs_discard_a_partial(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "CHECKPOINT_EVERY", 2)
    out = tmp_path / "out.jsonl"
    count = [0]
    real = pipeline.clean_document

    def crashing(doc: Document, config: Config) -> Result:
        count[0] += 1
        if count[0] > 6:
            raise Crash
        return real(doc, config)

    monkeypatch.setattr(pipeline, "clean_document", crashing)
    with pytest.raises(Crash):
        run_batch([corpus], out, jobs=1, config=IN_PROCESS, progress=False)
    monkeypatch.setattr(pipeline, "clean_document", real)
    with pytest.raises(UsageError, match="other settings"):
        run_batch([corpus], out, jobs=1, resume=True, config=Config(explain=True), progress=False)
    with pytest.raises(
        UsageError, match="out.jsonl.partial is what an unfinished run wrote: add --resume to finish it, or --overwrite"
    ):
        run_batch([corpus], out, jobs=1, config=IN_PROCESS, progress=False)
    summary = run_batch([corpus], out, jobs=1, config=IN_PROCESS, progress=False, overwrite=True)  # start again
    assert summary.already_done == 0 and summary.written == 15
    assert len(read_lines(out)) == 15


def test_resume_after_sigkill_of_a_real_process(corpus: Path, tmp_path: Path) -> None:
    """Kill -9 the runner (and its workers) mid-batch, resume, compare with an uninterrupted run."""
    for i in range(30):  # more documents, so the kill lands mid-run
        (corpus / "more").mkdir(exist_ok=True)
        (corpus / "more" / f"extra{i:02d}.txt").write_text(text_dump(f"Extra {i}", PARAGRAPHS[i % 5 :]), "utf-8")
    reference = tmp_path / "ref.jsonl"
    run_batch([corpus], reference, jobs=2, progress=False)

    out = tmp_path / "out.jsonl"
    script = textwrap.dedent(
        f"""
        import time
        from cleaner import pipeline
        from cleaner.batch import local as run, stream
        real = pipeline.clean_document
        def slow(doc, config):
            time.sleep(0.05)
            return real(doc, config)
        pipeline.clean_document = slow
        run.CHECKPOINT_EVERY = 3
        stream.CHUNK_DOCS = 2
        run.run_batch([{str(corpus)!r}], {str(out)!r}, jobs=2, progress=False)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], start_new_session=True, stderr=subprocess.DEVNULL)
    checkpoint = tmp_path / "out.jsonl.partial.ckpt"
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            if checkpoint.exists() and json.loads(checkpoint.read_text() or "{}").get("output_bytes", 0) > 0:
                break
            assert process.poll() is None, "the run finished before it could be killed"
            time.sleep(0.02)
        time.sleep(0.1)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert not out.exists()

    summary = run_batch([corpus], out, jobs=2, resume=True, progress=False)
    assert summary.already_done > 0
    assert out.read_bytes() == reference.read_bytes()
    sources = [r["metadata"]["source"] for r in read_lines(out)]
    assert len(sources) == len(set(sources))


# --- the Python API ------------------------------------------------------------------


def test_clean_corpus_yields_results_in_input_order(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "CHUNK_DOCS", 2)
    one = list(clean_corpus([corpus], jobs=1))
    two = list(clean_corpus([corpus], jobs=2))
    documents = [r for r in one if r.error is None or r.error.stage != "read"]
    assert [r.document.source for r in documents] == stream_sources([corpus])
    assert [(r.document.source, r.text, r.status) for r in one] == [(r.document.source, r.text, r.status) for r in two]
    failures = [r for r in one if r.status == "error"]
    assert [r.document.source for r in failures] == ["empty.html", "pages.jsonl#2"]
    assert all(r.error is not None and r.error.stage == "read" for r in failures)
    with pytest.raises(UsageError):
        clean_corpus(["/no/such/folder"])


def test_clean_corpus_can_be_left_early(corpus: Path) -> None:
    results = clean_corpus([corpus], jobs=2)
    first = next(results)
    assert first.document.source == stream_sources([corpus])[0]
    results.close()  # type: ignore[attr-defined]  # stops the workers


def test_summary_format() -> None:
    summary = Summary(output="out.jsonl", errors_path="out.errors.jsonl", files=3, read=10, written=9, empty=1)
    summary.failed = 1
    summary.failed_by_stage["parse"] = 1
    summary.bytes, summary.seconds = 2_000_000, 2.0
    summary.note_error("a.html", "parse", "ValueError", "bad markup")
    text = summary.format()
    assert "3 files: 9 written (1 empty), 1 failed, 0 skipped" in text
    assert (
        "1.00 MB/s" in text
        and "1 failed, listed in out.errors.jsonl:\n    a.html (parse/ValueError): bad markup" in text
    )
    assert summary.exit_code == 1


def test_summary_counts_failures_once_and_names_the_first_with_their_reasons(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.html").write_bytes(b"")  # unreadable: no document comes out of it
    (corpus / "bin.html").write_bytes(b"\x00\x01" * 100)  # a document that fails at decode
    (corpus / "ok.html").write_text(html_page("A title", PARAGRAPHS), encoding="utf-8")
    summary = run_batch([corpus], tmp_path / "out.jsonl", jobs=1, progress=False, report=False)
    text = summary.format()
    first, accounting_line = text.splitlines()[:2]
    # one count of failures, in the summary's first line and in the accounting line alike
    assert "1 written (0 empty), 2 failed (1 unreadable)" in first
    assert accounting_line.endswith("= 1 written + 0 skipped + 2 failed")
    assert "bin.html (decode/InputError): binary content" in text
    assert "empty.html (read/EmptyFile): the file is empty" in text


def test_inputs_with_nothing_to_clean_say_what_was_looked_for_and_fail(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    summary = run_batch([tmp_path / "empty"], tmp_path / "out.jsonl", progress=False, report=False)
    assert summary.exit_code == 1 and summary.found_nothing
    assert "nothing to clean: no document was found" in summary.format() and "JSONL records" in summary.format()
    (tmp_path / "rp.jsonl").write_text('{"id": 1, "raw_content": "Some text of a page."}\n', encoding="utf-8")
    summary = run_batch([tmp_path / "rp.jsonl"], tmp_path / "out2.jsonl", progress=False, report=False)
    assert summary.exit_code == 1 and summary.skipped == 1
    text = summary.format()
    assert "rp.jsonl#1: no 'html' or 'text' field (it has 'id', 'raw_content')" in text
    assert "--text-field raw_content" in text
    summary = run_batch(
        [tmp_path / "rp.jsonl"],
        tmp_path / "out3.jsonl",
        progress=False,
        report=False,
        config=Config(text_field="raw_content"),
    )
    assert summary.exit_code == 0 and summary.written == 1 and not summary.found_nothing
