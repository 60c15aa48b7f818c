"""Guarded worker processes that clean documents in input order: the batch's process pool.

:class:`SupervisedPool` cleans documents in forked worker processes watched by the
process that created the pool (any thread of it: nothing here uses signals in the
caller's process). The workers run :func:`cleaner.batch.guards.worker_main`, which applies
the time and memory guards to every document (see :mod:`cleaner.batch.guards`); the
supervisor catches what a worker cannot report itself (a document stuck in C code, a
worker that died) and replaces the worker.

A worker that timed out, hit the memory limit or died is replaced by a fresh fork (a
few milliseconds); the rest of its chunk goes to the next free worker. Results are
yielded chunk by chunk in input order whatever the number of workers.

``jobs == 1`` still runs one supervised worker when a guard is on: a guard that only
worked with several processes would fail exactly when a user runs a small job. A stream
that holds one document (one page on stdin, one file) is cleaned in the caller's process
under the time guard (:func:`cleaner.batch.guards.clean_here`): the workers are only
started once a second document shows up, so one page costs no process start. With
both guards off (``timeout=0, max_memory=0``) and ``jobs == 1`` documents are cleaned
in the caller's process, unguarded.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing import connection, get_all_start_methods, get_context
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from cleaner import pipeline
from cleaner.batch.guards import MESSAGES, clean_here, guarded, time_limit, worker_main
from cleaner.config import Config
from cleaner.model import Document

__all__ = ["HARD_KILL_GRACE", "IN_FLIGHT_PER_WORKER", "SupervisedPool"]

R = TypeVar("R")

# Seconds a worker gets, after its document's time is up, to return to Python and
# unwind: Python code stops within milliseconds of the timer, so a worker still busy
# after 2 s is stuck in C code and will not stop; waiting longer only stalls the batch.
HARD_KILL_GRACE = 2.0
# Chunks in flight per worker: one being cleaned and one waiting, so a worker never
# idles while the main process writes, and memory holds at most 2 x jobs chunks.
IN_FLIGHT_PER_WORKER = 2
# Chunks read ahead to see whether the stream holds a single document (then cleaned in this
# process, see clean_here): the first, and one more to see that the stream ends after it.
_PEEK_CHUNKS = 2
# Seconds a stopping worker is given to exit on its own before it is killed: exiting
# takes milliseconds; a worker that has not exited after 1 s is stuck.
_JOIN_TIMEOUT = 1.0


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
        in_flight: int = IN_FLIGHT_PER_WORKER,
    ) -> None:
        self.task, self.crashed, self.config, self.jobs = task, crashed, config, jobs
        self.in_flight = in_flight
        self.replaced = 0  # workers replaced after a timeout, memory error or death
        self._workers: list[_Worker] = []
        self._inline = jobs == 1 and not guarded(config)
        methods = get_all_start_methods()
        # fork starts a worker in milliseconds and shares the imported modules and models.
        self._context = get_context("fork") if "fork" in methods else get_context()
        self._started = False

    def _start(self) -> None:
        """Load the models here, then fork the workers (once, when the stream has more than one document)."""
        if not self._started:
            self._started = True
            _warm_up(self.config)
            for _ in range(self.jobs):
                self._workers.append(self._spawn())

    # -- workers

    def _spawn(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        others = [w.conn for w in self._workers]
        process = self._context.Process(
            target=worker_main, args=(theirs, [ours, *others], self.task, self.crashed, self.config), daemon=True
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
        source = iter(chunks)
        ahead = list(itertools.islice(source, _PEEK_CHUNKS))
        if len(ahead) < _PEEK_CHUNKS and sum(isinstance(i, Document) for c in ahead for i in c) <= 1:
            docs = [i for c in ahead for i in c if isinstance(i, Document)]
            here = clean_here(docs, self.task, self.crashed, self.config)
            if here is not None:  # the whole stream, one document at most: cleaned in this process
                results = iter(here)
                for chunk in ahead:
                    yield chunk, [next(results) for i in chunk if isinstance(i, Document)]
                return
        self._start()
        source = itertools.chain(ahead, source)
        state = _State()
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
                    self._fail_current(worker, state, "Timeout", MESSAGES["HardTimeout"].format(limit=limit))
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
            self._fail_current(worker, state, "WorkerDied", MESSAGES["WorkerDied"].format(how=_how(worker.process)))
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
