"""``cleaner explain`` as a user runs it: the console script, on a terminal and in a pipe."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "002_b8fb5e990e0f894b.txt"
CLEANER = Path(sys.executable).with_name("cleaner")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# click.style's codes for the colours cleaner/explain.py gives reason families
GREEN, RED = "\x1b[32m", "\x1b[31m"

pytestmark = pytest.mark.skipif(not CLEANER.exists(), reason="the cleaner console script is not installed")


def explain(*args: str, tty: bool, no_color_env: bool = False) -> str:
    """Run ``cleaner explain SAMPLE *args`` with stdout on a pseudo-terminal or a pipe; return its stdout."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if no_color_env:
        env["NO_COLOR"] = "1"
    command = [str(CLEANER), "explain", str(SAMPLE), "--extractor", "rules", *args]
    if not tty:
        return subprocess.run(command, capture_output=True, env=env, check=True, timeout=120).stdout.decode()
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(command, stdout=follower, stderr=subprocess.DEVNULL, env=env)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=120) == 0
    finally:
        os.close(leader)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def block_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if ANSI.sub("", line)[:2] in ("K ", "D ")]


def test_on_a_terminal_verdicts_are_coloured_by_reason_family() -> None:
    lines = block_lines(explain(tty=True))
    assert len(lines) > 5
    assert all(line.endswith("\x1b[0m") for line in lines)
    # "Leave a Reply" is dropped by the rules as comments: red; a kept article line: green
    leave = next(line for line in lines if ANSI.sub("", line).endswith("Leave a Reply"))
    assert leave.startswith(RED + "D ") and "comments." in leave
    kept = [line for line in lines if ANSI.sub("", line).startswith("K ") and "content." in line]
    assert kept and all(line.startswith(GREEN + "K ") for line in kept)


@pytest.mark.parametrize(
    ("args", "tty", "no_color_env"),
    [((), False, False), (("--no-color",), True, False), ((), True, True)],
    ids=["pipe", "no-color-flag-on-a-terminal", "NO_COLOR-on-a-terminal"],
)
def test_no_colour_in_a_pipe_or_when_asked(args: tuple[str, ...], tty: bool, no_color_env: bool) -> None:
    output = explain(*args, tty=tty, no_color_env=no_color_env)
    assert block_lines(output) and "\x1b[" not in output


def test_color_flag_colours_a_pipe_even_with_no_color_set() -> None:
    output = explain("--color", tty=False, no_color_env=True)
    plain = explain(tty=False)
    assert ANSI.sub("", output) == plain  # the same lines, only coloured
    assert all(line.startswith((GREEN, RED, "\x1b[3")) for line in block_lines(output))
