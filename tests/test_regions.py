"""Regions: blocks know their elements, and stage two pools scores over real elements, not tag paths."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.extractors.trees import STAGE2_NAMES, container_groups, stage2_matrix
from cleaner.page.matrix import HTML_COLUMNS
from cleaner.page.regions import LEVELS, region_ids
from cleaner.page.segment import parse_html, segment_html


def page_blocks(body: str) -> list:
    return segment_html(parse_html(f"<html><body>{body}</body></html>"))


def test_blocks_of_one_element_share_its_number_and_siblings_do_not() -> None:
    blocks = page_blocks("<ul><li>one</li><li>two</li></ul><ul><li>three</li></ul>")
    assert blocks[0].containers[:-1] == blocks[1].containers[:-1]  # the same <ul>
    assert blocks[0].containers[-1] != blocks[1].containers[-1]  # two <li>
    assert blocks[1].containers[-2] != blocks[2].containers[-2]  # two <ul> with the same tag path
    assert blocks[1].tag_path == blocks[2].tag_path
    level1 = region_ids(blocks, 1)
    assert level1[0] == level1[1] != level1[2]
    assert region_ids(blocks, 2).tolist() == [0, 0, 0]  # all in <body>


def test_level_four_is_the_element_four_levels_above_the_blocks_own() -> None:
    blocks = page_blocks(
        "<section><div><div><ul><li>a</li></ul></div></div></section>"
        "<section><div><div><ul><li>b</li></ul></div></div></section><p>c</p>"
    )
    assert [b.tag_path[-5] for b in blocks[:2]] == ["section", "section"]
    level4 = region_ids(blocks, 4)
    assert level4[0] != level4[1]  # two <section> elements, four levels above each <li>
    assert level4[2] not in (level4[0], level4[1])  # <p> has no element four levels up: the page's id
    assert [b.containers[-5] for b in blocks[:2]] == sorted({b.containers[-5] for b in blocks[:2]})


def test_stage_two_pools_scores_over_each_element_not_over_a_shared_tag_path() -> None:
    """Two sibling comment lists with one tag path: each list's mean is its own blocks' mean."""
    comment = "<div class='c'><p>A reader's comment of some length, with words.</p></div>"
    blocks = page_blocks(f"<section>{comment * 3}</section><section>{comment * 3}</section>")
    assert len({b.tag_path for b in blocks}) == 1
    p = np.array([0.9, 0.9, 0.9, 0.1, 0.1, 0.1])
    features = np.zeros((6, len(HTML_COLUMNS)))
    features[:, HTML_COLUMNS.index("log_chars")] = np.log1p(40)
    matrix = stage2_matrix(p, features, container_groups(blocks))
    assert matrix.shape == (6, len(STAGE2_NAMES))
    region2_mean = matrix[:, STAGE2_NAMES.index("p_reg2_mean")]
    assert np.allclose(region2_mean, [0.9] * 3 + [0.1] * 3)  # each <section> on its own
    run_mean = matrix[:, STAGE2_NAMES.index("p_run2")]
    assert np.allclose(run_mean, 0.5)  # the tag-path runs mix the two lists
    assert np.allclose(matrix[:, STAGE2_NAMES.index("p_reg2_max")], [0.9] * 3 + [0.1] * 3)


@settings(max_examples=50, deadline=None)
@given(
    st.recursive(
        st.sampled_from(["<p>words here</p>", "text", "<a href='/'>link</a>"]),
        lambda inner: st.lists(inner, min_size=1, max_size=4).map(lambda parts: "<div>" + "".join(parts) + "</div>"),
        max_leaves=20,
    ),
    st.floats(0, 1),
)
def test_region_ids_and_pooled_scores_are_consistent_for_any_nesting(body: str, score: float) -> None:
    blocks = page_blocks(body)
    groups = container_groups(blocks)
    assert groups.shape == (len(blocks), 2 + len(LEVELS))
    for column, level in enumerate(LEVELS, start=2):
        ids = groups[:, column]
        assert ids.tolist() == region_ids(blocks, level).tolist()
        # the same element above two blocks gives them the same id, and only then
        for i in range(len(blocks)):
            for j in range(len(blocks)):
                same = (blocks[i].containers[-1 - level : -level] or (None,)) == (
                    blocks[j].containers[-1 - level : -level] or (None,)
                )
                assert (ids[i] == ids[j]) == same
    p = np.full(len(blocks), score)
    features = np.zeros((len(blocks), len(HTML_COLUMNS)))
    matrix = stage2_matrix(p, features, groups)
    assert np.isfinite(matrix).all()
    for level in LEVELS:
        assert np.allclose(matrix[:, STAGE2_NAMES.index(f"p_reg{level}_max")], score)
