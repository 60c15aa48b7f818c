"""Time and memory guards per document, and the loop of a guarded worker process.

The supervisor (:class:`cleaner.batch.pool.SupervisedPool`) forks workers that run
:func:`worker_main`: each works through one chunk of documents at a time and sends back
every document's result as soon as it has it, so the supervisor always knows which
document a worker is on and since when.

Three guards, each turning a bad document into an error result of its own while the
batch goes on:

- **Time** (``Config.timeout`` seconds a document, more for a document over 1 MB:
  :func:`time_limit`; 0 = off). Inside the worker an
  interval timer raises :class:`Timeout` in the document's code when its time is up:
  the pipeline turns it into an error result naming the stage it stopped in (decode,
  parse, extract), type ``Timeout``. Code stuck in C (a regex or a parser that does not
  return to Python) cannot be interrupted that way: the supervisor kills a worker whose
  document is still running :data:`cleaner.batch.pool.HARD_KILL_GRACE` seconds past its limit, and the
  document becomes a ``Timeout`` error (stage ``extract``: the stage is not known then).
- **Memory** (``Config.max_memory`` MB, 0 = off). Each worker's address space is capped
  with ``RLIMIT_AS`` at its size when it started plus ``max_memory``: an allocation past
  it raises ``MemoryError`` in the document's code (error type ``MemoryError``, with the
  stage), or, in C code that cannot report it, ends the worker (``WorkerDied``).
  The limit is on growth beyond the worker's start because a forked worker shares the
  parent's already-loaded modules and models, whose size is not the document's doing.
- **Death** (a segfault, an abort, the kernel's OOM killer, ``kill -9``): the document
  the worker was on becomes a ``WorkerDied`` error with the exit code or signal.

A run of one document (one page on stdin, one file) needs no second process:
:func:`clean_here` cleans it in the caller's main thread under the same interval timer,
which saves starting a worker. There the memory guard is the size cap alone
(``Config.max_bytes``: a page is cut to it when read), and code stuck in C is not stopped.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from multiprocessing import connection
from typing import Any

from cleaner.config import Config
from cleaner.model import Document

__all__ = [
    "MESSAGES",
    "Crashed",
    "Task",
    "Timeout",
    "clean_here",
    "guarded",
    "set_memory_limit",
    "time_limit",
    "worker_main",
]

# crashed(document, error type, message, stage) -> the result of a document the guards stopped
Crashed = Callable[[Document, str, str, str], Any]
# task(documents, config) -> one result per document: the work a worker does
Task = Callable[[list[Document], Config], list[Any]]

# Bytes of content a document may have for the plain time limit; see time_limit.
_MB = 1_000_000
# What each guard's error says (the message users read in the errors file).
MESSAGES = {
    "Timeout": "took more than {limit:.3g} s; the document was stopped and the batch went on (raise it with --timeout)",
    "HardTimeout": (
        "took more than {limit:.3g} s and did not stop when asked (stuck in C code): its worker was killed and "
        "replaced; raise the limit with --timeout if such pages are expected"
    ),
    "WorkerDied": (
        "the worker process cleaning this document died ({how}): a crash in a C extension, or the system ran out "
        "of memory; the worker was replaced and the batch went on"
    ),
    "MemoryError": (
        "needed more than the memory limit of {limit} MB (--max-memory); the document was stopped and its worker "
        "replaced"
    ),
}


class Timeout(Exception):  # noqa: N818 - the error type users read in the errors file is "Timeout"
    """Raised inside a worker when the document it cleans runs past ``Config.timeout``."""


def time_limit(doc: Document, config: Config) -> float:
    """Seconds ``doc`` may take: ``config.timeout``, times its size in MB beyond the first MB.

    Cleaning time grows with the page (about 0.6 s a MB on devdata pages and on a 20 MB
    page alike), so a flat limit would stop large pages that are merely large: a 20 MB
    page (the largest ``max_bytes`` lets through) gets 20 times the limit.
    """
    if config.timeout <= 0:
        return 0.0
    return config.timeout * max(1.0, len(doc.content) / _MB)


def guarded(config: Config) -> bool:
    """True when a time or memory guard is on, so documents must run in supervised workers."""
    return config.timeout > 0 or config.max_memory > 0


def set_memory_limit(max_memory_mb: int) -> int | None:
    """Cap this process's address space at its current size plus ``max_memory_mb`` MB.

    Returns the limit in bytes, or None when it cannot be set (no ``resource`` module, or
    a hard limit already lower): the worker then runs without a memory guard.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux/macOS
        return None
    limit = _address_space() + max_memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY and hard < limit:
        return None
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return None
    return limit


