"""Corpus statistics: blocks repeated across a site's pages are boilerplate (two passes).

A line that appears on many pages of one site (a newsletter call, a publisher's blurb, a
menu, a footer) is boilerplate even when it reads like a sentence, and no single-page
extractor can know that. Like CCNet's line-hash deduplication, cleaner learns it from the
corpus in two passes:

1. **Collect** (:func:`collect`): every document is decoded and segmented (no extractor),
   and the set of hashes of its normalised blocks (:func:`normalise`: lower case, digits
   folded to ``0``, whitespace collapsed) is counted per site (the host of the url, or the
   folder of a local file without one). The counts form a :class:`SiteStats`: for each
   (site, block hash), the number of the site's documents that contain the block, and for
   each site its number of documents. Summaries of shards merge exactly
   (:meth:`SiteStats.merge`): merged shards give the same summary as one pass over
   everything, whatever the order.
2. **Apply** (:func:`revise`, called by the pipeline after the extractor decided): a kept
   block that is on a large enough share of the site's *other, distinct* pages is dropped
   with reason ``corpus.repeated_on_site`` and its evidence ("on 812 of 900 pages of
   example.com"); a block the extractor already dropped keeps its reason and gets the
   corpus evidence appended to its ``detail``.

**Near-duplicates.** A page reposted at several urls of a site (or crawled twice) must not
erase its own article. The counts alone tell how many copies a page has: its article
blocks are on as many pages as the page has copies. :func:`copies_of` takes the
length-weighted median count of the blocks the extractor kept (the article, for a page
the extractor got roughly right), and a block counts as repeated only on the pages
*beyond* those copies: ``others = count - copies`` out of ``docs - copies``. A block on
two copies of one article is therefore kept, a footer on every page is not.

**Memory.** A summary entry is one ``uint64`` key (the site's index in its top
:data:`SITE_BITS` bits, a :data:`HASH_BITS`-bit prefix of the block hash below) and one
``uint32`` count: 12 bytes per distinct (site, block) pair while collecting. Once
collected, blocks seen on one page only are dropped (:meth:`SiteStats.pruned`): they can
never be repeated, and what is left (templates, footers, repeated sentences) is a small
fraction. See README ("Corpus statistics") for measured sizes.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.model import Block, Decision, Document

if TYPE_CHECKING:
    from cleaner.io.readers import InputFile

REASON = "corpus.repeated_on_site"
# Bits of a summary key that hold the site's index: 2^24 = 16.7 million sites in one
# summary, far more than the sites of a million documents.
SITE_BITS = 24
# Bits of the block hash kept in a key (64 - SITE_BITS). Hashes only need to be told
# apart within one site: a site with 3 million distinct blocks and 1,000 repeated ones has
# a chance of about n * r / 2^40 = 0.3 % that any unique block shares a prefix with a
# repeated one (which could drop it), and two unique blocks that collide only count as
# seen twice, far below the share threshold of a site that large.
HASH_BITS = 64 - SITE_BITS
_HASH_MASK = np.uint64((1 << HASH_BITS) - 1)
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
# A block with more than half of its characters inside links is counted as a link (a
# menu item, a teaser title), apart from the same words as prose: the title of an
# article is prose on its own page and a link in the "most read" box of every other page,
# and the box must not erase the article's own headline.
LINK_BLOCK_DENSITY = 0.5
# Version of the summary file layout and of the normalisation; another one is not loaded.
_FILE_VERSION = 1

_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]+")
# Scripts written without spaces between words: each character counts as a word.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


# --------------------------------------------------------------------------- hashing


def normalise(text: str) -> str:
    """Lower case, every digit folded to ``0``, whitespace collapsed: what counts as "the same line"."""
    return _SPACE.sub(" ", _DIGIT.sub("0", text.lower())).strip()


def word_count(text: str) -> int:
    """Words made of letters (numbers and symbols do not count); a Chinese or Japanese character is one."""
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(_WORD.findall(text))
    return unspaced + len(_WORD.findall(_UNSPACED.sub(" ", text)))


def block_key(block: Block) -> int | None:
    """The :data:`HASH_BITS`-bit hash of a block's normalised text (and link flag); None when empty."""
    text = normalise(block.text)
    if not text:
        return None
    if block.link_density > LINK_BLOCK_DENSITY:
        text = "\x01" + text
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> SITE_BITS


