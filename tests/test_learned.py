"""The learned extractor and the ensemble on a page written like a real news page.

The page is made up for the test (not from devdata, so the shipped model has not seen it)
but its chrome copies the structure real sites use: a <nav> menu, a share bar, an
article, a related-links list, a comment form and a copyright footer.
"""

from __future__ import annotations

import numpy as np
import pytest

from cleaner import Config, clean
from cleaner.extractors.ensemble import MEMBERS, combine, fit_weights, vote_matrix
from cleaner.extractors.learned import drop_reason
from cleaner.model import REASONS, Decision
from cleaner.page.language import html_lang_code
from cleaner.page.matrix import HTML_COLUMNS

ARTICLE = [
    "The city council voted on Tuesday to turn the old tram depot on Mill Street into a public library, "
    "ending a dispute that had divided residents for almost a decade.",
    "The plan, approved by nine votes to four, keeps the depot's brick facade and adds a reading room, "
    "a children's section and workshops that local schools will be able to book free of charge.",
    "Opponents had argued that the site should be sold to pay for road repairs, but a survey published "
    "last month found that most residents preferred to keep the building in public hands.",
    "Work is expected to begin next spring and to take about two years, the council said in a statement, "
    "adding that the library would stay open late on weekdays to serve commuters.",
]

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><title>Council turns tram depot into library | The Valley Courier</title>
<meta property="og:title" content="Council turns tram depot into library"></head>
<body>
<header class="site-header"><a class="logo" href="/">The Valley Courier</a>
<nav class="main-nav"><ul>
<li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li><li><a href="/business">Business</a></li>
<li><a href="/culture">Culture</a></li><li><a href="/opinion">Opinion</a></li><li><a href="/weather">Weather</a></li>
</ul></nav></header>
<main><article class="article">
<h1 class="headline">Council turns tram depot into library</h1>
<div class="byline">By Maria Jones</div>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a> <a href="#">Email</a></div>
<div class="article-body">
{"".join(f"<p>{p}</p>" for p in ARTICLE)}
</div></article>
<aside class="related"><h2>More from News</h2><ul>
<li><a href="/a">Bridge closure extended until March</a></li>
<li><a href="/b">School meals price rise approved</a></li>
<li><a href="/c">New bus routes announced for the east side</a></li>
<li><a href="/d">Flood defences finished ahead of schedule</a></li>
</ul></aside>
<section class="comments" id="comments"><h3>Leave a Reply</h3>
<form class="comment-form"><label>Name</label><input name="n"><label>Email</label><input name="e">
<p class="comment-notes">Your email address will not be published.</p>
<button>Post Comment</button></form></section>
</main>
<footer class="site-footer"><p>© 2024 The Valley Courier. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy Policy</a></li><li><a href="/terms">Terms of Use</a></li></ul></footer>
</body></html>"""


@pytest.fixture(scope="module")
def learned_result():
    return clean(PAGE, url="https://valley-courier.example/news/library", config=Config(extractor="learned"))


def test_article_paragraphs_are_kept(learned_result) -> None:
    for paragraph in ARTICLE:
        assert paragraph in learned_result.text


def test_menu_share_related_comments_and_footer_are_dropped(learned_result) -> None:
    for chrome in (
        "Sport",
        "Share on Facebook",
        "Bridge closure extended until March",
        "Leave a Reply",
        "Your email address will not be published.",
        "All rights reserved",
        "Privacy Policy",
    ):
        assert chrome not in learned_result.text, chrome


def test_one_decision_per_block_with_a_score_and_a_registered_reason(learned_result) -> None:
    assert len(learned_result.decisions) == len(learned_result.blocks)
    for d in learned_result.decisions:
        assert d.by == "learned"
        assert d.reason in REASONS
        assert 0.0 <= d.score <= 1.0
        assert d.detail.startswith("score ")
        assert (d.score > 0.5) == d.keep  # the shipped threshold is checked below


def test_drops_name_the_family_of_their_evidence(learned_result) -> None:
    reasons = {learned_result.blocks[d.block].text: d.reason for d in learned_result.decisions if not d.keep}
    assert reasons["Sport"] == "nav.menu"  # inside <nav>
    assert reasons["Share on Facebook Share on Twitter Email"] == "social.follow"
    assert reasons["Leave a Reply"] == "comments.widget"


def test_drop_reason_prefers_the_container_over_keywords() -> None:
    row = np.zeros(len(HTML_COLUMNS))
    row[HTML_COLUMNS.index("kw_share")] = 1
    assert drop_reason(row)[0] == "social.follow"
    row[HTML_COLUMNS.index("attr_comment")] = 1
    assert drop_reason(row)[0] == "comments.widget"
    assert drop_reason(np.zeros(len(HTML_COLUMNS)))[0] == "boilerplate.other"


@pytest.mark.parametrize(
    ("attr", "expected"),
    [("en", "en"), ("en-US", "en"), ("DE_de", "de"), ("x-default", None), ("", None), ("zz", None)],
)
def test_html_lang_code(attr: str, expected: str | None) -> None:
    import lxml.html

    assert html_lang_code(lxml.html.fromstring(f'<html lang="{attr}"><body><p>x</p></body></html>')) == expected


def test_learned_on_a_text_dump_uses_the_text_model_over_the_line_rules() -> None:
    dump = "Skip to main content\nFlood closes the harbour\nBy Ann Lee\n" + "\n".join(ARTICLE)
    result = clean(dump, config=Config(extractor="learned"), input_type="text")
    rules = clean(dump, config=Config(extractor="rules"), input_type="text")
    assert result.status == "ok"
    assert "Skip to main content" not in result.text
    assert all(line in result.text for line in ARTICLE)
    for mine, theirs in zip(result.decisions, rules.decisions, strict=True):
        if theirs.reason.startswith("meta."):  # headline and byline stay metadata, as the rules said
            assert mine == theirs
        else:
            assert mine.by == "learned" and mine.reason in REASONS and 0.0 <= mine.score <= 1.0
            if not mine.keep and theirs.keep:
                assert mine.reason == "boilerplate.context"
    assert result.metadata["author"] == rules.metadata["author"]


def test_a_model_given_for_the_other_input_type_is_a_clear_error(tmp_path) -> None:
    from cleaner.extractors.trees import LearnedModel

    path = tmp_path / "text.npz"
    LearnedModel.load(input_type="text").save(path)
    result = clean(PAGE, config=Config(extractor="learned", model=str(path)), input_type="html")
    assert result.status == "error" and result.error is not None
    assert "model of text input" in result.error.message and "--text-model" in result.error.message


def test_a_short_text_is_left_to_the_rules() -> None:
    # one paragraph, as a JSONL record often holds: the line model never learned such texts
    result = clean(ARTICLE[0], config=Config(extractor="learned"), input_type="text")
    assert result.text == ARTICLE[0]
    assert [d.by for d in result.decisions] == ["rules"]


# --------------------------------------------------------------------------- ensemble


def test_ensemble_keeps_every_members_vote() -> None:
    result = clean(PAGE, config=Config(extractor="ensemble"), input_type="html")
    assert result.status == "ok"
    for paragraph in ARTICLE:
        assert paragraph in result.text
    for d in result.decisions:
        assert d.by == "ensemble"
        assert [v.by for v in d.votes] == list(MEMBERS)
        assert all(v.block == d.block for v in d.votes)
        kept = sum(v.keep for v in d.votes)
        assert d.detail.endswith(f"{kept} of 4 members keep")
        if not d.keep:
            assert d.reason in REASONS


def test_vote_matrix_and_combine() -> None:
    learned = np.array([0.9, 0.2])
    votes = [
        [Decision(0, True, "content.selected", "t"), Decision(1, False, "extractor.not_selected", "t")],
        [Decision(0, True, "content.selected", "j"), Decision(1, True, "content.selected", "j")],
        [Decision(0, False, "nav.menu", "r"), Decision(1, False, "nav.menu", "r")],
    ]
    m = vote_matrix(learned, votes)
    assert m.shape == (2, 5)
    assert m[:, 1:].tolist() == [[1, 1, 0, 1], [0, 1, 0, 1]]
    assert m[0, 0] == pytest.approx(np.log(0.9 / 0.1))
    # with only the learned weight, the ensemble is the learned score
    assert combine(m, [1, 0, 0, 0, 0]).tolist() == pytest.approx([0.9, 0.2])


def test_fit_weights_learns_which_member_to_trust() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    labels = rng.integers(0, 2, n).astype(float)
    good = np.where(rng.random(n) < 0.9, labels, 1 - labels)  # right 90% of the time
    noise = rng.integers(0, 2, n).astype(float)  # a coin
    matrix = np.column_stack([np.zeros(n), good, noise, noise, np.ones(n)])
    w = fit_weights(matrix, labels, np.ones(n))
    assert w[1] > 3.0  # log(0.9/0.1) * 2 ~ 4.4 for a 90% reliable vote
    assert abs(w[2]) + abs(w[3]) < 0.5
    assert fit_weights(matrix, labels, np.ones(n)) == w  # deterministic
