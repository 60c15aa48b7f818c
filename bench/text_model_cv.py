"""Leave-one-dataset-out quality of the text-line model on text dumps, next to the rules.

    python -m bench.text_model_cv --data ../shared/devdata [--converter resiliparse]
        [--jobs 2] [--write BENCHMARKS.md]

Every devdata page is turned into a full-page text dump (``bench.textdumps``) and scored
by a text-line model (``cleaner.learning.train.fit_model(..., input_type="text")``, the shipped
model's recipe) trained on the other four datasets (never on the dump's source), next to
the rules extractor on the same dumps; both through the page rules the pipeline applies
(in-page copies dropped). Reported per dataset and wcxb page type: shingle F1 (snippet
F1 on snippet-only pages).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench import textdumps, write_section
from bench.lodo import comparison_rows, kept_text
from cleaner import clean
from cleaner.config import Config
from cleaner.learning.devdata import load_devdata
from cleaner.learning.scoring import format_table
from cleaner.learning.train import dump_examples, fit_model


def main(argv: list[str] | None = None) -> int:
    """Build the line examples, cross-validate, print (and with --write record) the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.text_model_cv", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="devdata folder, e.g. ../shared/devdata")
    parser.add_argument("--converter", default="resiliparse", choices=textdumps.CONVERTERS)
    parser.add_argument("--cache", type=Path, default=textdumps.DEFAULT_CACHE, help="text-dump cache folder")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the line features")
    parser.add_argument("--write", help="record the table in this Markdown file (BENCHMARKS.md)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    pages = {p.key: p for p in load_devdata(args.data)}
    for page in pages.values():  # the dumps are made (and cached) here; the examples read them
        textdumps.get_dump(page, args.converter, args.cache)
    examples = sorted(dump_examples(args.data, [args.cache / args.converter], jobs=args.jobs), key=lambda e: e.key)
    print(f"{len(examples)} dumps with examples in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    config = Config(extractor="rules", corpus_pass=False)
    outputs: dict[str, dict[str, str]] = {"cleaner-text:learned": {}, "cleaner-text:rules": {}}
    for dataset in sorted({e.dataset for e in examples}):
        model = fit_model([e for e in examples if e.dataset != dataset], lambda m: None, "text")
        for e in (e for e in examples if e.dataset == dataset):
            keep = (model.scores(e.features)[1] > model.threshold).tolist()
            outputs["cleaner-text:learned"][e.key] = kept_text(e, keep)
            outputs["cleaner-text:rules"][e.key] = clean("\n".join(e.texts), input_type="text", config=config).text
        print(f"{dataset} held out ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    gold = {e.key: pages[e.key.rsplit("@", 1)[0]] for e in examples}
    systems = ["cleaner-text:learned", "cleaner-text:rules"]
    header = ["dataset / page type", "pages", *systems, "difference"]
    rows = comparison_rows(gold, outputs, systems, ("cleaner-text:learned", "cleaner-text:rules"))
    body = (
        f"{len(examples)} {args.converter} dumps of devdata pages, each dataset scored by a text-line model "
        "trained on the other four (never on its source); shingle F1, snippet F1 on snippet-only pages.\n\n"
        + format_table(header, rows)
    )
    print(body)
    if args.write:
        write_section(args.write, "text-model-cv", body, argv if argv is not None else sys.argv[1:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
