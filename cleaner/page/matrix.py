"""Feature matrices for the learned extractor: one row per block (or text line) of a page.

:func:`feature_matrix` turns a page's blocks and their line features into a ``float64``
matrix in one go. The text features come from :mod:`cleaner.page.features` (the ones the
rules extractor uses); the HTML features read the block's tag, ancestors, class/id tokens
and link characters; the context features copy neighbours' values and summarise the page,
so a per-block classifier sees where the block sits. Text lines get the text and context
columns only (``html=False``), so one builder serves both input types. A page builds its
matrix once, as one of its facts (:class:`cleaner.page.facts.Page`).

Everything per page is vectorised with numpy; the per-block Python work is dictionary
look-ups cached per distinct tag path and class/id token set (blocks of one container
share them).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import reduce
from operator import attrgetter, or_

import numpy as np

from cleaner.model import Block
from cleaner.page.features import LineFeatures
from cleaner.page.segment import MAX_ATTR_TOKENS, MAX_TAG_PATH

# ----------------------------------------------------------------------------- vocabulary

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
HIDDEN_MARKERS: tuple[str, ...] = ("attr:hidden", "attr:aria-hidden", "style:display-none")
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

# Text-feature columns from cleaner.page.features.LineFeatures, in order.
_LINE_FIELDS = (
    "words", "chars", "stopwords", "stopword_density", "terminal", "ellipsis", "sentences", "ends_colon",
    "cap_ratio", "digit_ratio", "currency", "urls", "emails", "list_marker", "separators", "cjk", "position",
)  # fmt: skip
_GET_LINE = attrgetter(*_LINE_FIELDS)
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


_KEYWORD_FINDERS = tuple(keyword_positions(name) for name in KEYWORDS)
_TAG_INDEX = {tag: i for i, group in enumerate(TAG_GROUPS.values()) for tag in group}
_ANCESTOR_INDEX = {tag: i for i, tag in enumerate(ANCESTORS)}
# "ad" as a substring would match "header", "load", "shadow": the ad group matches whole tokens only.
_WHOLE_TOKEN_GROUPS = frozenset({"ad"})
# tag_path is cut at MAX_TAG_PATH levels by the segmenter; depth is scaled by that bound.
_MAX_DEPTH = float(MAX_TAG_PATH)

# Columns every block has (text path and HTML path).
TEXT_BASE = (
    "log_chars", "log_words", "stop_density", "log_stopwords", "terminal", "ellipsis", "log_sentences",
    "ends_colon", "cap_ratio", "digit_ratio", "currency", "urls", "emails", "list_marker", "log_separators", "cjk",
    "position", "comma_rate", "upper_start", "char_share", "chars_before", "chars_vs_max", "dist_longest",
    "duplicate", "page_log_blocks", "page_log_chars", "page_stop_density",
    *(f"kw_{k}" for k in KEYWORDS),
)  # fmt: skip
HTML_BASE = (
    "link_density", "all_link", "depth",
    *(f"tag_{g}" for g in TAG_GROUPS), "tag_other",
    *(f"anc_{a}" for a in ANCESTORS),
    *(f"attr_{g}" for g in ATTR_GROUPS), "hidden", "n_attr_tokens",
    "run_log_len", "run_char_share", "run_link_density", "run_stop_density",
    "article_share", "main_share", "content_share", "page_link_density",
)  # fmt: skip
# Base columns copied from neighbours (prev/next 1 and 2) and averaged over windows.
_CONTEXT_TEXT = ("log_chars", "stop_density", "terminal", "kw_copyright")
_CONTEXT_HTML = ("link_density", "anc_nav", "anc_footer", "attr_content", "attr_nav", "attr_comment")
# Neighbour offsets and the half-widths of the mean windows.
_OFFSETS = (-2, -1, 1, 2)
_WINDOWS = (3, 10)


def _context_names(columns: Sequence[str]) -> list[str]:
    names = [f"{c}@{o:+d}" for c in columns for o in _OFFSETS]
    names += [f"{c}@w{w}" for c in columns for w in _WINDOWS]
    return names


TEXT_COLUMNS: tuple[str, ...] = (*TEXT_BASE, *_context_names(_CONTEXT_TEXT))
HTML_COLUMNS: tuple[str, ...] = (*TEXT_BASE, *HTML_BASE, *_context_names(_CONTEXT_TEXT + _CONTEXT_HTML))


def feature_names(html: bool) -> tuple[str, ...]:
    """The column names of :func:`feature_matrix`'s output for HTML blocks or text lines."""
    return HTML_COLUMNS if html else TEXT_COLUMNS


