"""Time and memory guards per document: supervised worker processes, in input order.

:class:`SupervisedPool` cleans documents in forked worker processes watched by the
process that created the pool (any thread of it: nothing here uses signals in the
caller's process). Each worker works through one chunk of documents at a time and
sends back every document's result as soon as it has it, so the supervisor always
knows which document a worker is on and since when.

Three guards, each turning a bad document into an error result of its own while the
batch goes on:

- **Time** (``Config.timeout`` seconds a document, more for a document over 1 MB:
  :func:`time_limit`; 0 = off). Inside the worker an
  interval timer raises :class:`Timeout` in the document's code when its time is up:
  the pipeline turns it into an error result naming the stage it stopped in (decode,
  parse, extract), type ``Timeout``. Code stuck in C (a regex or a parser that does not
  return to Python) cannot be interrupted that way: the supervisor kills a worker whose
  document is still running :data:`HARD_KILL_GRACE` seconds past its limit, and the
  document becomes a ``Timeout`` error (stage ``extract``: the stage is not known then).
- **Memory** (``Config.max_memory`` MB, 0 = off). Each worker's address space is capped
  with ``RLIMIT_AS`` at its size when it started plus ``max_memory``: an allocation past
  it raises ``MemoryError`` in the document's code (error type ``MemoryError``, with the
  stage), or, in C code that cannot report it, ends the worker (``WorkerDied``).
  The limit is on growth beyond the worker's start because a forked worker shares the
  parent's already-loaded modules and models, whose size is not the document's doing.
- **Death** (a segfault, an abort, the kernel's OOM killer, ``kill -9``): the document
  the worker was on becomes a ``WorkerDied`` error with the exit code or signal.

A worker that timed out, hit the memory limit or died is replaced by a fresh fork (a
few milliseconds); the rest of its chunk goes to the next free worker. Results are
yielded chunk by chunk in input order whatever the number of workers.

``jobs == 1`` still runs one supervised worker when a guard is on: a guard that only
worked with several processes would fail exactly when a user runs a small job. With
both guards off (``timeout=0, max_memory=0``) and ``jobs == 1`` documents are cleaned
in the caller's process, unguarded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing import connection, get_all_start_methods, get_context
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from cleaner.config import Config
from cleaner.model import Document

__all__ = ["HARD_KILL_GRACE", "Crashed", "SupervisedPool", "Timeout", "guarded", "set_memory_limit", "time_limit"]

R = TypeVar("R")
# crashed(document, error type, message, stage) -> the result of a document the guards stopped
Crashed = Callable[[Document, str, str, str], Any]

# Seconds a worker gets, after its document's time is up, to return to Python and
# unwind: Python code stops within milliseconds of the timer, so a worker still busy
# after 2 s is stuck in C code and will not stop; waiting longer only stalls the batch.
HARD_KILL_GRACE = 2.0
# Bytes of content a document may have for the plain time limit; see time_limit.
_MB = 1_000_000
# Seconds a stopping worker is given to exit on its own before it is killed: exiting
# takes milliseconds; a worker that has not exited after 1 s is stuck.
_JOIN_TIMEOUT = 1.0

_MESSAGES = {
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
        raise Timeout(_MESSAGES["Timeout"].format(limit=self.seconds))

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


def _worker_main(
    conn: connection.Connection,
    close: list[connection.Connection],
    task: Callable[[list[Document], Config], list[Any]],
    crashed: Crashed,
    config: Config,
) -> None:
    """Loop of a worker: receive a chunk, send ``(index, result, retire)`` per document."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's to handle
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
    task: Callable[[list[Document], Config], list[Any]],
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
    timeout = _MESSAGES["Timeout"].format(limit=limit)
    memory = _MESSAGES["MemoryError"].format(limit=config.max_memory)
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


# --- the supervisor --------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    """One chunk in flight: its items, its documents and their results so far."""

    chunk: list[Any]
    docs: list[Document]
    results: list[Any]
    missing: int


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    conn: connection.Connection
    entry: _Entry | None = None
    start: int = 0  # index in entry.docs of the first document sent
    next: int = 0  # index of the document being cleaned now
    since: float = 0.0  # when it started (as the supervisor saw it)


@dataclass(slots=True)
class _Work:
    entry: _Entry
    start: int


