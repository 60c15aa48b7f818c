"""The learned extractor's model at run time: two stages of boosted trees.

Each stage is a :class:`~cleaner.extractors.boosted.TreeEnsemble` (flat numpy arrays,
evaluated compiled or in numpy, see :mod:`cleaner.extractors.boosted`).
:class:`LearnedModel` is the two-stage model of :mod:`cleaner.learning.train` (block features, then
the stage-one scores of the block's neighbourhood, :func:`stage2_matrix`), saved as one
compressed ``.npz`` file of plain arrays (no pickle: loading runs no code).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.extractors.boosted import TreeEnsemble
from cleaner.model import Block
from cleaner.page.matrix import HTML_COLUMNS, run_ids, window_mean
from cleaner.page.regions import LEVELS, region_table

FORMAT_VERSION = 1


# ----------------------------------------------------------------------------- stage two

# Offsets of the neighbours whose stage-one score a block sees, and the half-widths of the
# windows averaged: the immediate neighbours, then a paragraph or two, then a section.
_S2_OFFSETS = (-3, -2, -1, 1, 2, 3)
_S2_WINDOWS = (1, 2, 5, 12)
# Base features stage two reads beside the scores: how long the block is, where it sits,
# whether it is all links or inside navigation, a comment container or the article.
_S2_BASE = (
    "log_chars", "stop_density", "terminal", "position", "chars_vs_max",
    "link_density", "all_link", "anc_nav", "anc_footer", "anc_article", "attr_comment", "attr_content",
)  # fmt: skip
# A block counts as "likely content" for the distance columns above this stage-one score.
_LIKELY = 0.5

_S2_BASE_COLUMNS = tuple(HTML_COLUMNS.index(c) for c in _S2_BASE)  # looked up once, not per page
_LOG_CHARS = HTML_COLUMNS.index("log_chars")
_ATTR_COMMENT = HTML_COLUMNS.index("attr_comment")

STAGE2_NAMES: tuple[str, ...] = (
    "p",
    *(f"p@{o:+d}" for o in _S2_OFFSETS),
    *(f"p@w{w}" for w in _S2_WINDOWS),
    "p_max@w2",
    "p_run1",
    "p_run2",
    "run1_len",
    "p_page_mean",
    "p_page_max",
    "p_page_share",
    "p_rank",
    "dist_prev_likely",
    "dist_next_likely",
    "comment_share",
    "p_outside_comments",
    *(f"base_{c}" for c in _S2_BASE),
    *(f"p_reg{level}_{stat}" for level in LEVELS for stat in ("mean", "max", "share")),
)


def container_groups(blocks: Sequence[Block]) -> np.ndarray:
    """The containers stage two pools scores over, as an ``(n, 2 + len(LEVELS))`` int array.

    The first two columns number runs of consecutive blocks under the same parent path
    and the same grandparent path (tag paths name tags, not elements, so two sibling
    lists of links share a run); the others are the blocks' regions at each of
    :data:`~cleaner.page.regions.LEVELS` (the elements themselves).
    """
    if not blocks:
        return np.zeros((0, 2 + len(LEVELS)), dtype=np.int64)
    paths = list(map(attrgetter("tag_path"), blocks))
    parents = run_ids(list(map(itemgetter(slice(None, -1)), paths)))
    grandparents = run_ids(list(map(itemgetter(slice(None, -2)), paths)))
    return np.column_stack([parents, grandparents, region_table(blocks, LEVELS)])


def _run_mean(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    sums = np.bincount(ids, weights=values)
    counts = np.bincount(ids)
    result: np.ndarray = (sums / np.maximum(counts, 1))[ids]
    return result


def _distance_to_likely(likely: np.ndarray, forward: bool) -> np.ndarray:
    """For each block, the number of blocks to the nearest likely-content block before (or after) it."""
    n = len(likely)
    idx = np.arange(n)
    marks = np.where(likely, idx, -(10**9) if not forward else 10**9)
    if forward:
        nearest = np.minimum.accumulate(marks[::-1])[::-1]
        # strictly after: shift by one
        after = np.concatenate([nearest[1:], [10**9]])
        dist = after - idx
    else:
        nearest = np.maximum.accumulate(marks)
        before = np.concatenate([[-(10**9)], nearest[:-1]])
        dist = idx - before
    return np.minimum(dist, n + 1) / max(n, 1)


def stage2_matrix(p: np.ndarray, features: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Stage two's input: a block's stage-one score among its neighbours' and its container's.

    ``p`` is the stage-one score per block, ``features`` the stage-one matrix (its first
    columns are :data:`~cleaner.page.matrix.HTML_COLUMNS`), ``groups`` from
    :func:`container_groups`.
    """
    n = len(p)
    if n == 0:
        return np.zeros((0, len(STAGE2_NAMES)))
    cols: list[np.ndarray] = [p]
    for o in _S2_OFFSETS:
        shifted = np.full(n, -1.0)
        if 0 < o < n:
            shifted[: n - o] = p[o:]
        elif 0 < -o < n:
            shifted[-o:] = p[: n + o]
        cols.append(shifted)
    cols += [window_mean(p, w) for w in _S2_WINDOWS]
    padded = np.concatenate([np.full(2, -1.0), p, np.full(2, -1.0)])
    cols.append(np.lib.stride_tricks.sliding_window_view(padded, 5).max(axis=1))
    run1, run2 = groups[:, 0], groups[:, 1]
    cols += [_run_mean(run1, p), _run_mean(run2, p), np.log1p(np.bincount(run1)[run1].astype(np.float64))]
    likely = p > _LIKELY
    order = np.argsort(np.argsort(p, kind="stable"), kind="stable")
    cols += [
        np.full(n, p.mean()),
        np.full(n, p.max()),
        np.full(n, likely.mean()),
        order / max(n - 1, 1),
        _distance_to_likely(likely, forward=False),
        _distance_to_likely(likely, forward=True),
    ]
    # How much of the page sits in comment containers, and how likely the text outside
    # them is content: comments under a news article are not the article, posts on a
    # forum page are.
    chars = np.expm1(features[:, _LOG_CHARS])
    in_comments = features[:, _ATTR_COMMENT] > 0.5
    total = max(chars.sum(), 1.0)
    outside = chars * ~in_comments
    cols += [
        np.full(n, chars[in_comments].sum() / total),
        np.full(n, float((p * outside).sum() / max(outside.sum(), 1.0))),
    ]
    cols += [features[:, column] for column in _S2_BASE_COLUMNS]
    # Each region's score: its blocks' mean weighted by length (what most of its text is),
    # its best block, and the share of its text that is likely content.
    for column in range(2, 2 + len(LEVELS)):
        ids = groups[:, column]
        region_chars = np.maximum(np.bincount(ids, weights=chars)[ids], 1.0)
        best = np.full(int(ids.max()) + 1, -1.0)
        np.maximum.at(best, ids, p)
        cols += [
            np.bincount(ids, weights=p * chars)[ids] / region_chars,
            best[ids],
            np.bincount(ids, weights=likely * chars)[ids] / region_chars,
        ]
    return np.column_stack(cols)


