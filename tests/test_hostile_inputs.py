"""Inputs that once lost documents without a word (issue 15): every record yields a record or an error line.

Shared relative paths, records nested too deep to pickle, file names that are not UTF-8,
WARC records that lie about their length, special files, NaN in JSONL, and folder output
resumed after a failure.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import WarcBuilder
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner import pipeline
from cleaner.batch import site_stats
from cleaner.batch.local import run_batch
from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.io import InputFile, ReadFailure, discover, read_file
from cleaner.io.jsonl import MAX_NESTING
from cleaner.model import Document, Result, error_result

# Guards off and no corpus pass: jobs=1 cleans in this process (monkeypatches apply), fast.
IN_PROCESS = Config(timeout=0, max_memory=0, corpus_pass=False)
SENTENCE = "The council voted on Tuesday to build a new tram line to the airport, ending a decade of debate."


def page(n: int) -> str:
    return f"<!doctype html><html><body><article><h1>Story {n}</h1><p>{SENTENCE} Story {n}.</p></article></body></html>"


def pages_folder(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"p{i}.html").write_text(page(i), encoding="utf-8")
    return folder


def lines_of(path: Path) -> list[dict[str, Any]]:
    opener: Any = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def sources_of(path: Path) -> list[str]:
    return [r["metadata"]["source"] for r in lines_of(path)]


class Crash(BaseException):
    """Stands for the process dying: nothing in the runner catches it."""


def crash_at(inputs: list[Path], out: Path | str, source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a batch that dies (checkpointed after every record) when it reaches ``source``."""
    real = pipeline.clean_document

    def crashing(doc: Document, config: Config) -> Result:
        if doc.source == source:
            raise Crash
        return real(doc, config)

    monkeypatch.setattr("cleaner.batch.local.CHECKPOINT_EVERY", 1)
    monkeypatch.setattr(pipeline, "clean_document", crashing)
    with pytest.raises(Crash):
        run_batch(inputs, out, jobs=1, config=IN_PROCESS, progress=False, report=False)
    monkeypatch.setattr(pipeline, "clean_document", real)


# --------------------------------------------------------------------------- 1. shared relative paths


def twin_roots(tmp_path: Path, n: int = 3) -> tuple[Path, Path]:
    a, b = tmp_path / "A", tmp_path / "B"
    for root, base in ((a, 0), (b, 10)):
        (root / "sub").mkdir(parents=True)
        for i in range(n):
            (root / f"x{i}.html").write_text(page(base + i), encoding="utf-8")
        (root / "sub" / "only.html").write_text(page(base + 9), encoding="utf-8")
    return a, b


def test_two_roots_sharing_relative_paths_get_a_source_each(tmp_path: Path) -> None:
    a, b = twin_roots(tmp_path)
    found = list(discover([a, b]))
    names = [f.relpath for f in found]
    assert len(set(names)) == len(names) == 8
    # the shared names carry their root, the others stay relative to it
    assert f"{a}/x0.html" in names and f"{b}/x0.html" in names and names.count("sub/only.html") == 0
    assert f"{a}/sub/only.html" in names  # shared too: both roots hold sub/only.html
    out = tmp_path / "out.jsonl"
    summary = run_batch([a, b], out, jobs=1, config=IN_PROCESS, progress=False, report=False)
    records = lines_of(out)
    assert summary.written == len(records) == 8
    assert len({r["metadata"]["source"] for r in records}) == 8
    assert len({r["id"] for r in records}) == 8
    stories = {int(m.group(1)) for r in records if (m := re.search(r"Story (\d+)\.$", r["text"]))}
    assert stories == {0, 1, 2, 9, 10, 11, 12, 19}


def test_two_files_of_one_name_and_a_root_named_twice(tmp_path: Path) -> None:
    a, b = twin_roots(tmp_path)
    names = [f.relpath for f in discover([a / "x0.html", b / "x0.html", a / "x1.html"])]
    assert names == [f"{a}/x0.html", f"{b}/x0.html", "x1.html"]
    with pytest.raises(UsageError, match="named twice"):
        discover([a, str(a) + "/"])


def test_folder_output_of_twin_roots_writes_every_file(tmp_path: Path) -> None:
    a, b = twin_roots(tmp_path)
    out = tmp_path / "texts"
    summary = run_batch([a, b], f"{out}/", jobs=1, config=IN_PROCESS, progress=False, report=False)
    files = sorted(p for p in out.rglob("*.txt"))
    assert summary.written == len(files) == 8
    assert len({p.read_text(encoding="utf-8") for p in files}) == 8  # none written over another


