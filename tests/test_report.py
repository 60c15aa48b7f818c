"""``cleaner report``: the page rendered in a real headless Chromium shows the counts of the JSONL.

Chromium (Debian package ``chromium``) runs the page's script and dumps the DOM; the test
reads the counts from it (the server-side table and charts, and the table the script
builds from the blocks on the page) and compares them with counts made here from the
``--explain`` JSONL. Where the binary is absent the test is skipped with the reason,
unless ``CLEANER_REQUIRE_CHROMIUM`` is set (``.ci/run`` installs Chromium and sets it),
in which case it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner

from cleaner import Config, clean
from cleaner.cli import cli
from cleaner.errors import UsageError
from cleaner.explain.report import render_page
from cleaner.explain.report_data import (
    TOP_FILES,
    build_report,
    is_explained_output,
    shown_document,
    site_name,
    top_folders,
)
from cleaner.model import reason_family
from cleaner.output.records import result_record

ARTICLE = (
    "<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
    "<p><a href='#main'>Skip to main content</a></p>"
    "<article><h1>{title}</h1><p>{body} The council met on Tuesday evening and discussed the plan for more "
    "than three hours before a narrow majority voted in favour of it.</p>"
    "<p>Residents who spoke at the meeting said they had waited years for a decision &amp; would now watch "
    "closely how the money is spent <b>in their neighbourhood</b>.</p></article>"
    "<aside><h3>Related stories</h3><ul><li><a href='/a'>Another story about the council</a></li>"
    "<li><a href='/b'>Weather warning for the weekend</a></li></ul></aside>"
    "<div class='newsletter'>Sign up for our newsletter to get the news every morning</div>"
    "<footer>© 2024 Example News. All rights reserved. <a href='/terms'>Terms</a></footer></body></html>"
)


def build(root: Path) -> None:
    for site in ("alpha", "beta"):
        (root / site).mkdir(parents=True)
        for i in range(3):
            body = f'Story {i} of {site}: a <script>alert(1)</script> tram line & a "quoted" <word>.'
            page = ARTICLE.format(title=f"{site.title()} story {i}", body=body.replace("<word>", "&lt;word&gt;"))
            (root / site / f"page{i}.html").write_text(page, encoding="utf-8")
    (root / "dump.txt").write_text(
        "Skip to main content\nA plain text dump with one long sentence that is the article itself, kept.\n"
        "Share on Facebook\n© 2024 Example. All rights reserved.\n",
        encoding="utf-8",
    )
    (root / "broken.html").write_bytes(b"")


# XPath for a removed block (classes "block removed fam-...").
REMOVED = "contains(concat(' ', @class, ' '), ' removed ')"


def chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if path is None:
        if os.environ.get("CLEANER_REQUIRE_CHROMIUM"):
            pytest.fail("CLEANER_REQUIRE_CHROMIUM is set but chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium; .ci/run installs it)")
    return path


def render_dom(browser: str, page: Path, profile: Path) -> lxml.html.HtmlElement:
    """The DOM of ``page`` after its scripts ran, as headless Chromium dumps it."""
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=5000",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert done.stdout.strip(), "chromium printed no DOM"
    return lxml.html.fromstring(done.stdout.decode("utf-8"))


def expected_counts(records: list[dict[str, Any]], top_site: str) -> dict[str, Any]:
    """Counts made straight from the JSONL: removed blocks and characters by family and by site.

    The fixture's pages have no url: each is counted under its folder (alpha, beta), and
    dump.txt, at the corpus's top, under ``top_site``.
    """
    by_family: Counter[str] = Counter()
    blocks_by_family: Counter[str] = Counter()
    by_site: defaultdict[str, int] = defaultdict(int)
    for record in records:
        meta = record["metadata"]
        source = meta["source"]
        assert meta["host"] is None and meta["canonical_url"] is None
        site = {"alpha": "alpha", "beta": "beta"}.get(source.split("/")[0], top_site if source == "dump.txt" else "?")
        for removed in record["removed"]:
            family = reason_family(removed["reason"])
            by_family[family] += len(removed["text"])
            blocks_by_family[family] += 1
            by_site[site] += len(removed["text"])
    return {"by_family": by_family, "blocks_by_family": blocks_by_family, "by_site": dict(by_site)}


def table_counts(dom: lxml.html.HtmlElement, prefix: str = "") -> tuple[Counter[str], Counter[str]]:
    """The totals table's characters and blocks by family: of every document, or (prefix ``shown-``) of those shown."""
    chars: Counter[str] = Counter()
    blocks: Counter[str] = Counter()
    for row in dom.get_element_by_id("totals").xpath("tbody/tr"):
        family = row.get("data-family")
        chars[family] = int(row.xpath(f"td[contains(@class, '{prefix}chars')]")[0].text_content())
        blocks[family] = int(row.xpath(f"td[contains(@class, '{prefix}blocks')]")[0].text_content())
    return chars, blocks


