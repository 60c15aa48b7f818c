"""Leave-one-dataset-out quality: how cleaner does on a *source* it never trained on.

    python -m bench.lodo --data ../shared/devdata [--jobs 2] [--cache out/lodo.pkl] [--write BENCHMARKS.md]

For each devdata dataset, a model is trained (``cleaner.learning.train.fit_model``, the
shipped model's recipe, its ensemble weights fitted on out-of-fold scores) on the other
four datasets and scores the held-out one. Beside it, in the same run, on the same pages:
``trafilatura.extract``'s own output (comments excluded, not aligned onto cleaner's
blocks), the rules extractor, the ensemble, and the shipped model (which trained on every
devdata page, so its figure is in-sample: a reference, not a prediction). The headline is
shingle F1 (snippet F1 on snippet-only pages), per dataset and per wcxb page type.

``--cache`` keeps the pages' examples and trafilatura's outputs between runs of the same
code (delete it after changing the segmenter or the features).
"""

from __future__ import annotations

import argparse
import multiprocessing
import pickle
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from bench import baselines, write_section
from cleaner.extractors.ensemble import combine, vote_matrix
from cleaner.extractors.learned import load_model
from cleaner.extractors.page_rules import page_rule_changes
from cleaner.extractors.trees import LearnedModel
from cleaner.learning.devdata import GoldPage, load_devdata, read_html
from cleaner.learning.scoring import format_table, score_page, summarize
from cleaner.learning.train import PageExamples, devdata_examples, fit_model, member_votes
from cleaner.page.matrix import feature_names

SYSTEMS = ("cleaner:learned", "cleaner:ensemble", "cleaner:rules", "trafilatura", "shipped model (in-sample)")


def _trafilatura(args: tuple[str, GoldPage]) -> tuple[str, str]:
    root, page = args
    page = read_html(root, page)
    try:
        return page.key, baselines.trafilatura_text(page.html, page.url or page.extra.get("url_from_html"))
    except Exception:  # noqa: BLE001 - a failing page scores as empty output
        return page.key, ""


def load_inputs(root: str, jobs: int, cache: str | None) -> tuple[list[PageExamples], dict[str, str]]:
    """Every page's examples (with the other members' votes) and trafilatura's own output."""
    if cache and Path(cache).exists():
        with open(cache, "rb") as handle:
            examples, reference = pickle.load(handle)
        return examples, reference
    pages = list(load_devdata(root, with_html=False))
    examples = sorted(devdata_examples(root, jobs=jobs, with_votes=True), key=lambda e: e.key)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        reference = dict(pool.map(_trafilatura, [(root, p) for p in pages], chunksize=8))
    if cache:
        Path(cache).parent.mkdir(parents=True, exist_ok=True)
        with open(cache, "wb") as handle:
            pickle.dump((examples, reference), handle)
    return examples, reference


def kept_text(e: PageExamples, keep: Sequence[bool]) -> str:
    """The page's text from the blocks kept, after the page rules (as the pipeline applies them)."""
    changes = page_rule_changes(e.texts, list(keep), e.parents, e.rows, e.links)
    verdicts = [changes[i][0] if i in changes else bool(k) for i, k in enumerate(keep)]
    return "\n".join(t for t, k in zip(e.texts, verdicts, strict=True) if k)


def outputs_of(model: LearnedModel, e: PageExamples) -> dict[str, str]:
    """The learned, ensemble and rules outputs of one page under ``model``."""
    scores = model.scores(e.features, e.groups)[1]
    keep = scores > model.threshold
    found = {"cleaner:learned": kept_text(e, keep)}
    if e.votes is not None:
        votes = member_votes(e.votes)
        weights = (model.info or {}).get("ensemble_weights")
        if weights:
            found["cleaner:ensemble"] = kept_text(e, combine(vote_matrix(scores, votes), weights) > 0.5)
        found["cleaner:rules"] = kept_text(e, e.votes[:, 2] > 0.5)
    return found


def comparison_rows(
    gold: Mapping[str, GoldPage],
    outputs: Mapping[str, Mapping[str, str]],
    systems: Sequence[str],
    difference: tuple[str, str] = ("cleaner:learned", "trafilatura"),
) -> list[list[str]]:
    """Rows per dataset and wcxb page type: pages, each system's headline F1, and the first of
    ``difference`` minus the second.

    ``gold`` maps each scored output's key to its page; the headline is shingle F1, snippet
    F1 on snippet-only pages; a missing output scores as empty.
    """
    first, second = difference
    groups: dict[str, list[str]] = {}
    for key, page in gold.items():
        groups.setdefault(page.dataset, []).append(key)
        if page.page_type:
            groups.setdefault(f"{page.dataset} {page.page_type}", []).append(key)
    rows = []
    for group, keys in sorted(groups.items()):
        cells = [group, str(len(keys))]
        values: dict[str, float] = {}
        for system in systems:
            summary = summarize([score_page(gold[k], system, outputs[system].get(k, "")) for k in keys])
            headline = summary.f1 if summary.f1 is not None else summary.snippet_f1
            if headline is not None:
                values[system] = headline
            cells.append(f"{headline:.3f}" if headline is not None else "-")
        if first in values and second in values:
            cells.append(f"{values[first] - values[second]:+.3f}")
        else:
            cells.append("-")
        rows.append(cells)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Train a model per held-out dataset, score every system on it, print (and with --write record) the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.lodo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="devdata folder, e.g. ../shared/devdata")
    parser.add_argument("--jobs", type=int, default=2, help="processes for features and trafilatura")
    parser.add_argument("--cache", help="keep examples and trafilatura's outputs in this file between runs")
    parser.add_argument("--write", help="record the table in this Markdown file (BENCHMARKS.md)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    pages = {p.key: p for p in load_devdata(args.data, with_html=False)}
    examples, reference = load_inputs(args.data, args.jobs, args.cache)
    print(f"{len(examples)} pages: examples and trafilatura in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    outputs: dict[str, dict[str, str]] = {s: {} for s in SYSTEMS}
    outputs["trafilatura"] = reference
    shipped = load_model(None, "html")
    comparable = shipped.features == feature_names(True)  # the shipped model reads today's features
    for dataset in sorted({e.dataset for e in examples}):
        train = [e for e in examples if e.dataset != dataset]
        model = fit_model(train, log=lambda _m: None)
        for e in (e for e in examples if e.dataset == dataset):
            for system, text in outputs_of(model, e).items():
                outputs[system][e.key] = text
            if comparable:
                outputs["shipped model (in-sample)"][e.key] = outputs_of(shipped, e)["cleaner:learned"]
        print(f"{dataset} held out ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    systems = [s for s in SYSTEMS if outputs[s]]
    scored = {e.key: pages[e.key] for e in examples}
    rows = comparison_rows(scored, outputs, systems)
    body = (
        f"{len(scored)} pages; each dataset scored by a model trained on the other four (never on its source); "
        "shingle F1, snippet F1 on snippet-only pages (trafilatura-eval), readability-testpages against "
        "Readability's output. trafilatura is `trafilatura.extract`'s own output; the shipped model trained on "
        "all of devdata, so its column is in-sample.\n\n"
        + format_table(["dataset / page type", "pages", *systems, "learned - trafilatura"], rows)
    )
    print(body)
    if args.write:
        write_section(args.write, "leave-one-dataset-out", body, argv if argv is not None else sys.argv[1:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