def test_resume_of_twin_roots_redoes_what_the_crash_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = twin_roots(tmp_path)
    reference = tmp_path / "ref.jsonl"
    run_batch([a, b], reference, jobs=1, config=IN_PROCESS, progress=False, report=False)
    out = tmp_path / "out.jsonl"
    crash_at([a, b], out, f"{b}/x1.html", monkeypatch)
    summary = run_batch([a, b], out, jobs=1, config=IN_PROCESS, resume=True, progress=False, report=False)
    assert lines_of(out) == lines_of(reference)
    assert summary.already_done + summary.written == 8


# --------------------------------------------------------------------------- 2. nesting


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("jobs_config", [(1, IN_PROCESS), (1, Config(corpus_pass=False))])
def test_a_jsonl_record_nested_too_deep_fails_alone(tmp_path: Path, jobs_config: tuple[int, Config]) -> None:
    jobs, config = jobs_config
    good = [json.dumps({"id": f"g{i}", "html": page(i)}) for i in range(3)]
    lines = [
        good[0],
        '{"id": "deep", "html": "<p>x</p>", "extra": ' + nested(700) + "}",  # pickling failed here
        good[1],
        '{"id": "deeper", "html": "<p>x</p>", "extra": ' + nested(5000) + "}",  # the parser failed here
        good[2],
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "deep.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_batch([tmp_path / "in"], out, jobs=jobs, config=config, progress=False, report=False)
    assert [r["id"] for r in lines_of(out)] == ["g0", "g1", "g2"]
    errors = lines_of(tmp_path / "out.errors.jsonl")
    assert [(e["source"], e["error"]) for e in errors] == [
        ("deep.jsonl#2", "NestingTooDeep"),
        ("deep.jsonl#4", "NestingTooDeep"),
    ]
    (counts,) = summary.per_file
    assert counts.read == 5 and counts.balance() == 0


def test_nesting_up_to_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "n.jsonl"
    path.write_text(
        json.dumps({"html": page(1), "extra": json.loads(nested(MAX_NESTING - 1))})
        + "\n"
        + json.dumps({"html": page(2), "extra": json.loads(nested(MAX_NESTING + 1))})
        + "\n",
        encoding="utf-8",
    )
    first, second = read_file(InputFile(path, "n.jsonl", ""), IN_PROCESS)
    assert isinstance(first, Document) and isinstance(second, ReadFailure) and second.type == "NestingTooDeep"


def test_nan_and_infinity_in_jsonl_are_written_as_null(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "n.jsonl").write_text(
        '{"html": "' + page(1).replace('"', '\\"') + '", "score": NaN, "low": -Infinity, "high": Infinity}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    run_batch([tmp_path / "in"], out, jobs=1, config=IN_PROCESS, progress=False, report=False)
    text = out.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    (record,) = [
        json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} in the output")) for line in text.splitlines()
    ]
    assert record["metadata"]["score"] is None and record["metadata"]["high"] is None


# --------------------------------------------------------------------------- 3. file names not UTF-8


def test_file_names_that_are_not_utf8_are_written_escaped_and_resume(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = os.path.join(os.fsencode(folder), b"caf\xe9.html")
    bad = os.path.join(os.fsencode(folder), b"bin\xff.dat")
    with open(good, "wb") as handle:
        handle.write(page(1).encode())
    with open(bad, "wb") as handle:
        handle.write(b"\x00\x01\x02 not a page")
    out = tmp_path / "out.jsonl"
    summary = run_batch([folder], out, jobs=1, config=IN_PROCESS, progress=False, report=False)
    assert sources_of(out) == ["caf\\xe9.html"]
    (error,) = lines_of(tmp_path / "out.errors.jsonl")  # the errors file is valid UTF-8 JSON
    assert error["source"] == "bin\\xff.dat" and error["error"] == "BinaryFile"
    assert summary.exit_code == 1
    again = run_batch([folder], out, jobs=1, config=IN_PROCESS, resume=True, progress=False, report=False)
    assert again.nothing_to_do


# --------------------------------------------------------------------------- 4. lying lengths


def lying_warc(builder: WarcBuilder, *, gz: bool, liar: int, claim: Callable[[int], int], request: bool) -> bytes:
    for i in range(7):
        if i == liar and request:
            builder.add_request(f"https://x.example/{i}")
        else:
            builder.add_response(f"https://x.example/{i}", page(i).encode())
    record = builder.records[liar]
    length = re.search(rb"Content-Length: (\d+)", record)
    assert length is not None
    builder.records[liar] = record.replace(length.group(0), b"Content-Length: %d" % claim(int(length.group(1))))
    return builder.build(gz)


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("is_request", [False, True])
@pytest.mark.parametrize(
    "claim", [lambda n: 10**7, lambda n: n + 100, lambda n: n + 400], ids=["past-eof", "+100", "+400"]
)
def test_a_record_that_lies_about_its_length_costs_that_record_only(
    tmp_path: Path, warc_builder: Callable[[], WarcBuilder], gz: bool, is_request: bool, claim: Callable[[int], int]
) -> None:
    builder = warc_builder()
    data = lying_warc(builder, gz=gz, liar=1, claim=claim, request=is_request)
    path = tmp_path / ("l.warc.gz" if gz else "l.warc")
    path.write_bytes(data)
    items = list(read_file(InputFile(path, path.name, ""), Config()))
    assert len(items) == 7
    assert [d.url for d in items if isinstance(d, Document)] == [f"https://x.example/{i}" for i in (0, 2, 3, 4, 5, 6)]
    (failure,) = [i for i in items if isinstance(i, ReadFailure)]
    assert failure.type == "BadContentLength" and failure.source == f"{path.name}#{builder.offsets[1]}"
    assert len({i.source for i in items}) == 7


def test_a_wet_record_that_lies_is_skipped_alone(tmp_path: Path, warc_builder: Callable[[], WarcBuilder]) -> None:
    builder = warc_builder()
    for i in range(4):
        builder.add_conversion(f"https://x.example/{i}", f"Text of page {i}.\n")
    builder.records[2] = re.sub(rb"Content-Length: \d+", b"Content-Length: 9999", builder.records[2])
    path = tmp_path / "p.warc.wet.gz"
    path.write_bytes(builder.build(gz=True))
    items = list(read_file(InputFile(path, path.name, ""), Config()))
    assert [type(i).__name__ for i in items] == ["Document", "Document", "ReadFailure", "Document"]


@settings(max_examples=25, deadline=None)
@given(
    liar=st.integers(0, 5),
    extra=st.integers(1, 3000),
    gz=st.booleans(),
)
# A lie that swallows the next record whole: it was read as part of the liar's content,
# and the record after it parsed, so nothing looked broken.
@example(liar=0, extra=491, gz=False)
@example(liar=0, extra=491, gz=True)
def test_lying_lengths_never_lose_the_other_records(liar: int, extra: int, gz: bool) -> None:
    """Whatever record lies and by how much, every other record is read and every item is named apart."""
    import tempfile

    builder = WarcBuilder()
    data = lying_warc(builder, gz=gz, liar=liar, claim=lambda n: n + extra, request=False)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("l.warc.gz" if gz else "l.warc")
        path.write_bytes(data)
        items = list(read_file(InputFile(path, path.name, ""), Config()))
    urls = {d.url for d in items if isinstance(d, Document)}
    assert urls >= {f"https://x.example/{i}" for i in range(7) if i != liar}
    assert len({i.source for i in items}) == len(items)


# --------------------------------------------------------------------------- 5. folder output resumed after a failure


def test_folder_resume_after_a_failure_claims_the_same_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x.html").write_text(page(1), encoding="utf-8")
    (folder / "x.txt").write_text(SENTENCE + "\n", encoding="utf-8")
    real = pipeline.clean_document

    def failing(doc: Document, config: Config) -> Result:
        if doc.source == "x.html":
            return error_result(doc, "parse", ValueError("cannot parse"))
        return real(doc, config)

    monkeypatch.setattr(pipeline, "clean_document", failing)
    out = tmp_path / "out"
    run_batch([folder], f"{out}/", jobs=1, config=IN_PROCESS, progress=False, report=False)
    assert sorted(p.name for p in out.iterdir()) == ["x.txt.txt"]  # x.html owns x.txt, failed or not
    monkeypatch.setattr(pipeline, "clean_document", real)
    summary = run_batch([folder], f"{out}/", jobs=1, config=IN_PROCESS, resume=True, progress=False, report=False)
    assert sorted(p.name for p in out.iterdir()) == ["x.txt", "x.txt.txt"]
    assert "Story 1" in (out / "x.txt").read_text(encoding="utf-8")
    assert summary.written == 1 and summary.already_done == 1 and summary.exit_code == 0


# --------------------------------------------------------------------------- special files


def test_special_files_and_broken_links(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.html").write_text(page(1), encoding="utf-8")
    os.mkfifo(folder / "pipe.html")
    (folder / "self").symlink_to("self")
    (folder / "gone").symlink_to("nowhere")
    out = tmp_path / "out.jsonl"
    summary = run_batch([folder], out, jobs=1, config=IN_PROCESS, progress=False, report=False)
    assert sources_of(out) == ["a.html"]
    assert summary.skipped_by_reason == {"file.special": 1}  # the FIFO is counted, not opened
    with pytest.raises(UsageError, match="FIFO.*cleaner clean - <"):
        discover([folder / "pipe.html"])
    with pytest.raises(UsageError, match="leads nowhere"):
        discover([folder / "self"])


# --------------------------------------------------------------------------- 6. a worker killed in pass 1


def test_a_worker_killed_in_pass_one_is_named_not_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = pages_folder(tmp_path / "in", 4)
    real = site_stats.site_keys

    def killing(doc: Document, config: Config) -> Any:
        if doc.source == "p2.html":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(doc, config)

    monkeypatch.setattr(site_stats, "site_keys", killing)  # the forked workers of pass 1 run it
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    summary = run_batch(
        [folder], out, jobs=1, config=Config(corpus_pass=True), progress=False, report=False, stats_path=stats
    )
    assert summary.left_out_of_stats == [("p2.html", "WorkerDied")]
    assert "1 documents left out of the site statistics: p2.html (WorkerDied)" in summary.format()
    assert json.loads(stats.read_text(encoding="utf-8"))["left_out_of_site_stats"] == [
        {"source": "p2.html", "error": "WorkerDied"}
    ]
    assert summary.written == 4  # pass 2 cleaned it as usual


# --------------------------------------------------------------------------- 7. resume after the input changed


def test_a_resumed_folder_output_refuses_inputs_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = pages_folder(tmp_path / "in", 4)
    out = tmp_path / "out"
    crash_at([folder], str(out) + "/", "p2.html", monkeypatch)
    assert (out / ".cleaner-run.ckpt").exists()  # the unfinished run's fingerprint, hidden in the folder
    (folder / "p1.html").unlink()
    with pytest.raises(UsageError, match="input files changed .* --overwrite"):
        run_batch([folder], str(out) + "/", jobs=1, config=IN_PROCESS, resume=True, progress=False, report=False)
    (folder / "p1.html").write_text(page(1), encoding="utf-8")  # put back as it was... but its time changed
    with pytest.raises(UsageError, match="input files changed"):
        run_batch([folder], str(out) + "/", jobs=1, config=IN_PROCESS, resume=True, progress=False, report=False)
    summary = run_batch(
        [folder], str(out) + "/", jobs=1, config=IN_PROCESS, overwrite=True, progress=False, report=False
    )
    assert summary.written == 4 and not (out / ".cleaner-run.ckpt").exists()  # a finished run leaves none
    assert sorted(p.name for p in out.iterdir()) == ["p0.txt", "p1.txt", "p2.txt", "p3.txt"]


def test_an_unchanged_folder_output_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = pages_folder(tmp_path / "in", 4)
    out = tmp_path / "out"
    crash_at([folder], str(out) + "/", "p2.html", monkeypatch)
    assert (out / ".cleaner-run.ckpt").exists()
    summary = run_batch([folder], str(out) + "/", jobs=1, config=IN_PROCESS, resume=True, progress=False, report=False)
    assert summary.already_done + summary.written == 4
    assert sorted(p.name for p in out.iterdir()) == [f"p{i}.txt" for i in range(4)]  # the checkpoint is gone


@pytest.mark.parametrize("change", ["add", "remove", "modify"])
def test_resume_refuses_inputs_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    folder = pages_folder(tmp_path / "in", 4)
    out = tmp_path / "out.jsonl"
    crash_at([folder], out, "p2.html", monkeypatch)
    if change == "add":
        (folder / "p0a.html").write_text(page(9), encoding="utf-8")
    elif change == "remove":
        (folder / "p1.html").unlink()
    else:
        (folder / "p0.html").write_text(page(8) + " ", encoding="utf-8")
    with pytest.raises(UsageError, match="input files changed .* --overwrite"):
        run_batch([folder], out, jobs=1, config=IN_PROCESS, resume=True, progress=False, report=False)
    summary = run_batch([folder], out, jobs=1, config=IN_PROCESS, overwrite=True, progress=False, report=False)
    assert sources_of(out) == sorted(p.name for p in folder.iterdir())
    assert summary.already_done == 0
