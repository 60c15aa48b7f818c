"""The phrase rules of every boilerplate family, compiled once: :class:`PhraseBook`.

The phrases are data, one TOML file per language in ``cleaner/data/phrases``: per family
(``nav.menu``, ``newsletter.signup``...) the whole ``line``s, the ``start``s of calls to
action, phrases a short line ``contains``, and regular-expression ``patterns`` (tried
only on lines holding one of the family's ``gate`` strings). :func:`normalise_line` is
the form a line is looked up in.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from cleaner.page.features import PUNCT_TO_SPACE, line_starts, lines_of

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

# Punctuation and symbols stripped from both ends of a line before the whole-line lookup.
_EDGE_CHARS = " \t\xa0!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»“”‘’„…–—•·▪►▸›‹©®™°¶§←→↑↓▶◀▼▲✓✔✕✖×|"
_NORM_COUNTER = re.compile(r"\s*[(\[]?\d+[)\]]?$")
# Characters stripped before a line's start is matched against the "start" phrases: list
# bullets, arrows and quote marks in front of a call to action.
_LEAD = " \t-*•·▪►▸>»|#:–—"


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


def normalise_line(text: str) -> str:
    """A line as the phrase rules look it up: lower case, no surrounding symbols, no trailing counter."""
    return normalise_lowered_line(text.lower())


def normalise_lowered_line(lowered: str) -> str:
    """:func:`normalise_line` of a line that is already lower-cased."""
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
                self.line.setdefault(normalise_line(phrase), family)
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
            max(p.lower().translate(PUNCT_TO_SPACE).split() or [""], key=len)
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
        starts = line_starts(list(map(len, lowered)))
        out: list[set[int] | None] = []
        for gate_re in self.gate_res:
            if gate_re is None:
                out.append(None)
            else:
                out.append(lines_of(gate_re.finditer(page), starts))
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
        """The first phrase rule that fires on a line (``norm`` is :func:`normalise_line` of it).

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
            tokens = lowered.translate(PUNCT_TO_SPACE).split()
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
