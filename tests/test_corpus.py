"""Corpus statistics (issue 6): pass 1 counts block hashes per site, pass 2 drops repeated blocks."""

from __future__ import annotations

import collections
import html
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.batch.resume import fingerprint
from cleaner.batch.site_stats import collect_documents, is_corpus, prepare
from cleaner.cli import cli
from cleaner.config import Config
from cleaner.corpus.keys import comparable_text, document_keys, word_count
from cleaner.corpus.revise import REASON, copies_of, drop_repeated
from cleaner.corpus.stats import SiteStats
from cleaner.io import discover, host_of
from cleaner.model import Block, Decision, Document
from cleaner.pipeline import clean_document

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
MEE = ["000_4e6828c90f9beffd.txt", "001_0c6b7ebbb520fc9c.txt"]
DEVDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "devdata"


def lines(*texts: str) -> list[Block]:
    return [Block(index=i, text=t) for i, t in enumerate(texts)]


def keep_all(blocks: list[Block]) -> list[Decision]:
    return [Decision(block=b.index, keep=True, reason="content.article", by="test") for b in blocks]


# --------------------------------------------------------------------------- hashing


def test_comparable_text_folds_case_digits_and_whitespace() -> None:
    assert comparable_text("  Posted on 12 March   2024\t") == "posted on 00 march 0000"
    assert comparable_text("Posted on 3 May 1999") != comparable_text("Posted in 3 May 1999")


def test_word_count_counts_letters_only_and_cjk_characters() -> None:
    assert word_count("$158.73") == 0
    assert word_count("Save 45% today") == 2
    assert word_count("北京之春") == 4


def test_document_keys_are_a_set_and_link_text_differs_from_prose() -> None:
    same = lines("Read more about it", "read   MORE about it", "")
    assert len(document_keys(same)) == 1
    prose = Block(index=0, text="The title of the article")
    link = Block(index=1, text="The title of the article", link_chars=24)
    assert len(document_keys([prose, link])) == 2


# --------------------------------------------------------------------------- the summary

site_names = st.sampled_from(["a.com", "b.org", "", "news/sub"])
docs_strategy = st.lists(
    st.tuples(site_names, st.lists(st.integers(min_value=1, max_value=40), max_size=12)), max_size=30
)


def stats_of(docs: list[tuple[str, list[int]]]) -> SiteStats:
    stats = SiteStats()
    for site, hashes in docs:
        stats.add(site, np.unique(np.array(hashes, dtype=np.uint64)))
    return stats


@settings(max_examples=150, deadline=None)
@given(docs_strategy, st.data())
def test_merged_shards_equal_one_pass_whatever_the_order(
    docs: list[tuple[str, list[int]]], data: st.DataObject
) -> None:
    whole = stats_of(docs)
    shuffled = data.draw(st.permutations(docs))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(docs)), max_size=3)))
    shards, start = [], 0
    for cut in [*cuts, len(shuffled)]:
        shards.append(stats_of(shuffled[start:cut]))
        start = cut
    order = data.draw(st.permutations(range(len(shards))))
    merged = SiteStats()
    for i in order:
        merged = merged.merge(shards[i])
    assert merged == whole
    # and the counts are those of a plain count of documents per (site, hash)
    reference: collections.Counter[tuple[str, int]] = collections.Counter()
    for site, hashes in docs:
        reference.update((site, h) for h in set(hashes))
    for site in {s for s, _ in docs}:
        assert merged.docs(site) == sum(1 for s, _ in docs if s == site)
        query = np.arange(1, 41, dtype=np.uint64)
        assert merged.counts(site, query).tolist() == [reference[site, h] for h in range(1, 41)]


@settings(max_examples=50, deadline=None)
@given(docs_strategy)
def test_merge_is_commutative_and_pruning_keeps_only_repeated_blocks(docs: list[tuple[str, list[int]]]) -> None:
    half = len(docs) // 2
    a, b = stats_of(docs[:half]), stats_of(docs[half:])
    assert a.merge(b) == b.merge(a)
    whole = stats_of(docs)
    pruned = whole.pruned_copy()
    query = np.arange(1, 41, dtype=np.uint64)
    for site in whole.sites:
        full = whole.counts(site, query)
        assert pruned.counts(site, query).tolist() == [c if c >= 2 else 0 for c in full.tolist()]
        assert pruned.docs(site) == whole.docs(site)


