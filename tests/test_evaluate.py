"""Scoring, loading and splitting of devdata (cleaner.learning.scoring, cleaner.learning.devdata), plus the bench helpers.

Every expected value is computed by hand in the comment next to it.
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Any

import pytest

from cleaner.learning.devdata import GoldPage, gold_site, load_devdata, read_html, split_by_site
from cleaner.learning.scoring import (
    PageScore,
    aggregate,
    format_table,
    metadata_scores,
    score_page,
    shingle_counts,
    shingle_scores,
    shingles,
    snippet_scores,
    summarize,
)

DEVDATA = Path(__file__).resolve().parents[2] / "shared" / "devdata"


# ----------------------------------------------------------------------------- shingles


def test_tokens_are_lowercased_word_runs():
    # "Hello, WORLD! it's" -> hello / world / it / s: one shingle of 4 tokens
    assert shingles("Hello, WORLD! it's") == {("hello", "world", "it", "s"): 1}


def test_partial_overlap():
    # gold a b c d e -> {abcd, bcde}; output a b c d -> {abcd}
    # tp = 1, fp = 0, fn = 1 -> P = 1/1 = 1, R = 1/2
    assert shingle_counts("a b c d", "a b c d e") == (1, 0, 1)
    assert shingle_scores("a b c d", "a b c d e") == (1.0, 0.5)


def test_extra_output_lowers_precision():
    # gold a b c d -> {abcd}; output a b c d e f -> {abcd, bcde, cdef}
    # tp = 1, fp = 2, fn = 0 -> P = 1/3, R = 1
    p, r = shingle_scores("a b c d e f", "a b c d")
    assert p == pytest.approx(1 / 3)
    assert r == 1.0


def test_case_and_punctuation_are_ignored():
    # both tokenize to the cat sat on -> the same single shingle: P = R = 1
    assert shingle_scores("The CAT -- sat, on", "the cat sat on") == (1.0, 1.0)


def test_short_texts_are_one_shingle():
    # "Hello, World!" has 2 tokens < 4: the whole tuple (hello, world) is the shingle
    assert shingles("Hello, World!") == {("hello", "world"): 1}
    assert shingle_scores("hello world", "Hello, World!") == (1.0, 1.0)
    # (hello, world, again) != (hello, world): tp = 0, fp = 1, fn = 1 -> P = 0, R = 0
    assert shingle_scores("hello world again", "Hello, World!") == (0.0, 0.0)


def test_repeated_shingles_count_as_multisets():
    # gold x y z w x y z w: 8 tokens -> 5 shingles: xyzw x2, yzwx, zwxy, wxyz
    gold = "x y z w x y z w"
    # output x y z w -> {xyzw: 1}: tp = min(1, 2) = 1, fp = 0, fn = 5 - 1 = 4 -> P = 1, R = 1/5
    assert shingle_counts("x y z w", gold) == (1, 0, 4)
    assert shingle_scores("x y z w", gold) == (1.0, pytest.approx(0.2))
    # output 12 tokens -> 9 shingles: xyzw x3, yzwx x2, zwxy x2, wxyz x2
    # tp = min(3,2) + 1 + 1 + 1 = 5, fp = 9 - 5 = 4, fn = 5 - 5 = 0 -> P = 5/9, R = 1
    pred = "x y z w x y z w x y z w"
    assert shingle_counts(pred, gold) == (5, 4, 0)
    p, r = shingle_scores(pred, gold)
    assert p == pytest.approx(5 / 9)
    assert r == 1.0


def test_empty_cases_follow_the_zyte_conventions():
    # nothing to find, nothing found (fp = fn = 0): P = R = 1 (wcxb pages meant to be empty)
    assert shingle_scores("", "") == (1.0, 1.0)
    assert shingle_scores(None, "") == (1.0, 1.0)
    assert shingle_scores("  ... ", "") == (1.0, 1.0)  # no \w token at all = empty
    # empty output, non-empty gold: tp = fp = 0 -> P = 0 (not 1), R = 0
    assert shingle_scores("", "some gold text here") == (0.0, 0.0)
    # output on a page meant to be empty: tp = fn = 0 -> P = 0, R = 0
    assert shingle_scores("cookie banner text", "") == (0.0, 0.0)


# ----------------------------------------------------------------------------- snippets


def test_snippets_are_whitespace_normalised_and_case_sensitive():
    out = "Hello   big\nworld. Bye.\n"
    # with: "Hello big world." found, "missing one" not -> 1/2
    # without: "Bye." present (not avoided), "nope" avoided -> 1/2
    assert snippet_scores(out, ["Hello big world.", "missing one"], ["Bye.", "nope"]) == (0.5, 0.5)
    # lower-case "hello" is not in the output: 0/1 found; no without snippet -> None
    assert snippet_scores(out, ["hello big world."], []) == (0.0, None)
    # empty output: 0 found, everything avoided
    assert snippet_scores("", ["a b"], ["c d", "e"]) == (0.0, 1.0)
    # no snippets at all: nothing to score
    assert snippet_scores("x", [], [""]) == (None, None)


# ----------------------------------------------------------------------------- aggregate


def _page(**kw) -> GoldPage:
    base: dict = {"dataset": "ds", "id": "1", "url": None, "html": b"", "gold_type": "full"}
    base.update(kw)
    return GoldPage(**base)


def test_score_page_scores_text_and_snippets():
    page = _page(text="a b c d e", with_snippets=("a b c",), without_snippets=("zzz",))
    s = score_page(page, "x", "a b c d")
    # shingles as in test_partial_overlap: P = 1, R = 0.5; snippet found 1/1, avoided 1/1
    assert (s.precision, s.recall, s.with_found, s.without_avoided) == (1.0, 0.5, 1.0, 1.0)
    assert s.out_chars == 7
    # a snippets-only page has no shingle score; an error scores as empty output
    snip = score_page(_page(text=None, gold_type="snippets", with_snippets=("q",)), "x", None, error="Boom")
    assert (snip.precision, snip.with_found, snip.error, snip.out_chars) == (None, 0.0, "Boom", 0)


def test_summary_averages_pages_then_takes_f1():
    a = PageScore("d/1", "d", "x", "full", precision=1.0, recall=0.5, out_chars=3)
    b = PageScore("d/2", "d", "x", "full", precision=0.0, recall=0.0, out_chars=0, error="E")
    c = PageScore("d/3", "d", "x", "snippets", with_found=1.0, without_avoided=0.5, out_chars=5)
    s = summarize([a, b, c])
    # P = (1 + 0) / 2 = 0.5, R = (0.5 + 0) / 2 = 0.25, F1 = 2 * 0.5 * 0.25 / 0.75 = 1/3
    assert (s.n, s.n_full, s.n_snippets, s.errors, s.empty) == (3, 2, 1, 1, 1)
    assert (s.precision, s.recall) == (0.5, 0.25)
    assert s.f1 == pytest.approx(1 / 3)
    # snippet F1 = 2 * 1 * 0.5 / 1.5 = 2/3
    assert s.snippet_f1 == pytest.approx(2 / 3)
    groups = aggregate([a, c, b], by=lambda s: s.gold_type)
    assert list(groups) == ["full", "snippets"]
    assert groups["full"].n == 2


def test_metadata_scores_only_fields_with_gold():
    page = _page(title="The  Big Story", date="2023-12-21")
    got = metadata_scores(page, {"title": "the big story", "date": "2023-12-21T10:00:00", "author": "X"})
    assert got == {"title": True, "date": True}  # no gold author: not scored
    assert metadata_scores(page, None) == {"title": False, "date": False}
    author_page = _page(author="Jane Doe")
    assert metadata_scores(author_page, {"author": "By JANE DOE and John Roe"}) == {"author": True}


def test_format_table():
    assert format_table(["a", "bb"], [[1, None]]).splitlines() == ["| a | bb |", "|---|----|", "| 1 |    |"]


# ----------------------------------------------------------------------------- split


def _site_pages() -> list[GoldPage]:
    urls = [
        "https://www.a.com/1",
        "https://blog.a.com/2",  # same site as www.a.com
        "http://news.b.co.uk/x",
        "https://b.co.uk/y",  # same site as news.b.co.uk
        "https://c.org/",
        "https://d.de/p?q=1",
    ]
    pages = [_page(id=f"u{i}", url=u) for i, u in enumerate(urls)]
    pages += [_page(id=f"n{i}") for i in range(30)]  # no URL: each its own site
    pages += [_page(id=f"s{i}", url=f"https://site{i % 7}.example.net/{i}") for i in range(40)]
    return pages


def test_site_of():
    p = _site_pages()
    assert [gold_site(x) for x in p[:6]] == ["a.com", "a.com", "b.co.uk", "b.co.uk", "c.org", "d.de"]
    assert gold_site(_page(id="z", extra={"url_from_html": "https://M.Example.com/a"})) == "example.com"
    assert gold_site(_page(id="z")) == "ds/z"


def test_split_by_site_is_deterministic_and_disjoint():
    pages = _site_pages()
    train, test = split_by_site(pages, test_share=0.3, seed=0)
    shuffled = pages[:]
    random.Random(1).shuffle(shuffled)
    assert split_by_site(shuffled, test_share=0.3, seed=0) == (train, test)
    assert sorted(train + test) == sorted(p.key for p in pages)
    sites = {p.key: p.site for p in pages}
    assert not {sites[k] for k in train} & {sites[k] for k in test}
    assert train and test
    # a subset keeps every page on its side
    sub_train, sub_test = split_by_site(pages[:10], test_share=0.3, seed=0)
    assert set(sub_train) <= set(train) and set(sub_test) <= set(test)
    # the share is about the sites: 0 and 1 are the extremes
    assert split_by_site(pages, test_share=0.0)[1] == []
    assert split_by_site(pages, test_share=1.0)[0] == []


# ----------------------------------------------------------------------------- loading


def _fixture(root: Path) -> None:
    rows: dict[str, list[dict[str, Any]]] = {
        "alpha": [
            {"id": "a1", "url": "https://x.com/1", "text": "Gold text.", "lang": "en", "gold_type": "full",
             "title": "T", "page_type": "article", "with": ["Gold"], "without": ["Menu"], "split": "dev"},
            {"id": "a2", "url": None, "text": "", "lang": None, "gold_type": "full"},
        ],
        "beta": [
            {"id": "b1", "url": None, "text": None, "gold_type": "snippets", "with": ["s"], "without": [],
             "url_from_html": "https://y.org/"},
        ],
    }  # fmt: skip
    for name, items in rows.items():
        (root / name / "html").mkdir(parents=True)
        with open(root / name / "gold.jsonl", "w", encoding="utf-8") as handle:
            for row in items:
                handle.write(json.dumps(row) + "\n")
                with gzip.open(root / name / "html" / f"{row['id']}.html.gz", "wb") as gz:
                    gz.write(f"<html><body><p>{row['id']}</p></body></html>".encode())


def test_load_devdata_fixture(tmp_path):
    _fixture(tmp_path)
    pages = list(load_devdata(tmp_path))
    assert [p.key for p in pages] == ["alpha/a1", "alpha/a2", "beta/b1"]
    a1 = pages[0]
    assert a1.html == b"<html><body><p>a1</p></body></html>"
    assert (a1.text, a1.lang, a1.title, a1.page_type) == ("Gold text.", "en", "T", "article")
    assert (a1.with_snippets, a1.without_snippets, a1.extra) == (("Gold",), ("Menu",), {"split": "dev"})
    assert pages[1].text == "" and pages[1].title is None
    assert pages[2].text is None and pages[2].gold_type == "snippets" and pages[2].site == "y.org"
    assert [p.key for p in load_devdata(tmp_path, ["beta"])] == ["beta/b1"]
    assert [p.key for p in load_devdata(tmp_path, limit=1)] == ["alpha/a1", "beta/b1"]
    lazy = next(load_devdata(tmp_path, with_html=False))
    assert lazy.html == b"" and read_html(tmp_path, lazy).html == a1.html
    with pytest.raises(ValueError, match="unknown dataset"):
        list(load_devdata(tmp_path, ["gamma"]))
    with pytest.raises(FileNotFoundError):
        list(load_devdata(tmp_path / "nope"))


@pytest.mark.skipif(not DEVDATA.is_dir(), reason=f"devdata not found at {DEVDATA} (it sits next to the repo)")
def test_real_devdata_loads():
    pages = list(load_devdata(DEVDATA, limit=2))
    assert {p.gold_type for p in pages} >= {"full", "snippets", "full-tool-output"}
    assert all(p.html for p in pages)


# ----------------------------------------------------------------------------- bench helpers


def test_c4_filter_rules():
    from bench.baselines import c4_filter

    dump = "\n".join(
        [
            "Home",  # no terminal punctuation
            "This sentence has more than five words in it.",  # kept
            "Short line here.",  # 3 words < 5
            "Please enable JavaScript to view the comments here.",  # javascript
            "This website uses cookies to improve your experience.",  # policy line
            "Another long enough sentence, with a citation [1] here.",  # kept, citation removed
            "A third sentence that is long enough to count. And a fourth one!",  # kept: 2 sentences
            "Trailing ellipsis lines are dropped by the filter ...",  # ends in ...
        ]
    )
    kept = c4_filter(dump).splitlines()
    assert kept == [
        "This sentence has more than five words in it.",
        "Another long enough sentence, with a citation  here.",
        "A third sentence that is long enough to count. And a fourth one!",
    ]
    # a curly brace in a kept line drops the page; the pure line filter drops only the line
    code = dump + "\nfunction f() { return this is code that ends. }."
    assert c4_filter(code) == ""
    assert c4_filter(code, page_rules=False).splitlines() == kept
    # fewer than 3 sentences: the page is dropped
    assert c4_filter("Only one sentence of five words here.") == ""


def test_write_section_appends_then_replaces(tmp_path):
    from bench import write_section

    path = tmp_path / "B.md"
    write_section(path, "quality", "table one", ["--data", "d", "--write", str(path)])
    write_section(path, "quality", "table two", ["--data", "d", "--jobs", "2", "--write", str(path)])
    text = path.read_text()
    assert "table two" in text and "table one" not in text  # same command: replaced
    write_section(path, "quality", "table three", ["--data", "d", "--limit", "5"])
    text = path.read_text()
    assert "table two" in text and "table three" in text and text.startswith("# Benchmarks")


def test_batch_timing_runs_the_batch_runner_on_a_warc_of_the_pages(tmp_path):
    from bench.batch import sample_url, time_batches
    from bench.warcs import write_warc
    from cleaner.batch.stream import entries, input_files
    from cleaner.config import Config
    from cleaner.model import Document

    pages = [
        (sample_url(None, "news", str(i)), f"<html><body><p>Story {i} of the day, told at length.</p>".encode())
        for i in range(3)
    ]
    write_warc(pages, tmp_path / "p.warc")
    docs = [d for d in entries(input_files([tmp_path / "p.warc"]), Config()) if isinstance(d, Document)]
    assert [d.url for d in docs] == ["https://news.example/0", "https://news.example/1", "https://news.example/2"]
    assert [d.content for d in docs] == [html for _, html in pages]
    times = time_batches(pages)
    assert set(times) == {"default", "no corpus pass", "pass 1"}
    assert all(t.seconds > 0 and t.cpu_seconds > 0 and t.errors == 0 for t in times.values())
