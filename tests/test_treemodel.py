"""The run-time tree model: its prediction must equal LightGBM's own, files round-trip.

Every test runs on both evaluations of the trees: the numpy reference and the compiled one.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from cleaner.extractors import boosted
from cleaner.extractors.trees import (
    LINE_CONTEXT_NAMES,
    STAGE2_NAMES,
    LearnedModel,
    TreeEnsemble,
    line_context,
    stage2_matrix,
)
from cleaner.page.matrix import HTML_COLUMNS

lightgbm = pytest.importorskip(
    "lightgbm", reason="the train extra (LightGBM) is not installed: `make test` installs it"
)


@pytest.fixture(autouse=True, params=["numpy", "compiled"])
def evaluation(request, monkeypatch):
    """Run the test on the numpy trees, then on the compiled ones (skipped where they are not built)."""
    if request.param == "numpy":
        monkeypatch.setattr(boosted, "compile_trees", lambda trees: None)
    elif boosted.EVALUATOR != "compiled":
        pytest.skip(f"the compiled trees are not in use ({boosted.EVALUATOR})")
    return request.param


def _fitted(seed: int = 0, rows: int = 600, width: int = 6) -> tuple[object, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, width))
    x[:, 2] = rng.integers(0, 2, size=rows)  # a binary column, like the flag features
    y = ((x[:, 0] + 0.5 * x[:, 1] * x[:, 2] - 0.3 * x[:, 3]) > 0).astype(float)
    params = {"objective": "binary", "num_leaves": 15, "max_depth": 5, "verbose": -1, "seed": 1, "num_threads": 1}
    booster = lightgbm.train(params, lightgbm.Dataset(x, y), num_boost_round=40)
    return booster, x


def test_trees_predict_exactly_what_lightgbm_predicts(evaluation: str) -> None:
    booster, x = _fitted()
    trees = TreeEnsemble.from_lightgbm(booster.dump_model())
    assert (trees.compiled is not None) == (evaluation == "compiled")
    expected = booster.predict(x)
    assert np.allclose(trees.predict(x), expected, atol=1e-9)
    # and on rows the trees never saw, including values exactly on thresholds
    fresh = np.random.default_rng(5).normal(size=(200, x.shape[1]))
    fresh[:10, 0] = trees.threshold[trees.feature == 0][:1].repeat(10) if (trees.feature == 0).any() else 0.0
    assert np.allclose(trees.predict(fresh), booster.predict(fresh), atol=1e-9)


def test_empty_page_has_no_scores() -> None:
    booster, x = _fitted()
    trees = TreeEnsemble.from_lightgbm(booster.dump_model())
    assert trees.predict(np.zeros((0, x.shape[1]))).shape == (0,)


def test_model_file_round_trips(tmp_path) -> None:
    booster, x = _fitted()
    trees = TreeEnsemble.from_lightgbm(booster.dump_model())
    model = LearnedModel(
        tuple(f"f{i}" for i in range(x.shape[1])), trees, trees, tuple(f"f{i}" for i in range(x.shape[1])), 0.42
    )
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = LearnedModel.load(path)
    assert loaded.threshold == 0.42
    assert loaded.features == model.features
    assert np.array_equal(loaded.stage1.predict(x), trees.predict(x))
    assert (loaded.stage1.compiled is None) == (trees.compiled is None)
    assert not (tmp_path / "m.npz.tmp").exists()


def test_shipped_model_loads_fast_and_matches_the_features() -> None:
    started = time.perf_counter()
    model = LearnedModel.load()
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"the shipped model took {elapsed:.2f} s to load"
    assert model.features == HTML_COLUMNS
    assert model.stage2_features == STAGE2_NAMES
    assert 0.0 < model.threshold < 1.0


def test_stage_two_sees_neighbours_and_containers() -> None:
    p = np.array([0.9, 0.8, 0.1, 0.85])
    features = np.zeros((4, len(HTML_COLUMNS)))
    # tag-path runs, then the elements at levels 1, 2 and 4: block 3 sits in block 0's
    # level-1 element (the same comment), apart from it in the page order
    groups = np.array([[0, 0, 0, 0, 0], [0, 0, 1, 0, 0], [1, 0, 2, 1, 0], [2, 0, 0, 0, 0]])
    m = stage2_matrix(p, features, groups)
    col = {name: m[:, i] for i, name in enumerate(STAGE2_NAMES)}
    assert col["p_reg1_max"].tolist() == [0.9, 0.8, 0.1, 0.9]
    assert col["p_reg2_max"].tolist() == [0.9, 0.9, 0.1, 0.9]
    assert col["p_reg4_max"].tolist() == [0.9] * 4
    assert col["p@-1"].tolist() == [-1.0, 0.9, 0.8, 0.1]  # -1 past the page's start
    assert col["p@+1"].tolist() == [0.8, 0.1, 0.85, -1.0]
    assert col["p_run1"].tolist() == pytest.approx([0.85, 0.85, 0.1, 0.85])
    assert col["p_page_max"].tolist() == [0.9] * 4
    assert col["p_rank"].tolist() == pytest.approx([1.0, 1 / 3, 0.0, 2 / 3])


def test_a_model_for_other_features_is_refused() -> None:
    booster, x = _fitted()
    trees = TreeEnsemble.from_lightgbm(booster.dump_model())
    model = LearnedModel(("a", "b"), trees, trees)
    with pytest.raises(ValueError, match="expects 2 features"):
        model.scores(np.zeros((3, 5)), np.zeros((3, 2), dtype=int))


def test_line_context_reads_the_neighbouring_lines() -> None:
    p = np.array([0.2, 0.8, 0.5])
    cols = dict(zip(LINE_CONTEXT_NAMES, line_context(p).T, strict=True))
    assert cols["s1"].tolist() == [0.2, 0.8, 0.5]
    assert cols["s1_at-1"].tolist() == [-1.0, 0.2, 0.8]  # -1: no line above the first
    assert cols["s1_at+1"].tolist() == [0.8, 0.5, -1.0]
    assert cols["s1_at+3"].tolist() == [-1.0, -1.0, -1.0]
    assert np.allclose(cols["s1_mean2"], [0.5, 0.5, 0.5])  # every window holds the whole page
    assert np.allclose(cols["s1_page_mean"], 0.5)
    assert cols["line_position"].tolist() == [0.0, 0.5, 1.0]
    assert line_context(np.zeros(0)).shape == (0, len(LINE_CONTEXT_NAMES))


def test_line_runs_find_the_main_run_and_how_far_each_line_is_from_it() -> None:
    # lines:  0 teaser  1 gap  2 gap  3-6 article (5 doubted, bridged)  7 gap  8 gap  9-10 teasers
    p = np.array([0.9, 0.1, 0.1, 0.8, 0.9, 0.3, 0.9, 0.1, 0.2, 0.7, 0.8])
    chars = np.array([40, 10, 10, 300, 400, 20, 350, 10, 10, 50, 60], dtype=float)
    cols = dict(zip(LINE_CONTEXT_NAMES, line_context(p, chars).T, strict=True))
    assert cols["in_main_run"].tolist() == [0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0]
    likely = 40 + 300 + 400 + 350 + 50 + 60
    assert np.allclose(
        cols["run_char_share"], [40 / likely, 0, 0, *[1050 / likely] * 2, 0, 1050 / likely, 0, 0, *[110 / likely] * 2]
    )
    assert cols["main_run_distance"].tolist() == [3, 2, 1, 0, 0, 0, 0, 1, 2, 3, 4]
    assert np.allclose(cols["main_run_distance_share"], cols["main_run_distance"] / 11)
    # no likely line: no run, every line far from it
    cols = dict(zip(LINE_CONTEXT_NAMES, line_context(np.full(3, 0.1)).T, strict=True))
    assert cols["in_main_run"].tolist() == [0, 0, 0] and cols["main_run_distance"].tolist() == [50, 50, 50]


def test_a_text_model_round_trips_and_scores_lines_without_groups(tmp_path) -> None:
    booster, x = _fitted()
    trees = TreeEnsemble.from_lightgbm(booster.dump_model())
    names = tuple(f"f{i}" for i in range(x.shape[1]))
    stage2 = TreeEnsemble.from_lightgbm(_fitted(width=x.shape[1] + len(LINE_CONTEXT_NAMES))[0].dump_model())
    model = LearnedModel(names, trees, stage2, (*names, *LINE_CONTEXT_NAMES), input_type="text")
    model.save(tmp_path / "t.npz")
    loaded = LearnedModel.load(tmp_path / "t.npz")
    assert loaded.input_type == "text"
    p1, p2 = loaded.scores(x[:20])
    assert np.array_equal(p1, trees.predict(x[:20]))
    assert np.array_equal(p2, stage2.predict(np.hstack([x[:20], line_context(p1)])))


def test_the_shipped_text_model_loads_for_text() -> None:
    from cleaner.extractors.learned import TEXT_MODEL_COLUMNS

    model = LearnedModel.load(input_type="text")
    assert model.input_type == "text" and model.features == TEXT_MODEL_COLUMNS
