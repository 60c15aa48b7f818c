"""cleaner.integrations without the libraries: clean_batch on plain columns, the missing-extra errors.

The datatrove step and clean_dataset with the real libraries are in
test_integrations_libraries.py (`make test-slow`, which installs the integrations extra).
"""

from __future__ import annotations

import importlib
import sys

import pytest

from cleaner import Config, UsageError
from cleaner.integrations import common
from cleaner.integrations.hf_datasets import ERROR_FIELDS, LIST_FIELDS, STRING_FIELDS, clean_batch
from cleaner.model import REASONS

ARTICLE = (
    "<html><head><title>Trams return to the old town</title><meta name='author' content='Jane Doe'></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
    "<article><h1>Trams return to the old town</h1>"
    "<p>The city council voted on Tuesday to bring trams back to the old town after forty years of buses "
    "and traffic jams in its narrow streets.</p>"
    "<p>Work on the tracks starts in the spring, and the first line opens next year, the mayor told the meeting.</p>"
    "</article><footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"
)
NAV_ONLY = "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>"


def test_clean_batch_cleans_each_row_and_keeps_the_reasons() -> None:
    out = clean_batch({"html": [ARTICLE, NAV_ONLY], "url": ["https://news.example.com/trams", None]})
    assert set(out) == {"text", "cleaner"}
    article, nav = out["cleaner"]
    assert "voted on Tuesday to bring trams back" in out["text"][0]
    assert "Home" not in out["text"][0] and "Copyright" not in out["text"][0]
    assert article["status"] == "ok"
    assert (article["url"], article["host"]) == ("https://news.example.com/trams", "news.example.com")
    assert article["author"] == "Jane Doe"
    removed = {item["text"]: item for item in article["removed"]}
    assert "Home News Sport" in removed and "Copyright 2024 Example News. All rights reserved." in removed
    assert all(item["reason"] in REASONS and item["by"] for item in article["removed"])
    assert out["text"][1] == "" and nav["status"] == "empty" and nav["url"] is None
    assert nav["error"] is None


def test_every_row_has_every_declared_field_and_no_other() -> None:
    declared = {*STRING_FIELDS, *LIST_FIELDS, "error", "removed"}
    rows = clean_batch({"text": [ARTICLE, "", None]}, config=Config(explain=True))["cleaner"]
    for row in rows:
        assert set(row) == declared  # explain's metadata_sources has no column: it is left out


def test_the_record_has_no_field_the_columns_leave_out() -> None:
    # A field added to the record's metadata must be given a column type in hf_datasets.
    page = common.clean_page(ARTICLE, "https://news.example.com/trams", Config())
    assert set(page["metadata"]) <= {*STRING_FIELDS, *LIST_FIELDS, "error"}
    assert "source" not in page["metadata"]  # "<string>" there: the row is the page's place


def test_a_skipped_page_says_why() -> None:
    out = clean_batch({"html": [ARTICLE]}, config=Config(languages=("de",)))
    row = out["cleaner"][0]
    assert (row["status"], row["skip_reason"], row["skip_detail"]) == ("skipped", "language.other", "en")


def test_a_failed_page_has_its_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner import pipeline

    def broken(page: object, config: Config) -> None:
        raise RuntimeError("extractor broke")

    monkeypatch.setattr(pipeline, "decide", broken)
    row = clean_batch({"html": [ARTICLE]})["cleaner"][0]
    assert row["status"] == "error"
    assert row["error"] == {"stage": "extract", "type": "RuntimeError", "message": "extractor broke"}
    assert set(row["error"]) == set(ERROR_FIELDS)


def test_the_page_column_is_found_or_named() -> None:
    both = clean_batch({"text": ["a line of text that is not the page"], "html": [ARTICLE]})
    assert "voted on Tuesday" in both["text"][0]  # html before text
    raw = clean_batch({"raw_content": [ARTICLE], "id": ["1"]})
    assert "voted on Tuesday" in raw["text"][0]
    chosen = clean_batch({"page": [ARTICLE]}, column="page", text_column="clean", metadata_column="meta")
    assert set(chosen) == {"clean", "meta"} and "voted on Tuesday" in chosen["clean"][0]
    with pytest.raises(UsageError, match=r"no column any of html, .*'id', 'page'.*column=\.\.\."):
        clean_batch({"id": ["1"], "page": [ARTICLE]})
    with pytest.raises(UsageError, match=r"no column 'body'"):
        clean_batch({"page": [ARTICLE]}, column="body")


def not_installed(monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    """Make ``library`` and its modules unimportable, as if not installed (even when imported already)."""
    for name in [library, *(n for n in sys.modules if n.startswith(library + "."))]:
        monkeypatch.setitem(sys.modules, name, None)


def test_a_missing_library_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    not_installed(monkeypatch, "datatrove")
    monkeypatch.delitem(sys.modules, "cleaner.integrations.datatrove_step", raising=False)
    with pytest.raises(ImportError, match=r"needs datatrove: pip install 'web-cleaner\[integrations\]'"):
        importlib.import_module("cleaner.integrations.datatrove_step")
    not_installed(monkeypatch, "datasets")
    from cleaner.integrations.hf_datasets import output_features

    with pytest.raises(ImportError, match=r"needs datasets: pip install 'web-cleaner\[integrations\]'"):
        output_features()
