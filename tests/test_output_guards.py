"""What a run refuses to write (issue 15): inputs, devices, links, its own input folder, what exists, a locked output.

Every refusal happens before anything is read or written, leaves the refused path as it
was, and names the fix.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.batch.local import run_batch
from cleaner.batch.preflight import OutputLock, lock_path
from cleaner.cli import cli
from cleaner.config import Config
from cleaner.errors import UsageError

# Guards off and no corpus pass: jobs=1 cleans in this process, fast.
IN_PROCESS = Config(timeout=0, max_memory=0, corpus_pass=False)
PAGE = (
    "<!doctype html><html><body><article><h1>Tram line</h1><p>The council voted on Tuesday to build a new "
    "tram line to the airport, ending a decade of debate about its cost.</p></article></body></html>"
)


def corpus(root: Path, n: int = 3) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"p{i}.html").write_text(PAGE.replace("Tram line", f"Tram line {i}"), encoding="utf-8")
    return root


def batch(inputs: list[Path], output: str | Path, **options: object) -> object:
    return run_batch(inputs, output, jobs=1, config=IN_PROCESS, progress=False, report=False, **options)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- 8. an output onto an input


def test_an_output_that_is_an_input_is_refused_and_left_alone(tmp_path: Path) -> None:
    page = tmp_path / "in.txt"
    page.write_text("An article that must survive the run untouched, with enough words to keep.\n", encoding="utf-8")
    before = page.read_bytes()
    with pytest.raises(UsageError, match="-o .*in.txt is an input of this run"):
        batch([page], page)
    html = corpus(tmp_path / "c") / "p0.html"
    with pytest.raises(UsageError, match="--errors .*p0.html is an input"):
        batch([html], tmp_path / "o.jsonl", errors_path=html)
    with pytest.raises(UsageError, match="--stats .*x.jsonl is also the -o path"):
        batch([html], tmp_path / "x.jsonl", stats_path=tmp_path / "x.jsonl")
    assert page.read_bytes() == before and html.read_text(encoding="utf-8").startswith("<!doctype")
    assert not (tmp_path / "x.jsonl").exists() and not list(tmp_path.glob("*.partial"))


# --------------------------------------------------------------------------- 9. devices, FIFOs, links


def test_devices_fifos_and_links_are_refused(tmp_path: Path) -> None:
    pages = corpus(tmp_path / "c")
    with pytest.raises(UsageError, match="-o /dev/null is a device: .*-o -"):
        batch([pages], "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not Path("/dev/.null.lock").exists()  # refused before any lock file was made beside it
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="--stats .*pipe is a FIFO"):
        batch([pages], tmp_path / "o.jsonl", stats_path=fifo)
    target = tmp_path / "real.jsonl"
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    with pytest.raises(UsageError, match="link.jsonl is a symbolic link: .*real.jsonl"):
        batch([pages], link)
    (tmp_path / "to-fifo").symlink_to(fifo)
    with pytest.raises(UsageError, match="symbolic link"):
        batch([pages], tmp_path / "o2.jsonl", errors_path=tmp_path / "to-fifo")
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_an_output_under_a_file_is_a_usage_error(tmp_path: Path) -> None:
    pages = corpus(tmp_path / "c")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="file is a file, not a folder"):
        batch([pages], tmp_path / "file" / "out.jsonl")


# --------------------------------------------------------------------------- 10. an output inside an input folder


def test_an_output_inside_an_input_folder_is_refused_unless_hidden(tmp_path: Path) -> None:
    pages = corpus(tmp_path / "c", n=5)
    with pytest.raises(UsageError, match="lies inside the input folder .*hidden name"):
        batch([pages], pages / "out.jsonl")
    with pytest.raises(UsageError, match="lies inside the input folder"):
        batch([pages], pages / "texts/")
    with pytest.raises(UsageError, match="holds the input"):
        batch([pages], f"{tmp_path}/")
    hidden = pages / ".out.jsonl"
    for _ in range(3):  # a hidden output is not read back: 5 records every time, not 5, 10, 15
        summary = batch([pages], hidden, overwrite=True)
        assert summary.written == 5  # type: ignore[attr-defined]
        assert len(hidden.read_text(encoding="utf-8").splitlines()) == 5


# --------------------------------------------------------------------------- 12. an existing output


def test_an_existing_output_is_refused_without_overwrite_or_resume(tmp_path: Path) -> None:
    pages = corpus(tmp_path / "c")
    out = tmp_path / "out.jsonl"
    batch([pages], out)
    first = out.read_bytes()
    with pytest.raises(UsageError, match="-o .*out.jsonl exists already: add --overwrite to replace it, --resume"):
        batch([pages], out)
    assert out.read_bytes() == first
    assert batch([pages], out, resume=True).nothing_to_do  # type: ignore[attr-defined]
    (pages / "p0.html").write_text(PAGE.replace("Tram line", "Bus line"), encoding="utf-8")
    batch([pages], out, overwrite=True)
    assert "Bus line" in out.read_text(encoding="utf-8")
    folder = tmp_path / "texts"
    batch([pages], f"{folder}/")
    with pytest.raises(UsageError, match="texts exists already"):
        batch([pages], f"{folder}/")
    (tmp_path / "stats.json").write_text("{}", encoding="utf-8")
    with pytest.raises(UsageError, match="--stats .*stats.json exists already"):
        batch([pages], tmp_path / "new.jsonl", stats_path=tmp_path / "stats.json")


def test_the_cli_refuses_an_existing_output_and_names_the_fix(tmp_path: Path) -> None:
    pages = corpus(tmp_path / "c")
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    args = ["clean", str(pages), "-o", str(out), "-j", "1", "--no-corpus-pass"]
    assert runner.invoke(cli, args).exit_code == 0
    again = runner.invoke(cli, args)
    assert again.exit_code == 2 and "--overwrite" in again.output
    assert runner.invoke(cli, [*args, "--overwrite"]).exit_code == 0
    both = runner.invoke(cli, [*args, "--overwrite", "--resume"])
    assert both.exit_code == 2 and "give one of them" in both.output


# --------------------------------------------------------------------------- 11. two runs at once


def test_a_second_run_into_a_locked_output_is_refused(tmp_path: Path) -> None:
    pages = corpus(tmp_path / "c")
    out = tmp_path / "out.jsonl"
    with OutputLock([out]):  # another run is writing out.jsonl
        with pytest.raises(UsageError, match="another cleaner run is writing .*out.jsonl"):
            batch([pages], out)
        with pytest.raises(UsageError, match="another cleaner run is writing"):
            batch([pages], out, resume=True)  # its own advice must not finish the other's files
    assert not out.exists()
    batch([pages], out)
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    assert not lock_path(out).exists()  # removed at the end of the run


def _hold_and_die(out: str, pid_file: str) -> None:
    """A run that locks its output, forks a worker, and dies without releasing anything (as kill -9 would)."""
    OutputLock([Path(out)]).acquire()
    worker = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,))
    worker.start()
    Path(pid_file).write_text(str(worker.pid), encoding="utf-8")
    os._exit(0)


def test_a_forked_worker_does_not_keep_the_lock_of_a_dead_run(tmp_path: Path) -> None:
    out, pid_file = tmp_path / "out.jsonl", tmp_path / "worker.pid"
    run = multiprocessing.get_context("fork").Process(target=_hold_and_die, args=(str(out), str(pid_file)))
    run.start()
    run.join()
    worker = int(pid_file.read_text(encoding="utf-8"))
    try:
        assert lock_path(out).exists()  # the dead run's lock file stays; its worker lives on
        OutputLock([out]).acquire().release()  # ... and neither blocks the next run
    finally:
        os.kill(worker, 9)


def test_a_stats_file_is_written_and_locked_with_the_run(tmp_path: Path) -> None:
    pages = corpus(tmp_path / "c")
    stats = tmp_path / "stats.json"
    batch([pages], tmp_path / "out.jsonl", stats_path=stats)
    assert json.loads(stats.read_text(encoding="utf-8"))["totals"]["written"] == 3
    with OutputLock([stats]), pytest.raises(UsageError, match="another cleaner run is writing .*stats.json"):
        batch([pages], tmp_path / "other.jsonl", stats_path=stats, overwrite=True)
