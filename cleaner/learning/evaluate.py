"""Score extracted text against the labelled pages of devdata.

This module has no dependency beyond the standard library, so ``cleaner eval`` (and the
harnesses in ``bench/``) can call it. It provides:

- :func:`load_devdata`: the gold pages (HTML bytes + gold text, snippets, metadata);
- :func:`shingle_scores`: precision/recall of 4-token shingles for one page;
- :func:`snippet_scores`: share of ``with`` snippets found, ``without`` snippets avoided;
- :func:`metadata_scores`: title / date / author agreement;
- :func:`score_page` and :func:`aggregate`: per-page records and per-group averages;
- :func:`split_by_site`: a deterministic train/test split with no site on both sides;
- :func:`format_table`: a Markdown table.

The shingle measure is the one of the Zyte/scrapinghub article-extraction-benchmark
(``evaluate.py`` there), with two choices spelled out in :func:`shingle_scores`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Tokens are runs of word characters, after lower-casing (the devdata README's measure;
# the Zyte benchmark uses the same regex but keeps case: lower-casing only forgives
# capitalisation differences such as an all-caps headline).
_TOKEN_RE = re.compile(r"\w+")
# Shingle length: 4 tokens, as in the Zyte benchmark.
SHINGLE_SIZE = 4

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
        """The site the page belongs to (see :func:`site_of`)."""
        return site_of(self)


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


# --------------------------------------------------------------------------- shingles


def tokenize(text: str | None) -> list[str]:
    r"""Lower-case ``text`` and split it into ``\w+`` tokens."""
    return _TOKEN_RE.findall(text.lower()) if text else []


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Count the overlapping ``size``-token shingles of ``text``.

    A text with fewer than ``size`` tokens (but at least one) is one shingle made of all
    its tokens, as in the Zyte benchmark; an empty text has no shingle.
    """
    tokens = tokenize(text)
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)))


def shingle_counts(pred: str | None, gold: str | None) -> tuple[int, int, int]:
    """Return ``(tp, fp, fn)``: shingles shared (as multisets), only predicted, only gold."""
    p, g = shingles(pred), shingles(gold)
    tp = sum((p & g).values())
    return tp, sum(p.values()) - tp, sum(g.values()) - tp


def shingle_scores(pred: str | None, gold: str | None) -> tuple[float, float]:
    """Precision and recall of ``pred``'s 4-token shingles against ``gold``'s.

    Counts are multisets: a shingle that occurs twice in the gold and once in the output
    is one true positive and one false negative. The edge cases follow the Zyte
    benchmark's ``_precision``/``_recall``:

    - nothing to find and nothing found (``fp == fn == 0``, e.g. both empty, or identical
      texts): precision 1, recall 1. This is how the wcxb pages meant to come out empty
      (gold ``""``) score a perfect 1/1 when the output is empty;
    - empty output, non-empty gold (``tp == fp == 0``): precision **0**, recall 0. An
      empty output is not rewarded with a perfect precision, so emitting nothing cannot
      inflate the averaged precision;
    - non-empty output, empty gold (``tp == fn == 0``): precision 0, recall 0.
    """
    tp, fp, fn = shingle_counts(pred, gold)
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    precision = 0.0 if tp + fp == 0 else tp / (tp + fp)
    recall = 0.0 if tp + fn == 0 else tp / (tp + fn)
    return precision, recall


# --------------------------------------------------------------------------- snippets


def normalize_space(text: str) -> str:
    """Collapse every run of white space to one space and strip the ends."""
    return " ".join(text.split())


def snippet_scores(
    pred: str | None, with_snippets: Sequence[str], without_snippets: Sequence[str]
) -> tuple[float | None, float | None]:
    """Return ``(with_found, without_avoided)``: shares of snippets found / not found.

    Containment is tested on white-space-normalised text, case-sensitively (as
    trafilatura's own evaluation does). ``with_found`` is recall-like, ``without_avoided``
    precision-like; either is ``None`` when the page has no snippet of that kind.
    Empty snippets are ignored.
    """
    out = normalize_space(pred or "")
    wanted = [s for s in (normalize_space(x) for x in with_snippets) if s]
    unwanted = [s for s in (normalize_space(x) for x in without_snippets) if s]
    found = sum(s in out for s in wanted) / len(wanted) if wanted else None
    avoided = sum(s not in out for s in unwanted) / len(unwanted) if unwanted else None
    return found, avoided


# --------------------------------------------------------------------------- metadata


def fold(text: str) -> str:
    """Case- and white-space-fold a string for comparison."""
    return normalize_space(text).casefold()


# Typographic variants of one character: a title typed with straight quotes is the same
# title as the page's curly-quoted heading (gold titles use either, even within a dataset).
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u00ad": None,
    }
)  # fmt: skip


def fold_title(text: str) -> str:
    """Fold a title for comparison: case, white space, Unicode compatibility forms, quote and dash styles."""
    return fold(unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY))


def title_match(pred: str | None, gold: str) -> bool:
    """Tell whether the titles are equal after folding case, white space and typography (:func:`fold_title`)."""
    return bool(pred) and fold_title(pred or "") == fold_title(gold)


def date_match(pred: str | None, gold: str) -> bool:
    """Tell whether both dates name the same day (compared on their ``YYYY-MM-DD`` prefix)."""
    return bool(pred) and str(pred).strip()[:10] == str(gold).strip()[:10]


def author_match(pred: str | None, gold: str) -> bool:
    """Tell whether the folded gold author name is contained in the folded predicted author."""
    return bool(pred) and fold(gold) in fold(pred or "")