@settings(max_examples=60, deadline=None)
@given(docs_strategy, st.integers(min_value=1, max_value=20))
def test_summary_spilled_to_disk_prunes_to_the_same_result(docs: list[tuple[str, list[int]]], cap: int) -> None:
    import cleaner.corpus.stats as corpus

    whole = stats_of(docs)
    spilled = SiteStats(max_entries=cap)
    original, corpus.COMPACT_EVERY = corpus.COMPACT_EVERY, 5
    try:
        for site, hashes in docs:
            spilled.add(site, np.unique(np.array(hashes, dtype=np.uint64)))
    finally:
        corpus.COMPACT_EVERY = original
    assert spilled.pruned_copy() == whole.pruned_copy()
    assert spilled == whole  # and brought back into memory, the exact counts


def test_a_spilled_summary_pickles_with_its_counts() -> None:
    import pickle

    import cleaner.corpus.stats as corpus

    docs = [("s", list(range(i, i + 5))) for i in range(40)]
    spilled = SiteStats(max_entries=6)
    original, corpus.COMPACT_EVERY = corpus.COMPACT_EVERY, 4
    try:
        for site, hashes in docs:
            spilled.add(site, np.array(hashes, dtype=np.uint64))
    finally:
        corpus.COMPACT_EVERY = original
    assert spilled._runs  # the test spills, or it proves nothing
    assert pickle.loads(pickle.dumps(spilled)) == stats_of(docs)


def test_compaction_during_collection_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    import cleaner.corpus.stats as corpus

    docs = [("s", list(range(i, i + 5))) for i in range(50)]
    expected = stats_of(docs)
    monkeypatch.setattr(corpus, "COMPACT_EVERY", 7)
    assert stats_of(docs) == expected


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    stats = stats_of([("a.com", [1, 2, 3]), ("a.com", [2, 3]), ("b.org", [3])]).pruned_copy()
    stats.save(tmp_path / "s.npz")
    loaded = SiteStats.load(tmp_path / "s.npz")
    assert loaded == stats and loaded.pruned
    assert loaded.counts("a.com", np.array([1, 2, 3], dtype=np.uint64)).tolist() == [0, 2, 2]
    (tmp_path / "bad.npz").write_bytes(b"not a summary")
    with pytest.raises(Exception, match="delete it"):
        SiteStats.load(tmp_path / "bad.npz")


# --------------------------------------------------------------------------- pass 2

FOOTER = "Our journalism is independent and paid for by readers like you every single day"


def site_pages() -> list[list[Block]]:
    """Five different articles of one site, each with the same footer line, plus a repost of the first."""
    articles = [
        [f"Paragraph {k} of story {name} tells what happened in the valley after the storm of the year" for k in "ab"]
        for name in ("one", "two", "three", "four", "five")
    ]
    # digit folding would merge "story 1" and "story 2": name the stories with words
    pages = [lines(*a, FOOTER) for a in articles]
    pages.append(lines(*articles[0], FOOTER))  # the same article reposted at another url
    return pages


def test_repeated_line_is_dropped_with_evidence_and_first_pass() -> None:
    pages = site_pages()
    stats = collect_documents(
        Document(
            id=str(i), source=str(i), input_type="text", content="\n".join(b.text for b in p), url=f"https://ex.com/{i}"
        )
        for i, p in enumerate(pages)
    )
    revised = drop_repeated(pages[1], keep_all(pages[1]), stats, "ex.com")
    assert [d.keep for d in revised] == [True, True, False]
    footer = revised[2]
    assert footer.reason == REASON and footer.by == "corpus"
    assert footer.detail == "on 6 of 6 pages of ex.com"
    assert footer.first_pass is not None and footer.first_pass.keep


