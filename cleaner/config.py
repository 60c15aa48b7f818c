"""One immutable Config: read from a TOML file, then CLI options on top.

There are no module-level mutable settings: every stage takes the Config it needs.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.errors import UsageError


@dataclass(frozen=True, slots=True)
class Config:
    """Settings for cleaning one document; picklable so worker processes get a copy."""

    # Which extractor decides: "default" picks the best measured one per input type.
    extractor: str = "default"
    # Add every removed block with its reason to the output record.
    explain: bool = False
    # Write the text as Markdown (headings, lists, tables, code, quotes; see
    # cleaner.page.markdown) instead of plain lines; with ``markdown_headline`` the
    # page's headline heads the text too (it is always in metadata.title).
    markdown: bool = False
    markdown_headline: bool = False
    # JSONL input: the field names that hold the page and its id/url.
    html_field: str = "html"
    text_field: str = "text"
    id_field: str = "id"
    url_field: str = "url"
    # Documents larger than this are cut to this size before parsing (and the record says
    # so): 20 MB is far above any real article page and keeps a worker's memory bounded.
    max_bytes: int = 20_000_000
    # Force a language (ISO 639-1) instead of identifying it from the text.
    language: str | None = None
    # A model file made by ``cleaner train`` for the learned extractor (default: the
    # model shipped in the package).
    model: str | None = None
    # The same for text dumps: a text-line model file made by ``cleaner train --input text``.
    text_model: str | None = None
    # Corpus statistics (cleaner.corpus): blocks repeated across a site's pages are
    # dropped. None: two passes for a corpus (folders, archives, several files), one pass
    # for a single document or stdin; True/False force it on or off.
    corpus_pass: bool | None = None
    # The site-statistics file of pass 1 (.npz): used as is when it exists, written by
    # pass 1 when it does not (so a later stream can be cleaned with an earlier crawl's).
    site_stats: str | None = None
    # Share of a site's other distinct pages a block must be on to be boilerplate, the
    # least number of such pages, and the least number of words of such a block; why these
    # values: cleaner.corpus.revise.MIN_SHARE, MIN_OTHER_PAGES, MIN_WORDS; and the least
    # number of pages a site needs before the pass acts on it (MIN_SITE_PAGES).
    corpus_min_share: float = 0.3
    corpus_min_pages: int = 1
    corpus_min_words: int = 10
    corpus_min_site_pages: int = 3
    # Guards per document (cleaner.batch.guards): seconds one document may take before it is
    # stopped and listed as a Timeout error (times its size in MB for a document over 1
    # MB), 0 for no limit. The slowest devdata page takes about 1 s with the default
    # extractor and 2.6 s with the ensemble (a 1.7 MB page, on a busy 2-core machine), so
    # 10 s stops a page that is stuck, not one that is merely large or unlucky.
    timeout: float = 10.0
    # MB a worker process may grow by while cleaning one document before it is stopped (a
    # MemoryError) and replaced, 0 for no limit. The largest page allowed (max_bytes, 20
    # MB of HTML) grew a worker by about 620 MB; 4 GB stops a runaway page long before it
    # takes the machine's memory from the other workers.
    max_memory: int = 4096

    def replace(self, **changes: Any) -> Config:
        """Return a copy with ``changes`` applied; unknown names are a usage error."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise UsageError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_toml(cls, path: str | Path) -> Config:
        """Read a Config from a TOML file (a ``[cleaner]`` table or top-level keys)."""
        try:
            with open(path, "rb") as handle:
                data = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"cannot read config file {path}: {exc}") from exc
        table = data.get("cleaner", data)
        return cls().replace(**table)
