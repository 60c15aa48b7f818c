"""Cross-validated quality of the text-line model on text dumps, next to the rules (issue 3).

    python -m bench.text_model_cv --data ../shared/devdata [--converter resiliparse] [--folds 3]
        [--jobs 2] [--write BENCHMARKS.md]

Every devdata page is turned into a full-page text dump (``bench.textdumps``) and scored
by a text-line model (``cleaner.learning.train.fit_model(..., input_type="text")``, the shipped
model's recipe) trained on the site-grouped folds that do not hold its site, next to the
rules extractor on the same dumps. Reported per dataset and wcxb page type: shingle F1
(snippet F1 on snippet-only pages).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench import textdumps, write_section
from bench.learned_cv import comparison_rows
from cleaner import clean
from cleaner.config import Config
from cleaner.learning.devdata import load_devdata
from cleaner.learning.scoring import format_table
from cleaner.learning.train import dump_examples, fit_model, site_folds


def main(argv: list[str] | None = None) -> int:
    """Build the line examples, cross-validate, print (and with --write record) the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.text_model_cv", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="devdata folder, e.g. ../shared/devdata")
    parser.add_argument("--converter", default="resiliparse", choices=textdumps.CONVERTERS)
    parser.add_argument("--cache", type=Path, default=textdumps.DEFAULT_CACHE, help="text-dump cache folder")
    parser.add_argument("--folds", type=int, default=3, help="site-grouped folds (default 3)")
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
    fold_of = site_folds(examples, args.folds)
    learned: dict[str, str] = {}
    rules: dict[str, str] = {}
    for fold in range(args.folds):
        model = fit_model([e for e, f in zip(examples, fold_of, strict=True) if f != fold], lambda m: None, "text")
        for e in (e for e, f in zip(examples, fold_of, strict=True) if f == fold):
            scores = model.scores(e.features)[1]
            learned[e.key] = "\n".join(t for t, s in zip(e.texts, scores, strict=True) if s > model.threshold)
            rules[e.key] = clean("\n".join(e.texts), input_type="text", config=config).text
        print(f"fold {fold + 1}/{args.folds} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    gold = {e.key: pages[e.key.rsplit("@", 1)[0]] for e in examples}
    header = ["dataset / page type", "pages", "cleaner-text:learned", "cleaner-text:rules", "difference"]
    rows = comparison_rows(gold, learned, rules)
    body = (
        f"{len(examples)} {args.converter} dumps of devdata pages, {args.folds} folds grouped by site (each dump "
        "scored by a text-line model that never saw its site); shingle F1, snippet F1 on snippet-only pages.\n\n"
        + format_table(header, rows)
    )
    print(body)
    if args.write:
        write_section(args.write, "text-model-cv", body, argv if argv is not None else sys.argv[1:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