def test_reposted_article_does_not_erase_itself() -> None:
    pages = site_pages()
    stats = SiteStats()
    for p in pages:
        stats.add("ex.com", document_keys(p))
    for page in (pages[0], pages[5]):  # the article and its repost
        revised = drop_repeated(page, keep_all(page), stats, "ex.com")
        assert [d.keep for d in revised] == [True, True, False]
        assert "2 of them this page or near-copies" in revised[2].detail


def test_copies_of_is_the_weighted_median_of_kept_blocks() -> None:
    blocks = lines("x" * 100, "y" * 100, "z" * 10)
    decisions = keep_all(blocks)
    assert copies_of(blocks, decisions, np.array([3, 3, 50])) == 3
    assert copies_of(blocks, decisions, np.array([1, 3, 50])) == 3  # half the text (105 chars) reached at "y"
    longer = lines("x" * 150, "y" * 50, "z" * 10)
    assert copies_of(longer, keep_all(longer), np.array([1, 3, 50])) == 1
    nothing_kept = [Decision(block=b.index, keep=False, reason="nav.menu", by="test") for b in blocks]
    assert copies_of(blocks, nothing_kept, np.array([4, 3, 50])) == 3


def test_thresholds_short_blocks_small_share_and_one_page_sites() -> None:
    stats = SiteStats()
    shared = lines("Menu", "This sentence is on two of the ten pages of this site today")
    for i in range(10):
        own = lines(
            f"A unique paragraph number {'x' * (i + 1)} of this page and nothing else here", f"More {'y' * i} text"
        )
        stats.add("s", document_keys(own + (shared if i < 2 else [])))
    # most of the page's text is its own (count 1), so it has no near-copies on the site
    page = lines(
        "A unique paragraph number x of this page and nothing else here", "More  text", *[b.text for b in shared]
    )
    revised = drop_repeated(page, keep_all(page), stats, "s")
    # the short line is left to the extractor; the sentence is on 1 of 9 other pages (< 0.3)
    assert all(d.keep for d in revised)
    assert all(d.keep for d in drop_repeated(page, keep_all(page), stats, "unknown-site"))
    dropped = drop_repeated(page, keep_all(page), stats, "s", min_share=0.1)
    assert [d.keep for d in dropped] == [True, True, True, False]


def test_dropped_block_gets_corpus_evidence_in_its_detail() -> None:
    pages = site_pages()
    stats = SiteStats()
    for p in pages:
        stats.add("ex.com", document_keys(p))
    decisions = keep_all(pages[2])
    decisions[2] = Decision(block=2, keep=False, reason="legal.footer", by="rules", detail="contains: paid for")
    revised = drop_repeated(pages[2], decisions, stats, "ex.com")
    assert revised[2].reason == "legal.footer" and not revised[2].keep
    assert revised[2].detail == f"contains: paid for; also {REASON}: on 6 of 6 pages of ex.com"


