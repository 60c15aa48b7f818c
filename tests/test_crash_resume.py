"""Crash and resume: kill -9 the whole process group at random points, resume, compare.

The batch runs as ``cleaner clean`` in a child process of its own session, with a small
sleep per document (so a run lasts a few seconds and the kills land mid-run) and short
chunks and checkpoints (so a kill can land between any two of them). After several kills
at random moments, each followed by ``--resume``, a last ``--resume`` finishes the run,
and its output must hold exactly the records of an uninterrupted run, none twice. It takes
about 20 s, so it is marked slow (`make test-slow`); test_run.py resumes after a kill in CI.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

PARAGRAPHS = [
    "The council voted on Tuesday to build a new tram line to the airport, ending a decade of debate.",
    "Construction is expected to start next spring and to cost about 480 million francs, the mayor said.",
    "Opponents argued that the money would be better spent on buses, which can change routes as the city grows.",
    "Shop owners along the route worry about two years of roadworks in front of their doors.",
    "A referendum on the project is still possible if fifty thousand signatures are collected by June.",
]
# Seconds each document sleeps in the child: 60 documents over 2 workers make a run of
# about 2 s, long enough for several kills to land inside it.
SLEEP = 0.06
KILLS = 4

RUNNER = textwrap.dedent(
    """
    import sys, time
    from cleaner import pipeline
    from cleaner.batch import local as run, stream
    from cleaner.cli import cli
    real = pipeline.clean_document
    def slow(doc, config):
        time.sleep({sleep})
        return real(doc, config)
    pipeline.clean_document = slow
    run.CHECKPOINT_EVERY = 3
    stream.CHUNK_DOCS = 2
    cli.main(sys.argv[1:], prog_name="cleaner")
    """
)


def build(root: Path) -> None:
    root.mkdir()
    for i in range(40):
        paras = " ".join(f"<p>{PARAGRAPHS[(i + k) % len(PARAGRAPHS)]}</p>" for k in range(3))
        folder = root / f"site{i % 3}"
        folder.mkdir(exist_ok=True)
        page = (
            f"<html><head><title>Story {i}</title></head><body><nav>Home</nav><article>{paras}</article></body></html>"
        )
        (folder / f"story{i:02d}.html").write_text(page, encoding="utf-8")
    lines = [json.dumps({"id": f"j{i}", "text": f"Record {i}. " + PARAGRAPHS[i % 5]}) for i in range(20)]
    lines.insert(7, '{"id": "broken", "text": "cut')
    (root / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "empty.html").write_bytes(b"")


def read_records(path: Path) -> list[dict[str, Any]]:
    opener: Any = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def cleaner_command(corpus: Path, out: Path, *extra: str) -> list[str]:
    script = RUNNER.format(sleep=SLEEP)
    return [sys.executable, "-c", script, "clean", str(corpus), "-o", str(out), "-j", "2", "--no-progress", *extra]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["out.jsonl", "out.jsonl.gz"])
def test_killed_at_random_points_and_resumed_gives_the_uninterrupted_records(tmp_path: Path, name: str) -> None:
    corpus = tmp_path / "corpus"
    build(corpus)
    reference = tmp_path / "ref" / name
    reference.parent.mkdir()
    done = subprocess.run(cleaner_command(corpus, reference), capture_output=True, timeout=120)
    assert done.returncode == 1, done.stderr  # the empty file and the broken line are errors
    expected = read_records(reference)
    assert len(expected) == 60

    out = tmp_path / name
    rng = random.Random(f"crash-resume-{name}")
    killed = 0
    for attempt in range(KILLS):
        extra = ["--resume"] if attempt else []
        process = subprocess.Popen(
            cleaner_command(corpus, out, *extra),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 1.5))  # anywhere in pass 1, pass 2 or the final renames
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            killed += 1
        process.wait()
    assert killed >= 2, "the runs finished before they could be killed: make SLEEP longer"

    stats = tmp_path / "stats.json"
    final = subprocess.run(
        cleaner_command(corpus, out, "--resume", "--stats", str(stats)), capture_output=True, timeout=120
    )
    assert final.returncode == 1, final.stderr
    got = read_records(out)
    assert got == expected  # the same records in the same order
    sources = [r["metadata"]["source"] for r in got]
    assert len(sources) == len(set(sources))  # none twice
    if not name.endswith(".gz"):
        assert out.read_bytes() == reference.read_bytes()
    errors = (tmp_path / "out.errors.jsonl").read_bytes()
    assert errors == (tmp_path / "ref" / "out.errors.jsonl").read_bytes()
    assert not list(tmp_path.glob(f"{name}.partial*"))
    if stats.exists():  # absent when an earlier resume already finished the run
        totals = json.loads(stats.read_text(encoding="utf-8"))["totals"]
        assert totals["read"] == totals["written"] + totals["skipped"] + totals["failed"] + totals["already_done"]
