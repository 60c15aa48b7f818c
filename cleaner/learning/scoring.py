"""Score extracted text against the labelled pages of devdata (:mod:`cleaner.learning.devdata`).

This module has no dependency beyond the standard library, so the harnesses in
``bench/`` can call it. It provides:

- :func:`shingle_scores`: precision/recall of 4-token shingles for one page;
- :func:`snippet_scores`: share of ``with`` snippets found, ``without`` snippets avoided;
- :func:`metadata_scores`: title / date / author agreement;
- :func:`score_page` and :func:`aggregate`: per-page records and per-group averages;
- :func:`format_table`: a Markdown table.

The shingle measure is the one of the Zyte/scrapinghub article-extraction-benchmark
(``evaluate.py`` there), with two choices spelled out in :func:`shingle_scores`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from cleaner.learning.devdata import GoldPage

# Tokens are runs of word characters, after lower-casing (the devdata README's measure;
# the Zyte benchmark uses the same regex but keeps case: lower-casing only forgives
# capitalisation differences such as an all-caps headline).
_TOKEN_RE = re.compile(r"\w+")
# Shingle length: 4 tokens, as in the Zyte benchmark.
SHINGLE_SIZE = 4


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
class ScoreSummary:
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


def summarize(scores: Iterable[PageScore]) -> ScoreSummary:
    """Average a group of PageScores into a :class:`ScoreSummary`."""
    precisions: list[float] = []
    recalls: list[float] = []
    found: list[float] = []
    avoided: list[float] = []
    meta: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    snippet_pages = 0
    summary = ScoreSummary()
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
) -> dict[Any, ScoreSummary]:
    """Group PageScores by ``by`` (default: dataset and extractor) and summarize each group.

    The groups come back in first-seen order.
    """
    groups: dict[Any, list[PageScore]] = {}
    for s in scores:
        groups.setdefault(by(s), []).append(s)
    return {k: summarize(v) for k, v in groups.items()}


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