def test_is_corpus(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>")
    (tmp_path / "b.txt").write_text("y")
    assert not is_corpus([page], list(discover([page])))
    assert is_corpus([tmp_path], list(discover([tmp_path])))
    assert not is_corpus(["-"], [])


# --------------------------------------------------------------------------- the seeds, end to end


def mee_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mee"
    folder.mkdir()
    for name in MEE:
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def removed_of(output: str) -> list[list[dict[str, str]]]:
    return [json.loads(line)["removed"] for line in output.splitlines() if line.startswith("{")]


def test_mee_seeds_lose_shared_lines_by_phrase_rules_and_a_folder_is_not_a_site(tmp_path: Path) -> None:
    folder = mee_folder(tmp_path)
    result = CliRunner().invoke(cli, ["clean", str(folder), "--explain", "-j", "1", "-o", "-"])
    assert result.exit_code == 0, result.output
    records = removed_of(result.stdout)
    assert len(records) == 2
    for removed in records:
        by_text = {r["text"]: r for r in removed}
        signup = next(r for t, r in by_text.items() if t.startswith("Sign up to get the latest alerts"))
        publisher = next(r for t, r in by_text.items() if t.startswith("Middle East Eye delivers independent"))
        for row in (signup, publisher):
            assert row["reason"] in ("newsletter.signup", "legal.footer")  # the phrase rules
        # two text files in a folder name no site: the corpus pass neither counts nor revises them
        assert not any(REASON in r["detail"] for r in removed)


def mee_site(tmp_path: Path) -> Path:
    """A JSONL crawl of six pages of one site: the two MEE dumps, and four more articles with their shared lines."""
    dumps = [(SAMPLES / name).read_text(encoding="utf-8") for name in MEE]
    shared = [line for line in dumps[0].splitlines() if line.strip() and line in dumps[1].splitlines()]
    texts = list(dumps)
    for k, topic in enumerate(["harbour", "orchard", "railway", "library"]):
        article = [
            f"The {topic} reopened on Monday after a long closure, and people came from the whole region to see it.",
            f"Officials said the work on the {topic} cost more than planned but finished a month earlier than feared.",
            f"Visitors to the {topic} described the changes as careful, and many said they would come back soon.",
        ]
        texts.append("\n".join([f"Story {k}: the {topic} reopens", *article, *shared]))
    path = tmp_path / "crawl.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i, text in enumerate(texts):
            out.write(json.dumps({"id": f"p{i}", "url": f"https://mee.example/news/{i}", "text": text}) + "\n")
    return path


def test_corpus_pass_off_and_single_file_and_saved_stats(tmp_path: Path) -> None:
    crawl = mee_site(tmp_path)
    runner = CliRunner()
    off = runner.invoke(cli, ["clean", str(crawl), "--explain", "-j", "1", "--no-corpus-pass"])
    assert off.exit_code == 0 and REASON not in off.stdout
    on = runner.invoke(cli, ["clean", str(crawl), "--explain", "-j", "1"])
    assert on.exit_code == 0 and f"also {REASON}: on 6 of 6 pages of mee.example" in on.stdout  # one archive: a corpus
    folder = mee_folder(tmp_path)
    single = runner.invoke(cli, ["clean", str(folder / MEE[0]), "--explain", "-j", "1"])
    assert single.exit_code == 0 and REASON not in single.stdout  # one document: one pass
    stats_file = tmp_path / "site-stats.npz"
    saved = runner.invoke(cli, ["clean", str(crawl), "-j", "1", "--site-stats", str(stats_file), "-o", "-"])
    assert saved.exit_code == 0 and stats_file.exists()
    # a later single page (a JSONL record on stdin) is cleaned with the earlier crawl's statistics
    record = crawl.read_text(encoding="utf-8").splitlines()[1]
    reused = runner.invoke(cli, ["clean", "-", "--explain", "--site-stats", str(stats_file)], input=record)
    assert reused.exit_code == 0, reused.output
    assert f"also {REASON}: on 6 of 6 pages of mee.example" in reused.stdout


def test_stats_command_prints_the_repeated_lines(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", str(mee_site(tmp_path)), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "mee.example: 6 pages" in result.stdout
    assert "Stay informed with MEE's newsletters" in result.stdout
    assert "Middle East Eye delivers independent" in result.stdout
    assert "Syria" not in result.stdout  # article lines are on one page only


# --------------------------------------------------------------------------- real pages


def test_corpus_of_real_pages_finds_the_template_and_keeps_every_article(tmp_path: Path) -> None:
    """Seven pages of one site: a real page's header and footer around articles made of real text."""
    source = (SAMPLES / "html" / "cdc-healthy-eating.html").read_text(encoding="utf-8")
    opening = '<main  class="container cdc-main" role="main" aria-label="Main Content Area">'
    start = source.index(opening)
    end = source.index("</main>", start) + len("</main>")
    head, tail = source[:start], source[end:]
    paragraphs = []
    for name in ("002_b8fb5e990e0f894b.txt", "003_9840957ea10f295d.txt", "004_c07263dc242f3a68.txt"):
        paragraphs += [
            x.strip() for x in (SAMPLES / name).read_text(encoding="utf-8").splitlines() if len(x.split()) >= 12
        ]
    seen = collections.Counter(comparable_text(p) for p in paragraphs)
    paragraphs = [p for p in paragraphs if seen[comparable_text(p)] == 1]
    articles = [paragraphs[i::6] for i in range(6)]
    articles.append(articles[0])  # a repost at another url
    docs = []
    for i, article in enumerate(articles):
        body = opening + "".join(f"<p>{html.escape(p)}</p>" for p in article) + "</main>"
        docs.append(
            Document(
                id=str(i),
                source=f"{i}.html",
                input_type="html",
                content=(head + body + tail).encode(),
                url=f"https://example.org/a/{i}",
                site="example.org",
            )
        )
    stats = collect_documents(docs).pruned_copy()
    stats_file = tmp_path / "s.npz"
    stats.save(stats_file)
    top = stats.top("example.org", 1000)
    on_all = [key for key, pages in top if pages == len(docs)]
    assert len(on_all) >= 20  # the real header, menus and footer are found on every page
    assert {pages for _, pages in top} <= {2, len(docs)}  # 2: the reposted article's paragraphs
    on, off = Config(explain=True, site_stats=str(stats_file)), Config(explain=True)
    flagged = 0
    for doc, article in zip(docs, articles, strict=True):
        with_pass, without = clean_document(doc, on), clean_document(doc, off)
        kept_before = [p for p in article if p in without.text]
        assert len(kept_before) >= len(article) - 2
        assert all(p in with_pass.text for p in kept_before)  # the article text is untouched
        for row in with_pass.removed:
            if REASON in row["reason"] or REASON in row["detail"]:
                flagged += 1
                assert row["text"] not in article
    assert flagged >= 7  # template sentences carry the corpus evidence on every page


@pytest.mark.skipif(not DEVDATA.is_dir(), reason="needs ../shared/devdata")
def test_devdata_news_sites_template_found_article_kept(tmp_path: Path) -> None:
    """Real pages of news sites with several pages in devdata: template found, gold text untouched."""
    from cleaner.learning.devdata import load_devdata, read_html
    from cleaner.learning.scoring import normalize_space

    wanted = {"nytimes.com", "theverge.com", "beijingspring.com"}
    pages = [read_html(DEVDATA, p) for p in load_devdata(DEVDATA, with_html=False) if host_of(p.url) in wanted]
    assert len(pages) >= 9
    docs = [Document(p.key, p.key, "html", p.html, url=p.url, site=host_of(p.url)) for p in pages]
    stats = collect_documents(docs).pruned_copy()
    for site in wanted:
        n = stats.docs(site)
        assert n >= 3 and stats.top(site, 1)[0][1] == n  # the site template is on every page
    stats_file = tmp_path / "s.npz"
    stats.save(stats_file)
    config = Config(explain=True, site_stats=str(stats_file))
    for page, doc in zip(pages, docs, strict=True):
        result = clean_document(doc, config)
        gold = normalize_space(page.text or "").lower()
        for row in result.removed:
            if row["reason"] == REASON:
                assert normalize_space(row["text"]).lower() not in gold


def test_one_archive_is_a_corpus() -> None:
    warc = SAMPLES / "archive" / "pages.warc.gz"
    assert is_corpus([warc], list(discover([warc])))


def test_pass_one_is_deterministic_so_a_resumed_run_has_the_same_settings(tmp_path: Path) -> None:
    folder = mee_folder(tmp_path)
    files = list(discover([folder]))
    first = prepare([folder], files, Config(), 1)
    second = prepare([folder], list(reversed(files)), Config(), 2)
    assert first.site_stats is not None and second.site_stats is not None
    assert Path(first.site_stats).read_bytes() == Path(second.site_stats).read_bytes()
    assert fingerprint(first, "jsonl") == fingerprint(second, "jsonl")  # what resume compares
    assert prepare([folder], files, Config(corpus_pass=False), 1).site_stats is None
    assert prepare([folder / MEE[0]], files[:1], Config(), 1).site_stats is None  # one page: one pass
