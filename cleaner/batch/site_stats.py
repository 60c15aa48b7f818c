"""Pass 1 of the corpus statistics in a batch: whether to run it, running it, and handing it to pass 2.

The statistics themselves are pure functions in :mod:`cleaner.corpus`; here they meet the
batch: the documents are read and segmented in the guarded worker pool (:func:`collect`),
or by another executor's collector (the Ray engine's map-reduce), and the pruned summary
is saved to a file that every worker of pass 2 loads (:func:`prepare`). ``cleaner stats``
prints what pass 1 found (:func:`print_stats`).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from cleaner.batch.pool import SupervisedPool
from cleaner.batch.stream import chunks, entries, file_items, input_files
from cleaner.config import Config
from cleaner.corpus.keys import block_keys
from cleaner.corpus.revise import site_label
from cleaner.corpus.stats import SiteStats, load_stats
from cleaner.errors import UsageError
from cleaner.io import InputFile, host_of
from cleaner.model import Document
from cleaner.pipeline import corpus_site, decode, parse, site_keys

__all__ = [
    "collect",
    "collect_documents",
    "corpus_pass_wanted",
    "is_corpus",
    "prepare",
    "prepared_config",
    "print_stats",
    "repeated_lines",
    "stats_digest",
]

_ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
# Summaries written to the temporary folder by this process, removed when it exits.
_TEMP_FILES: set[str] = set()


def _keys_task(docs: list[Document], config: Config) -> list[tuple[str | None, np.ndarray] | str]:
    """Worker task of pass 1: the site and block hashes of each document (the error type if it fails)."""
    out: list[tuple[str | None, np.ndarray] | str] = []
    for doc in docs:
        try:
            out.append(site_keys(doc, config))
        except Exception as exc:  # noqa: BLE001 - a bad page is reported by pass 2; pass 1 names it and goes on
            out.append(type(exc).__name__)
    return out


def _keys_crashed(doc: Document, exc_type: str, message: str, stage: str) -> str:
    """A page the guards stopped in pass 1 (Timeout, MemoryError, WorkerDied): its error type."""
    return exc_type


def collect(
    files: Sequence[InputFile], config: Config, jobs: int = 1, left_out: list[tuple[str, str]] | None = None
) -> SiteStats:
    """Pass 1 over every document of ``files``: count block hashes per site (not pruned).

    Documents are read and segmented in ``jobs`` worker processes (the batch's guarded
    pool, so a page that crashes a worker is skipped, not fatal); pages that cannot be
    read or decoded are skipped (pass 2 reports them). Documents that could not be counted
    (an error, or the guards stopped them: a worker killed...) are appended to
    ``left_out`` as ``(source, error type)``, so the run can say its statistics miss them.
    """
    stats = SiteStats()
    pool: SupervisedPool[tuple[str | None, np.ndarray] | str] = SupervisedPool(_keys_task, _keys_crashed, config, jobs)
    try:
        for chunk, results in pool.map(chunks(entries(files, config))):
            docs = [entry for entry in chunk if isinstance(entry, Document)]
            for doc, item in zip(docs, results, strict=True):
                if isinstance(item, str):
                    if left_out is not None:
                        left_out.append((doc.source, item))
                elif item[0]:  # a page of no known site is not counted
                    stats.add(item[0], item[1])
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
            site, keys = site_keys(doc, config)
        except Exception:  # noqa: BLE001 - skipped as in collect()
            continue
        if site:
            stats.add(site, keys)
    stats.compact()
    return stats


def is_corpus(paths: Sequence[str | Path], files: Sequence[InputFile]) -> bool:
    """True for a folder, several files, or an archive (WARC/WET/JSONL); False for one page or stdin."""
    if any(str(p) == "-" for p in paths):
        return False
    if any(Path(p).is_dir() for p in paths) or len(files) > 1:
        return True
    return any(str(f.path).lower().endswith(_ARCHIVE_SUFFIXES) for f in files)


def corpus_pass_wanted(paths: Sequence[str | Path], files: Sequence[InputFile], config: Config) -> bool:
    """Whether a batch over ``paths`` runs pass 1 (``config.corpus_pass``, else: is it a corpus?).

    Stdin cannot be read twice: asking for pass 1 over it is a usage error. So is naming a
    site-statistics file that does not exist when pass 1 will not run to write it (stdin,
    one page): every document would fail on it.
    """
    stdin = any(str(p) == "-" for p in paths)
    wanted = config.corpus_pass if config.corpus_pass is not None else is_corpus(paths, files)
    if wanted and stdin and not (config.site_stats and os.path.exists(config.site_stats)):
        raise UsageError("stdin cannot be read twice for the corpus pass: give --site-stats FILE from an earlier run")
    if not wanted and config.site_stats and not os.path.exists(config.site_stats):
        why = "stdin cannot be read twice" if stdin else "the corpus pass does not run on one page"
        raise UsageError(
            f"site statistics {config.site_stats} do not exist and {why}: make them from a corpus first "
            "(cleaner stats corpus/ --site-stats FILE)" + ("" if stdin else ", or add --corpus-pass to make them here")
        )
    return bool(wanted)


def prepare(
    paths: Sequence[str | Path],
    files: list[InputFile],
    config: Config,
    jobs: int,
    log: Callable[[str], None] | None = None,
    left_out: list[tuple[str, str]] | None = None,
) -> Config:
    """Decide on the corpus pass for a local batch, run pass 1 if needed; return the Config for pass 2.

    Documents pass 1 could not count are appended to ``left_out`` (see :func:`collect`).
    """
    if config.corpus_pass is False:
        return config.replace(site_stats=None)
    wanted = corpus_pass_wanted(paths, files, config)
    return prepared_config(config, wanted, lambda: collect(files, config, jobs, left_out), log)


def prepared_config(
    config: Config, wanted: bool, collector: Callable[[], SiteStats], log: Callable[[str], None] | None
) -> Config:
    """The Config of pass 2, whatever executor collects: statistics loaded, collected and saved, or none.

    - ``config.corpus_pass`` False: no statistics.
    - ``config.site_stats`` names an existing file: it is used as is (no pass 1).
    - otherwise, when ``wanted``: pass 1 runs (``collector()``), and the summary (pruned)
      is written to ``config.site_stats`` when given, else to a temporary file of this
      process (removed at exit).
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
    if not wanted:
        return config.replace(site_stats=None) if not config.site_stats else config
    started = time.monotonic()
    stats = collector().pruned_copy()
    if config.site_stats:
        path = config.site_stats
        stats.save(path)
    else:
        path = _save_temporary(stats)
    load_stats(path)
    if log:
        log(
            f"cleaner: pass 1: {stats.total_docs} documents of {len(stats.sites)} known sites, "
            f"{stats.entries} repeated blocks ({stats.nbytes / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s"
        )
    return config.replace(site_stats=path)


