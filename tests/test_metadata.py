from pathlib import Path

import pytest

from cleaner.config import Config
from cleaner.io import host_of
from cleaner.meta.html import HTML_FIELDS, MAX_TERMS, html_metadata, iso_date
from cleaner.output.records import result_record
from cleaner.page.segment import parse_html
from cleaner.pipeline import clean


def meta_of(html: str, url: str | None = None):
    return html_metadata(parse_html(html), url)


def test_title_prefers_agreeing_sources_over_a_title_tag_with_site_suffix():
    html = """<html><head><title>Assad aiding Islamic State, says US | Middle East Eye</title>
    <meta property="og:title" content="Assad aiding Islamic State, says US">
    <meta property="og:site_name" content="Middle East Eye"></head>
    <body><h1>Assad aiding Islamic State, says US</h1><p>x</p></body></html>"""
    fields, sources = meta_of(html)
    assert fields["title"] == "Assad aiding Islamic State, says US"
    assert fields["sitename"] == "Middle East Eye" and sources["sitename"] == "meta:og:site_name"


def test_title_tag_alone_loses_its_site_suffix_when_the_url_names_the_site():
    fields, sources = meta_of(
        "<html><head><title>Rain in Spain - Weather Site</title></head><body><p>x</p></body></html>",
        url="https://www.weathersite.com/news/rain-in-spain",
    )
    assert fields["title"] == "Rain in Spain" and sources["title"] == "title"


def test_title_tag_keeps_a_suffix_that_is_not_known_to_be_the_site():
    # Without a url or a site name, " - Weather Site" could as well be part of the headline
    # ("Spider-Man - Far From Home"): the title is kept as the page states it, not guessed at.
    fields, sources = meta_of(
        "<html><head><title>Rain in Spain - Weather Site</title></head><body><p>x</p></body></html>"
    )
    assert fields["title"] == "Rain in Spain - Weather Site" and sources["title"] == "title"


def test_json_ld_author_list_and_date():
    html = """<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", "headline": "H",
     "datePublished": "2015-06-02T10:00:00+01:00",
     "author": [{"@type": "Person", "name": "Ann Lee"}, {"@type": "Person", "name": "Bo Chan"}]}]}
    </script></head><body><p>x</p></body></html>"""
    fields, sources = meta_of(html)
    assert fields["author"] == "Ann Lee; Bo Chan" and sources["author"] == "json-ld:author"
    assert fields["date"] == "2015-06-02" and sources["date"] == "json-ld:datePublished"


def test_meta_date_time_element_language_and_canonical():
    html = """<html lang="de-DE"><head><link rel="canonical" href="https://ex.com/a">
    <meta name="author" content="Max Muster"></head>
    <body><time datetime="2021-03-04T08:00">4. März</time><p>x</p></body></html>"""
    fields, sources = meta_of(html)
    assert fields["language"] == "de" and fields["canonical_url"] == "https://ex.com/a"
    assert fields["date"] == "2021-03-04" and sources["date"] == "time"
    assert fields["author"] == "Max Muster"


def test_date_from_the_url_when_the_markup_has_none():
    fields, sources = meta_of("<html><body><p>x</p></body></html>", url="https://news.example/2019/05/17/flood-report")
    assert fields["date"] == "2019-05-17" and sources["date"] == "url"


def test_json_ld_date_wins_over_a_different_visible_date():
    html = """<html><head><script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2020-01-02"}</script>
    </head><body><time datetime="2023-09-09">updated</time><p>x</p></body></html>"""
    fields, sources = meta_of(html)
    assert fields["date"] == "2020-01-02" and sources["date"] == "json-ld:datePublished"


def test_unknown_fields_are_none_not_guesses():
    fields, _ = meta_of("<html><body><p>Just text.</p></body></html>")
    assert fields["title"] is None and fields["author"] is None and fields["date"] is None


def test_broken_json_ld_is_ignored():
    fields, _ = meta_of(
        '<html><head><script type="application/ld+json">{broken</script></head><body><p>x</p></body></html>'
    )
    assert fields["author"] is None


def test_iso_date_rejects_placeholders_and_keeps_real_dates():
    assert iso_date("2019-11-05T12:00:00Z") == "2019-11-05"
    assert iso_date("0000-00-00") is None and iso_date("2019-13-01") is None and iso_date(None) is None


def test_host_of():
    assert host_of("https://www.Example.com:8080/a?b") == "example.com"
    assert host_of("not a url") is None and host_of(None) is None


