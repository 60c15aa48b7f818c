"""What a batch shows on the terminal: the progress bar and its messages on stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from tqdm import tqdm

from cleaner.errors import UsageError

__all__ = ["progress_bar", "stderr_log", "worker_count"]


def progress_bar(progress: bool | None) -> Any:
    """A tqdm bar on stderr when asked, or by default when stderr is a terminal; None otherwise."""
    show = progress if progress is not None else sys.stderr.isatty()
    if not show:
        return None
    return tqdm(unit=" docs", file=sys.stderr, dynamic_ncols=True, mininterval=0.5)


def stderr_log(report: bool) -> Callable[[str], None] | None:
    """A function printing a batch's messages on stderr, or None when the batch is silent."""
    return (lambda message: print(message, file=sys.stderr)) if report else None


def worker_count(jobs: int | None) -> int:
    """The number of worker processes: ``jobs``, or the CPU count when None; less than 1 is a usage error."""
    if jobs is None:
        return os.cpu_count() or 1
    if jobs < 1:
        raise UsageError(f"jobs must be at least 1, not {jobs}")
    return jobs
