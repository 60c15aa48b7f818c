"""Cross-validated quality of the learned extractor, grouped by site, next to trafilatura.

    python -m bench.learned_cv --data ../shared/devdata [--folds 3] [--jobs 2] [--write BENCHMARKS.md]

Every devdata page is scored by a model trained (with ``cleaner.learning.train.fit_model``, the
shipped model's recipe) on the folds that do not hold its site, so all pages count and no
site is on both sides. trafilatura (comments excluded) runs on the same pages in the same
run. Reported per dataset and per wcxb page type: shingle F1 (snippet F1 for snippet-only
pages), as in ``bench.quality``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections.abc import Mapping

from bench import baselines, write_section
from cleaner.learning.devdata import GoldPage, load_devdata, read_html
from cleaner.learning.scoring import format_table, score_page, summarize
from cleaner.learning.train import devdata_examples, fit_model, site_folds


def _trafilatura(args: tuple[str, GoldPage]) -> tuple[str, str]:
    root, page = args
    page = read_html(root, page)
    try:
        return page.key, baselines.trafilatura_text(page.html, page.url or page.extra.get("url_from_html"))
    except Exception:  # noqa: BLE001 - a failing page scores as empty output
        return page.key, ""


def comparison_rows(
    gold: Mapping[str, GoldPage], first: Mapping[str, str], second: Mapping[str, str]
) -> list[list[str]]:
    """Rows of a two-system table per dataset and wcxb page type: pages, both headline F1s, difference.

    ``gold`` maps each scored output's key to its page; the headline is shingle F1, snippet
    F1 on snippet-only pages; a missing output scores as empty.
    """
    groups: dict[str, list[str]] = {}
    for key, page in gold.items():
        groups.setdefault(page.dataset, []).append(key)
        if page.page_type:
            groups.setdefault(f"{page.dataset} {page.page_type}", []).append(key)
    rows = []
    for group, keys in sorted(groups.items()):
        cells = [group, str(len(keys))]
        for outputs in (first, second):
            summary = summarize([score_page(gold[k], "x", outputs.get(k, "")) for k in keys])
            headline = summary.f1 if summary.f1 is not None else summary.snippet_f1
            cells.append(f"{headline:.3f}" if headline is not None else "-")
        cells.append(f"{float(cells[2]) - float(cells[3]):+.3f}" if "-" not in cells[2:4] else "-")
        rows.append(cells)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.learned_cv", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="devdata folder, e.g. ../shared/devdata")
    parser.add_argument("--folds", type=int, default=3, help="site-grouped folds (default 3)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for features and trafilatura")
    parser.add_argument("--write", help="record the table in this Markdown file (BENCHMARKS.md)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    pages = {p.key: p for p in load_devdata(args.data, with_html=False)}
    examples = sorted(devdata_examples(args.data, jobs=args.jobs), key=lambda e: e.key)
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        reference = dict(pool.map(_trafilatura, [(args.data, p) for p in pages.values()], chunksize=8))
    print(f"features and trafilatura in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    fold_of = site_folds(examples, args.folds)
    learned: dict[str, str] = {}
    for fold in range(args.folds):
        train = [e for e, f in zip(examples, fold_of, strict=True) if f != fold]
        model = fit_model(train, log=lambda m: None)
        for e in (e for e, f in zip(examples, fold_of, strict=True) if f == fold):
            scores = model.scores(e.features, e.groups)[1]
            learned[e.key] = "\n".join(t for t, s in zip(e.texts, scores, strict=True) if s > model.threshold)
        print(f"fold {fold + 1}/{args.folds} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    scored = [e.key for e in examples]
    rows = comparison_rows({key: pages[key] for key in scored}, learned, reference)
    body = (
        f"{len(scored)} pages, {args.folds} folds grouped by site (each page scored by a model that never saw "
        f"its site); shingle F1, snippet F1 on snippet-only pages.\n\n"
        + format_table(["dataset / page type", "pages", "cleaner:learned", "trafilatura", "difference"], rows)
    )
    print(body)
    if args.write:
        write_section(args.write, "learned-cv", body, argv if argv is not None else sys.argv[1:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
