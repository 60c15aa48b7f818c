from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from replay import replay_result

import cleaner
from cleaner.config import Config
from cleaner.model import Document
from cleaner.pipeline import clean_document, sniff_input_type

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rain in Spain | Weather</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Rain in Spain</h1>
<p>The rain in Spain stays mainly in the plain, according to meteorologists who studied the region for many years and published their results.</p>
<p>Farmers in the central plateau welcomed the downpour after a long dry summer that damaged many of their crops and dried out the wells.</p>
</article><footer>Copyright 2024 Weather. All rights reserved.</footer></body></html>"""


def test_clean_html_keeps_article_and_reports_metadata():
    result = cleaner.clean(PAGE, url="https://www.weather.example/rain")
    assert result.status == "ok"
    assert "The rain in Spain stays mainly in the plain" in result.text
    assert "Home" not in result.text.split("\n")
    assert result.metadata["title"] == "Rain in Spain"
    assert result.metadata["language"] == "en"
    assert result.metadata["input_type"] == "html" and result.metadata["extractor"] == "learned"
    assert result.document.site == "weather.example"


def test_every_removal_has_a_reason_and_the_text_is_rebuilt_from_decisions():
    result = cleaner.clean(PAGE)
    assert result.text == replay_result(result, Config())
    assert result.removed and all(r["reason"] and r["by"] for r in result.removed)


def test_sniff_input_type():
    assert sniff_input_type(b"\xef\xbb\xbf  <!DOCTYPE html><html>") == "html"
    assert sniff_input_type("Just a line of text.\nAnother one.") == "text"
    assert sniff_input_type("<b>bold</b> text") == "html"
    assert sniff_input_type("<- an arrow, not markup") == "text"


def test_unknown_extractor_is_a_usage_error():
    import pytest

    with pytest.raises(cleaner.UsageError):
        cleaner.clean(PAGE, config=Config(extractor="nope"))


def test_a_failing_stage_becomes_an_error_result_naming_it():
    deep = b"<html><body>" + b"<div>" * 3000 + b"x" + b"</div>" * 3000 + b"</body></html>"
    result = cleaner.clean(deep)
    assert result.status == "error" and result.error is not None
    assert result.error.stage == "parse" and "nested too deep" in result.error.message


def test_empty_page_is_status_empty():
    result = cleaner.clean(b"<html><body><script>x()</script></body></html>")
    assert result.status == "empty" and result.text == ""


def test_real_sample_page_is_cleaned():
    pages = sorted((SAMPLES / "html").glob("*.html"))
    assert pages, "samples/html holds real pages for make run"
    for page in pages:
        result = cleaner.clean(page.read_bytes())
        assert result.status == "ok" and len(result.text) > 200, page


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from(["html", "text"]))
def test_any_bytes_give_a_result_never_an_exception(data, kind):
    doc = Document(id="x", source="fuzz", input_type=kind, content=data if kind == "html" else data.decode("latin-1"))
    result = clean_document(doc, Config())
    assert result.status in ("ok", "empty", "error")
    assert result.text == replay_result(result, Config())


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div class='nav'>",
                "</div>",
                "<a href=x>",
                "</a>",
                "Some words here.",
                "Home",
                "<br>",
                "<li>",
                "<h2>",
                "</h2>",
                "A longer sentence of article text that reads like prose, with a verb.",
            ]
        ),
        max_size=40,
    )
)
def test_same_input_same_output_and_rebuild_from_decisions(parts):
    html = "<html><body>" + "".join(parts) + "</body></html>"
    first, second = cleaner.clean(html), cleaner.clean(html)
    assert first.text == second.text and first.decisions == second.decisions
    assert first.text == replay_result(first, Config())


def test_result_metadata_carries_source_url_and_host_as_the_record_does(tmp_path: Path):
    page = "<html><body><article><p>" + "A sentence of the article that is kept. " * 5 + "</p></article></body></html>"
    result = cleaner.clean(page, url="https://News.Example.com/a?b=1")
    assert result.metadata["url"] == "https://News.Example.com/a?b=1"
    assert result.metadata["host"] == "news.example.com"
    assert result.metadata["source"] == "<string>"
    failed = cleaner.clean_document(
        Document(id="x", source="bin.html", input_type="html", content=b"\x00" * 4000, url="https://a.org/x"), Config()
    )
    assert failed.status == "error" and failed.metadata["host"] == "a.org" and failed.metadata["source"] == "bin.html"
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    (found,) = cleaner.clean_corpus([tmp_path], jobs=1)
    assert found.metadata["source"] == "p.html" and found.metadata["url"] is None and found.metadata["host"] is None


def test_dir_of_the_package_shows_only_the_public_api():
    names = set(dir(cleaner))
    assert names == set(cleaner.__all__)
    assert {"clean", "clean_corpus", "Config", "Result"} <= names
    assert not names & {"Path", "Iterator", "Sequence", "annotations", "pipeline", "local"}
    assert all(hasattr(cleaner, name) for name in cleaner.__all__)
