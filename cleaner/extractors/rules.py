"""Heuristic extractor for plain-text page dumps: named rules by family, then context.

The algorithm, in three small stages (jusText's ``core.py`` is the model):

1. :func:`classify` - a first pass over each line on its own: the phrase rules of each
   boilerplate family (:class:`PhraseBook`, phrases kept as data in
   ``cleaner/data/phrases/*.toml``), the byline / source / date / caption rules, then a
   class from the text features (``good`` prose, ``near`` good, ``short``).
2. :func:`revise` - the context pass: the article is the run of lines whose summed
   evidence is highest (long prose counts for, short and boilerplate lines against, as in
   the body-text-extraction idea of Finn et al.); a short or uncertain line takes the class
   of the region it sits in; a heading right before article text is kept; teasers after the
   article (even full sentences) and lists under a "Related"/"Comments" header are dropped.
3. :func:`find_title` - the headline is the title-like line just above the article; it
   goes to metadata (``meta.title``), as do bylines, source and date lines.

:class:`RulesExtractor` ties them together; :func:`text_metadata` reads the metadata the
rules found back out of the decisions.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate, repeat
from typing import Any

from cleaner.config import Config
from cleaner.meta.date import calendar_date
from cleaner.model import Block, Decision
from cleaner.page import Page
from cleaner.page.features import LineFeatures, LineViews

NAME = "rules"

# Families in priority order: when a line matches several, the first listed wins. The most
# generic (menu words such as "Home", "News") come last.
FAMILY_ORDER: tuple[str, ...] = (
    "nav.skip_link",
    "cookie.notice",
    "comments.captcha",
    "comments.widget",
    "newsletter.signup",
    "social.follow",
    "related.links",
    "related.teaser",
    "promo.promoted",
    "ads.label",
    "jobs.widget",
    "legal.footer",
    "media.caption",
    "nav.menu",
)
# Headers after which the following list is boilerplate of the same family, until prose
# starts again ("Related Items", "Recommended Reads", "Leave a Reply", "PROMOTED VIDEO").
RUN_STARTERS: frozenset[str] = frozenset({"related.links", "comments.widget", "promo.promoted", "jobs.widget"})

# --- guards on the phrase rules ------------------------------------------------------
# "start" phrases are calls to action; those are short. An article sentence that happens
# to begin "Sign up ..." is longer than this in practice (seed CTAs are 5-15 words).
MAX_WORDS_START = 30
# "contains" phrases ("all rights reserved", "uses cookies") fire on short lines only: in a
# long line they are more often part of an article discussing cookies or copyright.
MAX_WORDS_CONTAINS = 15
# ... except when a line piles up several of them (a footer blurb of 40-80 words).
MAX_WORDS_CONTAINS_MULTI = 90
# Regular-expression patterns (captions, salaries, captchas) describe short widgets.
MAX_WORDS_PATTERN = 45
# Patterns anchored at the line end are searched in its last characters only: a caption
# credit or a truncated teaser end fits in 120.
PATTERN_TAIL_CHARS = 120

# --- first-pass classes -----------------------------------------------------------------
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

# --- context pass -------------------------------------------------------------------------
# Evidence of each class, summed over a run of lines to find the article region. Prose
# counts per word, so one paragraph outweighs a few headings between paragraphs but not
# a menu of dozens of items.
SCORE_SHORT = -3.0
SCORE_BAD = -12.0
SCORE_NEAR_PER_WORD = 0.6
# Prose counts by its words beyond this many: teaser summaries (15-25 words) add little,
# article paragraphs (30-80 words) a lot.
SCORE_GOOD_OFFSET = 8.0
# A further region (a second article part after a long widget) is kept when it weighs at
# least this share of the main region and has real prose (absolute minimum in words).
SECOND_REGION_SHARE = 0.5
SECOND_REGION_MIN = 40.0
# Lines looked at above the article for the headline, standfirst, byline and date.
HEADER_LOOKBACK = 12
# A headline has a few words and no sentence end; longer lines are standfirsts.
TITLE_MIN_WORDS = 2
TITLE_MAX_WORDS = 30
# The headline is the earliest candidate at least half as long as the longest one.
TITLE_SHARE_OF_LONGEST = 2.0

# Punctuation and symbols stripped from both ends of a line before the whole-line lookup.
_EDGE_CHARS = " \t\xa0!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»“”‘’„…–—•·▪►▸›‹©®™°¶§←→↑↓▶◀▼▲✓✔✕✖×|"
_PUNCT_TO_SPACE = str.maketrans({c: " " for c in "\"'“”‘’«»()[]{}.,;:!?…*#|/"})
_NORM_COUNTER = re.compile(r"\s*[(\[]?\d+[)\]]?$")
_NORM_SPACES = re.compile(r"\s+")
_LEAD = " \t-*•·▪►▸>»|#:–—"

_BYLINE = re.compile(
    r"^(?:by|written by|words by|reporting by|reported by|story by|text by|posted by|author|authors|autor(?:in)?|"
    r"von|text|par|por|escrito por|texto|redacción)\s*[:|-]?\s+(?P<name>\S.*)$",
    re.I,
)
_SOURCE = re.compile(r"^(?:source|quelle|fuente|source|via)\s*:\s*(?P<name>\S.{0,60})$", re.I)
_MONTHS = (
    "jan(?:uary|uar|vier|\\.)?|feb(?:ruary|ruar|\\.)?|f[ée]v(?:rier|\\.)?|mar(?:ch|\\.)?|m[äa]rz|mars|apr(?:il|\\.)?|"
    "avril|abr(?:il)?|may|mai|mayo|jun(?:e|i|\\.)?|juin|junio|jul(?:y|i|\\.)?|juillet|julio|aug(?:ust|\\.)?|ao[ûu]t|"
    "ago(?:sto)?|sep(?:t(?:ember|embre|iembre)?|\\.)?|oct(?:ober|obre|\\.)?|okt(?:ober)?|octubre|nov(?:ember|embre|"
    "iembre|\\.)?|dec(?:ember|\\.)?|dez(?:ember)?|d[ée]c(?:embre)?|dic(?:iembre)?|enero|febrero|marzo|janvier"
)
_DATE_TEXT = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?(?P<m1>{_MONTHS})\.?,?\s+(?:de\s+)?(?P<y1>\d{{4}})|"
    rf"(?P<m2>{_MONTHS})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})|"
    r"(?P<y3>\d{4})[-/.](?P<mo3>\d{1,2})[-/.](?P<d3>\d{1,2})|"
    r"(?P<d4>\d{1,2})[./](?P<mo4>\d{1,2})[./](?P<y4>\d{4}))\b",
    re.I,
)
_DATE_PREFIX = re.compile(
    r"^(?:published|updated|posted|last updated|last modified|modified|date|dated|on|veröffentlicht|aktualisiert|"
    r"stand|datum|publié|mis à jour|le|publicado|actualizado|fecha)\b",
    re.I,
)
# A date line: the date plus a few words (weekday, time, "Updated", zone). Longer lines
# carry a sentence that merely mentions a date.
DATE_LINE_MAX_WORDS = 14
# A byline names one to a few people: "By Jane Doe and John Roe" is at most ~8 words.
BYLINE_MAX_WORDS = 10
_TRUNCATED = re.compile(r"\w(?:\.\.\.|…)$")


# ======================================================================= phrase rules
def _trie_pattern(phrases: Iterable[str]) -> str:
    """A regex alternation of literal phrases, factored by common prefixes (fast to match)."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        end = "" in node
        if len(alts) == 1 and not end:
            return alts[0]
        body = "(?:" + "|".join(alts) + ")"
        return body + "?" if end else body

    return emit(trie)