def block_keys(blocks: Sequence[Block]) -> np.ndarray:
    """One hash per block (``uint64``; 0 for a block with no text), in block order."""
    return np.array([block_key(b) or 0 for b in blocks], dtype=np.uint64)


def document_keys(blocks: Sequence[Block]) -> np.ndarray:
    """The set of a document's block hashes, sorted (a block repeated in a page counts once)."""
    keys = block_keys(blocks)
    return np.unique(keys[keys != 0])


# --------------------------------------------------------------------------- the summary


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
        """Count one document of ``site`` whose distinct block hashes are ``hashes`` (see :func:`document_keys`)."""
        index = self._site_id(site)
        self._docs[index] += 1
        if len(hashes):
            self._pending.append((hashes.astype(np.uint64) & _HASH_MASK) | np.uint64(index << HASH_BITS))
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
        """For each hash (from :func:`block_keys`), how many documents of ``site`` contain it."""
        self._settle()
        out = np.zeros(len(hashes), dtype=np.int64)
        index = self._ids.get(site)
        if index is None or not len(self._keys) or not len(hashes):
            return out
        query = (hashes.astype(np.uint64) & _HASH_MASK) | np.uint64(index << HASH_BITS)
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
        return [(int(keys[i] & _HASH_MASK), int(counts[i])) for i in order if counts[i] >= min_pages]

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
    return (remap[(keys >> np.uint64(HASH_BITS)).astype(np.int64)] << np.uint64(HASH_BITS)) | (keys & _HASH_MASK)


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int, size: int) -> SiteStats:
    return SiteStats.load(path)


def load_stats(path: str | Path) -> SiteStats:
    """The summary in ``path``, read once per process (and again if the file changes)."""
    st = os.stat(path)
    return _load_cached(str(path), st.st_mtime_ns, st.st_size)


# --------------------------------------------------------------------------- pass 1


def page_keys(document: Document, config: Config) -> np.ndarray:
    """Decode and segment one document (no extractor) and return its set of block hashes."""
    from cleaner.pipeline import decode, parse

    return document_keys(parse(document, decode(document, config)).blocks)


def _keys_task(docs: list[Document], config: Config) -> list[tuple[str, np.ndarray] | None]:
    """Worker task of pass 1: the site and block hashes of each document (None if it fails)."""
    out: list[tuple[str, np.ndarray] | None] = []
    for doc in docs:
        try:
            out.append((doc.site or "", page_keys(doc, config)))
        except Exception:  # noqa: BLE001 - a bad page is reported by pass 2; pass 1 just skips it
            out.append(None)
    return out


def _keys_crashed(doc: Document, exc_type: str, message: str) -> None:
    return None


def collect(
    paths: Sequence[str | Path] | None = None,
    config: Config | None = None,
    jobs: int = 1,
    *,
    files: list[InputFile] | None = None,
) -> SiteStats:
    """Pass 1 over every document under ``paths`` (or the discovered ``files``): count block hashes per site.

    Documents are read and segmented in ``jobs`` worker processes (the batch runner's
    pool, so a page that crashes a worker is skipped, not fatal); pages that cannot be
    read or decoded are skipped (pass 2 reports them). The result is not pruned.
    """
    from cleaner.batch import local as run

    config = config or Config()
    if files is None:
        files = run._discover(list(paths or []))
    stats = SiteStats()
    pool: Any = run._OrderedPool(_keys_task, _keys_crashed, config, jobs)
    try:
        for _chunk, results in pool.map(run._chunks(run._stream(files, config))):
            for item in results:
                if item is not None:
                    stats.add(*item)
        pool.close()
    finally:
        pool.close(kill=True)
    stats.compact()
    return stats


