"""How much of the article's structure comes out as Markdown, next to trafilatura's Markdown.

    python -m bench.markdown_eval --data ../shared/devdata [--jobs 2] [--limit N] [--write BENCHMARKS.md]

Structure in the gold: wcxb-dev's gold texts mark list items (``- ``) and table rows
(``| a | b |``); a numbered gold line is not counted as an item (as often as not the number
is the page's own text, as in "1. High-protein meals" headings). Headings are gold lines
that are the text of an ``<h1>``-``<h6>`` of the page (the headline, which goes to
``metadata.title``, left out). A system "marks" an item when its output has a line with
the right marker whose words are the item's words (case and punctuation aside): ``#`` to
``######`` for a heading, a list marker for an item, a pipe row for a table row. Reported
per dataset and kind: the items, the share each system marks, and the share among the
items whose words are in its output at all (extraction misses told from rendering misses).

Systems: ``cleaner --markdown`` (the shipped default extractor) and
``trafilatura.extract(output_format="markdown")`` (tables on, comments off, as
bench.baselines runs it). Also the shingle F1 of cleaner's Markdown text next to its plain
text on the same decisions (the markers are punctuation: the words must not change), with
the headline kept and, as by default, left to ``metadata.title``; and the F1 of that
Markdown as a reader sees it (rendered by a CommonMark parser, markdown-it-py, then its
text): the markers are gone there, the numbers of numbered items and the backslashes of
escapes with them, so what remains of a difference is words the Markdown changed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from multiprocessing import Pool
from typing import Any

import lxml.html

from bench import write_section
from cleaner.config import Config
from cleaner.learning.devdata import FULL, TOOL_OUTPUT, GoldPage, load_devdata, read_html
from cleaner.learning.scoring import format_table, score_page, summarize, tokenize
from cleaner.model import rebuild_text
from cleaner.page.markdown import render_markdown
from cleaner.pipeline import clean

KINDS = ("heading", "list item", "table row")
# wcxb's gold marks list items with a bullet; a number opening a gold line is the page's
# own text as often as a list marker ("1. High-protein meals" as a heading), so only
# bullets count.
_GOLD_ITEM = re.compile(r"^\s*[-*+]\s+(.*\S)")
_GOLD_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_DELIMITER_ROW = re.compile(r"^[\s|:\-]+$")
_OUT_HEADING = re.compile(r"^\s{0,3}(?:>\s*)*#{1,6}\s+(.*)")
_OUT_ITEM = re.compile(r"^\s*(?:>\s*)*(?:[-*+]|\d{1,9}[.)])\s+(.*)")
_OUT_ROW = re.compile(r"^\s*(?:>\s*)*\|(.*)\|\s*$")


def words(text: str) -> str:
    """The text's words as the shingle score reads them, one space apart: what two renderings of one item share."""
    return " ".join(tokenize(text))


