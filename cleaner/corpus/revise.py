"""Pass 2 of the corpus statistics: a kept block repeated across the site's other pages is dropped.

Pure functions of a page's blocks and decisions and the site statistics: the pipeline
calls :func:`apply_site_stats` after the extractor decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from cleaner.config import Config
from cleaner.corpus.keys import block_keys, word_count
from cleaner.corpus.stats import SiteStats, load_stats
from cleaner.model import Block, Decision

__all__ = [
    "COPIES_QUANTILE",
    "MIN_OTHER_PAGES",
    "MIN_SHARE",
    "MIN_SITE_PAGES",
    "MIN_WORDS",
    "REASON",
    "apply_site_stats",
    "copies_of",
    "drop_repeated",
    "site_label",
]

REASON = "corpus.repeated_on_site"
# Share of a site's *other distinct* pages (those that are not copies of the page) that
# must hold a block for it to be boilerplate. A site template (menu, footer, newsletter
# box, publisher blurb) is on nearly all of them, a section's template on a good share; a
# sentence that different pages share by coincidence or design (a quote, a product
# feature on its variants, a headline on two listing pages) on a few out of many. 0.3
# keeps the first two on sites of any size. On devdata (sites of 2-12 pages) the F1
# change on wcxb-dev's multi-page HTML sites is +0.0007 at 0.2, +0.0010 at 0.3, +0.0013
# at 0.5 (with MIN_WORDS 10): the share matters little there, since on a site of two or
# three pages any block shared by two distinct pages passes it, which is all such a
# small crawl can tell.
MIN_SHARE = 0.3
# ... and at least this many other distinct pages: one, so two different pages of a site
# sharing a line is already evidence (the smallest corpus that can show repetition).
MIN_OTHER_PAGES = 1
# The pass acts on a site from this many pages (counted in pass 1). Two pages that share
# a paragraph may share a story (an agency text, a quote, two test pages under one
# placeholder host) as well as furniture; on three, the block must be on both others or
# be template enough to pass MIN_SHARE. bench.corpus_eval on devdata (sites of 2-12
# pages), F1 change of the pass on sites with several pages, HTML / text dumps: from 2
# pages, readability-testpages -0.0034 / -0.0029 (unrelated test pages naming one
# placeholder host) and wcxb-dev -0.0001 / +0.0053; from 3, readability 0 / +0.0006 and
# wcxb-dev -0.0002 / +0.0041; from 5, wcxb-dev -0.0017 / +0.0009 (its smaller sites'
# furniture is left in).
MIN_SITE_PAGES = 3
# Blocks with fewer words (letters only; a CJK character is a word) are left to the
# extractor: 10 words is a full sentence. Shorter blocks are labels, headings, prices,
# product names, taglines and menu items, whose repetition across a site is often the
# structure of its content ("Weight:", "Parameters", "Save 25%", "Free shipping on all
# orders"), and single-page rules judge them well from their context. On devdata's
# multi-page sites, dropped blocks of 0-2 words were in the gold text two times out of
# three, blocks of 8 words or more one time out of six; the F1 change on wcxb-dev's HTML
# (shops and documentation, where repeated text is often counted as content) goes from
# -0.0016 (6 words) to -0.0008 (8) to +0.0010 (10) at a share of 0.3; text dumps gain at
# every value (+0.0040 to +0.0048).
MIN_WORDS = 10
# A page's copies on its site are estimated from the length-weighted median count of its
# kept blocks: half of its kept text being on n pages means n near-copies (reposts,
# syndicated versions, the same page crawled twice); see copies_of().
COPIES_QUANTILE = 0.5


def copies_of(blocks: Sequence[Block], decisions: Sequence[Decision], counts: np.ndarray) -> int:
    """How many pages of the site are this page or a near-copy of it (0 if the summary has not seen it).

    The length-weighted ``COPIES_QUANTILE`` of the counts of the blocks the extractor kept:
    an article reposted at three urls has its paragraphs on three pages, so its copies
    are 3, whatever its footer's count. With nothing kept, the lowest count of any block.
    """
    kept = [(int(counts[d.block]), len(blocks[d.block].text)) for d in decisions if d.keep]
    if not kept:
        return int(counts.min()) if len(counts) else 0
    kept.sort()
    total = sum(w for _, w in kept)
    seen = 0
    for count, weight in kept:
        seen += weight
        if seen >= COPIES_QUANTILE * total:
            return count
    return kept[-1][0]


def site_label(site: str) -> str:
    """How evidence names a site: its host ("the input folder" for a summary made by hand with an unnamed site)."""
    return site or "the input folder"


def drop_repeated(
    blocks: Sequence[Block],
    decisions: list[Decision],
    stats: SiteStats,
    site: str,
    *,
    min_share: float = MIN_SHARE,
    min_other_pages: int = MIN_OTHER_PAGES,
    min_words: int = MIN_WORDS,
    min_site_pages: int = MIN_SITE_PAGES,
) -> list[Decision]:
    """Apply the site statistics to a page's decisions (pass 2).

    A kept block on at least ``min_other_pages`` of the site's other distinct pages, and on
    at least ``min_share`` of them, is dropped with reason ``corpus.repeated_on_site``
    (the extractor's verdict stays in ``first_pass``); a dropped block that meets the same
    test keeps its reason and gets the corpus evidence appended to its ``detail``. A site
    of fewer than ``min_site_pages`` pages is left alone.
    """
    docs = stats.docs(site)
    if docs < max(min_site_pages, 2) or not blocks:
        return decisions
    counts = stats.counts(site, block_keys(blocks))
    copies = copies_of(blocks, decisions, counts)
    pool = docs - copies
    if pool < min_other_pages:
        return decisions
    out: list[Decision] = []
    for decision in decisions:
        count = int(counts[decision.block])
        others = count - copies
        short = word_count(blocks[decision.block].text) < min_words
        if short or others < min_other_pages or others / pool < min_share:
            out.append(decision)
            continue
        evidence = f"on {count} of {docs} pages of {site_label(site)}"
        if copies > 1:
            evidence += f" ({copies} of them this page or near-copies of it)"
        if decision.keep:
            out.append(
                Decision(
                    block=decision.block,
                    keep=False,
                    reason=REASON,
                    by="corpus",
                    score=round(1.0 - others / pool, 4),
                    detail=evidence,
                    first_pass=decision,
                )
            )
        else:
            detail = f"{decision.detail}; also {REASON}: {evidence}" if decision.detail else f"{REASON}: {evidence}"
            out.append(replace(decision, detail=detail))
    return out


def apply_site_stats(
    blocks: Sequence[Block], decisions: list[Decision], site: str | None, config: Config
) -> list[Decision]:
    """The pipeline's hook: :func:`drop_repeated` with the summary in ``config.site_stats`` and its thresholds.

    ``site`` is the page's site for the pass (see :func:`cleaner.pipeline.corpus_site`);
    a page of no known site is left alone.
    """
    if not config.site_stats or config.corpus_pass is False or not site:
        return decisions
    return drop_repeated(
        blocks,
        decisions,
        load_stats(config.site_stats),
        site,
        min_share=config.corpus_min_share,
        min_other_pages=config.corpus_min_pages,
        min_words=config.corpus_min_words,
        min_site_pages=config.corpus_min_site_pages,
    )
