"""The guards per document: time, memory and worker death, in worker processes, in input order.

Documents here carry a command in their content (``sleep``, ``stuck``, ``segv``...) that
a test task or a monkeypatched pipeline stage obeys; workers are forked, so the patched
functions are what the workers run.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from cleaner import pipeline
from cleaner.batch.guards import Timeout, guarded, set_memory_limit, time_limit
from cleaner.batch.local import clean_corpus, run_batch
from cleaner.batch.pool import HARD_KILL_GRACE, SupervisedPool
from cleaner.config import Config
from cleaner.model import Document, ErrorInfo, Result, error_result

ARTICLE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>The council voted on Tuesday to build a new tram line to the airport, ending a decade of debate "
    "among residents, shop owners and the engineers who planned it.</p>"
    "<p>Construction is expected to start next spring and to cost about 480 million francs, the mayor said "
    "at a press conference in the town hall.</p></article></body></html>"
)
# A limit short enough to keep the tests quick, long enough that a normal page never hits it
# on a loaded machine (the test pages take a few milliseconds).
LIMIT = 1.0


# --- the pool on its own, with a task that obeys its documents -------------------------


def obey(docs: list[Document], config: Config) -> list[Any]:
    """Test task: do what the document's content says, then return its source."""
    out = []
    for doc in docs:
        command = str(doc.content).split(" ", 1)[0]  # a command may be padded to make a big document
        if command == "nap":
            time.sleep(1.5 * LIMIT)
        elif command == "sleep":
            time.sleep(60)  # interrupted by the timer: an ordinary slow page
        elif command == "stuck":
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # what C code looks like to the timer
            time.sleep(60)
        elif command == "swallow":
            with contextlib.suppress(Exception):  # a library that catches everything
                time.sleep(60)
        elif command == "segv":
            faulthandler.disable()  # pytest's fault handler would print the crash as if it were a failure
            ctypes.string_at(0)
        elif command == "oom-kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif command == "allocate":
            bytearray(4 * 1024**3)  # 4 GB, far past the test's limit
        elif command == "raise":
            raise ValueError("a bug")
        out.append(("ok", doc.source, os.getpid()))
    return out


def failed(doc: Document, kind: str, message: str, stage: str) -> Any:
    return ("error", doc.source, kind, stage, message)


def docs(*commands: str) -> list[Document]:
    return [Document(id=str(i), source=f"d{i}:{c}", input_type="text", content=c) for i, c in enumerate(commands)]


def run_pool(items: list[Any], config: Config, jobs: int, chunk: int = 3) -> tuple[list[Any], SupervisedPool[Any]]:
    pool: SupervisedPool[Any] = SupervisedPool(obey, failed, config, jobs)
    chunks = [items[i : i + chunk] for i in range(0, len(items), chunk)]
    out: list[Any] = []
    try:
        for chunk_items, results in pool.map(chunks):
            assert len(results) == sum(isinstance(i, Document) for i in chunk_items)
            out.extend(results)
        pool.close()
    finally:
        pool.close(kill=True)
    return out, pool


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_slow_document_times_out_and_the_rest_follow_in_order(jobs: int) -> None:
    items = docs("ok", "ok", "sleep", "ok", "ok", "ok", "ok")
    started = time.monotonic()
    out, pool = run_pool(items, Config(timeout=LIMIT), jobs)
    assert time.monotonic() - started < 30  # nowhere near the 60 s the page asked for
    assert [r[1] for r in out] == [d.source for d in items]
    assert out[2][:4] == ("error", "d2:sleep", "Timeout", "extract")
    assert "more than 1 s" in out[2][4] and "--timeout" in out[2][4]
    assert all(r[0] == "ok" for i, r in enumerate(out) if i != 2)
    assert pool.replaced == 1  # the worker that timed out was replaced


def test_a_large_document_gets_more_time() -> None:
    small, large = docs("nap", "nap " + "x" * 3_000_000)
    assert time_limit(small, Config(timeout=2)) == 2 and time_limit(large, Config(timeout=2)) == pytest.approx(6, 0.01)
    assert time_limit(large, Config(timeout=0)) == 0
    out, _ = run_pool([small, large], Config(timeout=LIMIT), jobs=1)
    assert out[0][:3] == ("error", small.source, "Timeout")  # 1.5 s past a 1 s limit
    assert out[1][0] == "ok"  # the same 1.5 s is within the 3 s of a 3 MB document


def test_a_document_stuck_in_c_code_is_killed_after_the_grace() -> None:
    items = docs("ok", "stuck", "ok", "ok")
    started = time.monotonic()
    out, pool = run_pool(items, Config(timeout=LIMIT), jobs=1)
    took = time.monotonic() - started
    assert LIMIT + HARD_KILL_GRACE <= took < 30
    assert out[1][:3] == ("error", "d1:stuck", "Timeout") and "did not stop" in out[1][4]
    assert [r[0] for r in out] == ["ok", "error", "ok", "ok"]
    assert pool.replaced == 1