def collect_documents(documents: Iterable[Document], config: Config | None = None) -> SiteStats:
    """Pass 1 over Documents in this process (for a pipeline that has them in hand)."""
    config = config or Config()
    stats = SiteStats()
    for doc in documents:
        try:
            stats.add(doc.site or "", page_keys(doc, config))
        except Exception:  # noqa: BLE001 - skipped as in collect()
            continue
    stats.compact()
    return stats


# --------------------------------------------------------------------------- pass 2

# Share of a site's *other distinct* pages (those that are not copies of the page) that
# must hold a block for it to be boilerplate. A site template (menu, footer, newsletter
# box, publisher blurb) is on nearly all of them, a section's template on a good share; a
# sentence that different pages share by coincidence or design (a quote, a product
# feature on its variants, a headline on two listing pages) on a few out of many. 0.3
# keeps the first two on sites of any size. On devdata (sites of 2-12 pages) the F1
# change on wcxb-dev's multi-page HTML sites is +0.0007 at 0.2, +0.0010 at 0.3, +0.0013
# at 0.5 (with MIN_WORDS 10): the share matters little there, since on a site of two or
# three pages any block shared by two distinct pages passes it, which is all such a
# small crawl can tell.
MIN_SHARE = 0.3
# ... and at least this many other distinct pages: one, so two different pages of a site
# sharing a line is already evidence (the smallest corpus that can show repetition).
MIN_OTHER_PAGES = 1
# Blocks with fewer words (letters only; a CJK character is a word) are left to the
# extractor: 10 words is a full sentence. Shorter blocks are labels, headings, prices,
# product names, taglines and menu items, whose repetition across a site is often the
# structure of its content ("Weight:", "Parameters", "Save 25%", "Free shipping on all
# orders"), and single-page rules judge them well from their context. On devdata's
# multi-page sites, dropped blocks of 0-2 words were in the gold text two times out of
# three, blocks of 8 words or more one time out of six; the F1 change on wcxb-dev's HTML
# (shops and documentation, where repeated text is often counted as content) goes from
# -0.0016 (6 words) to -0.0008 (8) to +0.0010 (10) at a share of 0.3; text dumps gain at
# every value (+0.0040 to +0.0048).
MIN_WORDS = 10
# A page's copies on its site are estimated from the length-weighted median count of its
# kept blocks: half of its kept text being on n pages means n near-copies (reposts,
# syndicated versions, the same page crawled twice); see copies_of().
COPIES_QUANTILE = 0.5


def copies_of(blocks: Sequence[Block], decisions: Sequence[Decision], counts: np.ndarray) -> int:
    """How many pages of the site are this page or a near-copy of it (0 if the summary has not seen it).

    The length-weighted ``COPIES_QUANTILE`` of the counts of the blocks the extractor kept:
    an article reposted at three urls has its paragraphs on three pages, so its copies
    are 3, whatever its footer's count. With nothing kept, the lowest count of any block.
    """
    kept = [(int(counts[d.block]), len(blocks[d.block].text)) for d in decisions if d.keep]
    if not kept:
        return int(counts.min()) if len(counts) else 0
    kept.sort()
    total = sum(w for _, w in kept)
    seen = 0
    for count, weight in kept:
        seen += weight
        if seen >= COPIES_QUANTILE * total:
            return count
    return kept[-1][0]


def site_label(site: str) -> str:
    """How evidence names a site: its host, its folder, or "the input folder"."""
    return site or "the input folder"


