"""The named groups the learned model's features read: tags, ancestors, class/id stems, keywords.

Curated and language-neutral where they can be: a block gets a class/id group's flag when
any token of the block or its ancestors *contains* one of the group's stems
(``main-navigation`` contains ``nav``), so they generalise across sites where hashed raw
tokens would learn individual sites' class names. :func:`attr_rows` and :func:`path_row`
give a block's columns of them, :data:`KEYWORD_FINDERS` find the keywords in a page's
text; :mod:`cleaner.page.matrix` assembles the matrix.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import reduce
from itertools import accumulate, chain
from operator import or_

import numpy as np

from cleaner.page.markup import MAX_ATTR_TOKENS, MAX_TAG_PATH

__all__ = [
    "ANCESTORS",
    "ANCESTOR_INDEX",
    "ATTR_GROUPS",
    "HIDDEN_MARKERS",
    "KEYWORDS",
    "KEYWORD_FINDERS",
    "TAG_GROUPS",
    "attr_row",
    "attr_rows",
    "keyword_positions",
    "path_row",
    "token_bits",
]

# The block's own tag, grouped: tags that play the same role share a column.
TAG_GROUPS: dict[str, tuple[str, ...]] = {
    "p": ("p",),
    "li": ("li",),
    "h1": ("h1",),
    "h2": ("h2",),
    "h3": ("h3",),
    "h4_6": ("h4", "h5", "h6"),
    "cell": ("td", "th"),
    "div": ("div",),
    "section": ("section", "article", "main", "body", "html", "center"),
    "quote": ("blockquote", "q"),
    "pre": ("pre", "code"),
    "def": ("dd", "dt", "dl"),
    "caption": ("figcaption", "caption", "figure", "legend"),
    "chrome": ("nav", "header", "footer", "aside", "menu", "form", "fieldset"),
    "br": ("br",),
    "address": ("address", "summary", "details"),
}
# Ancestors (the tag path above the block) whose presence says something about its role.
ANCESTORS: tuple[str, ...] = (
    "article", "main", "nav", "header", "footer", "aside", "form", "ul", "ol", "table",
    "li", "a", "figure", "section", "blockquote", "button", "label", "dl", "p", "menu", "time",
    "strong", "em", "span", "noscript",
)  # fmt: skip
# Class/id token groups. A block gets a group's flag when any token of the block or its
# ancestors *contains* one of the group's stems (``main-navigation`` contains ``nav``):
# curated, language-neutral stems generalise across sites where hashed raw tokens would
# learn individual sites' class names.
ATTR_GROUPS: dict[str, tuple[str, ...]] = {
    "nav": ("nav", "menu", "breadcrumb", "crumb", "pagination", "pager", "toc", "skip"),
    "header": ("header", "masthead", "topbar", "top-bar", "banner", "toolbar"),
    "footer": ("footer", "copyright", "colophon", "bottom"),
    "sidebar": ("sidebar", "side-bar", "aside", "rail", "widget", "secondary"),
    "comment": ("comment", "reply", "respond", "discuss", "disqus", "replies"),
    "share": ("share", "sharing", "social", "facebook", "twitter", "whatsapp", "linkedin", "follow"),
    "related": ("related", "recommend", "more", "popular", "trending", "read-next", "teaser", "also"),
    "newsletter": ("newsletter", "subscribe", "subscription", "signup", "sign-up", "optin", "mailing"),
    "cookie": ("cookie", "consent", "gdpr", "privacy", "notice"),
    "promo": ("promo", "sponsor", "advert", "banner-ad", "partner", "affiliate", "commercial"),
    "ad": ("ad", "ads", "adslot", "dfp", "gpt"),
    "job": ("job", "career", "hiring"),
    "author": ("author", "byline", "by-line", "writer", "contributor", "profile", "bio"),
    "date": ("date", "time", "published", "updated", "timestamp"),
    "meta": ("meta", "info", "details", "tags", "tag", "category", "categories", "label"),
    "caption": ("caption", "credit", "figcaption", "photo", "image", "img", "media", "gallery"),
    "content": ("content", "article", "post", "entry", "story", "body", "text", "main", "prose", "markdown"),
    "title": ("title", "headline", "heading", "hed"),
    "lead": ("lead", "intro", "summary", "excerpt", "abstract", "standfirst", "dek", "description"),
    "modal": ("modal", "popup", "overlay", "dialog", "lightbox", "drawer", "offcanvas"),
    "login": ("login", "signin", "sign-in", "account", "register", "user"),
    "search": ("search",),
    "hidden": ("hidden", "hide", "sr-only", "screen-reader", "visually-hidden", "invisible", "collapse"),
    "button": ("btn", "button", "cta", "icon"),
    "card": ("card", "tile", "item", "grid", "list", "feed", "thumb"),
    "product": ("product", "price", "cart", "buy", "shop", "review", "rating"),
    "doc": ("doc", "docs", "documentation", "api", "reference", "wiki", "manual"),
    "forum": ("message", "thread", "topic", "forum", "postbody", "bbcode"),
    "code": ("code", "highlight", "syntax", "pre"),
    "table": ("table", "spec", "row", "col"),
}
# The markers the segmenter adds for hidden elements (cleaner.page.segment).
HIDDEN_MARKERS: tuple[str, ...] = ("attr:hidden", "attr:aria-hidden", "style:display-none", "style:visibility-hidden")
# Words that name a boilerplate role in many languages' web pages (the English term is
# used across the web; the rest are the commonest equivalents in devdata's languages).
KEYWORDS: dict[str, str] = {
    "copyright": r"©|copyright|all rights reserved|alle rechte|tous droits|derechos reservados|版权",
    "cookie": r"cookie|consent|datenschutz|privacy",
    "subscribe": r"subscri|newsletter|abonn|suscr|sign up|inscri|anmeld",
    "share": r"\bshare\b|teilen|partager|compartir|tweet|facebook|whatsapp|pinterest|linkedin",
    "comment": r"comment|kommentar|reply|antworten|répondre|responder|评论",
    "readmore": r"read more|weiterlesen|lire la suite|leer más|mehr lesen|continue reading|more\b|阅读",
    "login": r"log ?in\b|sign ?in\b|anmelden|connexion|register|registrier|password|passwort",
    "related": r"related|recommended|you may also|also like|popular|trending|verwandt|ähnliche|à lire aussi",
    "advert": r"advertis|anzeige|sponsored|publicidad|publicité|werbung|广告",
    "date_word": r"\b(?:19|20)\d\d\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\bago\b",
    "byline": r"^(?:by|von|par|por|di|door|autor|author)\b",
    "photo": r"photo|foto|image|bild|getty|reuters|\bap\b|afp|dpa|credit",
    "skip": r"skip to|jump to|zum inhalt|aller au contenu|back to top|nach oben",
}
# Equivalent forms of the keyword patterns that open with a word boundary, written to
# open with a literal (``\bap\b`` as ``a(?<!\wa)p\b``): Python's re then skips ahead in C
# to the characters a match can start with, instead of trying the pattern at every
# position (2 to 3 times faster; tests/test_blockfeatures.py checks the forms find the
# same positions as KEYWORDS's patterns). A keyword may need several patterns.
_FAST_FORMS: dict[str, tuple[str, ...]] = {
    "share": (r"s(?<!\ws)hare\b|teilen|partager|compartir|tweet|facebook|whatsapp|pinterest|linkedin",),
    "photo": (r"photo|foto|image|bild|getty|reuters|a(?<!\wa)p\b|afp|dpa|credit",),
    "date_word": (r"\d(?<!\w\d)(?:(?<=1)9\d\d\b|(?<=2)0\d\d\b|\d?[./-]\d{1,2}[./-]\d{2,4}\b)", r"a(?<!\wa)go\b"),
}
_PLAIN = re.compile(r"[^\\.^$*+?{}\[\]()]*")


def keyword_positions(name: str) -> Callable[[str], list[int]]:
    """A function giving the start of every match of keyword ``name`` in a text (sorted or not).

    Run over the lower-cased first characters of all blocks joined by newlines (a block's
    text never holds one; MULTILINE anchors ``^`` at each block's start). A pattern that is
    only alternative words is looked for word by word with ``str.find`` (ten times faster
    than re); a block holds the keyword when any of its words starts in it, as with re.
    """
    pattern = KEYWORDS[name]
    words = pattern.split("|")
    if all(_PLAIN.fullmatch(w) for w in words):
        return lambda text: _find_all(text, words)
    compiled = [re.compile(p, re.MULTILINE) for p in _FAST_FORMS.get(name, (pattern,))]
    return lambda text: [m.start() for c in compiled for m in c.finditer(text)]


def _find_all(text: str, words: list[str]) -> list[int]:
    found = []
    for word in words:
        at = text.find(word)
        while at != -1:
            found.append(at)
            at = text.find(word, at + 1)
    return found


KEYWORD_FINDERS = tuple(keyword_positions(name) for name in KEYWORDS)
_TAG_INDEX = {tag: i for i, group in enumerate(TAG_GROUPS.values()) for tag in group}
ANCESTOR_INDEX = {tag: i for i, tag in enumerate(ANCESTORS)}
# "ad" as a substring would match "header", "load", "shadow": the ad group matches whole tokens only.
_WHOLE_TOKEN_GROUPS = frozenset({"ad"})
# tag_path is cut at MAX_TAG_PATH levels by the segmenter; depth is scaled by that bound.
_MAX_DEPTH = float(MAX_TAG_PATH)


# Group bits of each class/id token seen so far: pages reuse a few hundred tokens across
# thousands of blocks, so each is matched against the stems once. Cleared past this many
# tokens so a long run over millions of pages keeps a bounded cache (sized as the caches of
# cleaner.page.segment, see its value cache: larger caches were no faster and took 180 MB).
_TOKEN_BITS: dict[str, int] = {}
_TOKEN_CACHE_LIMIT = 20_000


def _trie_pattern(words: Sequence[str]) -> str:
    """A regex matching the longest of ``words`` that starts where it is tried, written as a trie.

    ``nav(?:igation)?`` instead of ``navigation|nav``: at each position re follows one
    branch per character (the alternatives of a node start with distinct characters)
    instead of trying every word in turn, several times faster over a hundred stems. The
    optional tails are greedy, so the deepest word on the path is the one reported.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _stem_bits() -> tuple[re.Pattern[str], dict[str, int], dict[str, int]]:
    """One regex finding every stem occurrence, and the group bits each match stands for.

    The regex (a trie of the stems inside a lookahead, so matches may overlap) reports at
    each position the longest stem starting there; every shorter stem matching at the
    same position is a prefix of it, so its bits include the groups of all its prefixes.
    A token's bits are thus those of every stem it contains. The whole-token groups
    ("ad") are looked up separately.
    """
    stems: dict[str, int] = {}
    whole: dict[str, int] = {}
    for g, (name, group) in enumerate(ATTR_GROUPS.items()):
        target = whole if name in _WHOLE_TOKEN_GROUPS else stems
        for stem in group:
            target[stem] = target.get(stem, 0) | 1 << g
    prefix_bits = {
        stem: reduce(or_, (bits for other, bits in stems.items() if stem.startswith(other)), 0) for stem in stems
    }
    pattern = re.compile("(?=(" + _trie_pattern(list(stems)) + "))")
    return pattern, prefix_bits, whole


_STEM_RE, _STEM_PREFIX_BITS, _WHOLE_TOKEN_BITS = _stem_bits()


def token_bits(token: str) -> int:
    """The bits of the :data:`ATTR_GROUPS` a class/id token names (cached per token)."""
    bits = _TOKEN_BITS.get(token)
    if bits is None:
        bits = _learn_bits([token])[0]
    return bits


def _learn_bits(tokens: list[str]) -> list[int]:
    """The group bits of tokens not yet cached, found with one regex pass over them all, and cached.

    The tokens (lower case, never holding white space) are joined by newlines and the stem
    regex runs once over the joined text; each match is given to the token it starts in.
    Tokens with a colon (markers, utility classes such as md:flex) name no role.
    """
    bits = [_WHOLE_TOKEN_BITS.get(t, 0) for t in tokens]
    starts = list(accumulate([len(t) + 1 for t in tokens[:-1]], initial=0))
    prefix_bits = _STEM_PREFIX_BITS
    for match in _STEM_RE.finditer("\n".join(tokens)):
        at = match.start()
        i = bisect_right(starts, at) - 1
        bits[i] |= prefix_bits[match.group(1)]
    if len(_TOKEN_BITS) + len(tokens) >= _TOKEN_CACHE_LIMIT:
        _TOKEN_BITS.clear()
    for i, token in enumerate(tokens):
        if ":" in token:
            bits[i] = 0
        _TOKEN_BITS[token] = bits[i]
    return bits


_GROUP_SHIFTS = np.arange(len(ATTR_GROUPS))


_HIDDEN_SET = frozenset(HIDDEN_MARKERS)


def attr_rows(token_sets: Sequence[frozenset[str]]) -> np.ndarray:
    """The class/id columns of blocks with these token sets, one row each (a float matrix).

    A row has one flag per :data:`ATTR_GROUPS` group, a hidden flag, and the share of the
    token cap its plain (colon-free) tokens fill. The page's distinct tokens are looked up
    (the new ones matched against the stems in one regex pass, see :func:`token_bits`);
    each distinct set's row is then the OR of its tokens' bits, taken for all sets at once
    with numpy over the sets' tokens laid end to end (no Python loop per set or token).
    """
    index: dict[frozenset[str], int] = {}
    inverse = [index.setdefault(tokens, len(index)) for tokens in token_sets]
    out = np.zeros((len(index), len(ATTR_GROUPS) + 2))
    filled = [tokens for tokens in index if tokens]
    if filled:
        rows = np.fromiter(map(bool, index), dtype=bool, count=len(index))
        distinct = list(set(chain.from_iterable(filled)))
        bits = list(map(_TOKEN_BITS.get, distinct))
        new = [token for token, value in zip(distinct, bits, strict=True) if value is None]
        if new:
            learned = dict(zip(new, _learn_bits(new), strict=True))
            bits = [learned[t] if v is None else v for t, v in zip(distinct, bits, strict=True)]
        position = {token: i for i, token in enumerate(distinct)}
        ids = np.fromiter(map(position.__getitem__, chain.from_iterable(filled)), dtype=np.int64)
        sizes = np.fromiter(map(len, filled), dtype=np.int64, count=len(filled))
        starts = np.concatenate([[0], np.cumsum(sizes[:-1])])
        set_bits = np.bitwise_or.reduceat(np.array(bits, dtype=np.int64)[ids], starts)
        out[rows, : len(ATTR_GROUPS)] = (set_bits[:, None] >> _GROUP_SHIFTS) & 1
        hidden = np.array([token in _HIDDEN_SET for token in distinct])
        out[rows, -2] = np.logical_or.reduceat(hidden[ids], starts)
        colon = np.array([":" in token for token in distinct], dtype=np.int64)
        plain = sizes - np.add.reduceat(colon[ids], starts)
        # Scaled by the cap the segmenter puts on a block's tokens.
        out[rows, -1] = np.minimum(plain, MAX_ATTR_TOKENS) / float(MAX_ATTR_TOKENS)
    return out[inverse]


def attr_row(tokens: frozenset[str]) -> np.ndarray:
    """A block's class/id columns (:func:`attr_rows` for one block)."""
    return attr_rows([tokens])[0]


def path_row(path: tuple[str, ...], tag: str) -> np.ndarray:
    """A block's tag columns: its tag group (or other), the :data:`ANCESTORS` above it, and its depth."""
    row = np.zeros(len(TAG_GROUPS) + 1 + len(ANCESTORS) + 1)
    row[_TAG_INDEX.get(tag, len(TAG_GROUPS))] = 1.0
    base = len(TAG_GROUPS) + 1
    for t in path[:-1]:
        i = ANCESTOR_INDEX.get(t)
        if i is not None:
            row[base + i] = 1.0
    row[-1] = len(path) / _MAX_DEPTH
    return row