@pytest.fixture(scope="module")
def explained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[dict[str, Any]]]:
    root = tmp_path_factory.mktemp("report")
    corpus = root / "corpus"
    build(corpus)
    out = root / "out.jsonl"
    result = CliRunner().invoke(cli, ["clean", str(corpus), "-o", str(out), "--explain", "-j", "1"])
    assert result.exit_code == 1, result.output  # broken.html
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 7 and sum(len(r["removed"]) for r in records) > 20
    return corpus, out, records


@pytest.mark.parametrize("source", ["jsonl", "corpus"])
def test_the_rendered_page_shows_the_counts_of_the_jsonl(
    explained: tuple[Path, Path, list[dict[str, Any]]], tmp_path: Path, source: str
) -> None:
    browser = chromium()
    corpus, out, records = explained
    page = tmp_path / "report.html"
    given = out if source == "jsonl" else corpus
    result = CliRunner().invoke(cli, ["report", str(given), "-o", str(page), "-j", "1"])
    assert result.exit_code == 0, result.output
    raw = page.read_text(encoding="utf-8")
    # self-contained: nothing to fetch (urls of the pages appear as text only)
    static = lxml.html.fromstring(raw)
    assert not static.xpath("//script[@src] | //link | //img | //iframe | //object | //embed")
    assert "<script>alert(1)</script>" not in raw  # page text is escaped, never run

    dom = render_dom(browser, page, tmp_path / "profile")
    # a JSONL output does not say which folder was cleaned: its top-level files are grouped
    want = expected_counts(records, "corpus" if source == "corpus" else TOP_FILES)

    # the summary line
    summary = dom.get_element_by_id("summary")
    assert int(summary.get("data-documents")) == len(records)
    assert int(summary.get("data-failed")) == 1  # broken.html, from the errors file or the corpus run
    assert int(summary.get("data-removed-blocks")) == sum(len(r["removed"]) for r in records)
    assert int(summary.get("data-removed-chars")) == sum(want["by_family"].values())
    assert int(summary.get("data-kept-chars")) == sum(len(t) for r in records for t in r["text"].split("\n") if t)

    # one totals table: the counts of every document, and those the page's script makes
    # from the blocks it shows (the same here: every document is shown)
    assert len(dom.xpath("//table[@id='totals']")) == 1 and not dom.xpath("//*[@id='js-totals']")
    assert table_counts(dom) == (want["by_family"], want["blocks_by_family"])
    totals = dom.get_element_by_id("totals")
    assert totals.get("data-ready") == "yes", "the page's script did not run"
    assert table_counts(dom, "shown-") == (want["by_family"], want["blocks_by_family"])
    foot = [td.text_content() for td in totals.xpath("tfoot/tr/td")]
    assert foot[1:] == [str(sum(len(r["removed"]) for r in records)), str(sum(want["by_family"].values()))] * 2
    assert totals.get("class") is None  # the columns of the blocks shown are hidden: they say the same

    # the charts: removed characters by family, and by site
    by_family = {
        r.get("data-family"): int(r.get("data-chars"))
        for r in dom.xpath("//*[@id='by-family']//*[local-name()='rect']")
    }
    assert by_family == dict(want["by_family"])
    by_site = {
        g.get("data-label"): int(g.get("data-chars"))
        for g in dom.xpath("//*[@id='by-site']//*[local-name()='g'][@class='row']")
    }
    assert by_site == want["by_site"]

    # every document: its blocks in order, removed ones struck through with their reason
    sections = dom.xpath("//section[@class='doc']")
    assert [s.get("data-source") for s in sections] == [r["metadata"]["source"] for r in records]
    for section, record in zip(sections, records, strict=True):
        removed = section.xpath(f".//p[{REMOVED}]")
        assert int(section.get("data-removed-blocks")) == len(removed) == len(record["removed"])
        assert [p.xpath("del")[0].text_content() for p in removed] == [r["text"] for r in record["removed"]]
        assert [p.get("data-reason") for p in removed] == [r["reason"] for r in record["removed"]]
        assert [int(p.get("data-block")) for p in removed] == [r["block"] for r in record["removed"]]
        kept = [p.text_content() for p in section.xpath(".//p[@class='block kept']")]
        assert "\n".join(kept) == record["text"]
        if record["metadata"]["title"]:
            assert record["metadata"]["title"] in section.xpath(".//table[@class='meta']")[0].text_content()
    assert "broken.html" in dom.get_element_by_id("failures").text_content()
    # the index: one link per document shown, to its section
    links = dom.xpath("//ol[@id='index']/li/a")
    assert [a.text_content() for a in links] == [r["metadata"]["source"] for r in records]
    assert [a.get("href") for a in links] == [f"#{s.get('id')}" for s in sections]