def revise(
    blocks: Sequence[Block],
    decisions: list[Decision],
    stats: SiteStats,
    site: str,
    *,
    min_share: float = MIN_SHARE,
    min_other_pages: int = MIN_OTHER_PAGES,
    min_words: int = MIN_WORDS,
) -> list[Decision]:
    """Apply the site statistics to a page's decisions (pass 2).

    A kept block on at least ``min_other_pages`` of the site's other distinct pages, and on
    at least ``min_share`` of them, is dropped with reason ``corpus.repeated_on_site``
    (the extractor's verdict stays in ``first_pass``); a dropped block that meets the same
    test keeps its reason and gets the corpus evidence appended to its ``detail``.
    """
    docs = stats.docs(site)
    if docs < 2 or not blocks:
        return decisions
    counts = stats.counts(site, block_keys(blocks))
    copies = copies_of(blocks, decisions, counts)
    pool = docs - copies
    if pool < min_other_pages:
        return decisions
    out: list[Decision] = []
    for decision in decisions:
        count = int(counts[decision.block])
        others = count - copies
        short = word_count(blocks[decision.block].text) < min_words
        if short or others < min_other_pages or others / pool < min_share:
            out.append(decision)
            continue
        evidence = f"on {count} of {docs} pages of {site_label(site)}"
        if copies > 1:
            evidence += f" ({copies} of them this page or near-copies of it)"
        if decision.keep:
            out.append(
                Decision(
                    block=decision.block,
                    keep=False,
                    reason=REASON,
                    by="corpus",
                    score=round(1.0 - others / pool, 4),
                    detail=evidence,
                    first_pass=decision,
                )
            )
        else:
            detail = f"{decision.detail}; also {REASON}: {evidence}" if decision.detail else f"{REASON}: {evidence}"
            out.append(replace(decision, detail=detail))
    return out


def apply_site_stats(
    blocks: Sequence[Block], decisions: list[Decision], document: Document, config: Config
) -> list[Decision]:
    """The pipeline's hook: :func:`revise` with the summary in ``config.site_stats`` and its thresholds."""
    if not config.site_stats or config.corpus_pass is False:
        return decisions
    return revise(
        blocks,
        decisions,
        load_stats(config.site_stats),
        document.site or "",
        min_share=config.corpus_min_share,
        min_other_pages=config.corpus_min_pages,
        min_words=config.corpus_min_words,
    )


# --------------------------------------------------------------------------- the batch hook

_ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")


def is_corpus(paths: Sequence[str | Path], files: Sequence[InputFile]) -> bool:
    """True for a folder, several files, or an archive (WARC/WET/JSONL); False for one page or stdin."""
    if any(str(p) == "-" for p in paths):
        return False
    if any(Path(p).is_dir() for p in paths) or len(files) > 1:
        return True
    return any(str(f.path).lower().endswith(_ARCHIVE_SUFFIXES) for f in files)


_TEMP_FILES: set[str] = set()


def _remove_temp_files() -> None:
    for name in list(_TEMP_FILES):
        with contextlib.suppress(OSError):
            os.unlink(name)


atexit.register(_remove_temp_files)


def prepare(
    paths: Sequence[str | Path],
    files: list[InputFile],
    config: Config,
    jobs: int,
    log: Callable[[str], None] | None = None,
) -> Config:
    """Decide on the corpus pass for a batch, run pass 1 if needed; return the Config for pass 2.

    - ``config.corpus_pass`` False: no statistics.
    - ``config.site_stats`` names an existing file: it is used as is (no pass 1).
    - otherwise, when ``corpus_pass`` is True, or None and the input is a corpus
      (:func:`is_corpus`): pass 1 runs over ``files``, and the summary (pruned) is
      written to ``config.site_stats`` when given, else to a temporary file named by its
      content (so a resumed run finds the same settings) and removed at exit.
    """
    if config.corpus_pass is False:
        return config.replace(site_stats=None)
    if config.site_stats and os.path.exists(config.site_stats):
        stats = load_stats(config.site_stats)  # read before the workers fork, so they share it
        if log:
            log(
                f"cleaner: site statistics from {config.site_stats}: "
                f"{stats.total_docs} documents, {len(stats.sites)} sites"
            )
        return config
    wanted = config.corpus_pass if config.corpus_pass is not None else is_corpus(paths, files)
    if not wanted:
        if config.site_stats and any(str(p) == "-" for p in paths):
            raise UsageError(
                f"site statistics {config.site_stats} do not exist and stdin cannot be read twice: "
                "make them from a corpus first (cleaner stats corpus/ --site-stats FILE)"
            )
        return config.replace(site_stats=None) if not config.site_stats else config
    if any(str(p) == "-" for p in paths):
        raise UsageError("stdin cannot be read twice for the corpus pass: give --site-stats FILE from an earlier run")
    started = time.monotonic()
    stats = collect(config=config, jobs=jobs, files=files).pruned_copy()
    if config.site_stats:
        target = config.site_stats
        stats.save(target)
    else:
        with tempfile.NamedTemporaryFile(suffix=".npz", delete=False) as handle:
            scratch = handle.name
        stats.save(scratch)
        with open(scratch, "rb") as handle:
            digest = hashlib.sha1(handle.read()).hexdigest()[:16]
        target = os.path.join(tempfile.gettempdir(), f"cleaner-site-stats-{digest}.npz")
        os.replace(scratch, target)
        _TEMP_FILES.add(target)
    load_stats(target)
    if log:
        log(
            f"cleaner: pass 1: {stats.total_docs} documents of {len(stats.sites)} sites, "
            f"{stats.entries} repeated blocks ({stats.nbytes / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s"
        )
    return config.replace(site_stats=target)


