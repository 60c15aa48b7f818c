"""Per-line text features, shared by the rules extractor and the learned model's matrix.

:func:`line_features` measures one line; :func:`block_features` measures every block of a
page in one go (the language's stopwords are looked up once). A page measures its blocks
once per stopword language, as one of its facts (:class:`cleaner.page.facts.Page`).
Everything is computed with string methods and precompiled regexes: no per-character
Python loops, so the text path stays above 5 MB/s.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate, repeat
from typing import NamedTuple

import numpy as np

from cleaner.model import Block
from cleaner.page.segment import compiled_part_runs

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
# The same two searched over a whole page at once: a space that is not a line break, so no
# match runs from one line into the next (within a line the two are the same regexes).
# The lookahead on the first character lets the regex engine skip most positions quickly.
_CURRENCY_PAGE = re.compile(r"(?=[$€£¥₹₽UEGC\d])(?:[$€£¥₹₽]|\b(?:USD|EUR|GBP|CHF)\b|\b\d+(?:[.,]\d+)?[^\S\n]?[kK]\b)")
_URL_HINT = re.compile(r"://|www\.|\.(?:com|org|net|io|co|de|fr|es|uk|gov|edu)\b")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# Page-wide deletions (a regex substitution is several times faster than str.translate on
# non-ASCII text): digits, and the separators below.
_DIGITS = re.compile(r"[0-9]+")
_SEPARATORS = re.compile(r"[|•·»›]+")
# Characters that separate menu items or breadcrumb steps on one line: `Home | News | World`.
_DELETE_SEPARATORS = str.maketrans("", "", "|•·»›")
_DELETE_DIGITS = str.maketrans("", "", "0123456789")
# Punctuation around words, replaced by spaces before the stopword lookup.
_PUNCT = re.compile(r"""["'“”‘’«»()\[\]{}.,;:!?…*#|/]""")
PUNCT_TO_SPACE = str.maketrans({c: " " for c in "\"'“”‘’«»()[]{}.,;:!?…*#|/"})
# A capitalised word: a capital letter at the start of the line or after a space/quote.
_CAP_WORD = re.compile(r"(?:^|(?<=\s))[\"'“‘(«¿¡]?[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁΑ-Ω]")
# The same matches, written to start with a character class (an opening quote or a capital)
# so the regex engine skips other positions quickly; the lookbehinds check what precedes.
_OPEN = "\"'“‘(«¿¡"
_CAPS = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁΑ-Ω"
_CAP_WORD_FAST = re.compile(
    rf"[{_OPEN}{_CAPS}](?:(?<=[{_CAPS}])(?<!\S[{_CAPS}])|(?<=[{_OPEN}])(?<!\S[{_OPEN}])[{_CAPS}])"
)

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
        tokens = text.lower().translate(PUNCT_TO_SPACE).split()
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


# The character counts every block gets, in the order of :func:`char_counts`'s columns.
COUNT_COLUMNS = ("words", "cjk", "digits", "separators", "caps", "sentences", "commas", "upper_start")


def reference_counts(texts: Sequence[str]) -> np.ndarray:
    """The :data:`COUNT_COLUMNS` of every text, measured with regexes over the joined page (the reference).

    ``words`` is ``len(text.split())``; ``cjk`` the characters :data:`_CJK` finds;
    ``digits`` ASCII digits; ``separators`` menu separators; ``caps`` the matches of
    :data:`_CAP_WORD`; ``sentences`` the occurrences of :data:`_SENTENCE_BREAKS`;
    ``commas`` the three commas; ``upper_start`` whether the text starts with a capital.
    ``cleaner.page.text_counts`` (compiled) gives the same array in one pass per text.
    """
    n = len(texts)
    if n == 0:
        return np.zeros((0, len(COUNT_COLUMNS)), dtype=np.int64)
    page = "\n".join(texts)
    chars = list(map(len, texts))
    starts = line_starts(chars)
    if page.isascii() or not _CJK.search(page):
        cjk = [0] * n
    else:
        cjk = [0 if t.isascii() else len(_CJK.findall(t)) for t in texts]
    # one regex pass over the page finds capitalised words; each is given to its line
    capitals = [m.start() for m in _CAP_WORD_FAST.finditer(page)]
    caps = np.bincount(np.searchsorted(starts, capitals, side="right") - 1, minlength=n) if capitals else [0] * n
    count = str.count
    columns = [
        [len(t.split()) for t in texts],
        cjk,
        [c - len(r) for c, r in zip(chars, _DIGITS.sub("", page).split("\n"), strict=True)],
        [c - len(r) for c, r in zip(chars, _SEPARATORS.sub("", page).split("\n"), strict=True)],
        caps,
        [sum(map(count, repeat(t), _SENTENCE_BREAKS)) for t in texts],
        [t.count(",") + t.count("，") + t.count("、") for t in texts],
        [t[:1].isupper() for t in texts],
    ]
    return np.array(columns, dtype=np.int64).reshape(len(COUNT_COLUMNS), n).T


