"""The publication date (cleaner.meta.date): each source, the dateline check, invalid dates."""

import lxml.html
import pytest

from cleaner.meta.date import iso_date, make_date, text_dates, url_date
from cleaner.meta.html import html_metadata
from cleaner.page.segment import parse_html


def date_of(html: str, url: str | None = None) -> tuple[str | None, str | None]:
    fields, sources = html_metadata(parse_html(html), url)
    return fields["date"], sources.get("date")


def page(head: str = "", body: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Why cities need more trees | The Daily Planet</title>
  {head}
</head>
<body>
  <header><a class="logo" href="/">The Daily Planet</a></header>
  <article>
    <h1>Why cities need more trees</h1>
    {body}
    <p>Cities across Europe are planting trees along their busiest streets, and the first results suggest
    that the shade lowers summer temperatures by several degrees.</p>
  </article>
</body>
</html>"""


LD_DATES = """<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Why cities need more trees",
 "datePublished": "2023-12-20T08:15:00+00:00", "dateModified": "2023-12-23T09:00:00+00:00"}
</script>"""


def test_json_ld_date_published():
    assert date_of(page(LD_DATES)) == ("2023-12-20", "json-ld:datePublished")


def test_json_ld_date_of_the_article_before_that_of_an_embedded_video():
    ld = """<script type="application/ld+json">[
      {"@type": "VideoObject", "name": "Planting day", "uploadDate": "2021-05-01", "datePublished": "2021-05-01"},
      {"@type": "NewsArticle", "headline": "Why cities need more trees", "datePublished": "2023-12-20"}]</script>"""
    assert date_of(page(ld)) == ("2023-12-20", "json-ld:datePublished")


def test_article_published_time_meta():
    head = """<meta property="article:published_time" content="2023-12-20T08:15:00+00:00">
    <meta property="article:modified_time" content="2023-12-23T10:00:00+00:00">"""
    assert date_of(page(head)) == ("2023-12-20", "meta:article:published_time")


def test_dublin_core_meta():
    assert date_of(page('<meta name="DC.date.issued" content="2023-12-20">')) == ("2023-12-20", "meta:dc.date.issued")


def test_time_element_marked_as_the_publication_before_other_times():
    body = """<p class="meta"><time class="updated" datetime="2023-12-23T10:00">Dec 23</time>
    <time itemprop="datePublished" datetime="2023-12-20T08:15">Dec 20</time></p>"""
    assert date_of(page(body=body)) == ("2023-12-20", "time")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/2023/12/20/flood-report/", "2023-12-20"),
        ("https://news.example/world/2023-12-20-flood-report", "2023-12-20"),
        ("https://news.example/world/20231220/flood-report", "2023-12-20"),
        ("https://news.example/2023/12/flood-report", None),  # no day: not a date
        ("https://news.example/releases/2023/12/231218130031.htm", None),  # an id, not a date
        ("https://news.example/2023/13/45/flood-report", None),
        (None, None),
    ],
)
def test_url_patterns(url, expected):
    assert url_date(url) == expected


def test_date_from_the_url_when_the_markup_has_none():
    assert date_of(page(), "https://news.example/2023/12/20/why-cities-need-more-trees/") == ("2023-12-20", "url")


def test_dateline_confirms_the_declared_publication_date():
    body = (
        '<div class="byline">By Ann Lee</div>\n<div class="dateline">December 20, 2023, updated December 23, 2023</div>'
    )
    assert date_of(page(LD_DATES, body)) == ("2023-12-20", "dateline+json-ld:datePublished")


def test_update_shown_instead_of_the_publication_is_taken_when_declared_as_the_modification():
    # Readers see "Updated Dec. 23": that is the article's date on this page.
    body = '<div class="byline">By Ann Lee</div>\n<div class="dateline">Updated Dec. 23, 2023 at 9:00 a.m.</div>'
    assert date_of(page(LD_DATES, body)) == ("2023-12-23", "dateline+json-ld:dateModified")


def test_a_date_in_the_story_declared_nowhere_is_not_taken():
    body = "<p>The council first discussed the plan on 3 March 2021, and again this month.</p>"
    assert date_of(page(LD_DATES, body)) == ("2023-12-20", "json-ld:datePublished")


def test_dateline_confirms_the_url_date():
    body = '<p class="date">Posted on 20th December 2023</p>'
    assert date_of(page(body=body), "https://news.example/2023/12/20/trees/") == ("2023-12-20", "dateline+url")


def test_htmldate_is_the_last_resort_on_a_page_that_says_it_is_an_article():
    html = """<html><head><title>Flood report</title>{head}</head>
    <body><div class="post-meta"><span class="date">Published: 2021-03-04</span></div>
    <p>Text of the report.</p></body></html>"""
    assert date_of(html.format(head='<meta property="og:type" content="article">')) == ("2021-03-04", "htmldate")
    # A product or service page that does not say it is an article: htmldate's guesses
    # there are mostly copyright years, sale dates and crawl dates.
    assert date_of(html.format(head='<meta property="og:type" content="website">')) == (None, None)


def test_htmldate_leaves_the_page_tree_as_it_was():
    html = """<html><head><title>Flood report</title><meta property="og:type" content="article">
    <style>p {color: red}</style></head>
    <body><nav><a href="/">Home</a></nav><div class="post-meta"><span class="date">Published: 2021-03-04</span></div>
    <script>var x = 1;</script><p>Text of the report.</p><footer>Footer</footer></body></html>"""
    tree = parse_html(html)
    before = lxml.html.tostring(tree)
    fields, sources = html_metadata(tree, None)
    assert sources["date"] == "htmldate" and lxml.html.tostring(tree) == before


def test_invalid_and_placeholder_dates_give_none():
    head = """<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "0000-00-00"}</script>
    <meta name="date" content="2019-13-45">
    <meta property="article:published_time" content="1970-01-01T00:00:00Z">"""
    assert date_of(page(head)) == (None, None)


def test_no_date_anywhere_gives_none():
    assert date_of(page()) == (None, None)


def test_iso_and_make_date():
    assert iso_date("2023-12-20T23:59:59-08:00") == "2023-12-20"  # taken as written: no time-zone guess
    assert iso_date("2023-2-5") == "2023-02-05"
    assert iso_date("2023-02-30") is None and iso_date(20231220) is None
    assert make_date(2023, "Dec", 20) == "2023-12-20" and make_date(1989, 1, 1) is None


def test_text_dates_in_the_usual_forms():
    text = "Dec. 14, 2023 · 14 December 2023 · 14th Dec, 2023 · 2023-12-14 · 14.12.2023 · 2023/12/14"
    assert text_dates(text) == ["2023-12-14"] * 6
    assert text_dates("03/04/2023") == []  # US or European: ambiguous, not read


def test_dateline_written_against_the_headline_without_white_space():
    html = (
        "<html><head>" + LD_DATES + "</head><body><article><span class=date>December 20, 2023</span>"
        "<h1>Why cities need more trees</h1><p>Cities across Europe are planting trees.</p></article></body></html>"
    )
    assert date_of(html) == ("2023-12-20", "dateline+json-ld:datePublished")


def test_dateline_search_reads_only_around_the_headline():
    # A long page: the date in the 50th paragraph after the headline is the story's, not a dateline.
    story = "".join(f"<p>Paragraph {i} of the story, long enough to count as text on the page.</p>" for i in range(60))
    html = page(LD_DATES, story.replace("Paragraph 50 of", "On December 23, 2023, paragraph 50 of"))
    assert date_of(html) == ("2023-12-20", "json-ld:datePublished")


def test_only_a_modification_date_declared_is_the_date():
    head = '<meta property="article:modified_time" content="2023-12-23T10:00:00+00:00">'
    assert date_of(page(head)) == ("2023-12-23", "meta:article:modified_time")


def test_dateline_in_minified_markup_is_read_block_by_block():
    # No white space between the elements: "...Ann LeeUpdated Dec. 23, 2023The council..." hid the date.
    html = (
        "<html><head>" + LD_DATES + "</head><body><article><h1>Why cities need more trees</h1>"
        '<p class="byline">By Ann Lee</p><p class="dateline">Updated Dec. 23, 2023</p>'
        "<p>The council said on Monday that it would plant more trees.</p></article></body></html>"
    )
    assert date_of(html) == ("2023-12-23", "dateline+json-ld:dateModified")


def test_date_shown_by_the_headline_when_nothing_declares_one():
    body = "<p>January 31, 2024</p><p>Written By Miguel Lee</p>"
    assert date_of(page(body=body)) == ("2024-01-31", "dateline")


def test_shown_update_and_join_dates_are_not_the_publication():
    body = "<p>Updated: January 2, 2026</p><p>Ann Lee, Member. Joined: Dec 11, 2021</p><p>Tue Aug 27, 2019</p>"
    assert date_of(page(body=body)) == ("2019-08-27", "dateline")


def test_an_update_the_only_date_shown_and_nothing_declared_is_the_date():
    # The page gives itself no other date: the update it shows is the one readers see.
    assert date_of(page(body="<p>Last updated on 2 January 2026</p>")) == ("2026-01-02", "dateline:updated")
    # A join date is a person's, never the page's.
    assert date_of(page(body="<p>Ann Lee. Joined: Dec 11, 2021</p>")) == (None, None)


def test_a_threads_last_post_date_is_not_the_declared_modification_shown():
    # A forum thread declares when it started and when it last changed; the "last post by"
    # line shows the latter, but it is a reply's date: the thread's is the publication.
    head = """<meta itemprop="datePublished" content="2024-01-14T09:00:00Z">
    <meta itemprop="dateModified" content="2024-01-18T17:30:00Z">"""
    body = "<p>11 replies · 12 participants · last post by AardnoldArrdvark Jan 18, 2024</p><p>Hello all</p>"
    assert date_of(page(head, body)) == ("2024-01-14", "meta:datepublished")


def test_dates_in_inline_elements_joined_without_space():
    # "<span>Health</span><span>DECEMBER 22, 2022</span><span>Updated: ...</span>" reads
    # "HealthDECEMBER 22, 2022Updated: ...": both dates are found, the first is the publication.
    body = (
        '<div class="meta"><span>Health</span><span>DECEMBER 22, 2022</span>'
        "<span>Updated: JANUARY 02, 2026</span></div>"
    )
    assert date_of(page(body=body)) == ("2022-12-22", "dateline")
    assert text_dates("2023-12-14T10:00") == ["2023-12-14"]
    assert text_dates("a mayday 5, 2020") == []  # a month name starts a word


def test_url_date_with_a_month_name():
    assert url_date("https://news.example/article/2023/dec/21/a-story/") == "2023-12-21"


def test_a_teasers_or_a_comments_time_is_never_the_date():
    body = """<div class="related-posts"><article><h3>Older story</h3>
      <time datetime="2022-01-01">1 January 2022</time></article></div>
    <section id="comments"><time datetime="2023-12-25">25 December 2023</time></section>
    <div class="recommended"><time datetime="2021-05-05">5 May 2021</time></div>"""
    assert date_of(page(body=body)) == (None, None)
    own = '<p class="meta"><time datetime="2023-12-20">20 December 2023</time></p>'
    assert date_of(page(body=own + body)) == ("2023-12-20", "dateline+time")


def test_the_sites_header_clock_is_not_the_date_but_the_articles_header_is_read():
    html = page(body='<header><p>Posted <time datetime="2023-12-20">Dec 20 2023</time></p></header>').replace(
        '<a class="logo" href="/">The Daily Planet</a>', '<time datetime="2026-03-05T07:16">March 5, 2026</time>'
    )
    assert date_of(html)[0] == "2023-12-20"
    clock_only = page().replace(
        '<a class="logo" href="/">', '<time datetime="2026-03-05T07:16">March 5, 2026</time><a>'
    )
    assert date_of(clock_only) == (None, None)