def _phrase_alternation(phrases: Iterable[str], left_boundary: bool) -> str:
    """Alternation of phrases with word boundaries where a phrase starts/ends in a word character."""
    phrases = sorted(set(phrases))
    word_end = [p for p in phrases if p[-1:].isalnum()]
    other_end = [p for p in phrases if not p[-1:].isalnum()]
    parts = []
    if word_end:
        parts.append(f"(?:{_trie_pattern(word_end)})(?!\\w)")
    if other_end:
        parts.append(f"(?:{_trie_pattern(other_end)})")
    body = "|".join(parts)
    return f"(?<!\\w)(?:{body})" if left_boundary else f"(?:{body})"


def normalise(text: str) -> str:
    """Lower-case a line, strip surrounding punctuation/symbols and a trailing counter."""
    return normalise_lowered(text.lower())


def normalise_lowered(lowered: str) -> str:
    """:func:`normalise` of a line that is already lower-cased."""
    s = lowered.strip(_EDGE_CHARS)
    if s[-1:].isdigit() or s[-1:] == ")":
        s = _NORM_COUNTER.sub("", s).strip(_EDGE_CHARS)
    if "  " in s or "\t" in s or "\xa0" in s:
        s = " ".join(s.split())
    return s


@dataclass(frozen=True)
class PhraseHit:
    """A phrase rule that fired: its reason code, the mode and the evidence."""

    reason: str
    mode: str
    evidence: str