# ----------------------------------------------------------------------------- helpers


def _shift(values: np.ndarray, offset: int, fill: float = -1.0) -> np.ndarray:
    """``values[i + offset]`` for every row i, ``fill`` past the page's ends."""
    out = np.full_like(values, fill)
    n = len(values)
    if offset > 0 and offset < n:
        out[: n - offset] = values[offset:]
    elif offset < 0 and -offset < n:
        out[-offset:] = values[: n + offset]
    return out


def window_mean(values: np.ndarray, half: int) -> np.ndarray:
    """Mean of ``values`` over rows ``i-half..i+half`` (clipped to the page), column-wise."""
    n = len(values)
    csum = np.concatenate([np.zeros((1, *values.shape[1:])), np.cumsum(values, axis=0)])
    idx = np.arange(n)
    lo = np.maximum(idx - half, 0)
    hi = np.minimum(idx + half + 1, n)
    width = (hi - lo).reshape(-1, *([1] * (values.ndim - 1)))
    return (csum[hi] - csum[lo]) / width


def run_ids(keys: Sequence[object]) -> np.ndarray:
    """Number the runs of consecutive equal keys: ``[a, a, b, a] -> [0, 0, 1, 2]``."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.fromiter((keys[i] != keys[i - 1] for i in range(1, n)), dtype=bool, count=n - 1)
    return np.concatenate([[0], np.cumsum(change)]).astype(np.int64)


def _run_stats(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over each row's run, broadcast back to the rows."""
    sums = np.bincount(ids, weights=values)
    return sums[ids]


# Group bits of each class/id token seen so far: pages reuse a few hundred tokens across
# thousands of blocks, so each is matched against the stems once. Cleared past this many
# tokens so a long run over millions of pages keeps a bounded cache (sized as the caches of
# cleaner.page.segment, see its value cache: larger caches were no faster and took 180 MB).
_TOKEN_BITS: dict[str, int] = {}
_TOKEN_CACHE_LIMIT = 20_000


