"""The first pass of the rules: a class for every line of a page, on its own.

A line is ``bad`` when a phrase rule of some boilerplate family fires on it
(:mod:`cleaner.extractors.rules.phrases`), ``meta`` when it is a byline, source or date
line (:mod:`cleaner.extractors.rules.metalines`), else ``good`` (prose), ``near`` (close to
prose) or ``short`` by its text features.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

from cleaner.extractors.rules.metalines import BYLINE_MAX_WORDS, byline_name, date_line, source_name
from cleaner.extractors.rules.phrases import (
    MAX_WORDS_PATTERN,
    PhraseBook,
    normalise_lowered_line,
    phrase_book,
)
from cleaner.model import Block
from cleaner.page.features import LineFeatures, LineViews

# Prose: at least two clauses' worth of words. jusText's LENGTH_HIGH of 200 characters is
# ~30 words; a text dump keeps paragraphs on one line, so 12 words with a sentence end is
# already clearly prose.
GOOD_MIN_WORDS = 12
# A long line without a sentence end is still prose (a paragraph cut off by the converter).
GOOD_LONG_WORDS = 30
# Prose has stopwords: jusText's STOPWORDS_LOW is 0.30 with its (large) lists; teasers and
# product titles sit below 0.2.
GOOD_MIN_STOPWORDS = 0.22
# A near-good line: a short full sentence ("It said so.") with some stopwords.
NEAR_MIN_WORDS = 5
NEAR_MIN_STOPWORDS = 0.12
# A line of links has at most this many words per url ("Read more: https://..." has 3);
# a sentence that cites a url has many more.
URL_LINE_WORDS_PER_URL = 3
# A teaser cut short: a word, then an ellipsis at the line's end.
_TRUNCATED = re.compile(r"\w(?:\.\.\.|…)$")


@dataclass(slots=True)
class LineClass:
    """First-pass verdict on one line: a class, a reason code and the evidence."""

    cls: str  # "good" | "near" | "short" | "bad" | "meta"
    reason: str
    detail: str


def _classify_text(
    text: str,
    f: LineFeatures,
    book: PhraseBook,
    stops_known: bool,
    norm: str,
    lowered: str | None,
    tokens: list[str] | None,
    gated: Sequence[bool] | None,
) -> LineClass:
    """The first-pass class of one line, from its text, its :func:`normalise_line` form and its features.

    ``lowered`` and ``tokens`` are the line's views (computed here when None); ``gated``
    says which pattern families' gate strings the line holds (None: look for them here).
    """
    if not norm:
        return LineClass("short", "boilerplate.short", "no letters or digits")
    words = f.words
    hit = book.match(text, norm, words, lowered, tokens, gated)
    if hit is not None:
        return LineClass("bad", hit.reason, f"{hit.mode}: {hit.evidence}")
    meta = _metadata_class(text, f)
    if meta is not None:
        return meta
    if f.urls and words <= f.urls * URL_LINE_WORDS_PER_URL:
        return LineClass("short", "boilerplate.short", f"url line ({f.urls} urls)")
    if words < NEAR_MIN_WORDS:
        return LineClass("short", "boilerplate.short", _evidence(f))
    density = f.stopword_density
    dens_ok = density >= GOOD_MIN_STOPWORDS or not stops_known or f.cjk
    # the truncation regex is anchored at the line end: it needs an ellipsis there
    truncated = f.ellipsis and _TRUNCATED.search(text) is not None
    if words >= GOOD_MIN_WORDS and dens_ok and (f.terminal or words >= GOOD_LONG_WORDS) and not truncated:
        return LineClass("good", "content.article", _evidence(f))
    near_dens = density >= NEAR_MIN_STOPWORDS or not stops_known or f.cjk
    if near_dens and (f.terminal or words >= GOOD_MIN_WORDS) and not truncated:
        return LineClass("near", "content.article", _evidence(f))
    return LineClass("short", "boilerplate.short", _evidence(f))


def _metadata_class(text: str, f: LineFeatures) -> LineClass | None:
    """The ``meta`` class of a byline, source or date line; None for any other line."""
    if f.words <= BYLINE_MAX_WORDS:
        byline = byline_name(text, f)
        if byline:
            return LineClass("meta", "meta.author", byline)
        source = source_name(text)
        if source:
            return LineClass("meta", "meta.source", source)
    iso = date_line(text, f)
    return LineClass("meta", "meta.date", iso) if iso else None


def _evidence(f: LineFeatures) -> str:
    """The features a class was given on, as the decision's detail."""
    return f"words={f.words} stop={f.stopword_density:.2f} term={int(f.terminal)}"


def gate_columns(book: PhraseBook, feats: Sequence[LineFeatures], views: LineViews) -> list[tuple[bool, ...]]:
    """For every line, whether it holds a gate string of each pattern family of ``book``.

    The gate strings are searched once over the lines short enough for the patterns
    (long paragraphs hold most of a page's characters).
    """
    n = len(feats)
    short = [i for i, f in enumerate(feats) if f.words <= MAX_WORDS_PATTERN]
    everywhere = [True] * n
    columns = []
    for g in book.gated_lines([views.lower[i] for i in short]):
        column = everywhere
        if g is not None:
            column = [False] * n
            for k in g:
                column[short[k]] = True
        columns.append(column)
    return list(zip(*columns, strict=True)) if columns else [()] * n


def classify(
    blocks: Sequence[Block], feats: Sequence[LineFeatures], stops_known: bool, views: LineViews
) -> list[LineClass]:
    """First pass: a :class:`LineClass` for every line, on its own.

    ``feats`` and ``views`` are the page's line features and line views (one entry per
    block: a block's text never holds a line break); ``stops_known`` says the language
    has a stopword list, without which the stopword thresholds do not apply.
    """
    book = phrase_book()
    return list(
        map(
            _classify_text,
            [b.text for b in blocks],
            feats,
            repeat(book),
            repeat(stops_known),
            map(normalise_lowered_line, views.lower),
            views.lower,
            views.tokens,
            gate_columns(book, feats, views),
        )
    )