class PhraseBook:
    """The phrase rules of every family, compiled: a dict for whole lines, one regex per mode.

    ``match`` returns the first family (in :data:`FAMILY_ORDER`) whose phrase fits the line.
    """

    def __init__(self, tables: Sequence[dict[str, dict[str, list[str]]]]) -> None:
        merged: dict[str, dict[str, list[str]]] = {}
        for table in tables:
            for family, modes in table.items():
                slot = merged.setdefault(family, {})
                for mode, items in modes.items():
                    slot.setdefault(mode, []).extend(items)
        unknown = set(merged) - set(FAMILY_ORDER)
        if unknown:
            raise ValueError(f"phrase families without a rule order: {sorted(unknown)}")
        order = [f for f in FAMILY_ORDER if f in merged]
        self.line: dict[str, str] = {}
        for family in order:
            for phrase in merged[family].get("line", []):
                self.line.setdefault(normalise(phrase), family)
        self.start = self._combined(order, merged, "start", anchored=True)
        self.contains = self._combined(order, merged, "contains", anchored=False)
        self.patterns: list[tuple[str, tuple[str, ...], re.Pattern[str]]] = []
        # per family, a regex that finds any of its gate strings (None: no gate, always tried)
        self.gate_res: list[re.Pattern[str] | None] = []
        for family in order:
            pats = merged[family].get("patterns", [])
            if pats:
                gate = tuple(g.lower() for g in merged[family].get("gate", []))
                self.patterns.append((family, gate, re.compile("|".join(f"(?:{p})" for p in pats), re.I)))
                # a match runs on to the end of its line: one match per line at most
                self.gate_res.append(re.compile(f"(?:{_trie_pattern(gate)})[^\n]*") if gate else None)
        # patterns are tried only when the line has a gate string of some family: one regex
        # search per line instead of one substring test per gate
        gates = sorted({g for _, gate, _ in self.patterns for g in gate})
        always = any(not gate for _, gate, _ in self.patterns)
        self.gate = None if always or not gates else re.compile(_trie_pattern(gates))
        # contains-phrases are tried only when the line has one of their longest words
        self.anchors = frozenset(
            max(p.lower().translate(_PUNCT_TO_SPACE).split() or [""], key=len)
            for f in order
            for p in merged[f].get("contains", [])
        )

    @staticmethod
    def _combined(
        order: list[str], merged: dict[str, dict[str, list[str]]], mode: str, anchored: bool
    ) -> re.Pattern[str] | None:
        groups = []
        for family in order:
            phrases = [p.lower() for p in merged[family].get(mode, []) if p]
            if phrases:
                body = _phrase_alternation(phrases, left_boundary=not anchored)
                groups.append(f"(?P<{family.replace('.', '__')}>{body})")
        if not groups:
            return None
        return re.compile(("^(?:" if anchored else "(?:") + "|".join(groups) + ")")

    def gated_lines(self, lowered: Sequence[str]) -> list[set[int] | None]:
        """For each pattern family, the indexes of the lines holding one of its gate strings.

        One regex pass per family over the whole (lower-cased) page; ``None`` for a family
        without gate strings (every line qualifies). A gate string never holds a line
        break, so no match spans two lines and every line with a gate string gets a match.
        """
        page = "\n".join(lowered)
        starts = list(accumulate(map(len, lowered[:-1]), lambda a, n: a + n + 1, initial=0))
        out: list[set[int] | None] = []
        for gate_re in self.gate_res:
            if gate_re is None:
                out.append(None)
            else:
                out.append({bisect_right(starts, m.start()) - 1 for m in gate_re.finditer(page)})
        return out

    def match(
        self,
        text: str,
        norm: str,
        words: int,
        lowered: str | None = None,
        tokens: list[str] | None = None,
        gated: Sequence[bool] | None = None,
    ) -> PhraseHit | None:
        """The first phrase rule that fires on a line (``norm`` is :func:`normalise` of it).

        ``lowered`` and ``tokens`` (see :class:`cleaner.page.features.LineViews`) are computed
        here when not given; so is ``gated``, whether the line holds a gate string of each
        pattern family (see :meth:`gated_lines`).
        """
        family = self.line.get(norm)
        if family is not None:
            return PhraseHit(family, "line", norm)
        if lowered is None:
            lowered = text.lower()
        if tokens is None:
            tokens = lowered.translate(_PUNCT_TO_SPACE).split()
        if words <= MAX_WORDS_START and self.start is not None:
            m = self.start.match(lowered.lstrip(_LEAD))
            if m and m.lastgroup:
                return PhraseHit(m.lastgroup.replace("__", "."), "start", m.group(0))
        if self.contains is not None and words <= MAX_WORDS_CONTAINS_MULTI and not self.anchors.isdisjoint(tokens):
            hits = [(m.lastgroup, m.group(0)) for m in self.contains.finditer(lowered) if m.lastgroup]
            if hits and (words <= MAX_WORDS_CONTAINS or len({h[1] for h in hits}) >= 2):
                return PhraseHit(hits[0][0].replace("__", "."), "contains", "; ".join(h[1] for h in hits))
        if words <= MAX_WORDS_PATTERN:
            if gated is None:
                if self.gate is not None and not self.gate.search(lowered):
                    return None
                gated = [g is None or g.search(lowered) is not None for g in self.gate_res]
            for (family, _, pattern), ok in zip(self.patterns, gated, strict=True):
                if ok:
                    m = pattern.search(text)
                    if m:
                        return PhraseHit(family, "pattern", m.group(0))
        return None