# --- the page-level fields: sitename, description, language, canonical url, terms, licence


def field_of(html: str, name: str, url: str | None = None) -> tuple[object, str | None]:
    fields, sources = meta_of(html, url)
    return fields[name], sources.get(name)


def head_page(head: str, body: str = "<p>Text.</p>", lang: str = "") -> str:
    return f"<!DOCTYPE html><html{lang}><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="og:site_name" content="The Daily Planet">', ("The Daily Planet", "meta:og:site_name")),
        ('<meta name="application-name" content="The Daily Planet">', ("The Daily Planet", "meta:application-name")),
        ('<meta name="twitter:site" content="@dailyplanet">', (None, None)),  # a handle, not a name
        (
            """<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H",
            "publisher": {"@type": "Organization", "name": "The Daily Planet",
                          "logo": {"@type": "ImageObject", "url": "https://dailyplanet.example/logo.png"}}}</script>""",
            ("The Daily Planet", "json-ld:publisher"),
        ),
        (
            """<script type="application/ld+json">[{"@type": "WebSite", "name": "The Daily Planet",
            "url": "https://dailyplanet.example/"}]</script>""",
            ("The Daily Planet", "json-ld:WebSite"),
        ),
        ("", (None, None)),
    ],
)
def test_sitename_sources(head, expected):
    assert field_of(head_page(head), "sitename") == expected


def test_description_from_meta_description_then_og_description():
    both = """<meta name="description" content="Trees cool streets &amp; save energy.">
    <meta property="og:description" content="Shade, in numbers.">"""
    assert field_of(head_page(both), "description") == ("Trees cool streets & save energy.", "meta:description")
    og = '<meta property="og:description" content="Shade, in numbers.">'
    assert field_of(head_page(og), "description") == ("Shade, in numbers.", "meta:og:description")
    assert field_of(head_page(""), "description") == (None, None)


@pytest.mark.parametrize(
    ("lang", "head", "expected"),
    [
        (' lang="en-GB"', "", "en"),
        (' xml:lang="pt_BR"', "", "pt"),
        ("", '<meta http-equiv="Content-Language" content="fr, en">', "fr"),
        (' lang="x-default"', "", None),
        ("", "", None),
    ],
)
def test_declared_language(lang, head, expected):
    assert field_of(head_page(head, lang=lang), "language") == (expected, "html:lang" if expected else None)


def test_canonical_url_relative_is_resolved_against_the_page_url():
    head = '<link rel="canonical" href="/news/2023/trees">'
    assert field_of(
        head_page(head), "canonical_url", "https://www.dailyplanet.example/news/2023/trees?utm_source=x"
    ) == (
        "https://www.dailyplanet.example/news/2023/trees",
        "link:canonical",
    )


def test_canonical_url_relative_without_a_page_url_is_unknown():
    assert field_of(head_page('<link rel="canonical" href="/news/2023/trees">'), "canonical_url") == (None, None)


def test_canonical_url_falls_back_to_og_url():
    head = '<meta property="og:url" content="https://dailyplanet.example/news/2023/trees">'
    assert field_of(head_page(head), "canonical_url") == ("https://dailyplanet.example/news/2023/trees", "meta:og:url")


def test_categories_and_tags_from_article_metas():
    head = """<meta property="article:section" content="Environment">
    <meta property="article:tag" content="Trees"><meta property="article:tag" content="Cities">
    <meta property="article:tag" content="trees"><meta name="keywords" content="ignored, because, article:tag, wins">"""
    fields, sources = meta_of(head_page(head))
    assert fields["categories"] == ["Environment"] and sources["categories"] == "meta:article:section"
    assert fields["tags"] == ["Trees", "Cities"] and sources["tags"] == "meta:article:tag"


def test_keywords_are_split_and_capped():
    head = '<meta name="keywords" content="trees, cities; urban planning | climate,  ,Trees">'
    assert field_of(head_page(head), "tags") == (["trees", "cities", "urban planning", "climate"], "meta:keywords")
    many = ",".join(f"keyword {i}" for i in range(50)) + "," + "x" * 61
    tags, _ = field_of(head_page(f'<meta name="keywords" content="{many}">'), "tags")
    assert tags == [f"keyword {i}" for i in range(MAX_TERMS)]


