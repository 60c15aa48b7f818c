"""The corpus pass's sites: a url's host or the page's own canonical link; no site, no revision; small sites left alone."""

from __future__ import annotations

from pathlib import Path

from cleaner.batch.site_stats import collect_documents
from cleaner.config import Config
from cleaner.corpus.keys import document_keys
from cleaner.corpus.revise import REASON, drop_repeated
from cleaner.corpus.stats import SiteStats
from cleaner.meta.html import canonical_host
from cleaner.model import Block, Decision, Document
from cleaner.page.segment import parse_html
from cleaner.pipeline import clean_document

FOOTER = "Our journalism is independent and paid for by readers like you every single day"


def lines(*texts: str) -> list[Block]:
    return [Block(index=i, text=t) for i, t in enumerate(texts)]


def keep_all(blocks: list[Block]) -> list[Decision]:
    return [Decision(block=b.index, keep=True, reason="content.article", by="test") for b in blocks]


def site_pages() -> list[list[Block]]:
    """Four different articles of one site, each with the same footer line."""
    articles = [
        [f"Paragraph {k} of story {name} tells what happened in the valley after the storm of the year" for k in "ab"]
        for name in ("one", "two", "three", "four")
    ]
    return [lines(*a, FOOTER) for a in articles]


def test_canonical_host_reads_the_canonical_link_first_then_og_url() -> None:
    def host(head: str) -> str | None:
        return canonical_host(parse_html(f"<html><head>{head}</head><body><p>x</p></body></html>"))

    assert (
        host(
            "<meta property='og:url' content='https://cdn.example/a'><link rel='canonical' href='https://www.site.example/a'>"
        )
        == "site.example"
    )
    assert host("<link rel='Canonical\talternate' href='https://site.example/a'>") == "site.example"
    assert host("<meta name='OG:URL' content='http://other.example/b'>") == "other.example"
    assert host("<link rel='canonical' href='/relative/path'>") is None  # a relative link names no host
    assert (
        host("<link rel='canonical' href='/relative'><meta property='og:url' content='https://og.example/'>")
        == "og.example"
    )
    assert host("<link rel='alternate' href='https://site.example/amp'>") is None


def test_corpus_pass_keeps_an_agency_paragraph_that_several_outlets_share(tmp_path: Path) -> None:
    """Six pages of six sites run one agency paragraph: no site repeats it, so no page loses it."""
    agency = (
        "The agency reported that the river rose by two metres overnight and that the old bridge was closed to traffic"
    )
    documents = [
        Document(
            id=str(i),
            source=f"{i}.html",
            input_type="html",
            content=(
                f"<html><head><link rel='canonical' href='https://outlet{i}.example/news/{i}'></head><body>"
                f"<p>{agency}.</p><p>Outlet {'x' * i} adds its own words about the town council meeting this week.</p>"
                "</body></html>"
            ).encode(),
        )
        for i in range(6)
    ]
    stats = collect_documents(documents)
    assert sorted(stats.sites) == [f"outlet{i}.example" for i in range(6)]
    stats_file = tmp_path / "stats.npz"
    stats.save(stats_file)
    config = Config(site_stats=str(stats_file))
    for document in documents:
        assert agency in clean_document(document, config).text


def test_local_pages_with_one_canonical_host_are_one_site_and_pages_without_are_left_alone(tmp_path: Path) -> None:
    footer = "Our newsroom is funded by readers like you: support independent journalism with a gift today"

    def page(i: int, canonical: bool) -> Document:
        head = f"<link rel='canonical' href='https://daily.example/story/{i}'>" if canonical else ""
        body = (  # the story is most of the page's text: the page is no near-copy of the others
            f"<p>Story {'x' * i} opens with the vote in the town council on the new school and what it costs.</p>"
            f"<p>Then {'y' * i} the mayor spoke for an hour about roads, buses and the budget of the coming year.</p>"
            f"<p>{footer}</p>"
        )
        return Document(str(i), f"{i}.html", "html", f"<html><head>{head}</head><body>{body}</body></html>".encode())

    with_site = [page(i, True) for i in range(6)]
    without = [page(i + 10, False) for i in range(6)]
    stats = collect_documents(with_site + without)
    assert stats.sites == ["daily.example"] and stats.docs("daily.example") == 6
    stats_file = tmp_path / "stats.npz"
    stats.save(stats_file)
    config = Config(site_stats=str(stats_file), explain=True)
    for document in with_site:
        result = clean_document(document, config)
        assert result.text.startswith("Story") and footer not in result.text
        assert result.decisions[2].reason == REASON or REASON in result.decisions[2].detail
    for document in without:
        assert not any(d.reason == REASON or REASON in d.detail for d in clean_document(document, config).decisions)


def test_a_site_smaller_than_the_minimum_is_not_revised() -> None:
    pages = site_pages()[:2]  # two pages of one site, each with the footer
    stats = SiteStats()
    for p in pages:
        stats.add("ex.com", document_keys(p))
    assert all(d.keep for d in drop_repeated(pages[1], keep_all(pages[1]), stats, "ex.com"))  # from 3 pages
    revised = drop_repeated(pages[1], keep_all(pages[1]), stats, "ex.com", min_site_pages=2)
    assert [d.keep for d in revised] == [True, True, False]
    stats.add("ex.com", document_keys(site_pages()[2]))  # a third page: now the site is revised
    assert [d.keep for d in drop_repeated(pages[1], keep_all(pages[1]), stats, "ex.com")] == [True, True, False]
