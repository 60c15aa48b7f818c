"""Stopping a run from outside (issue 15): Ctrl-C or SIGTERM at any stage exits 130 and leaves no temporary file;
a closed stdout gives advice that works; names are shown without acting on the terminal."""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from cleaner.batch.console import terminal_safe
from cleaner.batch.local import run_batch
from cleaner.config import Config

PAGE = (
    "<!doctype html><html><body><article><h1>Tram line {i}</h1><p>The council voted on Tuesday to build a new "
    "tram line to the airport, ending a decade of debate about its cost.</p></article></body></html>"
)
# A run whose pass 1 (or pass 2) is slowed down, and that touches MARKER when it gets there.
SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from cleaner import pipeline
    from cleaner.batch import site_stats
    stage, marker, corpus, out = sys.argv[1:5]
    module, name = (site_stats, "site_keys") if stage == "pass1" else (pipeline, "clean_document")
    real = getattr(module, name)
    def slow(doc, config):
        Path(marker).touch()
        time.sleep(0.2)
        return real(doc, config)
    setattr(module, name, slow)
    sys.argv = ["cleaner", "clean", corpus, "-o", out, "-j", "1", "--corpus-pass"]
    from cleaner.cli import main
    main()
    """
)


def corpus(root: Path, n: int) -> Path:
    root.mkdir(parents=True)
    for i in range(n):
        (root / f"p{i:03d}.html").write_text(PAGE.format(i=i), encoding="utf-8")
    return root


def temporary_stats(pid: int) -> list[str]:
    return glob.glob(os.path.join(tempfile.gettempdir(), f"cleaner-site-stats-*-{pid}.npz"))


@pytest.mark.parametrize(
    ("stage", "signum"),
    [
        ("pass1", signal.SIGINT),
        pytest.param("pass1", signal.SIGTERM, marks=pytest.mark.slow),  # the same path as SIGINT in pass 1
        pytest.param("pass2", signal.SIGTERM, marks=pytest.mark.slow),  # a subprocess: 3-4 s of CI time
    ],
)
def test_a_signal_at_any_stage_exits_130_and_leaves_no_temporary_file(
    tmp_path: Path, stage: str, signum: signal.Signals
) -> None:
    pages = corpus(tmp_path / "c", 40)
    marker, out = tmp_path / "started", tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, stage, str(marker), str(pages), str(out)],
        stderr=subprocess.PIPE,
        # a shell's background job ignores SIGINT; this one must not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None and time.monotonic() < deadline, "the run never reached its stage"
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    message = err.decode()
    assert process.returncode == 130, message
    assert "Aborted!" not in message and "Traceback" not in message
    assert not temporary_stats(process.pid)  # pass 1's summary was removed at exit
    assert not list(tmp_path.glob(".*.lock"))
    if stage == "pass2":
        assert (tmp_path / "out.jsonl.partial").exists() and "--resume" in message
    else:
        assert "interrupted before any record was written" in message


@pytest.mark.slow  # a subprocess cleaning 300 pages: 3 s of CI time
def test_a_closed_stdout_does_not_advise_resume(tmp_path: Path) -> None:
    pages = corpus(tmp_path / "c", 300)
    done = subprocess.run(
        f"{sys.executable} -m cleaner.cli clean {pages} -o - -j 1 --no-corpus-pass | head -n 1",
        shell=True,
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
    )
    message = done.stderr.decode()
    assert done.stdout.count(b"\n") == 1
    assert "stdout was closed by its reader" in message and "rerun with --resume" not in message
    assert "Traceback" not in message


def test_names_with_terminal_escapes_are_shown_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert terminal_safe("a\x1b[2Jb\nc\td\x9b") == "a\\x1b[2Jb\nc\td\\x9b"
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "evil\x1b[2J.html").write_text(PAGE.format(i=1), encoding="utf-8")
    run_batch([folder], tmp_path / "out.jsonl", jobs=1, config=Config(timeout=0, max_memory=0), progress=False)
    err = capsys.readouterr().err
    assert "\x1b" not in err and "evil\\x1b[2J.html" in err