def test_a_timeout_swallowed_by_a_library_still_fails_its_document() -> None:
    out, _ = run_pool(docs("swallow", "ok"), Config(timeout=LIMIT), jobs=1)
    assert out[0][:3] == ("error", "d0:swallow", "Timeout")
    assert out[1][0] == "ok"


@pytest.mark.parametrize("command,how", [("segv", "SIGSEGV"), ("oom-kill", "SIGKILL")])
def test_a_worker_that_dies_is_replaced_and_its_document_reported(command: str, how: str) -> None:
    items = docs("ok", "ok", command, "ok", "ok", command, "ok")
    out, pool = run_pool(items, Config(), jobs=2, chunk=2)
    assert [r[1] for r in out] == [d.source for d in items]
    for i in (2, 5):
        assert out[i][:3] == ("error", items[i].source, "WorkerDied")
        assert f"killed by {how}" in out[i][4]
    assert [r[0] for r in out].count("ok") == 5
    assert pool.replaced == 2


def test_memory_limit_stops_a_document_and_the_worker_is_replaced() -> None:
    out, pool = run_pool(docs("ok", "allocate", "ok"), Config(max_memory=300), jobs=1)
    assert out[1][:3] == ("error", "d1:allocate", "MemoryError") and "300 MB" in out[1][4]
    assert [r[0] for r in out] == ["ok", "error", "ok"]
    assert pool.replaced == 1


def test_the_task_raising_fails_only_its_document() -> None:
    out, _ = run_pool(docs("ok", "raise", "ok"), Config(), jobs=1)
    assert out[1][:3] == ("error", "d1:raise", "ValueError")
    assert [r[0] for r in out] == ["ok", "error", "ok"]


def test_items_that_are_not_documents_pass_through_in_place() -> None:
    items: list[Any] = ["a skipped record", *docs("ok", "ok"), "another"]
    pool: SupervisedPool[Any] = SupervisedPool(obey, failed, Config(), 2)
    try:
        got = list(pool.map([items[:2], items[2:3], items[3:]]))
    finally:
        pool.close(kill=True)
    assert [chunk for chunk, _ in got] == [items[:2], items[2:3], items[3:]]
    assert [len(results) for _, results in got] == [1, 1, 0]


def test_guards_off_and_one_job_cleans_in_this_process() -> None:
    config = Config(timeout=0, max_memory=0)
    assert not guarded(config) and guarded(Config())
    out, _ = run_pool(docs("ok", "ok"), config, jobs=1)
    assert {r[2] for r in out} == {os.getpid()}
    out, _ = run_pool(docs("ok", "ok"), Config(), jobs=1)  # the default guards: one worker process
    assert {r[2] for r in out} != {os.getpid()}


def test_set_memory_limit_counts_from_the_current_size() -> None:
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # in a child, so this process keeps its own limit
        limit = set_memory_limit(100)
        ok = limit is not None and resource.getrlimit(resource.RLIMIT_AS)[0] == limit
        try:
            bytearray(500 * 1024**2)
            ok = False
        except MemoryError:
            pass
        bytearray(10 * 1024**2)  # well under the limit still works
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.waitpid(pid, 0)
    assert answer == b"1"
    assert resource.getrlimit(resource.RLIMIT_AS) == before


# --- through the local executor and the real pipeline ------------------------------------


def write_corpus(root: Path, titles: list[str]) -> list[str]:
    root.mkdir()
    for i, title in enumerate(titles):
        (root / f"p{i:02d}.html").write_text(ARTICLE.format(title=title), encoding="utf-8")
    return [f"p{i:02d}.html" for i in range(len(titles))]