@dataclass(slots=True)
class _State:
    pending: deque[_Entry] = field(default_factory=deque)
    queue: deque[_Work] = field(default_factory=deque)


class SupervisedPool(Generic[R]):
    """Map a per-chunk task over chunks of documents in guarded worker processes, in input order.

    ``task(docs, config) -> results`` must treat documents independently (the pool calls
    it with one document at a time); ``crashed(doc, type, message, stage)`` builds the result
    of a document the guards stopped (``Timeout``, ``MemoryError``, ``WorkerDied``). At most
    ``jobs * in_flight`` chunks are held at once. Use :meth:`close` (``kill=True`` on an
    error path) to stop the workers.
    """

    def __init__(
        self,
        task: Callable[[list[Document], Config], list[R]],
        crashed: Callable[[Document, str, str, str], R],
        config: Config,
        jobs: int,
        in_flight: int = 2,
    ) -> None:
        self.task, self.crashed, self.config, self.jobs = task, crashed, config, jobs
        self.in_flight = in_flight
        self.replaced = 0  # workers replaced after a timeout, memory error or death
        self._workers: list[_Worker] = []
        self._inline = jobs == 1 and not guarded(config)
        methods = get_all_start_methods()
        # fork starts a worker in milliseconds and shares the imported modules and models.
        self._context = get_context("fork") if "fork" in methods else get_context()
        if not self._inline:
            _warm_up(config)
            for _ in range(jobs):
                self._workers.append(self._spawn())

    # -- workers

    def _spawn(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        others = [w.conn for w in self._workers]
        process = self._context.Process(
            target=_worker_main, args=(theirs, [ours, *others], self.task, self.crashed, self.config), daemon=True
        )
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _replace(self, worker: _Worker, *, kill: bool) -> None:
        if kill and worker.process.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.process.pid or 0, signal.SIGKILL)
        worker.process.join(_JOIN_TIMEOUT)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()
        self._workers.remove(worker)
        self._workers.append(self._spawn())
        self.replaced += 1

    # -- the map

    def map(self, chunks: Iterable[list[Any]]) -> Iterator[tuple[list[Any], list[R]]]:
        """Yield ``(chunk, results of the chunk's documents)`` for each chunk, in order."""
        if self._inline:
            for chunk in chunks:
                yield chunk, self.task([i for i in chunk if isinstance(i, Document)], self.config)
            return
        state = _State()
        source = iter(chunks)
        exhausted = False
        limit = self.jobs * self.in_flight
        while True:
            while not exhausted and len(state.pending) < limit:
                try:
                    chunk = next(source)
                except StopIteration:
                    exhausted = True
                    break
                docs = [i for i in chunk if isinstance(i, Document)]
                entry = _Entry(chunk, docs, [None] * len(docs), len(docs))
                state.pending.append(entry)
                if docs:
                    state.queue.append(_Work(entry, 0))
            self._dispatch(state)
            while state.pending and state.pending[0].missing == 0:
                entry = state.pending.popleft()
                yield entry.chunk, entry.results
            if not state.pending:
                if exhausted:
                    return
                continue
            self._wait(state)  # the input is read up to the limit: wait for a worker

    def _dispatch(self, state: _State) -> None:
        for worker in self._workers:
            if worker.entry is None and state.queue:
                work = state.queue.popleft()
                try:
                    worker.conn.send(work.entry.docs[work.start :])
                except (BrokenPipeError, OSError):
                    state.queue.appendleft(work)  # it died while idle: its death is noticed in _wait
                    continue
                worker.entry, worker.start, worker.next, worker.since = work.entry, work.start, work.start, _now()

    def _wait(self, state: _State) -> None:
        """Wait for a result, a death or a deadline, and handle what happened."""
        busy = [w for w in self._workers if w.entry is not None]
        timeout = None
        if self.config.timeout > 0 and busy:
            first = min(self._deadline(w) for w in busy)
            timeout = max(0.0, first - _now())
        waitables: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in self._workers]
        ready = set(connection.wait(waitables, timeout))
        for worker in list(self._workers):
            if worker.conn in ready:
                self._receive(worker, state)
            elif worker.process.sentinel in ready:
                self._died(worker, state)
        if self.config.timeout > 0:
            now = _now()
            for worker in list(self._workers):
                if worker.entry is not None and now > self._deadline(worker):
                    limit = time_limit(worker.entry.docs[worker.next], self.config)
                    self._fail_current(worker, state, "Timeout", _MESSAGES["HardTimeout"].format(limit=limit))
                    self._replace(worker, kill=True)

    def _deadline(self, worker: _Worker) -> float:
        """When the supervisor kills a busy worker: its document's limit plus the grace, from its start."""
        assert worker.entry is not None
        return worker.since + time_limit(worker.entry.docs[worker.next], self.config) + HARD_KILL_GRACE

    def _receive(self, worker: _Worker, state: _State) -> None:
        while worker.entry is not None:
            try:
                if not worker.conn.poll():
                    return
                index, result, retire = worker.conn.recv()
            except (EOFError, OSError):
                self._died(worker, state)
                return
            entry = worker.entry
            entry.results[worker.start + index] = result
            entry.missing -= 1
            worker.next = worker.start + index + 1
            worker.since = _now()
            if worker.next == len(entry.docs):
                worker.entry = None
            if retire:
                if worker.entry is not None:
                    state.queue.appendleft(_Work(worker.entry, worker.next))
                    worker.entry = None
                self._replace(worker, kill=False)
                return

    def _died(self, worker: _Worker, state: _State) -> None:
        """A worker ended without being asked: fail its document, requeue the rest, replace it."""
        self._drain(worker)
        if worker.entry is not None:
            worker.process.join(_JOIN_TIMEOUT)
            self._fail_current(worker, state, "WorkerDied", _MESSAGES["WorkerDied"].format(how=_how(worker.process)))
        self._replace(worker, kill=True)

    def _drain(self, worker: _Worker) -> None:
        """Take the results a dead worker sent before it died."""
        while worker.entry is not None:
            try:
                if not worker.conn.poll():
                    return
                index, result, _retire = worker.conn.recv()
            except (EOFError, OSError):
                return
            entry = worker.entry
            entry.results[worker.start + index] = result
            entry.missing -= 1
            worker.next = worker.start + index + 1
            if worker.next == len(entry.docs):
                worker.entry = None

    def _fail_current(self, worker: _Worker, state: _State, kind: str, message: str) -> None:
        """The document a worker is on becomes an error; the documents after it go back to the queue."""
        entry = worker.entry
        assert entry is not None
        entry.results[worker.next] = self.crashed(entry.docs[worker.next], kind, message, "extract")
        entry.missing -= 1
        if worker.next + 1 < len(entry.docs):
            state.queue.appendleft(_Work(entry, worker.next + 1))
        worker.entry = None

    def close(self, *, kill: bool = False) -> None:
        """Stop the workers: ask them to exit, or (``kill``) kill them at once."""
        workers, self._workers = self._workers, []
        for worker in workers:
            if kill:
                with contextlib.suppress(ProcessLookupError, TypeError):
                    os.kill(worker.process.pid or 0, signal.SIGKILL)
            else:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        for worker in workers:
            worker.process.join(_JOIN_TIMEOUT)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()


# A tiny page of each input type, cleaned once before the first fork (see _warm_up).
_WARM_UP_PAGES = (
    ("html", b"<html><head><title>t</title></head><body><p>A short sentence to warm up the models.</p></body></html>"),
    ("text", "A short sentence to warm up the models.\nAnd a second line."),
)


def _warm_up(config: Config) -> None:
    """Load the extractors' models and tables in this process before forking workers.

    They load lazily on the first page (about 1.5 s for the learned model and the
    language identifier); loaded here, every worker and every replacement worker starts
    with them, shared copy-on-write, instead of loading them again.
    """
    from cleaner import pipeline

    for kind, content in _WARM_UP_PAGES:
        doc = Document(id="warm-up", source="<warm-up>", input_type=kind, content=content)  # type: ignore[arg-type]
        try:
            page = pipeline.parse(doc, pipeline.decode(doc, config))
            decisions = pipeline.decide(page, config)
            pipeline.gather_metadata(page, decisions, "", config)
        except Exception:  # noqa: BLE001 - a warm-up that fails only means the workers load lazily
            continue


def _how(process: BaseProcess) -> str:
    code = process.exitcode
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _now() -> float:
    return time.monotonic()
