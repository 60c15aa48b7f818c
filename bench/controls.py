"""What ``--no-tables`` and ``--comments`` do on devdata pages: pages touched, text moved, F1.

For each devdata page with full gold text among the first :data:`SAMPLE` of its dataset,
the page is cleaned with the default settings, with ``tables=False`` and with
``comments=True`` (no corpus pass, as for one page), and the report gives, per dataset:
the pages where ``--no-tables`` dropped a block, the share of the default text's
characters it dropped, the shingle F1 of both texts against the gold (the gold keeps
tables, so the cost shows); the pages where ``--comments`` found comments, how many, and
whether the text stayed the same on every page (it must).

    python -m bench.controls --data ../shared/devdata [--limit N] [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict

from bench import write_section
from cleaner.config import Config
from cleaner.learning.devdata import FULL, load_devdata
from cleaner.learning.scoring import format_table, score_page, summarize
from cleaner.pipeline import clean

# Pages per dataset: enough for the share of pages with tables and comments to be steady,
# few enough for a few minutes' run.
SAMPLE = 200


def main(argv: list[str] | None = None) -> int:
    """Clean the sample three ways and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.controls", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="devdata folder, e.g. ../shared/devdata")
    parser.add_argument("--limit", type=int, default=SAMPLE, help=f"pages per dataset (default {SAMPLE})")
    parser.add_argument("--write", help="record the table in this Markdown file (BENCHMARKS.md)")
    args = parser.parse_args(argv)
    default, no_tables = Config(corpus_pass=False), Config(corpus_pass=False, tables=False)
    comments = Config(corpus_pass=False, comments=True)
    rows: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for page in load_devdata(args.data, limit=args.limit):
        if page.gold_type != FULL:
            continue
        plain = clean(page.html, url=page.url, config=default, input_type="html")
        tables = clean(page.html, url=page.url, config=no_tables, input_type="html")
        with_comments = clean(page.html, url=page.url, config=comments, input_type="html")
        cell = rows[page.dataset]
        cell["default"].append(score_page(page, "default", plain.text))
        cell["no-tables"].append(score_page(page, "no-tables", tables.text))
        cell["touched"].append(any(d.reason == "structure.table" for d in tables.decisions))
        cell["chars"].append((len(plain.text), len(plain.text) - len(tables.text)))
        cell["comments"].append(len(with_comments.comments or []))
        cell["same text"].append(with_comments.text == plain.text)
    table = []
    for dataset, cell in sorted(rows.items()):
        pages = len(cell["default"])
        kept = sum(c for c, _ in cell["chars"])
        dropped = sum(d for _, d in cell["chars"])
        table.append(
            [
                dataset,
                str(pages),
                f"{sum(cell['touched']) / pages:.3f}",
                f"{dropped / kept if kept else 0:.4f}",
                f"{summarize(cell['default']).f1 or 0:.4f}",
                f"{summarize(cell['no-tables']).f1 or 0:.4f}",
                f"{sum(1 for n in cell['comments'] if n) / pages:.3f}",
                str(sum(cell["comments"])),
                "yes" if all(cell["same text"]) else "NO",
            ]
        )
    header = [
        "dataset",
        "pages",
        "--no-tables: pages touched",
        "chars dropped",
        "F1 default",
        "F1 --no-tables",
        "--comments: pages with comments",
        "comments",
        "text unchanged",
    ]
    body = (
        f"The first {args.limit} pages with full gold text of each devdata dataset, cleaned with the default "
        "settings, with --no-tables and with --comments (no corpus pass):\n\n" + format_table(header, table) + "\n"
    )
    print(body)
    if args.write:
        write_section(args.write, "controls", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
