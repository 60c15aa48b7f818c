"""Ctrl-C (and SIGTERM) during a batch: deferred while records and checkpoints are written, so neither is left torn."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

__all__ = ["INTERRUPTS", "InterruptGuard", "sigterm_as_interrupt"]

# The signals that interrupt a batch: Ctrl-C, and SIGTERM (kill, a job scheduler's stop).
INTERRUPTS = (signal.SIGINT, signal.SIGTERM)


def sigterm_as_interrupt() -> None:
    """Make SIGTERM raise KeyboardInterrupt in this (main) thread, as Ctrl-C does.

    For the command line: a run stopped by SIGTERM outside a batch's guarded section (in
    pass 1 of the corpus statistics) then unwinds, and exits 130 with its temporary files
    removed, instead of dying with them left behind.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.default_int_handler)


class InterruptGuard:
    """Defer Ctrl-C and SIGTERM while records and checkpoints are written, so neither is left torn.

    Outside :meth:`critical` either raises KeyboardInterrupt at once; inside, it is
    remembered and raised when the section ends. SIGTERM (``kill``, a job scheduler's stop)
    is handled as Ctrl-C, so the run checkpoints, removes its temporary files and exits
    130 instead of dying with them. Only installed in the main thread.
    """

    def __init__(self) -> None:
        self._depth = 0
        self._pending = False
        self._previous: Any = None
        self._installed = False

    def __enter__(self) -> InterruptGuard:
        if threading.current_thread() is threading.main_thread():
            self._previous = {signum: signal.signal(signum, self._handler) for signum in INTERRUPTS}
            self._installed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._installed:
            for signum, previous in self._previous.items():
                signal.signal(signum, previous)
            self._installed = False

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        if self._depth:
            self._pending = True
        else:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def critical(self) -> Iterator[None]:
        """Run a section that Ctrl-C does not cut; the interrupt is raised after it."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth and self._pending:
                self._pending = False
                raise KeyboardInterrupt