try:  # built by the install (setup.py) with the compiled page walk
    from cleaner.page.text_counts import text_counts
except ImportError as exc:
    _COMPILED: Callable[[list[str]], np.ndarray] | None = None
    _NOT_BUILT = str(exc)
else:
    _COMPILED = text_counts
    _NOT_BUILT = ""


_COUNTS: Callable[[list[str]], np.ndarray] = reference_counts
if compiled_part_runs(_COMPILED is not None, "text counts", "pure-Python text counts", _NOT_BUILT) and _COMPILED:
    _COUNTS = _COMPILED


def char_counts(texts: list[str]) -> np.ndarray:
    """The :data:`COUNT_COLUMNS` of every text (an ``(n, 8)`` int array), by the compiled counts where built."""
    return _COUNTS(texts)


def block_features(
    blocks: Sequence[Block], stops: frozenset[str], views: LineViews | None = None, counted: np.ndarray | None = None
) -> list[LineFeatures]:
    """Measure every block of a page, in order: the same values as :func:`line_features` on each.

    The character counts come from :func:`char_counts` (one compiled pass per block);
    the other measures are taken with one call over the whole page (currency and URL
    hints, mapped back to lines by their offsets) or one list comprehension per measure,
    which keeps the per-line Python work to a few C calls. The page is the blocks joined
    by newlines: a block's text never holds a line break (see :class:`cleaner.model.Block`),
    so each line of the page is one block. ``views`` are the page's :func:`line_views` and
    ``counted`` its :func:`char_counts`, computed here when not given.
    """
    texts = [b.text for b in blocks]
    if not texts:
        return []
    page = "\n".join(texts)
    if views is None:
        views = line_views(texts)
    n = len(texts)
    columns = (char_counts(texts) if counted is None else counted).T.tolist()
    counts, cjk, digits, seps, caps, sentences = columns[:6]
    chars = list(map(len, texts))
    if any(cjk):
        words = [max(k, int(c / _CJK_CHARS_PER_WORD)) if c else k for k, c in zip(counts, cjk, strict=True)]
    else:
        words = counts
    if stops:
        has = stops.__contains__
        nstop = [sum(map(has, tk)) for tk in views.tokens]
    else:
        nstop = [0] * n
    starts = line_starts(chars)
    # Currency needs digits on its line: only those lines are searched.
    with_digits = [i for i, d in enumerate(digits) if d]
    digit_page = "\n".join(texts[i] for i in with_digits)
    digit_starts = line_starts([chars[i] for i in with_digits])
    currency_lines = {with_digits[i] for i in lines_of(_CURRENCY_PAGE.finditer(digit_page), digit_starts)}
    url_lines = lines_of(_URL_HINT.finditer(page), starts)
    urls = [0] * n
    for i in url_lines:
        urls[i] = len(_URL.findall(texts[i]))
    emails = [0] * n
    if "@" in page:
        for i in lines_of(re.finditer("@", page), starts):
            emails[i] = len(_EMAIL.findall(texts[i]))
    last = max(1, n - 1)
    return list(
        map(
            LineFeatures,
            words,
            chars,
            nstop,
            [s / k if k else 0.0 for s, k in zip(nstop, counts, strict=True)],
            [t.rstrip(_CLOSERS)[-1:] in _TERMINALS for t in texts],
            [t.endswith(("...", "…")) for t in texts],
            sentences,
            [t.endswith((":", "：")) for t in texts],
            [min(1.0, c / k) if k else 0.0 for c, k in zip(caps, counts, strict=True)],
            [d / c if c else 0.0 for d, c in zip(digits, chars, strict=True)],
            [i in currency_lines for i in range(n)],
            urls,
            emails,
            [_LIST_MARKER.match(t) is not None for t in texts],
            seps,
            [c > 0 for c in cjk],
            [i / last for i in range(n)] if n > 1 else [0.0],
        )
    )


def line_starts(lengths: Sequence[int]) -> list[int]:
    """The offsets at which lines of these lengths start once joined by newlines."""
    return list(accumulate(lengths[:-1], lambda a, c: a + c + 1, initial=0))


def lines_of(matches: Iterable[re.Match[str]], starts: list[int]) -> set[int]:
    """The indexes of the lines (starting at the offsets ``starts``) that hold a match."""
    return {bisect_right(starts, m.start()) - 1 for m in matches}