def _save_temporary(stats: SiteStats) -> str:
    """Save a summary in the temporary folder, for this process only; it is removed when the process exits.

    The name holds the summary's digest (the Ray executor's workers keep their copy under
    it) and this process's id: two runs over the same corpus at once each have their own
    file, so the first to finish cannot delete the other's. A resumed run recognises its
    statistics by their content (:func:`stats_digest`), not by this name.
    """
    with tempfile.NamedTemporaryFile(suffix=".npz", delete=False) as handle:
        scratch = handle.name
    stats.save(scratch)
    path = os.path.join(tempfile.gettempdir(), f"cleaner-site-stats-{stats_digest(scratch)}-{os.getpid()}.npz")
    os.replace(scratch, path)
    _TEMP_FILES.add(path)
    return path


def stats_digest(path: str | Path) -> str:
    """The first 16 hex digits of the SHA-1 of a site-statistics file: what identifies its content."""
    with open(path, "rb") as handle:
        return hashlib.sha1(handle.read()).hexdigest()[:16]


def _remove_temp_files() -> None:
    for name in list(_TEMP_FILES):
        with contextlib.suppress(OSError):
            os.unlink(name)


atexit.register(_remove_temp_files)


def repeated_lines(
    paths: Sequence[str | Path], config: Config, jobs: int, *, top: int = 10, sites: int = 20
) -> tuple[SiteStats, list[tuple[str, list[tuple[int, str]]]]]:
    """The summary of ``paths`` and, for its ``sites`` largest sites, their ``top`` most repeated blocks.

    Returns ``(stats, [(site, [(pages, text), ...]), ...])``. The summary comes from
    ``config.site_stats`` when that file exists, else from pass 1 (saved there when
    given); the texts are found by segmenting the chosen sites' documents once more.
    """
    if any(str(p) == "-" for p in paths):
        raise UsageError("cleaner stats reads its input twice: give files or folders, not stdin")
    files = input_files(paths)
    if config.site_stats and os.path.exists(config.site_stats):
        stats = load_stats(config.site_stats)
    else:
        stats = collect(files, config, jobs).pruned_copy()
        if config.site_stats:
            stats.save(config.site_stats)
    chosen = sorted(stats.sites, key=lambda s: (-stats.docs(s), s))[:sites]
    wanted = {site: dict(stats.top(site, top)) for site in chosen}
    texts = _texts_of(files, config, wanted)
    table = [(site, [(pages, texts.get((site, key), "?")) for key, pages in stats.top(site, top)]) for site in chosen]
    return stats, table


def _texts_of(files: list[InputFile], config: Config, wanted: dict[str, dict[int, int]]) -> dict[tuple[str, int], str]:
    """The text of each wanted (site, block hash), from the first document of the site that holds it."""
    texts: dict[tuple[str, int], str] = {}
    missing = sum(len(w) for w in wanted.values())
    for inp in files:
        if not missing:
            break
        for item in file_items(inp, config):
            if not isinstance(item, Document):
                continue
            known = host_of(item.url)
            if known and not wanted.get(known):  # its site is its url's host: not one of those shown
                continue
            try:
                page = parse(item, decode(item, config))
            except Exception:  # noqa: BLE001 - a page that cannot be read has no lines to show
                continue
            site = corpus_site(page)
            if not site or not wanted.get(site):
                continue
            blocks = page.blocks
            for block, key in zip(blocks, block_keys(blocks), strict=True):
                if int(key) in wanted[site] and (site, int(key)) not in texts:
                    texts[site, int(key)] = block.text
                    missing -= 1
    return texts


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
