"""The authors (cleaner.meta.author): each source, name joining and what is not a name."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.meta.author import BYLINE_MARKS, USER_NAME_CLASS, clean_name, may_be_marked, split_names
from cleaner.meta.html import html_metadata
from cleaner.page.segment import parse_html


def author_of(html: str, url: str | None = None) -> tuple[str | None, str | None]:
    fields, sources = html_metadata(parse_html(html), url)
    return fields["author"], sources.get("author")


def page(head: str = "", body: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Why cities need more trees</title>
{head}
</head>
<body>
<header><a class="logo" href="/">The Daily Planet</a></header>
<article>
  <h1 class="entry-title">Why cities need more trees</h1>
  {body}
  <p>Cities across Europe are planting trees along their busiest streets.</p>
</article>
</body></html>"""


# A WordPress/Yoast-style graph: the article points at its author by @id.
YOAST_GRAPH = """<script type="application/ld+json" class="yoast-schema-graph">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebPage", "@id": "https://dailyplanet.example/trees/#webpage", "name": "Why cities need more trees"},
  {"@type": "Article", "@id": "https://dailyplanet.example/trees/#article",
   "isPartOf": {"@id": "https://dailyplanet.example/trees/#webpage"},
   "author": {"name": "Ann Lee", "@id": "https://dailyplanet.example/#/schema/person/5f1e"},
   "headline": "Why cities need more trees", "datePublished": "2023-12-20T08:15:00+00:00",
   "publisher": {"@id": "https://dailyplanet.example/#organization"}},
  {"@type": "Organization", "@id": "https://dailyplanet.example/#organization", "name": "The Daily Planet"},
  {"@type": "Person", "@id": "https://dailyplanet.example/#/schema/person/5f1e", "name": "Ann Lee",
   "url": "https://dailyplanet.example/author/ann-lee/"}
]}
</script>"""


def test_json_ld_author_in_a_graph():
    assert author_of(page(YOAST_GRAPH)) == ("Ann Lee", "json-ld:author")


