"""Labels from gold text and snippets: what the learned extractor is trained on."""

from __future__ import annotations

from cleaner.learning.labels import BOILERPLATE, CONTENT, UNKNOWN, label_tokens, labels_from_gold, labels_from_snippets
from cleaner.model import Block


def blocks(*texts: str) -> list[Block]:
    return [Block(index=i, text=t, tag="p") for i, t in enumerate(texts)]


GOLD = (
    "Results\n"
    "The trial enrolled 412 patients across nine hospitals between March and October.\n"
    "Those who received the drug recovered two days sooner on average."
)


def test_paragraphs_in_gold_are_content_and_menu_is_boilerplate() -> None:
    page = blocks(
        "Home",
        "News",
        "Sign up for our newsletter to get the latest stories every morning.",
        "Results",
        "The trial enrolled 412 patients across nine hospitals between March and October.",
        "Those who received the drug recovered two days sooner on average.",
        "Share this article on Facebook",
    )
    labels = labels_from_gold(page, GOLD).tolist()
    assert labels == [BOILERPLATE, BOILERPLATE, BOILERPLATE, CONTENT, CONTENT, CONTENT, BOILERPLATE]


def test_short_heading_is_labelled_by_its_context() -> None:
    # The same word "Results" in a menu, far from the paragraph it heads in the gold.
    page = blocks(
        "Results",
        "Contact us",
        "About the trial",
        "The trial enrolled 412 patients across nine hospitals between March and October.",
    )
    labels = labels_from_gold(page, GOLD).tolist()
    assert labels[0] == BOILERPLATE
    assert labels[3] == CONTENT


def test_block_without_tokens_is_unknown() -> None:
    page = blocks("|", "»", "The trial enrolled 412 patients across nine hospitals between March and October.")
    assert labels_from_gold(page, GOLD).tolist() == [UNKNOWN, UNKNOWN, CONTENT]


def test_empty_gold_makes_every_block_boilerplate() -> None:
    page = blocks("Please enable JavaScript to view this page.", "Loading")
    assert labels_from_gold(page, "").tolist() == [BOILERPLATE, BOILERPLATE]


def test_mostly_covered_block_is_content_and_mostly_foreign_block_is_not() -> None:
    gold = "one two three four five six seven eight nine ten"
    page = blocks(
        "one two three four five six seven eight nine ten plus",
        "alpha beta gamma delta epsilon zeta eta theta seven eight nine ten",
    )
    assert labels_from_gold(page, gold).tolist() == [CONTENT, BOILERPLATE]


def test_cjk_characters_are_tokens_so_hard_wrapped_gold_still_matches() -> None:
    assert label_tokens("北京天气 today") == ["北", "京", "天", "气", "today"]
    gold = "今天北京的天气\n很好，适合出门散步。"  # wrapped in the middle of a clause
    page = blocks("首页 新闻 体育", "今天北京的天气很好，适合出门散步。")
    assert labels_from_gold(page, gold).tolist() == [BOILERPLATE, CONTENT]


def test_snippets_label_only_the_blocks_they_touch() -> None:
    page = blocks(
        "Die Bundesregierung hat am Mittwoch ein neues Klimaschutzgesetz beschlossen.",
        "Mehr zum Thema: Energiewende",
        "Alle Rechte vorbehalten. Nachdruck nur mit Genehmigung.",
        "Kurz",
    )
    labels = labels_from_snippets(
        page,
        with_snippets=["ein neues Klimaschutzgesetz beschlossen"],
        without_snippets=["Alle Rechte vorbehalten", "Kurz"],  # too short to trust: ignored
    ).tolist()
    assert labels == [CONTENT, UNKNOWN, BOILERPLATE, UNKNOWN]


def test_without_snippet_wins_when_a_block_holds_both() -> None:
    page = blocks("Read more: the minister resigned on Friday after weeks of pressure")
    labels = labels_from_snippets(page, ["the minister resigned on Friday"], ["Read more: the minister"]).tolist()
    assert labels == [BOILERPLATE]