# Stage two of the text-line model: each line's stage-one score, those of the lines up to
# three away (a heading or byline sits one or two lines from its article; -1: no line
# there), their means over windows of 2, 5 and 10 lines either side (a paragraph, a
# section, a teaser list), the page's mean and the line's position; then the line's run:
# runs are the stretches of likely content lines (stage one >= 0.5) with gaps of at most
# RUN_GAP unlikely lines, and the page's main run is the one with the most characters (the
# article, where a teaser list or a comment thread is a short run apart from it).
LINE_OFFSETS = (-3, -2, -1, 1, 2, 3)
LINE_WINDOWS = (2, 5, 10)
# One unlikely line inside a run (a caption, a subheading stage one doubts) does not end it;
# two do: a teaser list or a comment thread is set apart from the article by more than one.
RUN_GAP = 1
# Distances to the main run are counted up to this many lines: further is simply far.
MAX_RUN_DISTANCE = 50
LINE_CONTEXT_NAMES: tuple[str, ...] = (
    "s1",
    *(f"s1_at{o:+d}" for o in LINE_OFFSETS),
    *(f"s1_mean{h}" for h in LINE_WINDOWS),
    "s1_page_mean",
    "line_position",
    "run_char_share",
    "in_main_run",
    "main_run_distance_share",
    "main_run_distance",
)


def line_context(p: np.ndarray, chars: np.ndarray | None = None) -> np.ndarray:
    """The :data:`LINE_CONTEXT_NAMES` columns of a text page from its lines' stage-one scores.

    ``chars`` are the lines' lengths (weights of the runs; every line counts 1 when None).
    """
    n = len(p)
    if not n:
        return np.zeros((0, len(LINE_CONTEXT_NAMES)))
    cols = [p]
    for off in LINE_OFFSETS:
        shifted = np.full(n, -1.0)
        if off < 0:
            shifted[-off:] = p[:off]
        else:
            shifted[:-off] = p[off:]
        cols.append(shifted)
    cumulative = np.concatenate([[0.0], np.cumsum(p)])
    index = np.arange(n)
    for half in LINE_WINDOWS:
        lo, hi = np.clip(index - half, 0, n), np.clip(index + half + 1, 0, n)
        cols.append((cumulative[hi] - cumulative[lo]) / np.maximum(hi - lo, 1))
    cols += [np.full(n, p.mean()), index / max(n - 1, 1)]
    return np.column_stack(cols + line_runs(p, np.ones(n) if chars is None else chars))


def line_chars(features: np.ndarray, names: Sequence[str]) -> np.ndarray | None:
    """The lines' lengths from a text feature matrix whose columns are ``names`` (None without ``log_chars``)."""
    if "log_chars" not in names:
        return None
    return np.expm1(features[:, list(names).index("log_chars")])


