"""Where a page's time goes: cleaner's default path on HTML, stage by stage.

Each page of the sample is taken through the pipeline's own public steps, each timed
(CPU time of this process, so another program on the machine moves the figures less):
decode (bytes to text), parse (lxml's tree), segment (the walk that cuts the tree into
blocks: compiled or Python, :data:`cleaner.page.segment.SEGMENTER`), features (the
block feature matrix, the page's language identified on the way), decide (the learned
model's trees on that matrix, then the page rules), metadata (title, author, date...).
The best of ``repeat`` passes of each stage is kept.

    python -m bench.stages --data ../shared/devdata [--pages 300] [--repeat 3] [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import write_section
from bench.speed import DEFAULT_PAGES, sample_pages
from cleaner.config import Config
from cleaner.learning.scoring import format_table
from cleaner.model import Document, rebuild_text
from cleaner.page import Page
from cleaner.page.segment import SEGMENTER, parse_html, segment_html
from cleaner.pipeline import decide, decode, gather_metadata

STAGES = ("decode", "parse", "segment", "features", "decide", "metadata")


def stage_times(pages: list[Any], config: Config) -> dict[str, float]:
    """CPU seconds each stage takes over ``pages`` (devdata GoldPages), in one pass."""
    spent = dict.fromkeys(STAGES, 0.0)

    def timed(stage: str, step: Callable[[], Any]) -> Any:
        start = time.process_time()
        out = step()
        spent[stage] += time.process_time() - start
        return out

    for gold in pages:
        doc = Document(id=gold.id, source=gold.key, input_type="html", content=gold.html, url=gold.url)
        markup = timed("decode", lambda d=doc: decode(d, config))
        tree = timed("parse", lambda m=markup: parse_html(m))
        blocks = timed("segment", lambda t=tree: segment_html(t))
        page = Page(document=doc, markup=markup, blocks=blocks, tree=tree)
        timed("features", lambda p=page: p.feature_matrix(config))  # cached on the page for decide
        decisions = timed("decide", lambda p=page: decide(p, config))
        text = rebuild_text(page.blocks, decisions)
        timed("metadata", lambda p=page, d=decisions, t=text: gather_metadata(p, d, t, config))
    return spent


def main(argv: list[str] | None = None) -> int:
    """Time the stages and print a table: ms a page and share of the whole."""
    parser = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="devdata folder, e.g. ../shared/devdata")
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES, help=f"pages (default {DEFAULT_PAGES})")
    parser.add_argument("--repeat", type=int, default=3, help="passes; the fastest of each stage is kept")
    parser.add_argument("--write", help="record the table in this Markdown file (BENCHMARKS.md)")
    args = parser.parse_args(argv)
    pages = sample_pages(args.data, args.pages)
    config = Config(corpus_pass=False)
    stage_times(pages[:10], config)  # warm-up: the models load, the caches fill
    best = dict.fromkeys(STAGES, float("inf"))
    for _ in range(max(1, args.repeat)):
        for stage, seconds in stage_times(pages, config).items():
            best[stage] = min(best[stage], seconds)
    total = sum(best.values())
    rows = [[s, f"{1000 * best[s] / len(pages):.2f}", f"{best[s] / total:.0%}"] for s in STAGES]
    rows.append(["all", f"{1000 * total / len(pages):.2f}", "100%"])
    body = (
        f"{len(pages)} pages, cleaner's default path, {SEGMENTER} page walk, CPU time, best of {args.repeat}:\n\n"
        + format_table(["stage", "ms a page", "share"], rows)
        + "\n"
    )
    print(body)
    if args.write:
        write_section(args.write, "stages", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