def test_json_ld_author_given_only_by_an_id_reference_is_resolved():
    graph = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "NewsArticle", "headline": "H", "author": [{"@id": "#person-ann"}, {"@id": "#person-bo"}]},
      {"@type": "Person", "@id": "#person-ann", "name": "Ann Lee"},
      {"@type": "Person", "@id": "#person-bo", "givenName": "Bo", "familyName": "Chan"}]}</script>"""
    assert author_of(page(graph)) == ("Ann Lee; Bo Chan", "json-ld:author")


def test_json_ld_author_of_the_article_before_that_of_an_embedded_video():
    ld = """<script type="application/ld+json">[
      {"@type": "VideoObject", "name": "Planting day", "author": {"@type": "Person", "name": "Cy Doe"}},
      {"@type": "NewsArticle", "headline": "H", "author": {"@type": "Person", "name": "Ann Lee"}}]</script>"""
    assert author_of(page(ld)) == ("Ann Lee", "json-ld:author")


def test_organisation_that_is_the_site_is_not_an_author_and_the_meta_tag_answers():
    head = """<script type="application/ld+json">
    {"@type": "NewsArticle", "author": {"@type": "Organization", "name": "The Daily Planet"}}</script>
    <meta property="og:site_name" content="The Daily Planet">
    <meta name="author" content="Ann Lee and Bo Chan">"""
    assert author_of(page(head)) == ("Ann Lee; Bo Chan", "meta:author")


def test_site_name_is_the_author_only_when_no_source_names_anyone_else():
    # A company blog post signed by the company, a personal site named after its author.
    head = '<meta name="author" content="The Daily Planet"><meta property="og:site_name" content="The Daily Planet">'
    assert author_of(page(head)) == ("The Daily Planet", "meta:author")
    # The site known from the url alone is enough to recognise it...
    assert author_of(page('<meta name="author" content="Daily Planet">'), "https://www.dailyplanet.com/a") == (
        "Daily Planet",
        "meta:author",
    )
    # ...and a person named by a later source wins over it.
    body = '<p class="byline">By Ann Lee</p>'
    assert author_of(page(head, body)) == ("Ann Lee", "byline")


def test_one_meta_tag_per_author_is_not_split_at_its_comma():
    head = """<meta name="citation_author" content="Lee, Ann">
    <meta name="citation_author" content="Chan, Bo">"""
    assert author_of(page(head)) == ("Lee, Ann; Chan, Bo", "meta:citation_author")


def test_parsely_author_meta():
    assert author_of(page('<meta name="parsely-author" content="Ann Lee">')) == ("Ann Lee", "meta:parsely-author")


def test_rel_author_link():
    body = '<p class="post-meta">Posted on 20 December 2023 by <a rel="author" href="/author/ann-lee/">Ann Lee</a></p>'
    assert author_of(page(body=body)) == ("Ann Lee", "rel=author")


def test_itemprop_author_with_a_name_inside():
    body = """<div itemprop="author" itemscope itemtype="https://schema.org/Person">
      <img src="/ann.jpg" alt=""><span itemprop="name">Ann Lee</span></div>"""
    assert author_of(page(body=body)) == ("Ann Lee", "itemprop=author")


def test_byline_after_the_headline_with_its_date_cut_off():
    body = '<div class="article__byline">By Ann Lee and Bo Chan | Updated Dec. 3, 2023 at 10:15 a.m.</div>'
    assert author_of(page(body=body)) == ("Ann Lee; Bo Chan", "byline")


def test_byline_with_a_comma_and_ampersand_list():
    body = '<p class="byline">Written by Ann Lee, Bo Chan &amp; Cy Doe</p>'
    assert author_of(page(body=body)) == ("Ann Lee; Bo Chan; Cy Doe", "byline")


def test_author_box_of_another_article_before_the_headline_is_not_the_byline():
    html = page(body='<div class="byline">By Ann Lee</div>').replace(
        "<article>", '<aside><div class="author-name">By Zed Old</div></aside><article>'
    )
    assert author_of(html) == ("Ann Lee", "byline")


def test_author_bio_paragraph_is_not_a_byline():
    body = (
        '<div class="author-bio">Ann Lee has written about cities for twenty years. She lives in Leeds with two cats '
        "and a large collection of old maps, and she teaches urban planning at the university on Fridays.</div>"
    )
    assert author_of(page(body=body)) == (None, None)


def test_no_author_anywhere_gives_none():
    assert author_of(page()) == (None, None)


@pytest.mark.parametrize(
    "value",
    ["https://www.facebook.com/annlee", "@annlee", "ann@example.com", "+55 more", "5 min read", ""],
)
def test_urls_handles_and_counts_are_not_names(value):
    assert clean_name(value) is None


def test_split_names_drops_the_by_prefix_and_splits_lists():
    assert split_names("By Ann Lee and Bo Chan") == ["Ann Lee", "Bo Chan"]
    assert split_names("Ann Lee; Bo Chan") == ["Ann Lee", "Bo Chan"]


def test_comment_authors_and_comment_form_fields_are_not_the_byline():
    body = """<section id="comments"><ol class="comment-list">
      <li class="comment"><div class="comment-author vcard"><cite>Peter</cite> says:</div><p>Nice piece.</p></li>
    </ol>
    <form id="commentform"><p class="comment-form-author"><label for="author">Name (required)</label>
      <input id="author" name="author"></p></form></section>"""
    assert author_of(page(body=body)) == (None, None)


def test_an_author_label_and_a_role_in_parentheses_are_dropped():
    body = '<div class="post-author">Author: Ann Lee (Senior Editor)</div>'
    assert author_of(page(body=body)) == ("Ann Lee", "byline")


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("Ann Lee", "Ann Lee"),
        ("Ludwig van Beethoven", "Ludwig van Beethoven"),
        ("Jong, Michiel de", "Jong, Michiel de"),
        ("ann lee", "ann lee"),  # all one case: not judged
        ("Peter says", None),
        ("Published on", None),
        ("Ann Lee has written about cities", None),
        ("Name *", None),
    ],
)
def test_a_name_is_capitalised_as_names_are(value, name):
    assert clean_name(value) == name


def test_link_preview_written_by_pair_gives_the_author():
    head = '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Ann Lee">'
    assert author_of(page(head)) == ("Ann Lee", "meta:twitter:data1")
    other = '<meta name="twitter:label1" content="Est. reading time"><meta name="twitter:data1" content="4 minutes">'
    assert author_of(page(other)) == (None, None)


def test_forum_thread_author_is_the_first_items_not_the_replies():
    body = """<div itemscope itemtype="https://schema.org/DiscussionForumPosting">
      <div itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">paulb203</span></div>
      <p>Where can I buy a licence?</p>
      <div itemprop="comment" itemscope itemtype="https://schema.org/Comment">
        <div itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">phinds</span></div>
        <p>From the shop.</p></div></div>"""
    assert author_of(page(body=body)) == ("paulb203", "itemprop=author")


@pytest.mark.parametrize("handle", ["paulb203", "xJewishNinjax", "b.scherer", "user3080392"])
def test_user_names_are_names_where_the_markup_declares_them(handle):
    assert author_of(page(f'<meta name="author" content="{handle}">')) == (handle, "meta:author")
    # In free text a word with digits is a count or a time, not a name.
    assert clean_name(handle) is None or not any(ch.isdigit() for ch in handle)


@pytest.mark.parametrize("value", ["Sun Dec", "Updated January", "May", "Full Bio", "Topic Author", "View Profile"])
def test_dates_and_labels_cut_out_of_a_byline_are_not_names(value):
    assert clean_name(value) is None


def test_a_name_that_is_also_a_month_is_still_a_name():
    assert clean_name("April Ryan") == "April Ryan"


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Clare Duffy, CNN", ["Clare Duffy"]),
        ("Dylan Bailey, MS, RD", ["Dylan Bailey"]),
        ("Michael Greger, M.D.", ["Michael Greger"]),
        ("Von Anna Schmidt", ["Anna Schmidt"]),
        ("par Jean Dupont", ["Jean Dupont"]),
        ("Por María López y Juan Pérez", ["María López", "Juan Pérez"]),
        ("Ursula von der Leyen", ["Ursula von der Leyen"]),
        ("AP", ["AP"]),  # an agency alone is the author
    ],
)
def test_prefixes_and_affiliations_are_cut_from_names(byline, names):
    assert split_names(byline) == names


def test_byline_date_after_the_name_is_cut_with_its_month():
    body = '<div class="post-author">Stacy Edgar December 4, 2025</div>'
    assert author_of(page(body=body)) == ("Stacy Edgar", "byline")


def test_author_box_whose_heading_is_a_teaser_title_is_not_the_byline():
    body = """<div class="related-author-wrapper"><h3>How to plant a tree: a guide</h3>
      <div>Stacy Edgar</div><div>December 4, 2025</div></div>"""
    assert author_of(page(body=body)) == (None, None)
    box = '<div class="author-box"><h3><a href="/u/ann">Ann Lee</a></h3><p>Last updated on 17 December 2025</p></div>'
    assert author_of(page(body=box)) == ("Ann Lee", "byline")


def test_a_customer_reviews_author_is_not_the_byline():
    body = '<div class="customer_review_author"><strong>John Warren</strong><span>Reviewed 06/08/2024</span></div>'
    assert author_of(page(body=body)) == (None, None)


def test_unmarked_byline_line_shown_after_the_headline():
    body = "<p>03/01/2017 by Agatha Caleo, Candidate Representative</p>"
    assert author_of(page(body=body)) == (None, None)  # "by" inside a line: not a byline line
    body = '<div class="meta"><time datetime="2017-03-01">03/01/2017</time><p>By Agatha Caleo, CAS</p></div>'
    assert author_of(page(body=body)) == ("Agatha Caleo", "byline:shown")
    # A line starting "By" that goes on in lower case is a sentence.
    assert author_of(page(body="<p>By the end of the year, the trees had grown.</p>")) == (None, None)
    assert author_of(page(body="<p>Written By Chris Lee ⋅ Founder ⋅ Updated May 6, 2025</p>")) == (
        "Chris Lee",
        "byline:shown",
    )


def test_forum_post_author_attribute_gives_the_threads_author():
    # Forum software marks each post with its author's user name; the first post is the thread's.
    body = """<div class="block-body">
      <article class="message" data-author="pelex_22"><div class="bbWrapper">Which host do you use?</div></article>
      <div class="comments"><article class="message" data-author="Ann Reply">Try mine.</article></div>
      <article class="message" data-author="CDB"><div class="bbWrapper">I use two.</div></article>
    </div>"""
    assert author_of(page(body=body)) == ("pelex_22", "attribute:author")
    # A custom element carrying the author, as a discussion site renders its post.
    assert author_of(page(body='<shreddit-post author="EuroStepJam" score="3"></shreddit-post>')) == (
        "EuroStepJam",
        "attribute:author",
    )


def test_author_attribute_inside_a_teaser_is_not_the_pages():
    body = '<aside class="related-posts"><div class="card" data-author="Bo Chan">Another story</div></aside>'
    assert author_of(page(body=body)) == (None, None)


def test_the_name_part_of_an_author_box_before_its_heading():
    # The box's heading is a label ("Insights from"); the part whose class says "name" is the name.
    body = """<div class="post-author"><h4 class="post-author-heading">Insights from</h4>
      <div class="post-author-info"><div class="post-author-name">Liza Burke</div>
      <div class="post-author-position">Marketing Director</div></div></div>"""
    assert author_of(page(body=body)) == ("Liza Burke", "byline")


def test_an_author_label_without_its_colon_is_not_part_of_the_name():
    body = '<div class="header_author-wrapper"><div>Author</div><div>Ann Onslow</div></div>'
    assert author_of(page(body=body)) == ("Ann Onslow", "byline")


def test_a_byline_is_cut_at_on_or_in_only_as_whole_words():
    # "Onslow" and "Investopedia" start with "on" and "in", which end a byline only as words.
    body = '<p class="byline">By Ann Onslow in Features</p>'
    assert author_of(page(body=body)) == ("Ann Onslow", "byline")


def test_a_forum_posts_user_name_class_gives_the_threads_author():
    body = """<div class="post"><dl class="postprofile"><dt>
      <a href="./memberlist.php?mode=viewprofile&amp;u=421190" class="username">b.scherer</a></dt>
      <dd class="profile-posts">Posts: 16</dd></dl><div class="content">My Pi will not boot.</div></div>"""
    assert author_of(page(body=body)) == ("b.scherer", "byline")
    # An id holding "username" is a slug of a link, not a user name.
    nav = '<ul class="sidebar"><li id="docs-configure-runasusername-li">Configure RunAsUserName</li></ul>'
    assert author_of(page(body=nav)) == (None, None)


def test_an_authorized_dealer_badge_is_not_a_byline():
    assert author_of(page(body='<div class="authorized-badge">Authorized Dealer</div>')) == (None, None)


@pytest.mark.parametrize(
    ("shown", "name"),
    [
        # A name on its own line above the date and reading time.
        ("<p>Elliot Raba</p><p>23.07.2025 · 6 min read</p>", "Elliot Raba"),
        # The date, a bullet, then the name and its section.
        ('<p>Dec 26, 2025 • <img src="a.png"> Mahua Das in <a href="/c">Project Management</a></p>', "Mahua Das"),
    ],
)
def test_a_name_beside_the_dateline_without_by(shown, name):
    assert author_of(page(body=shown)) == (name, "byline:dateline")


@pytest.mark.parametrize(
    "shown",
    [
        "<p>News</p><p>December 3, 2025</p>",  # one word: a section
        "<p>December 3, 2025 | Thoughts, Technology</p>",  # a list of categories
        "<p>December 3, 2025 · 6 min read</p>",
    ],
)
def test_what_stands_beside_a_dateline_is_not_always_a_name(shown):
    assert author_of(page(body=shown)) == (None, None)


def test_the_name_heading_a_bio_box_is_the_author():
    bio = "Lauren Vetter is a growth-focused marketing professional who writes about clinics. " * 3
    body = f"""<div class="blog_author-box"><img class="blog_author-image" alt="" src="a.png">
      <div class="blog_author-text"><div class="title-small">Lauren Vetter</div><div class="rich">{bio}</div></div></div>"""
    assert author_of(page(body=body)) == ("Lauren Vetter", "byline")
    # A bio box starting with a sentence names no one.
    other = body.replace("Lauren Vetter</div>", "Meet our writing team and learn about them</div>")
    assert author_of(page(body=other)) == (None, None)


# Pieces of class and id values: the byline words cut in two, in both cases, with the
# non-ASCII letters that IGNORECASE matches to "i", "s" and "k".
MARK_PIECES = ["auth", "or", "AUTH", "OR", "by", "line", "writ", "er", "contri", "butor", "user", "name"]
MARK_PIECES += ["ı", "İ", "ſ", "K", "iz", "-", "_", " ", "x", "Comment"]


@given(st.lists(st.sampled_from(MARK_PIECES), max_size=8).map("".join))
@settings(max_examples=500, deadline=None)
def test_may_be_marked_never_turns_away_what_the_regexes_find(marks: str) -> None:
    if BYLINE_MARKS.search(marks) or USER_NAME_CLASS.search(marks):
        assert may_be_marked(marks)


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        ("post-author vcard", True),
        ("entry-meta BYLINE", True),
        ("Writer-box", True),
        ("c-contributor", True),
        ("bigusername", True),
        ("wrıter", True),  # dotless i: not ASCII, left to the regexes (which match it)
        ("nav main-menu", False),
        ("", False),
        (" hero", False),
    ],
)
def test_may_be_marked(marks: str, expected: bool) -> None:
    assert may_be_marked(marks) is expected