def line_runs(p: np.ndarray, chars: np.ndarray) -> list[np.ndarray]:
    """The run columns of :data:`LINE_CONTEXT_NAMES` for lines of stage-one scores ``p``.

    The share of the likely characters in the line's run, whether the line is in the main
    run, and its distance to the main run (as a share of the page, and in lines).
    """
    n = len(p)
    likely = np.flatnonzero(p >= 0.5)
    if not len(likely):
        return [np.zeros(n), np.zeros(n), np.ones(n), np.full(n, float(MAX_RUN_DISTANCE))]
    run_of = np.cumsum(np.concatenate([[True], np.diff(likely) > RUN_GAP + 1])) - 1
    sizes = np.bincount(run_of, weights=np.maximum(chars[likely], 1.0))
    main = int(sizes.argmax())
    share = np.zeros(n)
    share[likely] = sizes[run_of] / sizes.sum()
    in_main = np.zeros(n)
    in_main[likely[run_of == main]] = 1.0
    first, last = likely[run_of == main][[0, -1]]
    index = np.arange(n)
    distance = np.clip(np.maximum(first - index, index - last), 0, None).astype(np.float64)
    return [share, in_main, distance / n, np.minimum(distance, MAX_RUN_DISTANCE)]


# ----------------------------------------------------------------------------- the model

# Default keep threshold on the stage-two score: 0.5 is where the log-odds change sign;
# training may store a better one (chosen on held-out pages) in the model file.
DEFAULT_THRESHOLD = 0.5
SHIPPED_MODEL = "learned.npz"
# The text-line model: the same two stages over line features and the rules' decisions.
SHIPPED_TEXT_MODEL = "learned-text.npz"


@dataclass(slots=True)
class LearnedModel:
    """Two boosted-tree stages and the feature names they were trained on."""

    features: tuple[str, ...]
    stage1: TreeEnsemble
    stage2: TreeEnsemble
    stage2_features: tuple[str, ...] = STAGE2_NAMES
    threshold: float = DEFAULT_THRESHOLD
    info: dict[str, Any] | None = None
    # "html": blocks of a page, stage two over containers; "text": lines of a dump, stage
    # two over neighbouring lines (line_context).
    input_type: str = "html"

    def scores(self, features: np.ndarray, groups: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Stage-one and stage-two content probabilities of every block of a page (``groups``: HTML only)."""
        if features.shape[1] != len(self.features):
            raise ValueError(f"model expects {len(self.features)} features, got {features.shape[1]}")
        p1 = self.stage1.predict(features)
        p2 = self.stage2.predict(self.stage2_columns(p1, features, groups))
        return p1, p2

    def stage2_columns(self, p1: np.ndarray, features: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
        """Stage two's input for a page, from its stage-one scores and features."""
        if self.input_type == "text":
            return np.hstack([features, line_context(p1, line_chars(features, self.features))])
        if groups is None:
            raise ValueError("an HTML model needs the blocks' container groups")
        return stage2_matrix(p1, features, groups)

    def save(self, path: str | Path) -> None:
        """Write the model as a compressed ``.npz`` of plain arrays, atomically and byte-reproducibly.

        The zip entries get a fixed date and a fixed order, so the same model always makes
        the same file (``np.savez`` stamps the current time).
        """
        header = {
            "format": FORMAT_VERSION,
            "features": list(self.features),
            "stage2_features": list(self.stage2_features),
            "threshold": self.threshold,
            "info": self.info or {},
            "input_type": self.input_type,
        }
        arrays: dict[str, np.ndarray] = {
            "header": np.frombuffer(json.dumps(header, sort_keys=True).encode("utf-8"), dtype=np.uint8),
            **self.stage1.arrays("s1_"),
            **self.stage2.arrays("s2_"),
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(arrays):
                entry = io.BytesIO()
                np.lib.format.write_array(entry, np.ascontiguousarray(arrays[name]), allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, entry.getvalue())
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(buffer.getvalue())
        tmp.replace(path)

    @classmethod
    def load(cls, path: str | Path | None = None, input_type: str = "html") -> LearnedModel:
        """Load a model file; when ``path`` is None, the one shipped in the package for ``input_type``."""
        if path is None:
            shipped = SHIPPED_TEXT_MODEL if input_type == "text" else SHIPPED_MODEL
            data_bytes = resources.files("cleaner.data").joinpath(shipped).read_bytes()
        else:
            data_bytes = Path(path).read_bytes()
        with np.load(io.BytesIO(data_bytes), allow_pickle=False) as data:
            header = json.loads(bytes(data["header"]).decode("utf-8"))
            if header.get("format") != FORMAT_VERSION:
                raise ValueError(f"model format {header.get('format')} is not {FORMAT_VERSION}: retrain it")
            return cls(
                tuple(header["features"]),
                TreeEnsemble.from_arrays(data, "s1_"),
                TreeEnsemble.from_arrays(data, "s2_"),
                tuple(header["stage2_features"]),
                float(header["threshold"]),
                header.get("info") or {},
                header.get("input_type", "html"),
            )
