"""What the markup means to the segmenter: block-level and skipped tags, class/id tokens, preformatted text.

Both tree walks (:mod:`cleaner.page.walk_reference`, pure Python, and the compiled
``cleaner.page.walk_compiled``) read the page through these tables and functions, so they
cut the same blocks and give them the same tokens.
"""

from __future__ import annotations

import re

__all__ = [
    "BLOCK_TAGS",
    "MAX_ATTR_TOKENS",
    "MAX_TAG_PATH",
    "NEAREST_LEVELS",
    "SKIP_TAGS",
    "TOKEN_CACHE_LIMIT",
    "attribute_tokens",
    "nearest_tokens",
    "verbatim",
]

# Elements whose start or end ends the current block: the HTML block-level elements plus
# table cells and <br>, which browsers render as a line break.
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "noscript",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
# Elements whose text is never visible page text. <button> is not among them: libxml2
# nests the rest of the page inside a <button> left open by broken markup. <noscript> is
# not either: it is what a browser without scripts shows, and some sites (Discourse
# forums, for one) put their whole server-rendered page there; its blocks carry
# "noscript" in their tag path so the extractors can weigh them.
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "template",
        "svg",
        "math",
        "iframe",
        "head",
        "select",
        "option",
        "textarea",
        "canvas",
        "object",
        "embed",
        "audio",
        "video",
        "map",
        "input",
        "datalist",
    ]
)
# Deeper tag paths are cut to their last levels: enough to see the block's container
# (article, nav, footer...) without a 100k-deep page costing 100k entries per block.
MAX_TAG_PATH = 24
# A block's class/id tokens gather those of all its ancestors; past this many the page is
# pathological and more tokens add nothing a classifier could use.
MAX_ATTR_TOKENS = 64
# Past the cap, a block keeps the tokens of at most this many of its nearest ancestors
# that carry class/id tokens: enough to reach the container that names its role.
NEAREST_LEVELS = 8
_TOKEN_SPLIT = re.compile(r"[\s_\-:/.]+")
_INNER_SEPARATOR = re.compile(r"[_\-:/.]")

# Tokens of each class/id value seen so far: a page repeats a few hundred class strings
# over thousands of elements. Cleared past this many values to stay bounded over a long run:
# 10,000 (with the caches of cleaner.page.matrix at a tenth of their first sizes) cleans 1,500
# devdata pages as fast as ten times more, and a worker grows by 60 MB instead of 240 MB.
_VALUE_TOKENS: dict[str, tuple[str, ...]] = {}
TOKEN_CACHE_LIMIT = 10_000
# The tokens of each (class, id, hidden, aria-hidden, style) combination seen so far.
_ELEMENT_TOKENS: dict[tuple[str | None, ...], tuple[str, ...]] = {}


def attribute_tokens(key: tuple[str | None, str | None, str | None, str | None, str | None]) -> tuple[str, ...]:
    """An element's class/id tokens plus its hidden markers, from its attributes (cached).

    ``key`` holds the element's ``class``, ``id``, ``hidden``, ``aria-hidden`` and
    ``style`` attribute values, None for those it lacks.
    """
    tokens = _ELEMENT_TOKENS.get(key)
    if tokens is None:
        class_, id_, hidden, aria_hidden, style = key
        found: list[str] = []
        for value in (class_, id_):
            if value:
                found.extend(_value_tokens(value))
        tokens = tuple(found + _hidden_tokens(hidden, aria_hidden, style))
        if len(_ELEMENT_TOKENS) >= TOKEN_CACHE_LIMIT:
            _ELEMENT_TOKENS.clear()
        _ELEMENT_TOKENS[key] = tokens
    return tokens


def _value_tokens(value: str) -> tuple[str, ...]:
    tokens = _VALUE_TOKENS.get(value)
    if tokens is None:
        lowered = value.lower()
        # Pure numbers (page-id-2430) say nothing about a block's role.
        found = [t for t in lowered.split() if not t.isdigit()]
        if _INNER_SEPARATOR.search(lowered):
            found.extend(t for t in _TOKEN_SPLIT.split(lowered) if t and not t.isdigit())
        else:  # the finer split would give the same words again
            found.extend(found)
        tokens = tuple(found)
        if len(_VALUE_TOKENS) >= TOKEN_CACHE_LIMIT:
            _VALUE_TOKENS.clear()
        _VALUE_TOKENS[value] = tokens
    return tokens


def _hidden_tokens(hidden: str | None, aria_hidden: str | None, style: str | None) -> list[str]:
    """Tokens marking an element the browser hides at first.

    Hidden text is not skipped: server-rendered pages often ship their whole article in a
    ``<div hidden>`` that a script reveals. The extractors weigh the tokens instead.
    """
    tokens = []
    if hidden is not None:
        tokens.append("attr:hidden")
    if aria_hidden == "true":
        tokens.append("attr:aria-hidden")
    if style:
        squeezed = style.replace(" ", "").lower()
        if "display:none" in squeezed:
            tokens.append("style:display-none")
        if "visibility:hidden" in squeezed:
            tokens.append("style:visibility-hidden")
    return tokens


def nearest_tokens(own_tokens: list[tuple[str, ...]]) -> frozenset[str]:
    """The class/id tokens of the nearest ancestors, up to MAX_ATTR_TOKENS.

    Utility-class pages (Tailwind: "flex bg-white px-4 md:hidden ...") reach the cap a few
    levels below <body>; keeping the nearest levels' tokens, not the outermost, keeps what
    names the block's own container (nav, footer, comment). Whole levels are added, nearest
    first, within the last NEAREST_LEVELS levels that carry tokens (set unions in C, no
    per-token Python loop: this runs for most elements of such pages).
    """
    kept: frozenset[str] = frozenset()
    levels = 0
    for level in reversed(own_tokens):
        if not level:
            continue
        wider = kept.union(level)
        if len(wider) > MAX_ATTR_TOKENS:
            return kept or frozenset(level[:MAX_ATTR_TOKENS])
        kept = wider
        levels += 1
        if levels == NEAREST_LEVELS:
            break
    return kept


def verbatim(raw: str) -> str:
    """Preformatted text as written: line breaks and indentation kept, blank lines at its ends cut."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(line.rstrip() for line in lines)
