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
import operator
from collections.abc import Sequence
from itertools import chain

import numpy as np

from cleaner.model import Block
from cleaner.page.features import COUNT_COLUMNS, LineFeatures, char_counts
from cleaner.page.vocabulary import (
    ANCESTOR_INDEX,
    ANCESTORS,
    ATTR_GROUPS,
    KEYWORD_FINDERS,
    KEYWORDS,
    TAG_GROUPS,
    attr_rows,
    path_row,
)

# Text-feature columns: the fields of cleaner.page.features.LineFeatures, in order (text_base
# reads LineFeatures rows as the tuples they are).
_LINE_FIELDS: tuple[str, ...] = LineFeatures._fields

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


def run_ids(keys: Sequence[object] | np.ndarray) -> np.ndarray:
    """Number the runs of consecutive equal keys: ``[a, a, b, a] -> [0, 0, 1, 2]`` (keys may be a numpy array)."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if isinstance(keys, np.ndarray):
        change = keys[1:] != keys[:-1]
    else:
        change = np.fromiter(map(operator.ne, keys[1:], keys[:-1]), dtype=bool, count=n - 1)
    return np.concatenate([[0], np.cumsum(change)]).astype(np.int64)


def _run_stats(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over each row's run, broadcast back to the rows."""
    sums = np.bincount(ids, weights=values)
    return sums[ids]


# ----------------------------------------------------------------------------- matrices


def text_base(blocks: Sequence[Block], feats: Sequence[LineFeatures], counted: np.ndarray | None = None) -> np.ndarray:
    """The :data:`TEXT_BASE` columns for every block (rows in block order), given its line features.

    ``counted`` are the blocks' :func:`~cleaner.page.features.char_counts`, computed here when not given.
    """
    n = len(blocks)
    if n == 0:
        return np.zeros((0, len(TEXT_BASE)))
    # A LineFeatures is a tuple of its fields in _LINE_FIELDS's order: the rows are read end
    # to end (fromiter over them is faster than numpy's conversion of nested sequences).
    raw = np.fromiter(chain.from_iterable(feats), dtype=np.float64, count=n * len(_LINE_FIELDS)).reshape(n, -1)
    col = {name: raw[:, i] for i, name in enumerate(_LINE_FIELDS)}
    texts = [b.text for b in blocks]
    chars = col["chars"]
    words = np.maximum(col["words"], 1.0)
    if counted is None:
        counted = char_counts(texts)
    commas = counted[:, COUNT_COLUMNS.index("commas")].astype(np.float64)
    upper = counted[:, COUNT_COLUMNS.index("upper_start")].astype(np.float64)
    kw = np.zeros((n, len(KEYWORDS)))
    # Keywords are looked for in the first 200 characters: boilerplate says what it is up
    # front, and long prose would only add chance matches.
    heads = [t[:200].lower() for t in texts]
    starts = np.cumsum([0] + [len(h) + 1 for h in heads[:-1]])
    joined = "\n".join(heads)
    for k, find in enumerate(KEYWORD_FINDERS):
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
    # Blocks of one container share their tag path: each distinct (path, tag) is read once.
    index: dict[tuple[tuple[str, ...], str], int] = {}
    inverse = [index.setdefault((b.tag_path, b.tag), len(index)) for b in blocks]
    paths = np.array([path_row(path, tag) for path, tag in index])[inverse]
    attrs = attr_rows([b.attr_tokens for b in blocks])
    chars = np.fromiter((len(b.text) for b in blocks), dtype=np.float64, count=n)
    links = np.fromiter((b.link_chars for b in blocks), dtype=np.float64, count=n)
    density = links / np.maximum(chars, 1.0)
    total = max(chars.sum(), 1.0)
    stop_density = text[:, TEXT_BASE.index("stop_density")]
    # A run: consecutive blocks under the same parent path, a proxy for one container.
    parents: dict[tuple[str, ...], int] = {}
    parent_of = np.array([parents.setdefault(path[:-1], len(parents)) for path, _tag in index])
    ids = run_ids(parent_of[inverse])
    run_len = np.bincount(ids)[ids].astype(np.float64)
    run_chars = _run_stats(ids, chars)
    run_links = _run_stats(ids, links)
    run_stops = _run_stats(ids, stop_density * chars)
    tag_part = paths[:, : len(TAG_GROUPS) + 1]
    anc = paths[:, len(TAG_GROUPS) + 1 : -1]
    depth = paths[:, -1]
    in_article = anc[:, ANCESTOR_INDEX["article"]] > 0
    in_main = anc[:, ANCESTOR_INDEX["main"]] > 0
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


def feature_matrix(
    blocks: Sequence[Block], feats: Sequence[LineFeatures], html: bool, counted: np.ndarray | None = None
) -> np.ndarray:
    """The feature matrix of a page: one row per block, columns :func:`feature_names`.

    ``feats`` are the blocks' line features (:func:`cleaner.page.features.block_features`,
    whose stopword list decides the stopword columns); ``html`` adds the tag, ancestor,
    class/id, link and container columns (text lines have none of those). ``counted`` are
    the blocks' :func:`~cleaner.page.features.char_counts`, computed when not given.
    """
    names = feature_names(html)
    if not blocks:
        return np.zeros((0, len(names)))
    text = text_base(blocks, feats, counted)
    if not html:
        ctx = context_columns(text, [TEXT_BASE.index(c) for c in _CONTEXT_TEXT])
        return np.hstack([text, ctx])
    hb = html_base(blocks, text)
    base = np.hstack([text, hb])
    base_names = (*TEXT_BASE, *HTML_BASE)
    ctx = context_columns(base, [base_names.index(c) for c in _CONTEXT_TEXT + _CONTEXT_HTML])
    return np.hstack([base, ctx])
