"""Corpus statistics: blocks repeated across a site's pages are boilerplate (two passes).

A line that appears on many pages of one site (a newsletter call, a publisher's blurb, a
menu, a footer) is boilerplate even when it reads like a sentence, and no single-page
extractor can know that. Like CCNet's line-hash deduplication, cleaner learns it from the
corpus in two passes. This package holds the pure functions of both; running pass 1 over
a batch, in worker processes or on Ray, is :mod:`cleaner.batch.site_stats`'s job.

1. **Collect**: every document is decoded and segmented (no extractor), and the set of
   hashes of its blocks (:mod:`~cleaner.corpus.keys`: lower case, digits folded to ``0``,
   whitespace collapsed) is counted per site (the host of the url, or of the page's own
   canonical link; a page with neither is not counted, see
   :func:`cleaner.pipeline.corpus_site`). The counts form a :class:`~cleaner.corpus.stats.SiteStats`:
   for each (site, block hash), the number of the site's documents that contain the
   block, and for each site its number of documents. Summaries of shards merge exactly
   (:meth:`SiteStats.merge`): merged shards give the same summary as one pass over
   everything, whatever the order.
2. **Apply** (:mod:`~cleaner.corpus.revise`, called by the pipeline after the extractor
   decided): a kept block that is on a large enough share of the site's *other, distinct*
   pages is dropped with reason ``corpus.repeated_on_site`` and its evidence ("on 812 of
   900 pages of example.com"); a block the extractor already dropped keeps its reason and
   gets the corpus evidence appended to its ``detail``.

**Near-duplicates.** A page reposted at several urls of a site (or crawled twice) must not
erase its own article. The counts alone tell how many copies a page has: its article
blocks are on as many pages as the page has copies. :func:`~cleaner.corpus.revise.copies_of`
takes the length-weighted median count of the blocks the extractor kept (the article, for
a page the extractor got roughly right), and a block counts as repeated only on the pages
*beyond* those copies: ``others = count - copies`` out of ``docs - copies``. A block on
two copies of one article is therefore kept, a footer on every page is not.
"""

from cleaner.corpus.keys import document_keys
from cleaner.corpus.revise import apply_site_stats, drop_repeated
from cleaner.corpus.stats import SiteStats, load_stats, merge_all

__all__ = ["SiteStats", "apply_site_stats", "document_keys", "drop_repeated", "load_stats", "merge_all"]