# --------------------------------------------------------------------------- cleaner stats


def repeated_lines(
    paths: Sequence[str | Path], config: Config, jobs: int, *, top: int = 10, sites: int = 20
) -> tuple[SiteStats, list[tuple[str, list[tuple[int, str]]]]]:
    """The summary of ``paths`` and, for its ``sites`` largest sites, their ``top`` most repeated blocks.

    Returns ``(stats, [(site, [(pages, text), ...]), ...])``. The summary comes from
    ``config.site_stats`` when that file exists, else from pass 1 (saved there when
    given); the texts are found by segmenting the chosen sites' documents once more.
    """
    from cleaner.batch import local as run
    from cleaner.io import readers
    from cleaner.pipeline import decode, parse

    if any(str(p) == "-" for p in paths):
        raise UsageError("cleaner stats reads its input twice: give files or folders, not stdin")
    files = run._discover(list(paths))
    if config.site_stats and os.path.exists(config.site_stats):
        stats = load_stats(config.site_stats)
    else:
        stats = collect(config=config, jobs=jobs, files=files).pruned_copy()
        if config.site_stats:
            stats.save(config.site_stats)
    chosen = sorted(stats.sites, key=lambda s: (-stats.docs(s), s))[:sites]
    wanted = {site: dict(stats.top(site, top)) for site in chosen}
    texts: dict[tuple[str, int], str] = {}
    missing = sum(len(w) for w in wanted.values())
    for inp in files:
        if not missing:
            break
        for item in readers.read_file(inp, config):
            if not isinstance(item, Document) or not wanted.get(item.site or ""):
                continue
            site = item.site or ""
            try:
                blocks = parse(item, decode(item, config)).blocks
            except Exception:  # noqa: BLE001 - a page that cannot be read has no lines to show
                continue
            for block, key in zip(blocks, block_keys(blocks), strict=True):
                if int(key) in wanted[site] and (site, int(key)) not in texts:
                    texts[site, int(key)] = block.text
                    missing -= 1
    table = [(site, [(pages, texts.get((site, key), "?")) for key, pages in stats.top(site, top)]) for site in chosen]
    return stats, table


def print_stats(paths: Sequence[str | Path], config: Config, jobs: int, *, top: int = 10, sites: int = 20) -> None:
    """``cleaner stats``: print the most repeated lines of the largest sites, with their page counts."""
    stats, table = repeated_lines(paths, config, jobs, top=top, sites=sites)
    print(
        f"{stats.total_docs} documents, {len(stats.sites)} sites, {stats.entries} blocks on two pages or more "
        f"({stats.nbytes / 1e6:.1f} MB)"
    )
    for site, lines in table:
        docs = stats.docs(site)
        print(f"\n{site_label(site)}: {docs} pages")
        if not lines:
            print("  (no block on two pages or more)")
        for pages, text in lines:
            shown = text if len(text) <= 100 else text[:99] + "…"
            print(f"  {pages:7d} {100 * pages / docs:5.1f}%  {shown}")


__all__ = [
    "REASON",
    "SiteStats",
    "apply_site_stats",
    "block_key",
    "block_keys",
    "collect",
    "collect_documents",
    "copies_of",
    "document_keys",
    "is_corpus",
    "load_stats",
    "normalise",
    "prepare",
    "print_stats",
    "repeated_lines",
    "revise",
]