def patch_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages titled ``Slow ...`` take a minute to parse; ``Hungry ...`` want 4 GB."""
    real = pipeline.parse

    def parse(document: Document, markup: str, *args: Any) -> Any:
        if "<title>Slow" in markup:
            time.sleep(60)
        if "<title>Hungry" in markup:
            bytearray(4 * 1024**3)
        return real(document, markup, *args)

    monkeypatch.setattr(pipeline, "parse", parse)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("jobs", [1, 2])
def test_batch_reports_timeouts_and_memory_errors_with_their_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    patch_parse(monkeypatch)
    sources = write_corpus(tmp_path / "c", ["One", "Slow two", "Three", "Hungry four", "Five", "Six"])
    config = Config(timeout=LIMIT, max_memory=300, corpus_pass=False)
    summary = run_batch([tmp_path / "c"], tmp_path / "out.jsonl", config=config, jobs=jobs, progress=False)
    written = [r["metadata"]["source"] for r in read_jsonl(tmp_path / "out.jsonl")]
    assert written == [s for s in sources if s not in ("p01.html", "p03.html")]
    errors = {e["source"]: e for e in read_jsonl(tmp_path / "out.errors.jsonl")}
    assert set(errors) == {"p01.html", "p03.html"}
    assert (errors["p01.html"]["stage"], errors["p01.html"]["error"]) == ("parse", "Timeout")
    assert (errors["p03.html"]["stage"], errors["p03.html"]["error"]) == ("parse", "MemoryError")
    assert summary.failed == 2 and summary.written == 4 and summary.exit_code == 1


def test_clean_corpus_from_another_thread_is_guarded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No signal in the caller's process: the guard works from any thread."""
    patch_parse(monkeypatch)
    write_corpus(tmp_path / "c", ["One", "Slow two", "Three"])
    results: list[Result] = []
    problems: list[BaseException] = []

    def work() -> None:
        try:
            results.extend(clean_corpus([tmp_path / "c"], Config(timeout=LIMIT, corpus_pass=False), jobs=1))
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            problems.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    assert not thread.is_alive() and not problems
    assert [r.status for r in results] == ["ok", "error", "ok"]
    error = results[1].error
    assert error is not None and (error.stage, error.type) == ("parse", "Timeout")


def test_a_crash_in_a_real_batch_becomes_worker_died(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = pipeline.decide
    parent = os.getpid()

    def decide(page: Any, config: Config) -> Any:
        if "Crash" in page.markup and os.getpid() != parent:
            faulthandler.disable()
            ctypes.string_at(0)
        return real(page, config)

    monkeypatch.setattr(pipeline, "decide", decide)
    sources = write_corpus(tmp_path / "c", ["One", "Crash two", "Three"])
    config = Config(corpus_pass=False)
    summary = run_batch([tmp_path / "c"], tmp_path / "out.jsonl", config=config, jobs=1, progress=False)
    assert [r["metadata"]["source"] for r in read_jsonl(tmp_path / "out.jsonl")] == [sources[0], sources[2]]
    (error,) = read_jsonl(tmp_path / "out.errors.jsonl")
    assert error["error"] == "WorkerDied" and "SIGSEGV" in error["message"]
    assert summary.failed == 1


def test_timeout_is_an_exception_the_pipeline_turns_into_an_error() -> None:
    doc = Document(id="x", source="x", input_type="text", content="a")
    result = error_result(doc, "parse", Timeout("took too long"))
    assert result.error == ErrorInfo("parse", "Timeout", "took too long")


# --- one document: cleaned in this process, under the same timer -------------------------


def test_a_stream_of_one_document_is_cleaned_here_under_the_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork(self: Any) -> Any:
        raise AssertionError("a worker was started for one document")

    monkeypatch.setattr(SupervisedPool, "_spawn", no_fork)
    mine = signal.signal(signal.SIGALRM, signal.SIG_IGN)  # the caller's own handler, to be put back
    try:
        out, _pool = run_pool(docs("ok"), Config(timeout=LIMIT), jobs=2)
        assert out == [("ok", "d0:ok", os.getpid())]  # cleaned in this process
        started = time.monotonic()
        out, _pool = run_pool(docs("sleep"), Config(timeout=LIMIT), jobs=2)
        assert time.monotonic() - started < 10  # stopped by the timer, not after the 60 s asked for
        assert out[0][:3] == ("error", "d0:sleep", "Timeout")
        assert signal.getsignal(signal.SIGALRM) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGALRM, mine)


def test_more_than_one_document_still_goes_to_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    spawned: list[int] = []
    spawn = SupervisedPool._spawn

    def counting(self: Any) -> Any:
        spawned.append(1)
        return spawn(self)

    monkeypatch.setattr(SupervisedPool, "_spawn", counting)
    out, _pool = run_pool(docs("ok", "ok"), Config(timeout=LIMIT), jobs=2)
    assert [r[:2] for r in out] == [("ok", "d0:ok"), ("ok", "d1:ok")] and len(spawned) == 2
    assert os.getpid() not in {r[2] for r in out}


def test_one_page_run_writes_its_record_without_a_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SupervisedPool, "_spawn", lambda self: pytest.fail("a worker was started for one page"))
    (tmp_path / "a.html").write_text(ARTICLE.format(title="Tram line"), encoding="utf-8")
    summary = run_batch([tmp_path / "a.html"], tmp_path / "out.jsonl", progress=False, report=False)
    assert summary.written == 1 and summary.exit_code == 0
    assert "tram line" in (tmp_path / "out.jsonl").read_text(encoding="utf-8")