def _stem_bits() -> tuple[re.Pattern[str], dict[str, int], dict[str, int]]:
    """One regex finding every stem occurrence, and the group bits each match stands for.

    The alternation lists stems longest first inside a lookahead, so at each position it
    reports the longest stem starting there; every shorter stem matching at the same
    position is a prefix of it, so its bits include the groups of all its prefixes. The
    whole-token groups ("ad") are looked up separately.
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
    ordered = sorted(stems, key=lambda x: (-len(x), x))
    pattern = re.compile("(?=(" + "|".join(re.escape(x) for x in ordered) + "))")
    return pattern, prefix_bits, whole


_STEM_RE, _STEM_PREFIX_BITS, _WHOLE_TOKEN_BITS = _stem_bits()


def token_bits(token: str) -> int:
    """The bits of the :data:`ATTR_GROUPS` a class/id token names (cached per token)."""
    bits = _TOKEN_BITS.get(token)
    if bits is None:
        bits = 0
        # Tokens with a colon (markers, utility classes such as md:flex) name no role.
        if ":" not in token:
            bits = _WHOLE_TOKEN_BITS.get(token, 0)
            for stem in _STEM_RE.findall(token):
                bits |= _STEM_PREFIX_BITS[stem]
        if len(_TOKEN_BITS) >= _TOKEN_CACHE_LIMIT:
            _TOKEN_BITS.clear()
        _TOKEN_BITS[token] = bits
    return bits


_GROUP_SHIFTS = np.arange(len(ATTR_GROUPS))
for _marker in HIDDEN_MARKERS:  # markers are not class names: no group
    _TOKEN_BITS[_marker] = 0


# Rows of the token sets seen so far: equal sets recur across the blocks of a page and
# across the pages of a site. Cleared past this many sets to stay bounded (5,000: see
# _TOKEN_CACHE_LIMIT).
_ROW_CACHE: dict[frozenset[str], np.ndarray] = {}
_ROW_CACHE_LIMIT = 5_000


def _attr_row(tokens: frozenset[str]) -> np.ndarray:
    row = _ROW_CACHE.get(tokens)
    if row is None:
        row = _compute_attr_row(tokens)
        if len(_ROW_CACHE) >= _ROW_CACHE_LIMIT:
            _ROW_CACHE.clear()
        _ROW_CACHE[tokens] = row
    return row


def _compute_attr_row(tokens: frozenset[str]) -> np.ndarray:
    row = np.zeros(len(ATTR_GROUPS) + 2)
    values = list(map(_TOKEN_BITS.get, tokens))
    if None in values:
        values = [token_bits(t) if v is None else v for t, v in zip(tokens, values, strict=True)]
    bits = reduce(or_, values, 0)
    row[: len(ATTR_GROUPS)] = np.right_shift(bits, _GROUP_SHIFTS) & 1
    row[-2] = any(m in tokens for m in HIDDEN_MARKERS)
    plain = len(tokens) - sum(1 for t in tokens if ":" in t)
    # Scaled by the cap the segmenter puts on a block's tokens.
    row[-1] = min(plain, MAX_ATTR_TOKENS) / float(MAX_ATTR_TOKENS)
    return row


def _path_row(path: tuple[str, ...], tag: str) -> np.ndarray:
    row = np.zeros(len(TAG_GROUPS) + 1 + len(ANCESTORS) + 1)
    row[_TAG_INDEX.get(tag, len(TAG_GROUPS))] = 1.0
    base = len(TAG_GROUPS) + 1
    for t in path[:-1]:
        i = _ANCESTOR_INDEX.get(t)
        if i is not None:
            row[base + i] = 1.0
    row[-1] = len(path) / _MAX_DEPTH
    return row


# ----------------------------------------------------------------------------- matrices


def text_base(blocks: Sequence[Block], feats: Sequence[LineFeatures]) -> np.ndarray:
    """The :data:`TEXT_BASE` columns for every block (rows in block order), given its line features."""
    n = len(blocks)
    if n == 0:
        return np.zeros((0, len(TEXT_BASE)))
    raw = np.array([_GET_LINE(f) for f in feats], dtype=np.float64)
    col = {name: raw[:, i] for i, name in enumerate(_LINE_FIELDS)}
    texts = [b.text for b in blocks]
    chars = col["chars"]
    words = np.maximum(col["words"], 1.0)
    commas = np.fromiter((t.count(",") + t.count("，") + t.count("、") for t in texts), dtype=np.float64, count=n)
    upper = np.fromiter((t[:1].isupper() for t in texts), dtype=np.float64, count=n)
    kw = np.zeros((n, len(KEYWORDS)))
    # Keywords are looked for in the first 200 characters: boilerplate says what it is up
    # front, and long prose would only add chance matches.
    heads = [t[:200].lower() for t in texts]
    starts = np.cumsum([0] + [len(h) + 1 for h in heads[:-1]])
    joined = "\n".join(heads)
    for k, find in enumerate(_KEYWORD_FINDERS):
        positions = find(joined)
        if positions:
            kw[np.searchsorted(starts, positions, side="right") - 1, k] = 1.0
    total = max(chars.sum(), 1.0)
    longest = int(np.argmax(chars))
    counts: dict[str, int] = {}
    for t in texts:
        counts[t] = counts.get(t, 0) + 1
    duplicate = np.fromiter((counts[t] > 1 for t in texts), dtype=np.float64, count=n)
    stop_total = col["stopwords"].sum() / max(col["words"].sum(), 1.0)
    out = np.column_stack(
        [
            np.log1p(chars),
            np.log1p(col["words"]),
            col["stopword_density"],
            np.log1p(col["stopwords"]),
            col["terminal"],
            col["ellipsis"],
            np.log1p(col["sentences"]),
            col["ends_colon"],
            col["cap_ratio"],
            col["digit_ratio"],
            col["currency"],
            # Counts capped at 3: past a few, more urls or addresses say nothing new.
            np.minimum(col["urls"], 3.0),
            np.minimum(col["emails"], 3.0),
            col["list_marker"],
            np.log1p(col["separators"]),
            col["cjk"],
            col["position"],
            commas / words,
            upper,
            chars / total,
            (np.cumsum(chars) - chars) / total,
            chars / max(chars.max(), 1.0),
            (np.arange(n) - longest) / max(n, 1),
            duplicate,
            np.full(n, math.log1p(n)),
            np.full(n, math.log1p(total)),
            np.full(n, stop_total),
            kw,
        ]
    )
    return out


def html_base(blocks: Sequence[Block], text: np.ndarray) -> np.ndarray:
    """The :data:`HTML_BASE` columns for every block, given its :func:`text_base` rows."""
    n = len(blocks)
    if n == 0:
        return np.zeros((0, len(HTML_BASE)))
    attr_cache: dict[int, np.ndarray] = {}
    path_cache: dict[tuple[tuple[str, ...], str], np.ndarray] = {}
    attr_rows = []
    path_rows = []
    for b in blocks:
        key = id(b.attr_tokens)
        row = attr_cache.get(key)
        if row is None:
            row = attr_cache[key] = _attr_row(b.attr_tokens)
        attr_rows.append(row)
        pkey = (b.tag_path, b.tag)
        prow = path_cache.get(pkey)
        if prow is None:
            prow = path_cache[pkey] = _path_row(b.tag_path, b.tag)
        path_rows.append(prow)
    attrs = np.array(attr_rows)
    paths = np.array(path_rows)
    chars = np.fromiter((len(b.text) for b in blocks), dtype=np.float64, count=n)
    links = np.fromiter((b.link_chars for b in blocks), dtype=np.float64, count=n)
    density = links / np.maximum(chars, 1.0)
    total = max(chars.sum(), 1.0)
    stop_density = text[:, TEXT_BASE.index("stop_density")]
    # A run: consecutive blocks under the same parent path, a proxy for one container.
    ids = run_ids([b.tag_path[:-1] for b in blocks])
    run_len = np.bincount(ids)[ids].astype(np.float64)
    run_chars = _run_stats(ids, chars)
    run_links = _run_stats(ids, links)
    run_stops = _run_stats(ids, stop_density * chars)
    tag_part = paths[:, : len(TAG_GROUPS) + 1]
    anc = paths[:, len(TAG_GROUPS) + 1 : -1]
    depth = paths[:, -1]
    in_article = anc[:, _ANCESTOR_INDEX["article"]] > 0
    in_main = anc[:, _ANCESTOR_INDEX["main"]] > 0
    in_content = attrs[:, list(ATTR_GROUPS).index("content")] > 0
    return np.column_stack(
        [
            density,
            # All link: a separator or bullet outside the link leaves the density just under 1.
            (density > 0.95).astype(np.float64),
            depth,
            tag_part,
            anc,
            attrs,
            np.log1p(run_len),
            run_chars / total,
            run_links / np.maximum(run_chars, 1.0),
            run_stops / np.maximum(run_chars, 1.0),
            in_article * (chars[in_article].sum() / total),
            in_main * (chars[in_main].sum() / total),
            in_content * (chars[in_content].sum() / total),
            np.full(n, links.sum() / total),
        ]
    )


def context_columns(base: np.ndarray, index: Sequence[int]) -> np.ndarray:
    """Neighbour copies (offsets -2, -1, +1, +2) and window means of the ``index`` columns."""
    sub = base[:, list(index)]
    parts = [_shift(sub[:, j], o) for j in range(sub.shape[1]) for o in _OFFSETS]
    means = [window_mean(sub, w) for w in _WINDOWS]
    parts += [means[k][:, j] for j in range(sub.shape[1]) for k in range(len(_WINDOWS))]
    return np.column_stack(parts) if parts else np.zeros((len(base), 0))


def feature_matrix(blocks: Sequence[Block], feats: Sequence[LineFeatures], html: bool) -> np.ndarray:
    """The feature matrix of a page: one row per block, columns :func:`feature_names`.

    ``feats`` are the blocks' line features (:func:`cleaner.page.features.block_features`,
    whose stopword list decides the stopword columns); ``html`` adds the tag, ancestor,
    class/id, link and container columns (text lines have none of those).
    """
    names = feature_names(html)
    if not blocks:
        return np.zeros((0, len(names)))
    text = text_base(blocks, feats)
    if not html:
        ctx = context_columns(text, [TEXT_BASE.index(c) for c in _CONTEXT_TEXT])
        return np.hstack([text, ctx])
    hb = html_base(blocks, text)
    base = np.hstack([text, hb])
    base_names = (*TEXT_BASE, *HTML_BASE)
    ctx = context_columns(base, [base_names.index(c) for c in _CONTEXT_TEXT + _CONTEXT_HTML])
    return np.hstack([base, ctx])
