"""F1 with the corpus pass on and off, on devdata grouped by site (issue 6).

    python -m bench.corpus_eval --data ../shared/devdata [--datasets a,b] [--limit N]
        [--extractor default] [--no-text-path] [--jobs 2]

(also run by ``python -m bench.quality ... --corpus``).

devdata is treated as one corpus, the way ``cleaner clean devdata/`` would see it: a
page's site is the host of its url, else the host of its own canonical link or og:url
(:func:`cleaner.pipeline.corpus_site`); a page with neither has no site and is not
revised. A page's text dump counts for the site its HTML names (a crawl keeps a dump's
url beside it). Every page is decoded, segmented and decided once by the extractor; pass 1
counts its block hashes per site (:mod:`cleaner.corpus`); pass 2 revises its decisions
with the counts. Both texts (the extractor's alone, and after the corpus pass) are
scored against the gold, once for each least site size given (``--min-site-pages``).
Pages are reported in three groups:

- ``several pages``: sites (hosts) with two or more pages in the corpus, where the pass
  can act when the site has at least the least site size;
- ``one page``: sites with a single page: the pass must change nothing there;
- ``no site``: pages with no url and no canonical link: the pass leaves them alone.

The text path does the same on full-page text dumps (``resiliparse`` by default, see
bench.textdumps) cleaned by the text extractor.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from bench import textdumps, write_section
from cleaner.config import Config
from cleaner.corpus import SiteStats, document_keys, drop_repeated
from cleaner.learning.devdata import GoldPage, load_devdata, read_html
from cleaner.learning.scoring import PageScore, aggregate, fmt, format_table, score_page
from cleaner.model import Block, Decision, Document, rebuild_text
from cleaner.pipeline import corpus_site, decide, decode, parse

GROUPS = ("several pages", "one page", "no site")


@dataclass(slots=True)
class Decided:
    """One page on one path (html or a text dump): its blocks and the extractor's decisions."""

    path: str
    blocks: list[Block]
    decisions: list[Decision]
    error: str | None = None
    site: str | None = None


def _decide(document: Document, config: Config) -> tuple[list[Block], list[Decision], str | None]:
    page = parse(document, decode(document, config))
    return page.blocks, decide(page, config), corpus_site(page)


def decide_page(
    page: GoldPage, root: str, config: Config, converters: Sequence[str], cache: Path | None
) -> list[Decided]:
    """Run the extractor on the page's HTML and on each text dump of it (no corpus pass)."""
    page = read_html(root, page)
    out: list[Decided] = []
    inputs: list[tuple[str, Document | None, str | None]] = [
        ("html", Document(page.key, page.key, "html", page.html, url=page.url), None)
    ]
    for conv in converters:
        try:
            dump = textdumps.get_dump(page, conv, cache)
            inputs.append((conv, Document(page.key, page.key, "text", dump, url=page.url), None))
        except Exception as exc:  # the converter failed: scored as an empty output
            inputs.append((conv, None, f"{type(exc).__name__}: {exc}"))
    html_site: str | None = None
    for path, doc, error in inputs:
        if doc is None:
            out.append(Decided(path, [], [], error))
            continue
        try:
            blocks, decisions, site = _decide(doc, config)
            html_site = site if path == "html" else html_site
            out.append(Decided(path, blocks, decisions, site=site or html_site))
        except Exception as exc:  # an extractor failure is scored as an empty output
            out.append(Decided(path, [], [], f"{type(exc).__name__}: {exc}"))
    return out


_ARGS: tuple[str, Config, tuple[str, ...], Path | None] | None = None


def _init(args: tuple[str, Config, tuple[str, ...], Path | None]) -> None:
    global _ARGS
    _ARGS = args


def _worker(page: GoldPage) -> list[Decided]:
    assert _ARGS is not None
    return decide_page(page, *_ARGS)


def decide_all(
    pages: list[GoldPage], root: str, config: Config, converters: Sequence[str], cache: Path | None, jobs: int
) -> list[list[Decided]]:
    """:func:`decide_page` over every page, in page order, in ``jobs`` processes."""
    args = (root, config, tuple(converters), cache)
    if jobs > 1:
        with Pool(jobs, initializer=_init, initargs=(args,)) as pool:
            return list(pool.imap(_worker, pages, chunksize=4))
    _init(args)
    return [_worker(p) for p in pages]