def gold_items(page: GoldPage, html: str) -> list[tuple[str, str]]:
    """The structure items of a page's gold text: ``(kind, words)`` pairs."""
    items: list[tuple[str, str]] = []
    headings = set()
    try:
        root = lxml.html.document_fromstring(html)
        headings = {words(h.text_content()) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")}
    except (ValueError, lxml.etree.ParserError):
        pass
    headings.discard(words(page.title or ""))
    headings.discard("")
    for line in (page.text or "").split("\n"):
        row = _GOLD_ROW.match(line)
        if row:
            if not _DELIMITER_ROW.match(line) and words(row.group(1)):
                items.append(("table row", words(row.group(1))))
            continue
        item = _GOLD_ITEM.match(line)
        if item and words(item.group(1)):
            items.append(("list item", words(item.group(1))))
        elif words(line) in headings:
            items.append(("heading", words(line)))
    return items


_READER = None


def read_back(markdown: str) -> str:
    """The text a reader of the rendered ``markdown`` sees: markers, escapes and item numbers gone."""
    from markdown_it import MarkdownIt

    global _READER
    if _READER is None:
        _READER = MarkdownIt("commonmark").enable("table")
    html = _READER.render(markdown)
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for cell in root.iter("td", "th", "li", "p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr"):
        cell.tail = "\n" + (cell.tail or "")
    return root.text_content()


def marked(output: str) -> dict[str, set[str]]:
    """The words of every heading, list item and table row the Markdown ``output`` marks."""
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for line in output.split("\n"):
        for kind, pattern in (("table row", _OUT_ROW), ("heading", _OUT_HEADING), ("list item", _OUT_ITEM)):
            match = pattern.match(line)
            if match:
                found[kind].add(words(match.group(1)))
                break
    return found


def _one(args: tuple[str, GoldPage]) -> dict[str, Any] | None:
    import trafilatura

    root, page = args
    data = read_html(root, page).html
    html = data.decode("utf-8", "replace")
    items = gold_items(page, html)
    result = clean(data, url=page.url, config=Config(markdown=True, corpus_pass=False), input_type="html")
    plain = rebuild_text(result.blocks, result.decisions)
    headline = render_markdown(result.blocks, result.decisions, result.metadata.get("title"), headline=True)
    traf = trafilatura.extract(data, url=page.url, include_comments=False, output_format="markdown") or ""
    return {
        "page": page,
        "items": items,
        "cleaner": result.text,
        "plain": plain,
        "headline": headline,
        "read": read_back(headline),
        "trafilatura": traf,
    }


def tally(rows: Iterable[dict[str, Any]], systems: tuple[str, ...]) -> dict[tuple[str, str], dict[str, list[int]]]:
    """Per (dataset, kind): items, and per system [marked, present, marked among present]."""
    counts: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for row in rows:
        page: GoldPage = row["page"]
        outputs = {s: (row[s], marked(row[s]), words(row[s])) for s in systems}
        for kind, item in row["items"]:
            for group in (page.dataset, "all"):
                cell = counts[(group, kind)]
                cell["items"][0] += 1
                for system, (_, found, all_words) in outputs.items():
                    hit = item in found[kind]
                    present = f" {item} " in f" {all_words} "
                    cell[system][0] += hit
                    cell[system][1] += present
                    cell[system][2] += hit and present
    return counts


def main(argv: list[str] | None = None) -> int:
    """Run both systems on the devdata pages with full gold text, print (and with --write record) the tables."""
    parser = argparse.ArgumentParser(prog="python -m bench.markdown_eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="devdata folder, e.g. ../shared/devdata")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="pages per dataset (default: all)")
    parser.add_argument("--write", help="record the tables in this Markdown file (BENCHMARKS.md)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pages = load_devdata(args.data, limit=args.limit, with_html=False)
    pages = [p for p in pages if p.gold_type in (FULL, TOOL_OUTPUT)]
    with Pool(args.jobs) as pool:
        rows = [r for r in pool.imap(_one, [(args.data, p) for p in pages], chunksize=4) if r is not None]
    systems = ("cleaner", "trafilatura")
    counts = tally(rows, systems)
    table = []
    for (group, kind), cell in sorted(counts.items()):
        n = cell["items"][0]
        line = [group, kind, str(n)]
        for system in systems:
            hit, present, both = cell[system]
            line += [f"{hit / n:.3f}", f"{both / present:.3f}" if present else "-"]
        table.append(line)
    header = ["dataset", "kind", "items"]
    for system in systems:
        header += [f"{system} marked", f"{system} marked if present"]
    structure = format_table(header, table)

    f1_rows = []
    by_dataset: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_dataset[row["page"].dataset].append(row)
    for dataset, group in sorted(by_dataset.items()):
        plain = summarize(score_page(r["page"], "plain", r["plain"]) for r in group).f1 or 0.0
        markdown = summarize(score_page(r["page"], "markdown", r["cleaner"]) for r in group).f1 or 0.0
        kept = summarize(score_page(r["page"], "headline", r["headline"]) for r in group).f1 or 0.0
        read = summarize(score_page(r["page"], "read", r["read"]) for r in group).f1 or 0.0
        f1_rows.append(
            [
                dataset,
                str(len(group)),
                f"{plain:.4f}",
                f"{kept:.4f}",
                f"{kept - plain:+.4f}",
                f"{read:.4f}",
                f"{read - plain:+.4f}",
                f"{markdown:.4f}",
            ]
        )
    header = [
        "dataset",
        "pages",
        "plain",
        "Markdown, headline kept",
        "difference",
        "as read (rendered)",
        "difference",
        "Markdown (default: no headline)",
    ]
    f1 = format_table(header, f1_rows)
    body = (
        f"{len(rows)} devdata pages with full gold text, in {time.perf_counter() - started:.0f} s.\n\n"
        "Structure items marked in the output (see bench/markdown_eval.py for the measure):\n\n"
        f"{structure}\n\nShingle F1 of cleaner's plain text and of its Markdown (same decisions): with the "
        "headline kept (--markdown-headline), the words are the plain text's; 'as read' is that Markdown rendered "
        "by a CommonMark parser (markdown-it-py) and read as text, markers and escapes gone; by default the "
        f"headline is in metadata.title only, which costs recall where the gold text starts with it:\n\n{f1}\n"
    )
    print(body)
    if args.write:
        write_section(args.write, "Markdown structure", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
