"""The labelled pages of devdata: loading them, and splitting them by site.

- :func:`load_devdata`: the gold pages (HTML bytes + gold text, snippets, metadata);
  :func:`read_html` reads a page's HTML later when it was loaded without;
- :func:`gold_site` and :func:`split_by_site`: a deterministic train/test split with no
  site on both sides.

Scores against these pages are in :mod:`cleaner.learning.scoring`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# gold_type values (see devdata/README.md).
FULL = "full"
SNIPPETS = "snippets"
TOOL_OUTPUT = "full-tool-output"

# Second-level labels under which a country TLD registers domains (bbc.co.uk,
# abc.net.au): the site is then the last three labels, not two. A short list is enough
# for grouping devdata pages by site; it is not a public-suffix list.
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go", "gob", "nic"})


@dataclass(frozen=True, slots=True)
class GoldPage:
    """One labelled devdata page: the raw HTML and what a good extractor should output.

    ``text`` is the gold main text (``None`` where the dataset has only snippets, ``""``
    where the page is meant to come out empty). ``with_snippets`` must appear in the
    output, ``without_snippets`` must not. ``extra`` keeps the other gold fields.
    """

    dataset: str
    id: str
    url: str | None
    html: bytes
    gold_type: str
    text: str | None = None
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()
    lang: str | None = None
    page_type: str | None = None
    title: str | None = None
    author: str | None = None
    date: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """``dataset/id``: unique across datasets (ids alone may collide)."""
        return f"{self.dataset}/{self.id}"

    @property
    def site(self) -> str:
        """The site the page belongs to (see :func:`gold_site`)."""
        return gold_site(self)


def load_devdata(
    root: str | Path, datasets: Sequence[str] | None = None, limit: int | None = None, *, with_html: bool = True
) -> Iterator[GoldPage]:
    """Yield the gold pages under ``root`` (``<dataset>/gold.jsonl`` + ``html/<id>.html.gz``).

    ``datasets`` restricts to those folder names (default: every folder with a
    ``gold.jsonl``, in sorted order); ``limit`` takes the first ``limit`` pages of each
    dataset in file order. Pages are yielded in a stable order: dataset, then file order.
    A gold row whose HTML file is missing raises ``FileNotFoundError`` naming the file.
    With ``with_html=False`` the pages carry ``html=b""`` (devdata's HTML is about 0.5 GB
    unzipped): read it later with :func:`read_html`.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"devdata folder {root} not found: pass --data PATH (e.g. ../shared/devdata)")
    names = sorted(p.parent.name for p in root.glob("*/gold.jsonl"))
    if datasets:
        unknown = sorted(set(datasets) - set(names))
        if unknown:
            raise ValueError(f"unknown dataset(s) {', '.join(unknown)} in {root}; known: {', '.join(names)}")
        names = [n for n in names if n in set(datasets)]
    for name in names:
        folder = root / name
        with open(folder / "gold.jsonl", encoding="utf-8") as handle:
            for count, line in enumerate(handle):
                if limit is not None and count >= limit:
                    break
                if line.strip():
                    yield _gold_page(name, folder, json.loads(line), with_html)


_KNOWN_FIELDS = frozenset(
    {"id", "url", "text", "lang", "gold_type", "with", "without", "title", "author", "date", "page_type"}
)


def html_path(root: str | Path, dataset: str, page_id: str) -> Path:
    """Return the path of a page's gzipped HTML in devdata."""
    return Path(root) / dataset / "html" / f"{page_id}.html.gz"


def read_html(root: str | Path, page: GoldPage) -> GoldPage:
    """Return ``page`` with its HTML bytes read from devdata under ``root``."""
    if page.html:
        return page
    with gzip.open(html_path(root, page.dataset, page.id), "rb") as handle:
        return replace(page, html=handle.read())


def _gold_page(dataset: str, folder: Path, row: dict[str, Any], with_html: bool = True) -> GoldPage:
    """Build a GoldPage from one gold.jsonl row, reading its gzipped HTML if asked."""
    html = b""
    if with_html:
        with gzip.open(html_path(folder.parent, dataset, str(row["id"])), "rb") as handle:
            html = handle.read()
    author = row.get("author")
    if isinstance(author, list):  # some datasets list several authors
        author = "; ".join(str(a) for a in author)
    return GoldPage(
        dataset=dataset,
        id=str(row["id"]),
        url=row.get("url"),
        html=html,
        gold_type=row.get("gold_type") or (SNIPPETS if row.get("text") is None else FULL),
        text=row.get("text"),
        with_snippets=tuple(row.get("with") or ()),
        without_snippets=tuple(row.get("without") or ()),
        lang=row.get("lang"),
        page_type=row.get("page_type"),
        title=row.get("title") or None,
        author=author or None,
        date=row.get("date") or None,
        extra={k: v for k, v in row.items() if k not in _KNOWN_FIELDS},
    )


# --------------------------------------------------------------------------- split


def _registered_domain(host: str) -> str:
    """``news.bbc.co.uk`` -> ``bbc.co.uk``; ``www.example.com`` -> ``example.com`` (approximate)."""
    labels = [x for x in host.lower().strip(".").split(".") if x]
    if len(labels) <= 2:
        return ".".join(labels)
    if len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def gold_site(page: GoldPage) -> str:
    """Return the site of a page: the registered domain of its URL (or of ``url_from_html``).

    Pages with no URL at all are their own site (``dataset/id``), so they can land on
    either side but never drag another page with them.
    """
    for url in (page.url, page.extra.get("url_from_html")):
        if url:
            host = urlsplit(url if "//" in url else f"//{url}").hostname
            if host:
                return _registered_domain(host)
    site = page.extra.get("site")
    return str(site).lower() if site else page.key


def _unit_hash(text: str, seed: int) -> float:
    """Map ``text`` and ``seed`` to a stable number in [0, 1) (sha1, not Python's salted hash)."""
    digest = hashlib.sha1(f"{seed}:{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_by_site(pages: Iterable[GoldPage], test_share: float = 0.3, seed: int = 0) -> tuple[list[str], list[str]]:
    """Split pages into ``(train_keys, test_keys)`` so that no site is on both sides.

    A site goes to the test side when the hash of ``seed`` and its name falls below
    ``test_share``: the same page always lands on the same side, whatever the order or the
    subset of pages given, and about ``test_share`` of the *sites* are held out. Keys are
    ``GoldPage.key`` values, sorted.
    """
    train: list[str] = []
    test: list[str] = []
    for page in pages:
        (test if _unit_hash(page.site, seed) < test_share else train).append(page.key)
    return sorted(train), sorted(test)
