"""One immutable Config: read from a TOML file, then CLI options on top.

There are no module-level mutable settings: every stage takes the Config it needs.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.errors import UsageError

# An ISO 639-1 code: two letters (``en``, ``de``), the form metadata.language takes.
ISO_639_1 = re.compile(r"^[a-z]{2}$")
# The settings ``favor`` accepts: see cleaner.extractors.learned.FAVOR_SHIFTS.
FAVORS = ("precision", "recall")


def language_code(value: str, option: str = "--language") -> str:
    """``value`` as a lower-case ISO 639-1 code; anything else (``english``, ``en-US``) is a usage error."""
    code = value.strip().lower()
    if not ISO_639_1.match(code):
        raise UsageError(f"{option} {value!r}: give an ISO 639-1 language code, two letters, e.g. en or de")
    return code


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
    # Keep the links of the kept text, written as Markdown links ``[text](url)`` (so the
    # text is Markdown: ``links`` turns ``markdown`` on).
    links: bool = False
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
    # Write only documents in these languages (ISO 639-1, matched against
    # metadata.language); the others are counted as skipped (``language.other``, the
    # detail naming their language) and ``clean()`` returns them with status ``skipped``.
    languages: tuple[str, ...] | None = None
    # False: blocks inside data tables are dropped (reason ``structure.table``).
    tables: bool = True
    # "precision" or "recall": move the learned model's keep threshold up or down (see
    # cleaner.extractors.learned.FAVOR_SHIFTS); None keeps the model's own.
    favor: str | None = None
    # True: the reader comments of an HTML page go to the record's ``comments`` list
    # (cleaner.extractors.comments); they are never part of the text, with or without it.
    comments: bool = False
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

    def __post_init__(self) -> None:
        """Check the language codes and ``favor``; a list of languages becomes a tuple; links need Markdown."""
        if self.links and not self.markdown:
            object.__setattr__(self, "markdown", True)
        if self.language is not None:
            object.__setattr__(self, "language", language_code(self.language))
        if self.languages is not None:
            items = self.languages.split(",") if isinstance(self.languages, str) else self.languages
            codes = tuple(language_code(x, "--languages") for x in items if x.strip())
            if not codes:
                raise UsageError("--languages: give at least one ISO 639-1 code, e.g. en,de")
            object.__setattr__(self, "languages", codes)
        if self.favor is not None and self.favor not in FAVORS:
            raise UsageError(f"favor {self.favor!r}: give one of {', '.join(FAVORS)}")

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
