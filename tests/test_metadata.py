from cleaner.metadata import host_of, html_metadata, iso_date
from cleaner.segment import parse_html


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
