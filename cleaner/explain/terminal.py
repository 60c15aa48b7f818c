"""``cleaner explain``: every block of a document with its verdict, reason and extractor, on a terminal."""

from __future__ import annotations

import os
import sys
from typing import TextIO

import click

from cleaner.config import Config
from cleaner.io import ReadFailure, Skipped, discover, read_file
from cleaner.model import Result, reason_family
from cleaner.pipeline import clean_document

# Colours by reason family: kept text green, metadata blue, boilerplate families red-ish.
# A block dropped because a setting asks for it (--no-tables) is cyan: not boilerplate.
_FAMILY_COLOURS = {"content": "green", "meta": "blue", "corpus": "magenta", "extractor": "yellow", "structure": "cyan"}
# Block text is cut to this many characters so one line of output stays one screen line.
PREVIEW_CHARS = 100


def format_result(result: Result, color: bool) -> str:
    """Render one Result: a header, then one line per block: K/D, reason, extractor, role, text."""
    meta = result.metadata
    lines = [f"# {result.document.source}  status={result.status}  extractor={meta.get('extractor')}"]
    for key in ("title", "author", "date", "sitename", "language"):
        if meta.get(key):
            lines.append(f"#   {key}: {meta[key]}")
    if result.error is not None:
        lines.append(f"#   error at {result.error.stage}: {result.error.type}: {result.error.message}")
    for decision in result.decisions:
        block = result.blocks[decision.block]
        mark = "K" if decision.keep else "D"
        text = block.text if len(block.text) <= PREVIEW_CHARS else block.text[: PREVIEW_CHARS - 1] + "…"
        flipped = f" (was {decision.first_pass.reason})" if decision.first_pass is not None else ""
        role = block.role.label
        line = f"{mark} {decision.block:4d} {decision.reason:<26} {decision.by:<12} {role:<14} {text}{flipped}"
        if color:
            line = click.style(line, fg=_FAMILY_COLOURS.get(reason_family(decision.reason), "red"))
        lines.append(line)
    return "\n".join(lines)


def explain_path(path: str, config: Config, color: bool | None = None, out: TextIO | None = None) -> int:
    """Print the explanation of every document in ``path``; return the exit code (0 ok, 1 failures).

    ``color`` None colours the verdicts when ``out`` is a terminal and ``NO_COLOR`` is not set.
    """
    out = out or sys.stdout
    if color is None:  # on a terminal, unless NO_COLOR is set (https://no-color.org); --color/--no-color decide
        color = out.isatty() and not os.environ.get("NO_COLOR")
    use_color = color
    failed = 0
    for inp in discover([path]):
        for item in read_file(inp, config):
            if isinstance(item, Skipped):
                print(f"# {item.source}  skipped: {item.reason} {item.detail}".rstrip(), file=out)
                continue
            if isinstance(item, ReadFailure):
                failed += 1
                print(f"# {item.source}  failed at {item.stage}: {item.type}: {item.message}", file=out)
                continue
            result = clean_document(item, config)
            failed += result.status == "error"
            print(format_result(result, use_color), file=out)
            print(file=out)
    return 1 if failed else 0
