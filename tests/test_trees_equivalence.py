"""The compiled trees give bit for bit the scores of the numpy reference.

``CompiledTrees.raw`` (cleaner/extractors/trees_compiled.pyx) against
``TreeEnsemble.raw_reference`` on: the shipped models' trees over generated matrices whose
values sit on, just below and just above the thresholds, with NaN, infinities and -0.0;
generated ensembles (uneven trees, shared thresholds, -0.0 and tiny leaf values); and the
feature matrices of devdata pages (both stages). Scores are compared as bytes, so a last
bit of rounding counts as a difference.

The compiled trees must be built for these tests: where they are not, they skip, except
in CI (``CLEANER_REQUIRE_COMPILED=1``, set by .ci/run), where a missing build fails them.
"""

from __future__ import annotations

import os
import pickle
from functools import cache

import numpy as np
import pytest
from compiled_parts import DEVDATA, NO_DEVDATA, blocked, devdata_sample, equivalence_settings, probe_runs, require
from hypothesis import given
from hypothesis import strategies as st

from cleaner.config import Config
from cleaner.extractors.boosted import EVALUATOR, TreeEnsemble
from cleaner.extractors.trees import LearnedModel, container_groups
from cleaner.model import Document
from cleaner.page import Page
from cleaner.page.segment import parse_html, segment_html

CompiledTrees = require("cleaner.extractors.trees_compiled", "the compiled trees").CompiledTrees

# Devdata pages scored both ways: every dataset is represented, in a few seconds.
DEVDATA_PAGES = 20
# Generated cases per test (60 keep the suite's time in bounds; make fuzz runs more).
EQUIVALENCE = equivalence_settings(60)


def compiled(trees: TreeEnsemble) -> CompiledTrees:
    return CompiledTrees(trees.feature, trees.threshold, trees.left, trees.right, trees.value, trees.roots)


def assert_same_scores(trees: TreeEnsemble, x: np.ndarray) -> None:
    expected = trees.raw_reference(x)
    got = compiled(trees).raw(x)
    assert got.dtype == expected.dtype == np.float64 and got.shape == expected.shape == (len(x),)
    assert got.tobytes() == expected.tobytes(), np.flatnonzero(got.view(np.int64) != expected.view(np.int64))[:10]


@cache
def shipped(input_type: str) -> LearnedModel:
    return LearnedModel.load(input_type=input_type)


def ensembles() -> st.SearchStrategy[TreeEnsemble]:
    return st.sampled_from([("html", 1), ("html", 2), ("text", 1), ("text", 2)]).map(
        lambda which: getattr(shipped(which[0]), f"stage{which[1]}")
    )


def width_of(trees: TreeEnsemble) -> int:
    return int(trees.feature.max()) + 1


SPECIAL = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1.0, -1.0, 1e-300, -1e300]


@st.composite
def matrices(draw: st.DrawFn, trees: TreeEnsemble) -> np.ndarray:
    """Rows whose values are thresholds of the trees (a tie goes left), their neighbours, specials or noise."""
    rows = draw(st.integers(0, 40))
    width = width_of(trees)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    inner = trees.threshold[trees.left != np.arange(len(trees.left))]
    x = rng.choice(inner, size=(rows, width))
    kind = rng.integers(0, 5, size=x.shape)
    x = np.where(kind == 1, np.nextafter(x, np.inf), x)
    x = np.where(kind == 2, np.nextafter(x, -np.inf), x)
    x = np.where(kind == 3, rng.choice(np.array(SPECIAL), size=x.shape), x)
    x = np.where(kind == 4, rng.normal(scale=draw(st.sampled_from([1.0, 100.0])), size=x.shape), x)
    # a column past the ones the trees read: the trees ignore it
    return np.hstack([x, rng.normal(size=(rows, draw(st.integers(0, 2))))])


@EQUIVALENCE
@given(st.data())
def test_the_shipped_trees_score_generated_rows_identically(data: st.DataObject) -> None:
    trees = data.draw(ensembles())
    assert_same_scores(trees, data.draw(matrices(trees)))