def test_categories_and_tags_from_json_ld():
    head = """<script type="application/ld+json">{"@type": "BlogPosting", "headline": "H",
    "articleSection": ["Environment", "Cities"], "keywords": "trees,cities"}</script>"""
    fields, sources = meta_of(head_page(head))
    assert fields["categories"] == ["Environment", "Cities"] and sources["categories"] == "json-ld:articleSection"
    assert fields["tags"] == ["trees", "cities"] and sources["tags"] == "json-ld:keywords"


def test_licence_from_a_rel_license_link_resolved():
    body = '<p>Text.</p><footer><a rel="license" href="/licenses/by/4.0/">CC BY 4.0</a></footer>'
    assert field_of(head_page("", body), "license", "https://wiki.example/page") == (
        "https://wiki.example/licenses/by/4.0/",
        "rel=license",
    )


def test_licence_from_json_ld_and_from_a_rights_meta():
    ld = """<script type="application/ld+json">{"@type": "Article", "headline": "H",
    "license": "https://creativecommons.org/licenses/by-sa/4.0/"}</script>"""
    assert field_of(head_page(ld), "license") == ("https://creativecommons.org/licenses/by-sa/4.0/", "json-ld:license")
    assert field_of(head_page('<meta name="DC.rights" content="CC0">'), "license") == ("CC0", "meta:dc.rights")
    assert field_of(head_page(""), "license") == (None, None)


def test_every_field_is_none_and_sourceless_on_a_bare_page():
    fields, sources = meta_of("<html><body><p>Just text.</p></body></html>")
    assert list(fields) == list(HTML_FIELDS)
    assert all(value is None for value in fields.values()) and sources == {}


# --- the record: sources with --explain, the same fields for every input


ARTICLE = """<!DOCTYPE html><html lang="en"><head><title>Rain in Spain | Weather Site</title>
<meta property="og:site_name" content="Weather Site"><meta name="author" content="Ann Lee">
<meta property="article:published_time" content="2023-05-01T10:00:00Z">
<meta name="description" content="It rained.">
<link rel="canonical" href="/news/rain-in-spain"></head>
<body><h1>Rain in Spain</h1>
<p>It rained a lot in Spain this week, mostly on the plain, and the farmers were glad of it after a dry spring.</p>
</body></html>"""


def test_explained_record_says_where_each_field_came_from():
    config = Config(explain=True, extractor="justext")  # metadata does not depend on the extractor
    record = result_record(
        clean(ARTICLE, "https://weathersite.example/news/rain-in-spain?ref=home", config=config), config
    )
    meta = record["metadata"]
    assert (
        meta["title"] == "Rain in Spain" and meta["canonical_url"] == "https://weathersite.example/news/rain-in-spain"
    )
    assert meta["metadata_sources"] == {
        "title": "h1",
        "author": "meta:author",
        "date": "meta:article:published_time",
        "sitename": "meta:og:site_name",
        "description": "meta:description",
        "language": "html:lang",
        "canonical_url": "link:canonical",
    }
    # Every field with a value has its source, and only those.
    assert {name for name in HTML_FIELDS if meta[name] is not None} == set(meta["metadata_sources"])


def test_record_without_explain_has_no_sources():
    config = Config(extractor="justext")
    record = result_record(clean(ARTICLE, "https://weathersite.example/news/rain-in-spain", config=config), config)
    assert "metadata_sources" not in record["metadata"]


def test_text_record_has_every_metadata_field_and_its_sources():
    dump = (
        "Why cities need more trees\n\nBy Ann Lee\n\nPublished: 3 December 2023\n\n"
        "Cities across Europe are planting trees along their busiest streets, and the early results suggest that "
        "the shade lowers summer temperatures by several degrees, the council said in its report on Monday.\n\n"
        "Residents who were asked about the scheme said they liked it, although some complained about the leaves.\n"
    )
    config = Config(explain=True)
    meta = result_record(clean(dump, config=config, input_type="text"), config)["metadata"]
    assert set(HTML_FIELDS) <= set(meta)
    assert (meta["title"], meta["author"], meta["date"], meta["language"]) == (
        "Why cities need more trees",
        "Ann Lee",
        "2023-12-03",
        "en",
    )
    assert meta["canonical_url"] is None and meta["tags"] is None
    assert (
        meta["metadata_sources"]["language"] == "text:langid" and meta["metadata_sources"]["date"] == "text:meta.date"
    )
    assert set(meta["metadata_sources"]) == {"title", "author", "date", "language"}