def metadata_scores(page: GoldPage, metadata: dict[str, Any] | None) -> dict[str, bool]:
    """Score the predicted ``metadata`` against the page's gold title/date/author.

    Only fields the page has gold for are scored; a missing prediction counts as wrong.
    """
    metadata = metadata or {}
    checks: dict[str, Callable[[str | None, str], bool]] = {
        "title": title_match,
        "date": date_match,
        "author": author_match,
    }
    scores = {}
    for name, check in checks.items():
        gold = getattr(page, name)
        if gold:
            value = metadata.get(name)
            scores[name] = check(None if value is None else str(value), gold)
    return scores


# --------------------------------------------------------------------------- per page


@dataclass(slots=True)
class PageScore:
    """The scores of one extractor on one page; a field is ``None`` when not applicable."""

    key: str
    dataset: str
    extractor: str
    gold_type: str
    lang: str | None = None
    page_type: str | None = None
    precision: float | None = None
    recall: float | None = None
    with_found: float | None = None
    without_avoided: float | None = None
    out_chars: int = 0
    error: str | None = None
    seconds: float = 0.0
    metadata: dict[str, bool] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return a flat dict for JSONL/CSV details."""
        row = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "metadata"}
        row.update({f"meta_{k}": v for k, v in self.metadata.items()})
        return row


def score_page(
    page: GoldPage, extractor: str, output: str | None, error: str | None = None, seconds: float = 0.0
) -> PageScore:
    """Score one extractor's ``output`` on ``page``: shingles where there is gold text, snippets where there are some.

    A failed extraction (``error`` set) is scored as an empty output.
    """
    score = PageScore(
        key=page.key,
        dataset=page.dataset,
        extractor=extractor,
        gold_type=page.gold_type,
        lang=page.lang,
        page_type=page.page_type,
        out_chars=len(output or ""),
        error=error,
        seconds=seconds,
    )
    if page.text is not None:
        score.precision, score.recall = shingle_scores(output, page.text)
    if page.with_snippets or page.without_snippets:
        score.with_found, score.without_avoided = snippet_scores(output, page.with_snippets, page.without_snippets)
    return score


# --------------------------------------------------------------------------- aggregates


def f1(precision: float | None, recall: float | None) -> float | None:
    """Harmonic mean of two averages (0 when both are 0, ``None`` when either is missing)."""
    if precision is None or recall is None:
        return None
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _mean(values: list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


@dataclass(slots=True)
class Summary:
    """Averages over a group of PageScores.

    ``precision``/``recall`` average the shingle scores over the ``n_full`` pages that have
    gold text; ``f1`` is taken from the two averages. ``with_found``/``without_avoided``
    average the snippet shares over pages that have such snippets; ``snippet_f1`` is their
    harmonic mean. ``empty`` counts pages where the output was empty.
    """

    n: int = 0
    n_full: int = 0
    n_snippets: int = 0
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    with_found: float | None = None
    without_avoided: float | None = None
    snippet_f1: float | None = None
    errors: int = 0
    empty: int = 0
    seconds: float = 0.0
    metadata: dict[str, tuple[int, int]] = field(default_factory=dict)


def summarize(scores: Iterable[PageScore]) -> Summary:
    """Average a group of PageScores into a :class:`Summary`."""
    precisions: list[float] = []
    recalls: list[float] = []
    found: list[float] = []
    avoided: list[float] = []
    meta: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    snippet_pages = 0
    summary = Summary()
    for s in scores:
        summary.n += 1
        summary.errors += s.error is not None
        summary.empty += s.out_chars == 0
        summary.seconds += s.seconds
        if s.precision is not None and s.recall is not None:
            precisions.append(s.precision)
            recalls.append(s.recall)
        if s.with_found is not None:
            found.append(s.with_found)
        if s.without_avoided is not None:
            avoided.append(s.without_avoided)
        snippet_pages += s.with_found is not None or s.without_avoided is not None
        for name, ok in s.metadata.items():
            meta[name][0] += ok
            meta[name][1] += 1
    summary.n_full = len(precisions)
    summary.n_snippets = snippet_pages
    summary.precision, summary.recall = _mean(precisions), _mean(recalls)
    summary.f1 = f1(summary.precision, summary.recall)
    summary.with_found, summary.without_avoided = _mean(found), _mean(avoided)
    summary.snippet_f1 = f1(summary.with_found, summary.without_avoided)
    summary.metadata = {k: (v[0], v[1]) for k, v in meta.items()}
    return summary


def aggregate(
    scores: Iterable[PageScore], by: Callable[[PageScore], Hashable] = lambda s: (s.dataset, s.extractor)
) -> dict[Any, Summary]:
    """Group PageScores by ``by`` (default: dataset and extractor) and summarize each group.

    The groups come back in first-seen order.
    """
    groups: dict[Any, list[PageScore]] = {}
    for s in scores:
        groups.setdefault(by(s), []).append(s)
    return {k: summarize(v) for k, v in groups.items()}


# --------------------------------------------------------------------------- split


def _registered_domain(host: str) -> str:
    """``news.bbc.co.uk`` -> ``bbc.co.uk``; ``www.example.com`` -> ``example.com`` (approximate)."""
    labels = [x for x in host.lower().strip(".").split(".") if x]
    if len(labels) <= 2:
        return ".".join(labels)
    if len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def site_of(page: GoldPage) -> str:
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


# --------------------------------------------------------------------------- tables


def fmt(value: float | None, digits: int = 3) -> str:
    """Format a score for a table (``-`` when missing)."""
    return "-" if value is None else f"{value:.{digits}f}"


def format_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Render a Markdown table with columns padded for reading in a terminal."""
    cells = [[str(h) for h in header]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])
