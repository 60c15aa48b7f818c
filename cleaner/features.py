"""Per-block text features, shared by the rules extractor and (later) the learned model.

:func:`line_features` measures one line; :func:`block_features` measures every block of a
page in one go (the language's stopwords are looked up once). Everything is computed with
string methods and precompiled regexes: no per-character Python loops, so the text path
stays above 5 MB/s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from cleaner.model import Block

# A sentence end: . ! ? … (or CJK 。！？) optionally followed by closing quotes/brackets,
# e.g. `said.”`, `war?»`, `(AFP).`, `and so on…`.
_TERMINALS = frozenset(".!?…。！？")
_CLOSERS = " \t\"'”’»)]」』*"
# Sentence breaks inside a line (counted with str.count, which is much faster than a regex).
_SENTENCE_BREAKS = (". ", "? ", "! ", ".” ", '." ', "。", "！", "？")
_LIST_MARKER = re.compile(r"^(?:[-*+•·▪▫►▸▹◦‣–—→✓✔]\s*|\(?\d{1,3}[.)]\s+|\(?[a-zA-Z][.)]\s+)")
_BARE_DOMAIN = re.compile(r"\.(?:com|org|net|io|co|de|fr|es|uk|gov|edu)\b")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|io|co|de|fr|es|uk|gov|edu)\b(?:/\S*)?", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_CURRENCY = re.compile(r"[$€£¥₹₽]|\b(?:USD|EUR|GBP|CHF)\b|\b\d+(?:[.,]\d+)?\s?[kK]\b")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# Characters that separate menu items or breadcrumb steps on one line: `Home | News | World`.
_DELETE_SEPARATORS = str.maketrans("", "", "|•·»›")
_DELETE_DIGITS = str.maketrans("", "", "0123456789")
# Punctuation around words, replaced by spaces before the stopword lookup.
_PUNCT = re.compile(r"""["'“”‘’«»()\[\]{}.,;:!?…*#|/]""")
_PUNCT_TO_SPACE = str.maketrans({c: " " for c in "\"'“”‘’«»()[]{}.,;:!?…*#|/"})
# A capitalised word: a capital letter at the start of the line or after a space/quote.
_CAP_WORD = re.compile(r"(?:^|(?<=\s))[\"'“‘(«¿¡]?[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁΑ-Ω]")

# A Chinese word is 1.5 characters on average: a CJK line of 30 characters weighs as
# much as a 20-word line in a spaced language.
_CJK_CHARS_PER_WORD = 1.5


class LineFeatures(NamedTuple):
    """Text features of one line (or block).

    ``words`` counts whitespace tokens (CJK characters count as 1/1.5 word each);
    ``stopword_density`` is stopwords / words, with the page language's list;
    ``terminal`` says the line ends a sentence (closing quotes and ellipses included) and
    ``ellipsis`` that it ends in "..." or "…" (teasers are cut that way); ``sentences``
    counts sentence breaks inside the line; ``cap_ratio`` is the share of words starting
    with a capital; ``digit_ratio`` the share of digit characters; ``currency`` a currency
    sign or code next to digits (salaries, prices); ``separators`` the menu separators
    (``|``, ``•``, ``»``...); ``position`` the relative position in the page (0 first, 1 last).
    """

    words: int
    chars: int
    stopwords: int
    stopword_density: float
    terminal: bool
    ellipsis: bool
    sentences: int
    ends_colon: bool
    cap_ratio: float
    digit_ratio: float
    currency: bool
    urls: int
    emails: int
    list_marker: bool
    separators: int
    cjk: bool
    position: float


class LineViews(NamedTuple):
    """Per-line views of a page computed once for the whole page and shared by the rules.

    ``lower`` holds the lower-cased lines; ``tokens`` their words, lower-cased, with the
    surrounding punctuation split off.
    """

    lower: list[str]
    tokens: list[list[str]]


def line_views(texts: Sequence[str]) -> LineViews:
    """Lower-case and tokenise every line with one call per page (not per line)."""
    low = "\n".join(texts).lower()
    return LineViews(low.split("\n"), [t.split() for t in _PUNCT.sub(" ", low).split("\n")])


def _is_terminal(text: str) -> bool:
    return text.rstrip(_CLOSERS)[-1:] in _TERMINALS


def line_features(
    text: str, stops: frozenset[str], position: float = 0.0, tokens: list[str] | None = None, cap_words: int = -1
) -> LineFeatures:
    """Measure one stripped line of text against the stopword set ``stops``.

    ``tokens`` (lower-cased words without punctuation) and ``cap_words`` (capitalised
    words) may be passed in when they were computed for the whole page at once.
    """
    n = len(text.split())
    chars = len(text)
    cjk = 0 if text.isascii() else len(_CJK.findall(text))
    words = max(n, int(cjk / _CJK_CHARS_PER_WORD)) if cjk else n
    if tokens is None:
        tokens = text.lower().translate(_PUNCT_TO_SPACE).split()
    nstop = sum(map(stops.__contains__, tokens)) if stops else 0
    if cap_words < 0:
        cap_words = len(_CAP_WORD.findall(text))
    digits = chars - len(text.translate(_DELETE_DIGITS))
    return LineFeatures(
        words,
        chars,
        nstop,
        nstop / n if n else 0.0,
        _is_terminal(text),
        text.endswith(("...", "…")),
        sum(map(text.count, _SENTENCE_BREAKS)),
        text.endswith((":", "：")),
        min(1.0, cap_words / n) if n else 0.0,
        digits / chars if chars else 0.0,
        bool(_CURRENCY.search(text)) if digits else False,
        len(_URL.findall(text)) if ("://" in text or "www." in text or _BARE_DOMAIN.search(text)) else 0,
        len(_EMAIL.findall(text)) if "@" in text else 0,
        bool(_LIST_MARKER.match(text)),
        chars - len(text.translate(_DELETE_SEPARATORS)),
        cjk > 0,
        position,
    )


def block_features(
    blocks: Sequence[Block], stops: frozenset[str], views: LineViews | None = None
) -> list[LineFeatures]:
    """Measure every block of a page, in order (the page-wide work is done once)."""
    texts = [b.text for b in blocks]
    if views is None:
        views = line_views(texts)
    # one regex pass over the page marks capitalised words; each line then counts marks
    marked = _CAP_WORD.sub("\x01", "\n".join(texts)).split("\n")
    last = max(1, len(blocks) - 1)
    return [
        line_features(t, stops, i / last if len(texts) > 1 else 0.0, views.tokens[i], marked[i].count("\x01"))
        for i, t in enumerate(texts)
    ]