# --- text dumps: headline, byline, date and source lines, language of the text

TEXT_BODY = (
    "Cities across Europe are planting trees along their busiest streets, and the early results suggest that "
    "the shade lowers summer temperatures by several degrees, the council said in its report on Monday.\n\n"
    "Residents who were asked about the scheme said they liked it, although some complained about the leaves "
    "that fall in autumn and about the cost of the work, which the regional government paid for.\n"
)


def text_meta(dump: str) -> dict:
    config = Config(explain=True)
    return result_record(clean(dump, config=config, input_type="text"), config)["metadata"]


def test_text_dump_headline_byline_date_and_source_lines():
    meta = text_meta(
        "Why cities need more trees\n\nBy Ann Lee and Bo Chan\n\nUpdated 2023-12-03 10:15 GMT\n\n"
        + TEXT_BODY
        + "\nSource: The Daily Planet\n"
    )
    assert (meta["title"], meta["author"], meta["date"], meta["sitename"], meta["language"]) == (
        "Why cities need more trees",
        "Ann Lee; Bo Chan",
        "2023-12-03",
        "The Daily Planet",
        "en",
    )
    assert meta["metadata_sources"]["sitename"] == "text:meta.source"


def test_text_dump_in_another_language():
    meta = text_meta(
        "Warum Städte mehr Bäume brauchen\n\nVon Anna Lehmann\n\n03.12.2023\n\n"
        "Städte in ganz Europa pflanzen Bäume an ihren belebtesten Straßen, und die ersten Ergebnisse zeigen, dass "
        "der Schatten die Temperaturen im Sommer um mehrere Grad senkt. Der Rat sagte, er werde im nächsten Jahr "
        "einen vollständigen Bericht veröffentlichen.\n\nDie Anwohner, die nach dem Vorhaben gefragt wurden, sagten, "
        "dass es ihnen gefalle, auch wenn sich einige über das Laub im Herbst beschwerten.\n"
    )
    assert (meta["author"], meta["date"], meta["language"]) == ("Anna Lehmann", "2023-12-03", "de")


def test_text_dump_date_that_could_be_either_month_is_unknown():
    assert text_meta("Why cities need more trees\n\n03/12/2023\n\n" + TEXT_BODY)["date"] is None
    assert text_meta("Why cities need more trees\n\n14/03/2023\n\n" + TEXT_BODY)["date"] == "2023-03-14"


def test_text_dump_that_states_nothing_but_its_text():
    meta = text_meta(TEXT_BODY)
    assert meta["author"] is None and meta["date"] is None and meta["sitename"] is None
    assert meta["language"] == "en"


def test_text_dump_byline_and_dateline_fill_author_and_date():
    dump = (
        "Rain returns to the valley\n\n"
        "Von Anna Schmidt\n"
        "Published: June 11, 2014\n\n"
        "The rain came back to the valley on Tuesday after a dry spring that left the fields brown.\n"
        "Farmers said the water came just in time for the second planting of the season.\n"
    )
    meta = clean(dump, input_type="text").metadata
    assert meta["author"] == "Anna Schmidt" and meta["date"] == "2014-06-11"


def test_a_photo_caption_with_a_date_is_not_a_text_dumps_date():
    # Middle East Eye's dumps put a dated caption under the headline; it dates the photo.
    dump = (
        "Syria rebels urge Arab support\n\n"
        "A fighter from the Free Syrian Army in Deir Ezzor on February 28, 2013 (AFP)\n\n"
        "Syrian rebels backed by the international community called Wednesday for help to fight the group.\n"
        "Reporting by: Saleh Adam\n"
    )
    meta = clean(dump, input_type="text").metadata
    assert meta["date"] is None and meta["author"] == "Saleh Adam"


@pytest.mark.parametrize(
    ("name", "author", "date"),
    [
        ("000_4e6828c90f9beffd", None, None),  # MEE: the dated caption is the photo's, no byline
        ("001_0c6b7ebbb520fc9c", None, None),
        ("002_b8fb5e990e0f894b", "Saleh Adam", None),  # "Reporting by: Saleh Adam"
    ],
)
def test_seed_dumps_metadata_through_the_pipeline(name, author, date):
    path = Path(__file__).resolve().parent.parent / "samples" / f"{name}.txt"
    meta = clean(path.read_text(encoding="utf-8"), input_type="text").metadata
    assert (meta["author"], meta["date"]) == (author, date)
