"""The site statistics of pass 1: per site, how many of its documents hold each block hash.

**Memory.** A summary entry is one ``uint64`` key (see :mod:`cleaner.corpus.keys`) and one
``uint32`` count: 12 bytes per distinct (site, block) pair while collecting. Once
collected, blocks seen on one page only are dropped (:meth:`SiteStats.pruned_copy`): they
can never be repeated, and what is left (templates, footers, repeated sentences) is a small
fraction. See README ("Corpus statistics") for measured sizes.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.corpus.keys import HASH_BITS, HASH_MASK, SITE_BITS
from cleaner.errors import UsageError

__all__ = ["COMPACT_EVERY", "MAX_ENTRIES", "SiteStats", "load_stats", "merge_all"]

# Pending keys (8 bytes each) are folded into the sorted summary every this many: 2
# million keys are 16 MB, and a fold (a sort of at most MAX_ENTRIES + 2 million keys)
# takes about a second, once every 12,000 documents or so.
COMPACT_EVERY = 2_000_000
# Entries (12 bytes each) held in memory while collecting; beyond this the sorted summary
# is written to a temporary file (a "run") and collection starts afresh, and the runs are
# merged window by window when the summary is pruned (an external merge sort, as CCNet
# does with its hash shards). 4 million entries are 48 MB resident; a fold's sort makes
# temporary copies of about 50 bytes an entry, so pass 1 peaks near 400 MB of memory
# (measured: see README) whatever the size of the corpus.
MAX_ENTRIES = 4_000_000
# Version of the summary file layout and of the normalisation; another one is not loaded.
_FILE_VERSION = 1


class SiteStats:
    """Per site: its number of documents, and how many of them contain each block hash.

    Built with :meth:`add` (one document at a time) or :meth:`merge` (two summaries);
    queried with :meth:`docs` and :meth:`counts`. Two summaries of the same documents are
    equal (``==``) whatever order the documents came in and however they were split
    into shards. ``pruned`` is true once blocks seen on a single page were dropped
    (:meth:`pruned_copy`): such a summary answers queries exactly but is no longer exact
    to merge (a block seen once in each of two shards is lost). Beyond ``max_entries``
    entries the counts go to temporary files (see :data:`MAX_ENTRIES`).
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # memory-mapped sorted runs on disk
        self._spill: tempfile.TemporaryDirectory[str] | None = None
        self._names: list[str] = []
        self._ids: dict[str, int] = {}
        self._docs: list[int] = []
        self._keys = np.empty(0, dtype=np.uint64)  # sorted, unique: (site id << HASH_BITS) | hash
        self._counts = np.empty(0, dtype=np.uint32)
        self._pending: list[np.ndarray] = []
        self._pending_size = 0
        self.pruned = False

    # -- building

    def _site_id(self, site: str) -> int:
        index = self._ids.get(site)
        if index is None:
            if len(self._names) >= 1 << SITE_BITS:
                raise UsageError(f"more than {1 << SITE_BITS} sites in one summary: split the corpus")
            index = self._ids[site] = len(self._names)
            self._names.append(site)
            self._docs.append(0)
        return index

    def add(self, site: str, hashes: np.ndarray) -> None:
        """Count one document of ``site`` with the distinct block hashes ``hashes``.

        ``hashes`` are a page's :func:`~cleaner.corpus.keys.document_keys`.
        """
        index = self._site_id(site)
        self._docs[index] += 1
        if len(hashes):
            self._pending.append((hashes.astype(np.uint64) & HASH_MASK) | np.uint64(index << HASH_BITS))
            self._pending_size += len(hashes)
            if self._pending_size >= COMPACT_EVERY:
                self.compact()

    def compact(self) -> None:
        """Fold the pending documents into the sorted summary (done on its own when needed)."""
        if not self._pending:
            return
        keys = np.concatenate([self._keys, *self._pending])
        counts = np.concatenate([self._counts, np.ones(self._pending_size, dtype=np.uint32)])
        self._pending, self._pending_size = [], 0
        # release the old arrays before the sort makes its copies
        self._keys, self._counts = np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint32)
        self._keys, self._counts = _sum_by_key(keys, counts)
        if len(self._keys) > self.max_entries:
            self._write_run()

    def _write_run(self) -> None:
        """Move the in-memory summary to a temporary file, memory-mapped back for the final merge."""
        if self._spill is None:
            self._spill = tempfile.TemporaryDirectory(prefix="cleaner-site-stats-")
        stem = Path(self._spill.name) / f"run{len(self._runs)}"
        np.save(f"{stem}-keys.npy", self._keys)
        np.save(f"{stem}-counts.npy", self._counts)
        self._runs.append((np.load(f"{stem}-keys.npy", mmap_mode="r"), np.load(f"{stem}-counts.npy", mmap_mode="r")))
        self._keys, self._counts = np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint32)

    def _merged_runs(self, min_pages: int) -> tuple[np.ndarray, np.ndarray]:
        """Merge the runs and the in-memory summary window by window, keeping counts >= ``min_pages``."""
        sources = [*self._runs, (self._keys, self._counts)]
        total = sum(len(k) for k, _ in sources)
        windows = max(1, -(-total // max(1, self.max_entries // 2)))
        samples = np.sort(np.concatenate([np.asarray(k[:: max(1, len(k) // (8 * windows))]) for k, _ in sources]))
        bounds = np.unique(samples[np.linspace(0, len(samples) - 1, windows + 1).astype(np.int64)[1:-1]])
        edges: list[Any] = [None, *bounds, None]
        out_keys, out_counts = [], []
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            keys, counts = [], []
            for k, c in sources:
                a = 0 if lo is None else int(np.searchsorted(k, lo))
                b = len(k) if hi is None else int(np.searchsorted(k, hi))
                keys.append(np.asarray(k[a:b]))
                counts.append(np.asarray(c[a:b]))
            merged_keys, merged_counts = _sum_by_key(np.concatenate(keys), np.concatenate(counts))
            keep = merged_counts >= min_pages
            out_keys.append(merged_keys[keep])
            out_counts.append(merged_counts[keep])
        return np.concatenate(out_keys), np.concatenate(out_counts)

    def _settle(self) -> None:
        """Fold pending documents and bring any runs back into memory (for exact queries)."""
        self.compact()
        if self._runs:
            self._keys, self._counts = self._merged_runs(1)
            self._runs = []
            if self._spill is not None:
                self._spill.cleanup()
                self._spill = None

    def merge(self, other: SiteStats) -> SiteStats:
        """A new summary of the documents of both: the same as one pass over all of them."""
        a, b = self.canonical(), other.canonical()
        names = sorted(set(a._names) | set(b._names))
        merged = SiteStats()
        merged._names = names
        merged._ids = {name: i for i, name in enumerate(names)}
        merged._docs = [0] * len(names)
        parts_keys, parts_counts = [], []
        for part in (a, b):
            remap = np.array([merged._ids[n] for n in part._names], dtype=np.uint64)
            for name, docs in zip(part._names, part._docs, strict=True):
                merged._docs[merged._ids[name]] += docs
            parts_keys.append(_remap(part._keys, remap))
            parts_counts.append(part._counts)
        merged._keys, merged._counts = _sum_by_key(np.concatenate(parts_keys), np.concatenate(parts_counts))
        merged.pruned = a.pruned or b.pruned
        return merged

    def canonical(self) -> SiteStats:
        """The same summary with sites numbered in name order (the form that is saved and compared)."""
        self._settle()
        order = sorted(range(len(self._names)), key=self._names.__getitem__)
        if order == list(range(len(order))):
            return self
        remap = np.empty(len(order), dtype=np.uint64)
        remap[np.array(order, dtype=np.int64)] = np.arange(len(order), dtype=np.uint64)
        out = SiteStats()
        out._names = [self._names[i] for i in order]
        out._ids = {name: i for i, name in enumerate(out._names)}
        out._docs = [self._docs[i] for i in order]
        out._keys, out._counts = _sum_by_key(_remap(self._keys, remap), self._counts)
        out.pruned = self.pruned
        return out

    def pruned_copy(self, min_pages: int = 2) -> SiteStats:
        """A copy without the blocks seen on fewer than ``min_pages`` pages: what applying needs.

        With runs on disk the merge goes window by window, so memory holds one window and
        the entries that are kept.
        """
        self.compact()
        out = SiteStats()
        out._names, out._ids, out._docs = list(self._names), dict(self._ids), list(self._docs)
        if self._runs:
            out._keys, out._counts = self._merged_runs(min_pages)
        else:
            keep = self._counts >= min_pages
            out._keys, out._counts = self._keys[keep], self._counts[keep]
        out.pruned = True
        return out.canonical()

    # -- queries

    @property
    def sites(self) -> list[str]:
        """The sites counted, in name order."""
        return sorted(self._names)

    @property
    def total_docs(self) -> int:
        """Documents counted, over all sites."""
        return sum(self._docs)

    @property
    def entries(self) -> int:
        """Distinct (site, block) pairs held."""
        self._settle()
        return len(self._keys)

    @property
    def nbytes(self) -> int:
        """Bytes held by the counts (12 per (site, block) pair) and the site table (about)."""
        self._settle()
        return int(self._keys.nbytes + self._counts.nbytes) + sum(len(n) + 80 for n in self._names)

    def docs(self, site: str) -> int:
        """How many documents of ``site`` were counted (0 for an unknown site)."""
        index = self._ids.get(site)
        return 0 if index is None else self._docs[index]

    def counts(self, site: str, hashes: np.ndarray) -> np.ndarray:
        """For each hash (from :func:`cleaner.corpus.keys.block_keys`), how many documents of ``site`` contain it."""
        self._settle()
        out = np.zeros(len(hashes), dtype=np.int64)
        index = self._ids.get(site)
        if index is None or not len(self._keys) or not len(hashes):
            return out
        query = (hashes.astype(np.uint64) & HASH_MASK) | np.uint64(index << HASH_BITS)
        pos = np.minimum(np.searchsorted(self._keys, query), len(self._keys) - 1)
        found = (self._keys[pos] == query) & (hashes != 0)
        out[found] = self._counts[pos[found]]
        return out

    def top(self, site: str, k: int, min_pages: int = 2) -> list[tuple[int, int]]:
        """The ``k`` block hashes of ``site`` on the most pages (at least ``min_pages``), as ``(hash, pages)``."""
        self._settle()
        index = self._ids.get(site)
        if index is None:
            return []
        lo = np.searchsorted(self._keys, np.uint64(index << HASH_BITS))
        hi = np.searchsorted(self._keys, np.uint64((index + 1) << HASH_BITS)) if index + 1 < 1 << SITE_BITS else None
        keys, counts = self._keys[lo:hi], self._counts[lo:hi]
        order = np.lexsort((keys, -counts.astype(np.int64)))[:k]
        return [(int(keys[i] & HASH_MASK), int(counts[i])) for i in order if counts[i] >= min_pages]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SiteStats):
            return NotImplemented
        a, b = self.canonical(), other.canonical()
        return (
            a._names == b._names
            and a._docs == b._docs
            and a.pruned == b.pruned
            and np.array_equal(a._keys, b._keys)
            and np.array_equal(a._counts, b._counts)
        )

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> dict[str, Any]:
        """Pickle (to send a summary between processes): runs on disk are brought into memory first."""
        self._settle()
        return {k: v for k, v in self.__dict__.items() if k not in ("_runs", "_spill")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._runs, self._spill = [], None

    def __repr__(self) -> str:
        return f"SiteStats({len(self._names)} sites, {self.total_docs} documents, {self.entries} blocks)"

    # -- files

    def save(self, path: str | Path) -> None:
        """Write the summary to ``path`` (an uncompressed ``.npz``), atomically."""
        base = self.canonical()
        meta = {"version": _FILE_VERSION, "hash_bits": HASH_BITS, "pruned": base.pruned, "names": base._names}
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as handle:
            np.savez(
                handle,
                meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
                docs=np.array(base._docs, dtype=np.int64),
                keys=base._keys,
                counts=base._counts,
            )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | Path) -> SiteStats:
        """Read a summary written by :meth:`save`; a damaged or foreign file is a usage error."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
                docs, keys, counts = data["docs"], data["keys"], data["counts"]
        except (OSError, ValueError, KeyError) as exc:
            raise UsageError(f"cannot read site statistics {path} ({exc}); delete it to collect them again") from exc
        if meta.get("version") != _FILE_VERSION or meta.get("hash_bits") != HASH_BITS:
            raise UsageError(f"{path} was written by another cleaner version; delete it to collect them again")
        out = cls()
        out._names = list(meta["names"])
        out._ids = {name: i for i, name in enumerate(out._names)}
        out._docs = [int(x) for x in docs]
        out._keys, out._counts = keys.astype(np.uint64), counts.astype(np.uint32)
        out.pruned = bool(meta["pruned"])
        return out


def _sum_by_key(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort ``keys`` and add up the counts of equal keys."""
    if not len(keys):
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint32)
    order = np.argsort(keys, kind="stable")
    keys, counts = keys[order], counts[order]
    del order
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    summed = np.add.reduceat(counts, starts, dtype=np.uint64)
    return keys[starts], np.minimum(summed, np.iinfo(np.uint32).max).astype(np.uint32)


def _remap(keys: np.ndarray, remap: np.ndarray) -> np.ndarray:
    """Replace the site index in every key by ``remap[index]``."""
    if not len(keys):
        return keys
    return (remap[(keys >> np.uint64(HASH_BITS)).astype(np.int64)] << np.uint64(HASH_BITS)) | (keys & HASH_MASK)


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int, size: int) -> SiteStats:
    return SiteStats.load(path)


def load_stats(path: str | Path) -> SiteStats:
    """The summary in ``path``, read once per process (and again if the file changes)."""
    st = os.stat(path)
    return _load_cached(str(path), st.st_mtime_ns, st.st_size)


def merge_all(parts: Iterable[SiteStats]) -> SiteStats:
    """Merge summaries as they come, like a binary counter: each entry is merged O(log n) times, not n.

    ``levels[i]`` holds a merge of about ``2**i`` parts; a new part carries upwards while
    its level is taken. The result is the same whatever the order (SiteStats.merge is exact).
    """
    levels: list[SiteStats | None] = []
    for part in parts:
        carry: SiteStats = part
        for i, held in enumerate(levels):
            if held is None:
                levels[i] = carry
                break
            carry, levels[i] = held.merge(carry), None
        else:
            levels.append(carry)
    total = SiteStats()
    for held in levels:
        if held is not None:
            total = total.merge(held)
    return total