def site_stats(decided: list[list[Decided]], path: str) -> SiteStats:
    """Pass 1 on one path: the block hashes of every page of a known site, counted per site."""
    stats = SiteStats()
    for results in decided:
        d = next(r for r in results if r.path == path)
        if d.error is None and d.site:
            stats.add(d.site, document_keys(d.blocks))
    return stats.pruned_copy()


def html_site(results: list[Decided]) -> str | None:
    """The corpus site of a page as its HTML path found it."""
    return next((r.site for r in results if r.path == "html"), None)


def groups_of(pages: list[GoldPage], decided: list[list[Decided]]) -> dict[str, str]:
    """Page key -> its group (several pages / one page / no site), by its HTML path's site."""
    sites = [html_site(results) for results in decided]
    per_site = Counter(sites)
    return {
        p.key: ("no site" if not site else "several pages" if per_site[site] > 1 else "one page")
        for p, site in zip(pages, sites, strict=True)
    }


def score_all(
    pages: list[GoldPage],
    decided: list[list[Decided]],
    stats: dict[str, SiteStats],
    min_share: float,
    min_other_pages: int,
    min_words: int,
    min_site_pages: int,
) -> tuple[list[PageScore], Counter[str]]:
    """Score every page on every path with the corpus pass off and on; count the blocks it dropped."""
    scores: list[PageScore] = []
    dropped: Counter[str] = Counter()
    for page, results in zip(pages, decided, strict=True):
        for d in results:
            if d.error is not None:
                for mode in ("off", "on"):
                    scores.append(score_page(page, f"{d.path}/{mode}", "", d.error))
                continue
            revised = d.decisions
            if d.site:
                revised = drop_repeated(
                    d.blocks,
                    d.decisions,
                    stats[d.path],
                    d.site,
                    min_share=min_share,
                    min_other_pages=min_other_pages,
                    min_words=min_words,
                    min_site_pages=min_site_pages,
                )
            changed = sum(a.keep != b.keep for a, b in zip(d.decisions, revised, strict=True))
            dropped[d.path] += changed
            dropped[f"{d.path} pages"] += changed > 0
            scores.append(score_page(page, f"{d.path}/off", rebuild_text(d.blocks, d.decisions)))
            scores.append(score_page(page, f"{d.path}/on", rebuild_text(d.blocks, revised)))
    return scores, dropped


def _headline(g: Any) -> tuple[float | None, str]:
    return (g.f1, "F1") if g.n_full else (g.snippet_f1, "snippet F1")


def corpus_table(scores: list[PageScore], groups: dict[str, str], paths: Sequence[str]) -> str:
    """Dataset x group x path: pages, F1 (or snippet F1) off -> on, and P/R on."""
    agg = aggregate(scores, by=lambda s: (s.dataset, groups[s.key], s.extractor))
    datasets = list(dict.fromkeys(s.dataset for s in scores))
    rows = []
    for dataset in datasets:
        for group in GROUPS:
            for path in paths:
                off, on = agg.get((dataset, group, f"{path}/off")), agg.get((dataset, group, f"{path}/on"))
                if off is None or on is None:
                    continue
                (f_off, kind), (f_on, _) = _headline(off), _headline(on)
                delta = None if f_off is None or f_on is None else f_on - f_off
                pr = (
                    f"{fmt(off.precision)}/{fmt(off.recall)} -> {fmt(on.precision)}/{fmt(on.recall)}"
                    if off.n_full
                    else f"{fmt(off.without_avoided)}/{fmt(off.with_found)} -> "
                    f"{fmt(on.without_avoided)}/{fmt(on.with_found)}"
                )
                sign = "" if delta is None else f"{delta:+.4f}"
                rows.append([dataset, group, path, off.n, kind, fmt(f_off, 4), fmt(f_on, 4), sign, pr])
    header = [
        "dataset",
        "sites",
        "path",
        "pages",
        "measure",
        "off",
        "on",
        "change",
        "P/R off -> on (snippets: avoided/found)",
    ]
    return format_table(header, rows)


