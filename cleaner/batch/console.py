"""What a batch shows on the terminal: the progress bar and its messages on stderr."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import Any

from tqdm import tqdm

from cleaner.errors import UsageError

__all__ = ["progress_bar", "stderr_log", "terminal_safe", "worker_count"]

# Characters a terminal acts on rather than shows (C0 controls but tab and line feed, DEL, C1
# controls): a file name holding "\x1b[2J" would clear the screen when a message names it.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    r"""``text`` with the control characters a terminal would act on written as escapes (``\x1b``)."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def progress_bar(progress: bool | None) -> Any:
    """A tqdm bar on stderr when asked, or by default when stderr is a terminal; None otherwise."""
    show = progress if progress is not None else sys.stderr.isatty()
    if not show:
        return None
    return tqdm(unit=" docs", file=sys.stderr, dynamic_ncols=True, mininterval=0.5)


def stderr_log(report: bool) -> Callable[[str], None] | None:
    """A function printing a batch's messages on stderr, or None when the batch is silent."""
    return (lambda message: print(terminal_safe(message), file=sys.stderr)) if report else None


def worker_count(jobs: int | None) -> int:
    """The number of worker processes: ``jobs``, or the CPU count when None; less than 1 is a usage error."""
    if jobs is None:
        return os.cpu_count() or 1
    if jobs < 1:
        raise UsageError(f"jobs must be at least 1, not {jobs}")
    return jobs