@st.composite
def random_ensembles(draw: st.DrawFn) -> TreeEnsemble:
    """Uneven trees with few distinct thresholds (ties everywhere), leaves of any sign, -0.0 and tiny values."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    width = draw(st.integers(1, 6))
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    roots: list[int] = []
    leaf_values = np.array([-0.0, 0.0, 1e-17, -1e-17, 0.1, -0.3, 2.5, 1 / 3])

    def grow(depth: int) -> int:
        index = len(feature)
        feature.append(0)
        threshold.append(0.0)
        left.append(index)
        right.append(index)
        value.append(0.0)
        if depth == 0 or rng.random() < 0.3:  # a leaf, pointing to itself
            value[index] = float(rng.choice(leaf_values)) if rng.random() < 0.5 else float(rng.normal())
            return index
        feature[index] = int(rng.integers(0, width))
        threshold[index] = float(rng.choice([-1.0, 0.0, 0.5, 1.0, np.inf]))
        left[index] = grow(depth - 1)
        right[index] = grow(depth - 1)
        return index

    for _ in range(draw(st.integers(0, 12))):
        roots.append(grow(draw(st.integers(0, 6))))
    depth = draw(st.integers(6, 8))  # at least the deepest leaf: extra steps stay at the leaves
    return TreeEnsemble(
        np.array(feature, dtype=np.int32),
        np.array(threshold),
        np.array(left, dtype=np.int32),
        np.array(right, dtype=np.int32),
        np.array(value),
        np.array(roots, dtype=np.int32),
        depth,
    )


@EQUIVALENCE
@given(random_ensembles(), st.integers(0, 30), st.integers(0, 2**32 - 1))
def test_generated_ensembles_score_rows_identically(trees: TreeEnsemble, rows: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    width = int(trees.feature.max()) + 1 if len(trees.feature) else 1
    values = np.array([-1.0, 0.0, 0.5, 1.0, np.inf, -np.inf, np.nan, -0.0, 0.25, 2.0])
    assert_same_scores(trees, rng.choice(values, size=(rows, width)))


def test_a_sum_of_negative_zero_leaves_is_zero_on_both_paths() -> None:
    trees = TreeEnsemble(
        np.zeros(2, dtype=np.int32), np.zeros(2), np.arange(2, dtype=np.int32), np.arange(2, dtype=np.int32),
        np.array([-0.0, -0.0]), np.arange(2, dtype=np.int32), 0,
    )  # fmt: skip
    assert_same_scores(trees, np.zeros((3, 1)))
    assert np.signbit(compiled(trees).raw(np.zeros((1, 1)))).tolist() == [False]


def test_scores_add_tree_by_tree_in_order_not_in_pairs() -> None:
    # 1 + 1e-16 * 16: adding in order keeps 1.0 (each 1e-16 is lost), adding the small
    # ones first (numpy's pairwise sum) does not
    n = 17
    trees = TreeEnsemble(
        np.zeros(n, dtype=np.int32), np.zeros(n), np.arange(n, dtype=np.int32), np.arange(n, dtype=np.int32),
        np.array([1.0] + [1e-16] * (n - 1)), np.arange(n, dtype=np.int32), 0,
    )  # fmt: skip
    x = np.zeros((2, 1))
    assert compiled(trees).raw(x).tolist() == [1.0, 1.0] == trees.raw_reference(x).tolist()
    assert trees.value.sum() != 1.0  # what numpy's sum would have given


def test_malformed_trees_are_refused() -> None:
    one = np.zeros(1, dtype=np.int32)
    with pytest.raises(ValueError, match="differ in length"):
        CompiledTrees(one, np.zeros(2), one, one, np.zeros(1), one)
    # node 0 goes back to itself on the right: a cycle, not a tree
    with pytest.raises(ValueError, match="not a node of its own"):
        CompiledTrees(np.zeros(2, np.int32), np.zeros(2), np.array([1, 1]), np.array([0, 1]), np.zeros(2), one)
    with pytest.raises(ValueError, match="not a node of its own"):  # a child past the arrays
        CompiledTrees(one, np.zeros(1), np.array([5]), np.array([6]), np.zeros(1), one)
    with pytest.raises(ValueError, match="negative column"):
        CompiledTrees(np.array([-1, 0, 0]), np.zeros(3), np.array([1, 1, 2]), np.array([2, 1, 2]), np.zeros(3), one)
    trees = shipped("html").stage1
    with pytest.raises(ValueError, match="columns"):
        compiled(trees).raw(np.zeros((2, width_of(trees) - 1)))


def test_compiled_trees_pickle_and_the_empty_cases() -> None:
    trees = shipped("html").stage2
    x = np.random.default_rng(1).normal(size=(5, width_of(trees)))
    again = pickle.loads(pickle.dumps(compiled(trees)))
    assert again.raw(x).tobytes() == trees.raw_reference(x).tobytes()
    assert compiled(trees).raw(np.zeros((0, width_of(trees)))).shape == (0,)
    empty = TreeEnsemble(*(np.zeros(0, dtype=t) for t in (np.int32, float, np.int32, np.int32, float, np.int32)), 0)
    assert compiled(empty).raw(np.ones((3, 0))).tolist() == [0.0] * 3 == empty.raw_reference(np.ones((3, 0))).tolist()


@pytest.mark.skipif(not DEVDATA.is_dir(), reason=NO_DEVDATA)
def test_both_stages_score_devdata_pages_identically() -> None:
    model = shipped("html")
    config = Config(corpus_pass=False)
    scored = 0
    for gold, html in devdata_sample(DEVDATA_PAGES):
        try:
            tree = parse_html(html)
        except Exception:  # a page lxml cannot parse has no blocks on either path
            continue
        doc = Document(id=gold.key, source=gold.key, input_type="html", content=html)
        page = Page(document=doc, markup=html, blocks=segment_html(tree), tree=tree)
        features = page.feature_matrix(config)
        assert_same_scores(model.stage1, features)
        p1 = model.stage1.predict(features)
        assert_same_scores(model.stage2, model.stage2_columns(p1, features, container_groups(page.blocks)))
        scored += len(features)
    assert scored > 1000


def test_the_numpy_trees_are_chosen_when_asked_or_when_the_extension_is_missing() -> None:
    if os.environ.get("CLEANER_PURE_PYTHON", "") in ("", "0"):  # built (or this module skips): in use
        assert EVALUATOR == "compiled" and shipped("html").stage1.compiled is not None
    probe = (
        "{block}"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    from cleaner.extractors import boosted, trees\n"
        "    model = trees.LearnedModel.load()\n"
        "print(boosted.EVALUATOR, model.stage1.compiled is None,\n"
        "      sum(issubclass(w.category, RuntimeWarning) and 'trees' in str(w.message) for w in caught))\n"
    )
    seen = probe_runs(probe, {"forced": (True, ""), "missing": (False, blocked("cleaner.extractors.trees_compiled"))})
    assert seen["forced"] == ["numpy", "(CLEANER_PURE_PYTHON)", "True", "0"]  # asked for: no warning
    assert seen["missing"] == ["numpy", "True", "1"]  # one warning, however many ensembles