@lru_cache(maxsize=1)
def phrase_book() -> PhraseBook:
    """The phrase rules of every language in ``cleaner/data/phrases`` (loaded once)."""
    folder = resources.files("cleaner") / "data" / "phrases"
    tables = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            tables.append(_flatten(tomllib.loads(entry.read_text(encoding="utf-8"))))
    return PhraseBook(tables)


def _flatten(data: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """``{"nav": {"menu": {"line": [...]}}}`` -> ``{"nav.menu": {"line": [...]}}``."""
    out: dict[str, dict[str, list[str]]] = {}
    for family, sub in data.items():
        for name, modes in sub.items():
            out[f"{family}.{name}"] = modes
    return out


# ======================================================================= first pass
@dataclass(slots=True)
class LineClass:
    """First-pass verdict on one line: a class, a reason code and the evidence."""

    cls: str  # "good" | "near" | "short" | "bad" | "meta"
    reason: str
    detail: str


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO ``YYYY-MM-DD``, or None when none parses."""
    m = _DATE_TEXT.search(text)
    if not m:
        return None
    g = m.groupdict()
    if g["y1"] or g["y2"]:
        found = calendar_date(g["y1"] or g["y2"], g["m1"] or g["m2"], g["d1"] or g["d2"])
    elif g["y3"]:
        found = calendar_date(g["y3"], g["mo3"], g["d3"])
    else:
        found = calendar_date(g["y4"], g["mo4"], g["d4"])
    return found.isoformat() if found is not None else None


def _is_byline(text: str, f: LineFeatures) -> str | None:
    if f.words > BYLINE_MAX_WORDS or f.sentences:
        return None
    m = _BYLINE.match(text)
    if not m:
        return None
    name = m.group("name").strip(" |,-–—")
    tokens = name.split()
    # A name is capitalised: "By Wednesday afternoon, activists ..." fails on its length,
    # "by the way" on its case.
    if not tokens or not tokens[0][:1].isupper() or text.endswith((".", "!", "?")) and not text[-3:-2].isupper():
        return None
    return name


def classify_line(
    block: Block,
    f: LineFeatures,
    book: PhraseBook,
    stops_known: bool,
    lowered: str | None = None,
    tokens: list[str] | None = None,
) -> LineClass:
    """First-pass class of one line from the phrase rules and its features alone."""
    return _classify_text(block.text, f, book, stops_known, normalise(block.text), lowered, tokens, None)


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
    """:func:`classify_line` on a line's text and its :func:`normalise` form."""
    if not norm:
        return LineClass("short", "boilerplate.short", "no letters or digits")
    words = f.words
    hit = book.match(text, norm, words, lowered, tokens, gated)
    if hit is not None:
        return LineClass("bad", hit.reason, f"{hit.mode}: {hit.evidence}")
    if words <= BYLINE_MAX_WORDS:
        byline = _is_byline(text, f)
        if byline:
            return LineClass("meta", "meta.author", byline)
        m = _SOURCE.match(text)
        if m:
            return LineClass("meta", "meta.source", m.group("name").strip())
    if words <= DATE_LINE_MAX_WORDS and f.digit_ratio > 0 and f.sentences <= 1:
        iso = parse_date(text)
        # a date line is mostly its date: a prefix ("Updated"), few words or many digits
        if iso and (_DATE_PREFIX.match(text) or words <= 6 or f.digit_ratio > 0.15):
            return LineClass("meta", "meta.date", iso)
    if f.urls and words <= f.urls * 3:
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


def _evidence(f: LineFeatures) -> str:
    return f"words={f.words} stop={f.stopword_density:.2f} term={int(f.terminal)}"


def classify(
    blocks: Sequence[Block], feats: Sequence[LineFeatures], stops_known: bool, views: LineViews
) -> list[LineClass]:
    """First pass: a :class:`LineClass` for every line, on its own.

    The page-wide views have one entry per block: a block's text never holds a line break.
    """
    book = phrase_book()
    # the gate strings of every pattern family, searched once over the lines short enough
    # for the patterns (long paragraphs hold most of a page's characters)
    short = [i for i, f in enumerate(feats) if f.words <= MAX_WORDS_PATTERN]
    gates = book.gated_lines([views.lower[i] for i in short])
    everywhere = [True] * len(blocks)
    columns = []
    for g in gates:
        column = everywhere
        if g is not None:
            column = [False] * len(blocks)
            for k in g:
                column[short[k]] = True
        columns.append(column)
    gated: list[tuple[bool, ...]] = list(zip(*columns, strict=True)) if columns else [()] * len(blocks)
    return list(
        map(
            _classify_text,
            [b.text for b in blocks],
            feats,
            repeat(book),
            repeat(stops_known),
            map(normalise_lowered, views.lower),
            views.lower,
            views.tokens,
            gated,
        )
    )


# ======================================================================= context pass
def _score(c: LineClass, f: LineFeatures) -> float:
    if c.cls == "good":
        return f.words - SCORE_GOOD_OFFSET
    if c.cls == "near":
        return SCORE_NEAR_PER_WORD * f.words - SCORE_GOOD_OFFSET
    if c.cls == "bad":
        return SCORE_BAD
    if c.cls == "meta":
        return 0.0
    return SCORE_SHORT


def best_region(scores: Sequence[float], lo: int = 0, hi: int | None = None) -> tuple[int, int, float]:
    """The run ``[start, end)`` of ``scores[lo:hi]`` with the highest sum (Kadane)."""
    hi = len(scores) if hi is None else hi
    best = (lo, lo, 0.0)
    start, total = lo, 0.0
    for i in range(lo, hi):
        if total <= 0:
            start, total = i, 0.0
        total += scores[i]
        if total > best[2]:
            best = (start, i + 1, total)
    return best


def regions(scores: Sequence[float]) -> list[tuple[int, int]]:
    """The article regions: the best run, plus runs left/right of it that weigh enough."""
    s, e, total = best_region(scores)
    if total <= 0:
        return []
    found = [(s, e)]
    floor = max(SECOND_REGION_MIN, SECOND_REGION_SHARE * total)
    stack = [(0, s), (e, len(scores))]
    while stack:
        lo, hi = stack.pop()
        if hi - lo <= 0:
            continue
        s2, e2, t2 = best_region(scores, lo, hi)
        if t2 >= floor:
            found.append((s2, e2))
            stack.extend([(lo, s2), (e2, hi)])
    return sorted(found)


@dataclass(slots=True)
class Verdict:
    """The decision taking shape for one line during the context pass."""

    keep: bool
    reason: str
    detail: str
    flipped_from: LineClass | None = None


def revise(blocks: Sequence[Block], feats: Sequence[LineFeatures], classes: Sequence[LineClass]) -> list[Verdict]:
    """Context pass: regions of article text, neighbours, headers and teaser runs."""
    n = len(blocks)
    scores = [_score(c, f) for c, f in zip(classes, feats, strict=True)]
    inside = [False] * n
    for s, e in regions(scores):
        for i in range(s, e):
            inside[i] = True
    verdicts: list[Verdict] = []
    for i, c in enumerate(classes):
        f = feats[i]
        if c.cls == "bad" or c.cls == "meta":
            verdicts.append(Verdict(False, c.reason, c.detail))
        elif inside[i]:
            if c.cls in ("good", "near"):
                verdicts.append(Verdict(True, "content.article", c.detail))
            elif f.list_marker:
                verdicts.append(Verdict(True, "content.list_item", c.detail, c))
            elif _followed_by_prose(i, classes, inside):
                verdicts.append(Verdict(True, "content.heading", c.detail, c))
            else:
                verdicts.append(Verdict(True, "content.context", c.detail, c))
        else:
            if c.cls in ("good", "near"):
                after = any(inside[:i])
                reason = "boilerplate.teaser_run" if after else "boilerplate.context"
                verdicts.append(Verdict(False, reason, c.detail, c))
            else:
                verdicts.append(Verdict(False, c.reason, c.detail))
    _drop_runs_after_headers(classes, feats, verdicts)
    return verdicts


def _followed_by_prose(i: int, classes: Sequence[LineClass], inside: Sequence[bool]) -> bool:
    j = i + 1
    return j < len(classes) and inside[j] and classes[j].cls in ("good", "near")


def _drop_runs_after_headers(
    classes: Sequence[LineClass], feats: Sequence[LineFeatures], verdicts: list[Verdict]
) -> None:
    """Below a "Related" / "Comments" / "Promoted" header, drop the list until prose resumes."""
    run: str | None = None
    for i, c in enumerate(classes):
        if c.cls == "bad" and c.reason in RUN_STARTERS:
            run = c.reason
            continue
        if run is None:
            continue
        if c.cls == "good" and not feats[i].list_marker:
            run = None
            continue
        v = verdicts[i]
        if v.keep:
            verdicts[i] = Verdict(False, run, f"after a {run} header", classes[i])


# ======================================================================= title
def find_title(
    blocks: Sequence[Block], feats: Sequence[LineFeatures], classes: Sequence[LineClass], verdicts: Sequence[Verdict]
) -> tuple[int | None, int]:
    """The headline above the article, and the index of the article's first sentence.

    Walks back from the first kept line that ends a sentence, through the header (kicker,
    standfirst, byline, date, caption) until a menu/related/newsletter line or
    :data:`HEADER_LOOKBACK` lines; the headline is the earliest title-like line there that
    is not much shorter than the longest one (menu leftovers are short).
    """
    first = next(
        (i for i, v in enumerate(verdicts) if v.keep and classes[i].cls == "good" and feats[i].terminal),
        None,
    )
    if first is None:
        first = next((i for i, v in enumerate(verdicts) if v.keep and classes[i].cls in ("good", "near")), None)
    if first is None:
        return None, -1
    candidates: list[int] = []
    for i in range(first - 1, max(-1, first - 1 - HEADER_LOOKBACK), -1):
        c, f = classes[i], feats[i]
        if c.cls in ("bad", "meta"):
            if c.reason.startswith(("nav.", "related.", "comments.", "newsletter.", "cookie.", "legal.")):
                break
            continue
        if not TITLE_MIN_WORDS <= f.words <= TITLE_MAX_WORDS or f.list_marker or f.urls:
            continue
        if (f.terminal and blocks[i].text.rstrip("\"'”’»)")[-1:] == ".") or f.ends_colon:
            continue
        candidates.append(i)
    if not candidates:
        return None, first
    longest = max(feats[i].words for i in candidates)
    # the earliest line at least half as long as the longest: the headline comes before
    # the standfirst, menu leftovers ("Comedy", "Israel-Gaza") are shorter
    title = min(i for i in candidates if feats[i].words * TITLE_SHARE_OF_LONGEST >= longest)
    return title, first


# ======================================================================= extractor
class RulesExtractor:
    """Heuristic extractor for text dumps: phrase rules by family, then a context pass."""

    name = NAME
    # The stopword counts are those of the page's language (see cleaner.page.facts.Page).
    uses_page_language = True

    def decide(self, page: Page, config: Config) -> list[Decision]:
        """One Decision per block of ``page``, from the line features of the page's language."""
        blocks = page.blocks
        if not blocks:
            return []
        language = page.language(config)
        feats = page.line_features(language)
        views = page.views
        classes = classify(blocks, feats, bool(page.stopwords(language)), views)
        verdicts = revise(blocks, feats, classes)
        title, first = find_title(blocks, feats, classes, verdicts)
        if title is not None:
            # between the headline and the first sentence: a standfirst is article text
            for i in range(title + 1, first):
                if classes[i].cls in ("good", "near") and not verdicts[i].keep:
                    verdicts[i] = Verdict(True, "content.article", f"standfirst; {classes[i].detail}", None)
            c = classes[title]
            verdicts[title] = Verdict(False, "meta.title", blocks[title].text, c if verdicts[title].keep else None)
            headline = blocks[title].text
            for i, b in enumerate(blocks):
                if i != title and verdicts[i].keep and b.text == headline:
                    verdicts[i] = Verdict(False, "meta.title", "repeats the headline", classes[i])
        return [_decision(b, classes[i], verdicts[i]) for i, b in enumerate(blocks)]


def _decision(block: Block, first: LineClass, v: Verdict) -> Decision:
    first_pass = None
    if v.flipped_from is not None:
        fc = v.flipped_from
        first_keep = fc.cls in ("good", "near")
        if first_keep != v.keep:
            first_pass = Decision(block=block.index, keep=first_keep, reason=fc.reason, by=NAME, detail=fc.detail)
    score = 1.0 if v.keep else 0.0
    return Decision(
        block=block.index, keep=v.keep, reason=v.reason, by=NAME, score=score, detail=v.detail, first_pass=first_pass
    )


def text_metadata(blocks: Sequence[Block], decisions: Sequence[Decision]) -> dict[str, str]:
    """The metadata the rules moved out of the text: title, author, date, sitename.

    Title from the ``meta.title`` block; authors from a byline with its prefix ("By",
    "Reporting by:") stripped, several joined by "; " as for HTML pages; sitename from a
    "Source: X" line; date as ISO YYYY-MM-DD from a date line, None when it is ambiguous
    ("03/04/2023": March or April). Fields the dump does not state are left out.
    """
    out: dict[str, str] = {}
    for d in decisions:
        text = blocks[d.block].text
        if d.reason == "meta.title" and "title" not in out:
            out["title"] = text
        elif d.reason == "meta.author" and "author" not in out:
            authors = _byline_authors(text)
            if authors:
                out["author"] = authors
        elif d.reason == "meta.source" and "sitename" not in out:
            m = _SOURCE.match(text)
            out["sitename"] = m.group("name").strip() if m else text
        elif d.reason == "meta.date" and "date" not in out:
            iso = _line_date(text)
            if iso:
                out["date"] = iso
    return out


def _byline_authors(text: str) -> str | None:
    """The names of a byline line, "; "-joined ("By Ann Lee and Bo Chan" -> "Ann Lee; Bo Chan")."""
    from cleaner.meta.author import split_names

    m = _BYLINE.match(text)
    names = split_names(m.group("name").strip(" |,-–—") if m else text)
    return "; ".join(dict.fromkeys(names)) or None


def _line_date(text: str) -> str | None:
    """The date of a date line; None when it is written d/m/y or m/d/y with both parts <= 12."""
    m = _DATE_TEXT.search(text)
    if m and m["d4"] and "/" in m.group(0) and m["d4"] != m["mo4"] and int(m["d4"]) <= 12 and int(m["mo4"]) <= 12:
        return None
    return parse_date(text)