def report(
    pages: list[GoldPage],
    decided: list[list[Decided]],
    paths: Sequence[str],
    min_share: float,
    min_other_pages: int,
    min_words: int,
    min_site_pages: Sequence[int],
) -> str:
    """The Markdown section: what was counted, then the on/off table for each least site size."""
    stats = {path: site_stats(decided, path) for path in paths}
    groups = groups_of(pages, decided)
    counts = Counter(groups.values())
    sizes = Counter(html_site(results) for results in decided)
    multi_sites = len([site for site, n in sizes.items() if site and n > 1])
    least = min(min_site_pages)
    lines = [
        f"{len(pages)} pages: {counts['several pages']} on {multi_sites} sites with several pages "
        f"({sum(n for s, n in sizes.items() if s and n >= least)} pages on sites of {least} pages or more), "
        f"{counts['one page']} alone on their site, {counts['no site']} with no url or canonical link (no site).",
        f"Thresholds: min share {min_share} of the site's other distinct pages, "
        f"at least {min_other_pages} such page(s), blocks of {min_words} words or more.",
    ]
    for least in min_site_pages:
        scores, dropped = score_all(pages, decided, stats, min_share, min_other_pages, min_words, least)
        lines += [
            "",
            f"### Sites of at least {least} pages revised",
            "",
            "Blocks the corpus pass dropped (pages changed): "
            + ", ".join(f"{p} {dropped[p]} ({dropped[p + ' pages']})" for p in paths)
            + "; repeated blocks in the summary: "
            + ", ".join(f"{p} {stats[p].entries}" for p in paths),
            "",
            corpus_table(scores, groups, paths),
        ]
    return "\n".join(lines)


def run(
    pages: list[GoldPage],
    root: str,
    *,
    extractor: str = "default",
    converters: Sequence[str] = ("resiliparse",),
    cache: Path | None = textdumps.DEFAULT_CACHE,
    jobs: int = 1,
    min_share: float | None = None,
    min_other_pages: int | None = None,
    min_words: int | None = None,
    min_site_pages: Sequence[int] | None = None,
    log: Callable[[str], None] | None = None,
) -> str:
    """Decide every page once, then report F1 with the corpus pass on and off."""
    config = Config(extractor=extractor)
    start = time.perf_counter()
    decided = decide_all(pages, root, config, converters, cache, jobs)
    if log:
        log(f"corpus pass: decided {len(pages)} pages in {time.perf_counter() - start:.0f} s")
    return report(
        pages,
        decided,
        ["html", *converters],
        config.corpus_min_share if min_share is None else min_share,
        config.corpus_min_pages if min_other_pages is None else min_other_pages,
        config.corpus_min_words if min_words is None else min_words,
        [config.corpus_min_site_pages] if min_site_pages is None else min_site_pages,
    )


def main(argv: list[str] | None = None) -> int:
    """Parse options, evaluate, print the section."""
    parser = argparse.ArgumentParser(prog="python -m bench.corpus_eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="devdata folder, e.g. ../shared/devdata")
    parser.add_argument("--datasets", help="comma-separated dataset names (default: all)")
    parser.add_argument("--limit", type=int, help="first N pages of each dataset (quick runs)")
    parser.add_argument("--extractor", default="default", help="cleaner extractor (default: default)")
    parser.add_argument("--no-text-path", action="store_true", help="only the HTML path")
    parser.add_argument("--converters", default="resiliparse", help="text-dump converters (default: resiliparse)")
    parser.add_argument("--cache", type=Path, default=textdumps.DEFAULT_CACHE, help="text-dump cache folder")
    parser.add_argument("--min-share", type=float, help="override the share threshold")
    parser.add_argument("--min-pages", type=int, help="override the least number of other pages")
    parser.add_argument("--min-words", type=int, help="override the least number of words of a block")
    parser.add_argument(
        "--min-site-pages", help="comma-separated least site sizes to compare (default: the configured one)"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--write", help="record the table in this Markdown file (BENCHMARKS.md)")
    args = parser.parse_args(argv)
    pages = list(
        load_devdata(args.data, args.datasets.split(",") if args.datasets else None, args.limit, with_html=False)
    )
    converters = () if args.no_text_path else tuple(x for x in args.converters.split(",") if x)
    body = run(
        pages,
        args.data,
        extractor=args.extractor,
        converters=converters,
        cache=args.cache,
        jobs=args.jobs,
        min_share=args.min_share,
        min_other_pages=args.min_pages,
        min_words=args.min_words,
        min_site_pages=[int(x) for x in args.min_site_pages.split(",")] if args.min_site_pages else None,
        log=lambda m: print(m, file=sys.stderr),
    )
    print(body)
    if args.write:
        write_section(args.write, "corpus-pass", body, argv if argv is not None else sys.argv[1:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