def _address_space() -> int:
    """Return the virtual memory size of this process in bytes (0 when /proc cannot tell)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _error_of(result: Any) -> tuple[str | None, str | None]:
    """The error type and stage of a result (an _Outcome or a Result); Nones when it is no error."""
    error = getattr(result, "error", None)
    return getattr(error, "type", None), getattr(error, "stage", None)


# --- the worker process ----------------------------------------------------------------


class _Alarm:
    """The per-document timer of a worker: raises Timeout in the worker's main thread."""

    def __init__(self, enabled: bool) -> None:
        self.seconds = 0.0
        self.fired = False
        if enabled:
            signal.signal(signal.SIGALRM, self._ring)

    def _ring(self, signum: int, frame: object) -> None:
        self.fired = True
        raise Timeout(MESSAGES["Timeout"].format(limit=self.seconds))

    @contextlib.contextmanager
    def armed(self, seconds: float) -> Iterator[None]:
        self.fired = False
        self.seconds = seconds
        if seconds > 0:
            signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            if seconds > 0:
                signal.setitimer(signal.ITIMER_REAL, 0)


def clean_here(docs: list[Document], task: Task, crashed: Crashed, config: Config) -> list[Any] | None:
    """Clean ``docs`` in this process under the time guard, as a worker would; None when that cannot be done here.

    The timer is SIGALRM, which only the main thread receives (and only where
    ``signal.setitimer`` exists): from another thread this returns None and the caller
    uses worker processes. The caller's own SIGALRM handler is put back afterwards.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return None
    previous = signal.getsignal(signal.SIGALRM)
    alarm = _Alarm(config.timeout > 0)
    try:
        return [_run_one(doc, task, crashed, config, alarm)[0] for doc in docs]
    finally:
        if config.timeout > 0:
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)


def worker_main(
    conn: connection.Connection,
    close: list[connection.Connection],
    task: Task,
    crashed: Crashed,
    config: Config,
) -> None:
    """Loop of a worker: receive a chunk, send ``(index, result, retire)`` per document."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's to handle
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # ... and so is a SIGTERM sent to the process group
    for other in close:  # the other workers' pipes, inherited by fork: their EOF must not wait for us
        other.close()
    if config.max_memory > 0:
        set_memory_limit(config.max_memory)
    alarm = _Alarm(config.timeout > 0)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the supervisor is gone
        if message is None:
            return
        for index, doc in enumerate(message):
            result, retire = _run_one(doc, task, crashed, config, alarm)
            try:
                conn.send((index, result, retire))
            except (BrokenPipeError, EOFError, ConnectionResetError):
                return
            except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled, or MemoryError
                conn.send(
                    (index, crashed(doc, type(exc).__name__, f"cannot send the result back: {exc}", "write"), True)
                )
                retire = True
            if retire:
                return


def _run_one(
    doc: Document,
    task: Task,
    crashed: Crashed,
    config: Config,
    alarm: _Alarm,
) -> tuple[Any, bool]:
    """Clean one document under the timer: ``(result, retire)``.

    ``retire`` is True after a timeout or a memory error: the worker's state may be
    damaged (a data structure left half-built), so it exits and a fresh fork replaces it.
    A Timeout that a library swallowed still fails the document.
    """
    limit = time_limit(doc, config)
    timeout = MESSAGES["Timeout"].format(limit=limit)
    memory = MESSAGES["MemoryError"].format(limit=config.max_memory)
    try:
        with alarm.armed(limit):
            result = task([doc], config)[0]
    except Timeout:
        return crashed(doc, "Timeout", timeout, "extract"), True
    except MemoryError:
        return crashed(doc, "MemoryError", memory, "extract"), True
    except Exception as exc:  # noqa: BLE001 - the task should not raise; if it does, fail this document
        return crashed(doc, type(exc).__name__, str(exc) or repr(exc), "extract"), False
    kind, stage = _error_of(result)
    if kind == "MemoryError":  # the pipeline caught it and knows the stage; the message says what to do
        return crashed(doc, "MemoryError", memory, stage or "extract"), True
    if alarm.fired and kind != "Timeout":
        # a library caught the Timeout and went on: whatever it returned is not the whole page
        return crashed(doc, "Timeout", timeout, stage or "extract"), True
    return result, alarm.fired