def test_rebuilding_blocks_from_a_record() -> None:
    record = {
        "text": "kept one\nkept two",
        "metadata": {"source": "a/b.html", "host": None, "status": "ok"},
        "removed": [
            {"block": 0, "reason": "nav.menu", "by": "rules", "text": "Home", "detail": "links"},
            {"block": 2, "reason": "legal.footer", "by": "rules", "text": "© 2024"},
        ],
    }
    doc = shown_document(record)
    assert [(b.text, b.keep, b.family) for b in doc.blocks] == [
        ("Home", False, "nav"),
        ("kept one", True, "content"),
        ("© 2024", False, "legal"),
        ("kept two", True, "content"),
    ]
    assert doc.site == "a" and doc.blocks[0].detail == "links"


def test_a_markdown_record_shows_its_removed_blocks_then_its_text() -> None:
    """Markdown lines are not blocks (a table is one unit of several lines): no interleaving guessed."""
    page = (
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Trams</h1>"
        "<p>The council voted on Tuesday to bring trams back to the old town after forty years of debate.</p>"
        "<table><tr><th>Stop</th><th>First</th></tr><tr><td>Station</td><td>05:10</td></tr>"
        "<tr><td>Square</td><td>05:16</td></tr></table>"
        "<p>Construction starts in the autumn and is expected to cost 480 million francs in all.</p>"
        "</article><footer>© 2024 City Paper</footer></body></html>"
    )
    result = clean(page, config=Config(markdown=True, explain=True))
    record = result_record(result, Config(markdown=True, explain=True))
    assert record["metadata"]["text_format"] == "markdown"
    assert "| Station | 05:10 |" in record["text"]
    doc = shown_document(record)
    removed = [b.text for b in doc.blocks if not b.keep]
    assert removed and removed == [r["text"] for r in sorted(record["removed"], key=lambda r: r["block"])]
    assert [b.keep for b in doc.blocks] == [False] * len(removed) + [True]
    assert doc.blocks[-1].text == record["text"]
    plain = result_record(clean(page, config=Config(explain=True)), Config(explain=True))
    assert "text_format" not in plain["metadata"]


def test_output_without_explanations_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "t", "metadata": {"cleaner_version": "0.1"}}) + "\n")
    with pytest.raises(UsageError, match="--explain"):
        is_explained_output(path)
    source = tmp_path / "source.jsonl"
    source.write_text(json.dumps({"id": "x", "html": "<p>a page</p>"}) + "\n")
    assert not is_explained_output(source)  # a JSONL corpus to clean, not cleaner output


def test_sites_are_hosts_or_folders(tmp_path: Path) -> None:
    def site(source: str, folders: dict[str, str] | None = None, **meta: Any) -> str:
        return site_name({"source": source, **meta}, folders or {})

    assert site("x.warc.gz#12", host="example.com", url="https://www.example.com/a") == "example.com"
    assert site("pages.jsonl#3", url="https://www.example.org/a") == "example.org"  # a record without host
    assert site("html/a.html", canonical_url="https://news.example.net/story") == "news.example.net"
    assert site("html/a.html") == "html"
    assert site("2024/05/a.html") == "2024/05"
    assert site("a.html", {"a.html": "corpus"}) == "corpus"
    assert site("pages.jsonl#3", {"pages.jsonl": "crawl"}) == "crawl"
    assert site("pages.jsonl#3") == "pages.jsonl"  # the folder is not known: an archive names itself
    assert site("a.html") == site("b.txt") == TOP_FILES  # and single files at the top are grouped

    corpus = tmp_path / "mycorpus"
    (corpus / "sub").mkdir(parents=True)
    for name in ("top.html", "sub/inner.html"):
        (corpus / name).write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "alone.txt").write_text("x", encoding="utf-8")
    assert top_folders([corpus, tmp_path / "alone.txt"]) == {"top.html": "mycorpus", "alone.txt": tmp_path.name}


def test_the_columns_of_the_documents_shown_appear_when_some_are_not() -> None:
    record = {
        "text": "kept",
        "metadata": {"source": "a/b.html", "host": None, "status": "ok"},
        "removed": [{"block": 1, "reason": "nav.menu", "by": "rules", "text": "Home"}],
    }
    docs = [shown_document(record), shown_document(record)]
    everything = lxml.html.fromstring(render_page(build_report(docs, "t")))
    assert everything.get_element_by_id("totals").get("class") is None
    first_only = lxml.html.fromstring(render_page(build_report(docs, "t", limit=1)))
    totals = first_only.get_element_by_id("totals")
    assert totals.get("class") == "partial"
    assert [td.text_content() for td in totals.xpath("tbody/tr/td")][:3] == ["nav", "2", "8"]
