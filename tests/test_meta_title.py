"""The headline (cleaner.meta.title): each source and the site-name stripping, on page fragments."""

import lxml.html

from cleaner.meta.html import html_metadata
from cleaner.page.segment import parse_html


def title_of(html: str, url: str | None = None) -> tuple[str | None, str | None]:
    fields, sources = html_metadata(parse_html(html), url)
    return fields["title"], sources.get("title")


HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  {head}
</head>
<body>
  <header class="site-header"><a class="logo" href="/">The Daily Planet</a>
    <nav><ul><li><a href="/news">News</a></li><li><a href="/opinion">Opinion</a></li></ul></nav>
  </header>
  <main>
    {body}
    <p>Cities across Europe are planting trees along their busiest streets.</p>
  </main>
</body>
</html>"""


def page(head: str = "", body: str = "") -> str:
    return HEAD.format(head=head, body=body)


def test_h1_agreeing_with_og_title_is_the_title():
    html = page(
        '<meta property="og:title" content="Why cities need more trees">',
        '<article><h1 class="entry-title">Why cities need more trees</h1></article>',
    )
    assert title_of(html) == ("Why cities need more trees", "h1")


def test_h1_agreeing_with_the_json_ld_headline_is_the_title():
    html = page(
        """<script type="application/ld+json">
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Why cities need more trees",
         "datePublished": "2023-12-20"}</script>""",
        '<h1 class="headline">Why cities need more trees</h1>',
    )
    assert title_of(html) == ("Why cities need more trees", "h1")


def test_h1_agreeing_with_the_start_of_a_title_tag_with_a_site_suffix():
    html = page("<title>Why cities need more trees | The Daily Planet</title>", "<h1>Why cities need more trees</h1>")
    assert title_of(html) == ("Why cities need more trees", "h1")


def test_heading_text_is_what_a_reader_sees():
    # A permalink mark and an inline script are not part of the headline.
    html = page(
        "<title>Rain in Spain</title>",
        '<h1><a class="anchor" href="#top">¶</a> Rain in <script>track("h1")</script>Spain</h1>',
    )
    assert title_of(html) == ("Rain in Spain", "h1")


def test_og_title_loses_the_site_name_og_site_name_gives():
    html = page(
        """<meta property="og:title" content="Why cities need more trees | The Daily Planet">
        <meta property="og:site_name" content="The Daily Planet">""",
        '<div class="lede">No heading on this page.</div>',
    )
    assert title_of(html) == ("Why cities need more trees", "meta:og:title")


def test_title_tag_loses_a_site_prefix_the_url_names():
    html = page("<title>Daily Planet | Why cities need more trees</title>")
    assert title_of(html, "https://www.dailyplanet.com/news/2023/trees") == ("Why cities need more trees", "title")


def test_a_leading_brand_that_is_not_mostly_the_site_name_stays():
    # "Northwind" is the brand the headline is about, not a "Site |" prefix to strip.
    html = page("<title>Northwind Arrival T-Shirt - Black - Northwind</title>")
    assert title_of(html, "https://www.northwind.com/products/arrival-t-shirt") == (
        "Northwind Arrival T-Shirt - Black",
        "title",
    )


def test_declared_titles_agreeing_once_the_site_is_stripped():
    html = page(
        """<title>Why cities need more trees - Daily Planet</title>
        <meta name="twitter:title" content="Why cities need more trees">""",
    )
    assert title_of(html, "https://dailyplanet.com/a") == ("Why cities need more trees", "meta:twitter:title")


def test_section_label_heading_is_not_the_title():
    # "Opinion" is an h1 and matches a segment of the <title>, but it is a label.
    html = page(
        "<title>Opinion | Why cities need more trees | The Daily Planet</title>",
        '<h1 class="section-label">Opinion</h1><h2 class="headline">Why cities need more trees</h2>',
    )
    assert title_of(html, "https://dailyplanet.com/opinion/trees") == ("Why cities need more trees", "h2")


def test_site_logo_h1_is_skipped_for_the_headline_in_an_h2():
    html = page(
        "<title>Rain in Spain - Weather Site</title>",
        "<h1>Weather Site</h1><h2>Rain in Spain</h2>",
    )
    assert title_of(html, "https://weathersite.com/news/rain") == ("Rain in Spain", "h2")


def test_h1_saying_the_title_in_other_words():
    html = page("<title>Graphic Design Course Online | Bright School</title>", "<h1>Online Graphic Design Course</h1>")
    assert title_of(html) == ("Online Graphic Design Course", "h1")


def test_a_site_pages_banner_h1_does_not_replace_its_declared_title():
    # A service page (og:type "website"): its h1 is a banner resembling the declared title;
    # the declared title, without the site's name, names the page.
    head = """<title>Data Analytics Services and Solutions | Acme</title>
    <meta property="og:type" content="website"><meta property="og:site_name" content="Acme">"""
    html = page(head, "<h1>Intelligent analytics services</h1>")
    assert title_of(html, "https://www.acme.com/analytics/") == ("Data Analytics Services and Solutions", "title")
    # An article's h1 saying the same in other words is its headline.
    article = head.replace('content="website"', 'content="article"')
    assert title_of(page(article, "<h1>Intelligent analytics services</h1>"), "https://www.acme.com/analytics/") == (
        "Intelligent analytics services",
        "h1",
    )


def test_home_page_keeps_its_leading_name():
    html = page("<title>Acme | Industrial tools since 1920</title>")
    assert title_of(html, "https://www.acme.com/") == ("Acme | Industrial tools since 1920", "title")
    # ...where an article page of the same site loses it.
    html = page("<title>Acme | Hammer review</title>")
    assert title_of(html, "https://www.acme.com/reviews/hammer") == ("Hammer review", "title")


def test_an_unrelated_h1_does_not_replace_the_declared_title():
    html = page("<title>Why cities need more trees</title>", "<h1>Newsletter sign-up</h1>")
    assert title_of(html) == ("Why cities need more trees", "title")


def test_no_declared_title_and_only_a_logo_heading_gives_none():
    html = page(body="<h1>The Daily Planet</h1>")
    assert title_of(html) == (None, None)


def test_text_after_an_html_comment_in_a_heading_is_kept():
    # cleaner's own parser drops comments; other callers' trees (lxml.html) keep them.
    tree = lxml.html.document_fromstring(
        "<html><head><title>Rain in Spain</title></head><body><h1>Rain in <!-- x -->Spain</h1></body></html>"
    )
    fields, sources = html_metadata(tree, None)
    assert (fields["title"], sources["title"]) == ("Rain in Spain", "h1")


def test_forum_prefix_label_in_the_h1_is_left_out():
    # A forum's thread prefix in its own element; og:title has it, JSON-LD does not.
    html = page(
        '<meta property="og:title" content="Question - Which boots for winter hikes?">'
        '<script type="application/ld+json">{"@type": "DiscussionForumPosting",'
        ' "headline": "Which boots for winter hikes?"}</script>',
        '<h1 class="p-title-value"><span class="label">Question</span><span>&#160;</span>'
        "Which boots for winter hikes?</h1>",
    )
    assert title_of(html) == ("Which boots for winter hikes?", "h1")


def test_kicker_before_the_headline_in_the_h1_is_left_out():
    html = page(
        '<meta property="og:title" content="Tram line opens after ten years of work | The Daily Planet">',
        '<h1 class="entry-title"><span class="roofline">Transport:</span> Tram line opens after ten years of work</h1>',
    )
    assert title_of(html, "https://dailyplanet.example/transport/tram") == (
        "Tram line opens after ten years of work",
        "h1",
    )


def test_subtitle_after_the_headline_in_the_h1_is_left_out():
    html = page(
        '<meta property="og:title" content="Tram line opens after ten years of work">',
        '<h1><a href="/tram"><span class="title">Tram line opens after ten years of work</span>'
        ' <span class="subtitle">The city hopes for fewer cars downtown</span></a></h1>',
    )
    assert title_of(html) == ("Tram line opens after ten years of work", "h1")


def test_heading_parts_are_kept_when_the_declared_title_has_them_all():
    # The span is only styling: the whole heading is the declared title.
    html = page(
        '<meta property="og:title" content="Transport: tram line opens">',
        '<h1><span class="big">Transport:</span> tram line opens</h1>',
    )
    assert title_of(html) == ("Transport: tram line opens", "h1")


def test_declared_title_no_heading_agrees_with_is_cut_to_its_first_segment():
    # No heading agrees: the og:title's trailing segment is a section, not the site's name.
    html = page(
        '<meta property="og:title" content="Travel insurance | Plans and quotes">',
        "<h2>Cover for every trip</h2>",
    )
    assert title_of(html, "https://insurer.example/travel-insurance/") == ("Travel insurance", "meta:og:title")


def test_declared_title_of_a_home_page_keeps_its_segments():
    html = page(
        '<meta property="og:title" content="Acme Rockets | Rockets for every road runner">',
        "<h2>Cover for every trip</h2>",
    )
    assert title_of(html, "https://rocketry.example/") == (
        "Acme Rockets | Rockets for every road runner",
        "meta:og:title",
    )
