"""Quality and speed harnesses for cleaner (``make eval``, ``make bench``).

``bench.quality`` scores cleaner and baseline extractors on devdata, ``bench.speed`` times
them, ``bench.textdumps`` turns devdata pages into full-page text dumps, and
``bench.baselines`` wraps the other tools. :func:`write_section` records a run's tables
in BENCHMARKS.md: the file is written by the harness only, never by hand.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import shlex
import sys
from pathlib import Path

_HEADER = """# Benchmarks

Written by the harnesses (`python -m bench.quality ... --write BENCHMARKS.md`,
`python -m bench.speed ... --write BENCHMARKS.md`); do not edit by hand: re-run the command
of a section to update it. A section is keyed by its kind, date and command line (without
`--write`, `--jobs`, `--details`), so re-running the same command on the same day replaces
it and anything else is appended.
"""

# Options that do not change the figures: left out of a section's key.
_NEUTRAL_OPTIONS = ("--write", "--jobs", "--details")


def command_line(argv: list[str] | None = None) -> str:
    """Return the command that was run, as a developer would type it."""
    argv = sys.argv[1:] if argv is None else argv
    module = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else "?"
    in_bench = bool(sys.argv and sys.argv[0]) and Path(sys.argv[0]).parent.name == "bench"
    prog = f"python -m bench.{module}" if in_bench else shlex.quote(sys.argv[0])
    return " ".join([prog, *(shlex.quote(a) for a in argv)])


class Report:
    """The lines of a harness's report: printed as they come, kept for :func:`write_section`."""

    def __init__(self) -> None:
        """Start an empty report."""
        self.lines: list[str] = []

    def emit(self, line: str) -> None:
        """Print one line of the report and keep it."""
        print(line, flush=True)
        self.lines.append(line)

    def text(self) -> str:
        """The report so far, one line each."""
        return "\n".join(self.lines)


def _section_key(kind: str, argv: list[str]) -> str:
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        name = arg.split("=", 1)[0]
        if name in _NEUTRAL_OPTIONS:
            skip = "=" not in arg
            continue
        kept.append(arg)
    return f"{kind}-" + hashlib.sha1(" ".join(kept).encode()).hexdigest()[:10]


def write_section(path: str | Path, kind: str, body: str, argv: list[str] | None = None) -> None:
    """Append (or replace, same kind/day/command) a dated section holding ``body`` in ``path``."""
    argv = sys.argv[1:] if argv is None else argv
    path = Path(path)
    today = _dt.date.today().isoformat()
    key = f"{_section_key(kind, argv)}-{today}"
    begin, end = f"<!-- section {key} -->", f"<!-- end {key} -->"
    section = f"{begin}\n## {kind}: {today}\n\n```\n{command_line(argv)}\n```\n\n{body.strip()}\n{end}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
    found = pattern.search(text)
    text = pattern.sub(lambda _m: section, text) if found else text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")
