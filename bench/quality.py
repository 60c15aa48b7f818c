"""Score cleaner and the baselines on devdata, in one run, on the same pages (``make eval``).

    python -m bench.quality --data ../shared/devdata [--jobs 2] [--limit 50]
        [--extractors default,rules] [--split test] [--details scores.jsonl]
        [--write BENCHMARKS.md]

Systems compared (every one on every page):

- HTML path: ``cleaner:<name>`` for each ``--extractors`` name, ``trafilatura``
  (``include_comments=False``), ``justext`` (stoplist from the gold language, English when
  unknown), ``resiliparse`` (``main_content=True``);
- text path (unless ``--no-text-path``): each page turned into a full-page text dump by
  ``resiliparse`` and ``inscriptis`` (see bench.textdumps), then ``keep-all``,
  ``justext-lines`` (jusText with each line as a paragraph), ``c4`` (C4's line filter with
  its page-level drops), ``c4-lines`` (the same rules as a pure line filter) and
  ``cleaner-text:<name>``; trafilatura on the HTML is the reference.

Scores (cleaner.learning.scoring): shingle precision/recall averaged over pages and F1 of the
averages where the gold is a full text (``full``; ``full-tool-output`` for
readability-testpages, reported under that name); snippet shares where the page has
``with``/``without`` snippets (trafilatura-eval; wcxb also has them). Metadata: title,
date, author agreement for cleaner and trafilatura's ``bare_extraction``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from bench import baselines, textdumps, write_section
from cleaner.learning.devdata import FULL, SNIPPETS, TOOL_OUTPUT, GoldPage, load_devdata, read_html, split_by_site
from cleaner.learning.scoring import PageScore, ScoreSummary, aggregate, fmt, format_table, metadata_scores, score_page

HTML_BASELINES = ("trafilatura", "justext", "resiliparse")
TEXT_FILTERS = ("keep-all", "justext-lines", "c4", "c4-lines")
# A language with fewer pages than this is pooled into "other" in the per-language tables.
MIN_PAGES_PER_LANGUAGE = 10
EXPECT_EMPTY = "(expect empty)"


@dataclass(frozen=True, slots=True)
class Options:
    """What to run on every page (sent to every worker once)."""

    root: str
    extractors: tuple[str, ...]
    cleaner_ok: bool
    text_path: bool
    converters: tuple[str, ...]
    metadata: bool
    cache: Path | None
    model: str | None = None
    text_extractors: tuple[str, ...] = ("default",)
    text_model: str | None = None


_OPTIONS: Options | None = None


def _init(options: Options) -> None:
    global _OPTIONS
    _OPTIONS = options


def _run(page: GoldPage, name: str, func: Callable[[], str], scores: list[PageScore]) -> str:
    """Run one system on one page, time it, score it; a failure scores as empty output."""
    start = time.perf_counter()
    try:
        out, error = func(), None
    except Exception as exc:  # a failing tool must not end the run: it is counted
        out, error = "", f"{type(exc).__name__}: {exc}"[:300]
    scores.append(score_page(page, name, out, error, time.perf_counter() - start))
    return out


def evaluate_page(page: GoldPage, options: Options) -> list[PageScore]:
    """Run every system of ``options`` on ``page`` and return their scores."""
    page = read_html(options.root, page)
    scores: list[PageScore] = []
    url = page.url or page.extra.get("url_from_html")
    wants_meta = options.metadata and bool(page.title or page.date or page.author)
    if options.cleaner_ok:
        for name in options.extractors:
            meta: dict[str, Any] = {}

            def run_cleaner(name: str = name, meta: dict[str, Any] = meta) -> str:
                text, metadata = baselines.cleaner_html(page.html, url, name, options.model)
                meta.update(metadata)
                return text

            _run(page, f"cleaner:{name}", run_cleaner, scores)
            if wants_meta:
                scores[-1].metadata = metadata_scores(page, meta)
    _run(page, "trafilatura", lambda: baselines.trafilatura_text(page.html, url), scores)
    if wants_meta:
        try:
            scores[-1].metadata = metadata_scores(page, baselines.trafilatura_metadata(page.html, url))
        except Exception:  # counted as all-wrong rather than ending the run
            scores[-1].metadata = metadata_scores(page, {})
    _run(page, "justext", lambda: baselines.justext_text(page.html, page.lang), scores)
    _run(page, "resiliparse", lambda: baselines.resiliparse_main(page.html), scores)
    if options.text_path:
        for conv in options.converters:
            try:
                dump = textdumps.get_dump(page, conv, options.cache)
            except Exception as exc:  # the converter failed: every text-path row is empty
                dump, error = "", f"{type(exc).__name__}: {exc}"
                for name in (
                    *TEXT_FILTERS,
                    *(f"cleaner-text:{x}" for x in options.text_extractors if options.cleaner_ok),
                ):
                    scores.append(score_page(page, f"{conv}/{name}", "", error))
                continue
            _run(page, f"{conv}/keep-all", partial(baselines.keep_all, dump), scores)
            _run(page, f"{conv}/justext-lines", partial(baselines.justext_lines, dump, page.lang), scores)
            _run(page, f"{conv}/c4", partial(baselines.c4_filter, dump), scores)
            _run(page, f"{conv}/c4-lines", partial(baselines.c4_filter, dump, page_rules=False), scores)
            if options.cleaner_ok:
                for name in options.text_extractors:
                    run_text = partial(baselines.cleaner_text, dump, name, options.text_model)
                    _run(page, f"{conv}/cleaner-text:{name}", run_text, scores)
    return scores


def _worker(page: GoldPage) -> list[PageScore]:
    assert _OPTIONS is not None
    return evaluate_page(page, _OPTIONS)


def run(pages: list[GoldPage], options: Options, jobs: int) -> list[PageScore]:
    """Evaluate ``pages`` (HTML not yet read) with ``jobs`` processes; scores in page order."""
    from tqdm import tqdm

    tty = sys.stderr.isatty()
    # On a terminal a progress bar; in a log, one line every 10% of the pages.
    step = max(1, len(pages) // 10)
    progress = tqdm(total=len(pages), desc="pages", unit="page", file=sys.stderr, disable=not tty)
    start = time.perf_counter()
    results: list[list[PageScore]] = []

    def done(scores: list[PageScore]) -> None:
        results.append(scores)
        progress.update()
        if not tty and (len(results) % step == 0 or len(results) == len(pages)):
            print(
                f"{len(results)}/{len(pages)} pages, {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True
            )

    if jobs > 1:
        with Pool(jobs, initializer=_init, initargs=(options,)) as pool:
            for scores in pool.imap(_worker, pages, chunksize=4):
                done(scores)
    else:
        for page in pages:
            done(evaluate_page(page, options))
    progress.close()
    return [s for group in results for s in group]


# ----------------------------------------------------------------------------- tables


def _measure(dataset_type: str) -> str:
    return {FULL: "shingle F1", TOOL_OUTPUT: "shingle F1 vs Readability output", SNIPPETS: "snippet F1"}.get(
        dataset_type, dataset_type
    )


def _headline(summary: ScoreSummary) -> float | None:
    """The one figure of a group: shingle F1 where there is gold text, else snippet F1."""
    return summary.f1 if summary.n_full else summary.snippet_f1


def _systems(scores: Iterable[PageScore]) -> list[str]:
    return list(dict.fromkeys(s.extractor for s in scores))


def _is_text_path(system: str) -> bool:
    return "/" in system


def summary_table(scores: list[PageScore], systems: list[str], datasets: list[str], gold_types: dict[str, str]) -> str:
    """Systems x datasets, one headline figure a cell."""
    groups = aggregate(scores)
    header = ["system", *(f"{d} ({_measure(gold_types[d])})" for d in datasets)]
    rows = [[s, *(fmt(_headline(groups[(d, s)])) if (d, s) in groups else "-" for d in datasets)] for s in systems]
    return format_table(header, rows)


def dataset_table(scores: list[PageScore], dataset: str, systems: list[str]) -> str:
    """One dataset: pages, P/R/F1, snippet shares, empty outputs, errors, seconds a page."""
    groups = aggregate([s for s in scores if s.dataset == dataset], by=lambda s: s.extractor)
    any_full = any(g.n_full for g in groups.values())
    any_snip = any(g.n_snippets for g in groups.values())
    header = ["system", "pages"]
    if any_full:
        header += ["P", "R", "F1"]
    if any_snip:
        header += ["with found", "without avoided", "snippet F1"]
    header += ["empty", "errors", "ms/page"]
    rows = []
    for system in systems:
        g = groups.get(system)
        if g is None:
            continue
        row: list[Any] = [system, g.n]
        if any_full:
            row += [fmt(g.precision), fmt(g.recall), fmt(g.f1)]
        if any_snip:
            row += [fmt(g.with_found), fmt(g.without_avoided), fmt(g.snippet_f1)]
        row += [g.empty, g.errors, f"{1000 * g.seconds / max(g.n, 1):.1f}"]
        rows.append(row)
    return format_table(header, rows)


def page_type_table(scores: list[PageScore], systems: list[str], empty_gold: set[str]) -> str:
    """wcxb-dev by page type: shingle F1 (P/R) a cell, plus the pages meant to come out empty."""
    wcxb = [s for s in scores if s.page_type]
    if not wcxb:
        return ""

    def group(s: PageScore) -> tuple[str, str]:
        return (EXPECT_EMPTY if s.key in empty_gold else str(s.page_type), s.extractor)

    groups = aggregate(wcxb, by=group)
    types = sorted({k[0] for k in groups if k[0] != EXPECT_EMPTY})
    if any(k[0] == EXPECT_EMPTY for k in groups):
        types.append(EXPECT_EMPTY)
    counts = {t: next(g.n for k, g in groups.items() if k[0] == t) for t in types}
    header = ["system", *(f"{t} ({counts[t]})" for t in types)]
    rows = []
    for system in systems:
        row = [system]
        for t in types:
            g = groups.get((t, system))
            row.append("-" if g is None else f"{fmt(g.f1)} ({fmt(g.precision, 2)}/{fmt(g.recall, 2)})")
        rows.append(row)
    return format_table(header, rows)


def language_tables(scores: list[PageScore], systems: list[str]) -> str:
    """Text-path systems by language: shingle F1 on full-gold pages, snippet F1 on snippet pages."""
    parts = []
    for title, pick in (
        ("shingle F1 (pages with gold text)", lambda s: s.precision is not None),
        ("snippet F1 (pages with snippets only)", lambda s: s.precision is None and s.with_found is not None),
    ):
        chosen = [s for s in scores if pick(s)]
        pages_per_lang: dict[str, set[str]] = {}
        for s in chosen:
            pages_per_lang.setdefault(s.lang or "unknown", set()).add(s.key)

        def lang(s: PageScore, pages_per_lang: dict[str, set[str]] = pages_per_lang) -> str:
            code = s.lang or "unknown"
            return code if len(pages_per_lang[code]) >= MIN_PAGES_PER_LANGUAGE else "other"

        groups = aggregate(chosen, by=lambda s: (lang(s), s.extractor))
        langs = sorted({k[0] for k in groups}, key=lambda x: (x in ("other", "unknown"), x))
        if not langs:
            continue
        n = {code: next(g.n for k, g in groups.items() if k[0] == code) for code in langs}
        f1_of = (lambda g: g.f1) if "shingle" in title else (lambda g: g.snippet_f1)
        rows = [
            [system, *(fmt(f1_of(groups[(c, system)])) if (c, system) in groups else "-" for c in langs)]
            for system in systems
        ]
        parts.append(f"{title}:\n\n" + format_table(["system", *(f"{c} ({n[c]})" for c in langs)], rows))
    return "\n\n".join(parts)


def metadata_table(scores: list[PageScore]) -> str:
    """Share of pages whose title/date/author matches the gold, per system and dataset."""
    with_meta = [s for s in scores if s.metadata]
    if not with_meta:
        return ""
    groups = aggregate(with_meta, by=lambda s: (s.extractor, s.dataset))
    fields = ("title", "date", "author")
    rows = []
    for (system, dataset), g in groups.items():
        cells = []
        for name in fields:
            ok, n = g.metadata.get(name, (0, 0))
            cells.append(f"{ok / n:.3f} ({n})" if n else "-")
        rows.append([system, dataset, *cells])
    return format_table(["system", "dataset", *(f"{f} (pages)" for f in fields)], rows)


def report(scores: list[PageScore], pages: list[GoldPage], notes: list[str]) -> str:
    """All the tables of a run, as Markdown."""
    datasets = list(dict.fromkeys(p.dataset for p in pages))
    gold_types = {p.dataset: p.gold_type for p in pages}
    systems = _systems(scores)
    html_systems = [s for s in systems if not _is_text_path(s)]
    text_systems = [s for s in systems if _is_text_path(s)]
    empty_gold = {p.key for p in pages if p.text == ""}
    out = [f"{len(pages)} pages: " + ", ".join(f"{d} {sum(p.dataset == d for p in pages)}" for d in datasets)]
    out += [f"Note: {n}" for n in notes]
    out.append(
        "### HTML extractors: headline figure per dataset\n\n"
        + summary_table(scores, html_systems, datasets, gold_types)
    )
    if text_systems:
        out.append(
            "### Text path (full-page dumps -> line filter; trafilatura on the HTML as reference)\n\n"
            + summary_table(scores, ["trafilatura", *text_systems], datasets, gold_types)
        )
    for dataset in datasets:
        out.append(f"### {dataset} ({_measure(gold_types[dataset])})\n\n" + dataset_table(scores, dataset, systems))
    types = page_type_table(scores, html_systems, empty_gold)
    if types:
        out.append(
            "### wcxb-dev by page type: shingle F1 (P/R)\n\n"
            f"`{EXPECT_EMPTY}`: pages whose gold text is empty; an empty output scores P=R=1, anything else 0.\n\n"
            + types
        )
    if text_systems:
        out.append("### Text path by language\n\n" + language_tables(scores, ["trafilatura", *text_systems]))
    meta = metadata_table(scores)
    if meta:
        out.append(
            "### Metadata: share of pages matching the gold\n\n"
            "title: equal after case/space folding; date: same day; author: gold name contained.\n\n" + meta
        )
    return "\n\n".join(out) + "\n"


def write_details(path: Path, scores: list[PageScore], pages: list[GoldPage]) -> None:
    """Write one row per (page, system): JSONL, or CSV when ``path`` ends in .csv."""
    urls = {p.key: p.url or p.extra.get("url_from_html") for p in pages}
    rows = [{**s.as_dict(), "url": urls.get(s.key)} for s in scores]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        names = list(dict.fromkeys(k for r in rows for k in r))
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=names)
            writer.writeheader()
            writer.writerows(rows)
    else:
        with open(path, "w", encoding="utf-8") as handle:
            for r in rows:
                handle.write(json.dumps(r, ensure_ascii=False) + "\n")


def train_split_model(args: argparse.Namespace, train_keys: list[str]) -> Path:
    """Train the learned model (and ensemble weights) on the train side of the split; return its path."""
    from cleaner.learning.train import train_from_devdata

    path = Path(args.cache) / f"split-model-{args.seed}-{args.test_share}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"training the learned model on {len(train_keys)} pages of the train sites", file=sys.stderr)
    train_from_devdata(
        args.data,
        path,
        keys=train_keys,
        jobs=args.jobs or os.cpu_count() or 1,
        log=lambda m: print(m, file=sys.stderr),
    )
    return path


def train_split_text_model(args: argparse.Namespace, train_keys: list[str], converters: list[str]) -> Path:
    """Train the text-line model on the dumps of the train side of the split; return its path."""
    from cleaner.learning.train import train_from_dumps

    wanted = set(train_keys)
    for page in load_devdata(args.data):  # the train pages' dumps, made and cached if missing
        if page.key in wanted:
            for converter in converters:
                textdumps.get_dump(page, converter, args.cache)
    path = Path(args.cache) / f"split-text-model-{args.seed}-{args.test_share}.npz"
    print(f"training the text-line model on the dumps of {len(train_keys)} train pages", file=sys.stderr)
    train_from_dumps(
        args.data,
        [Path(args.cache) / c for c in converters],
        path,
        keys=train_keys,
        jobs=args.jobs or os.cpu_count() or 1,
        log=lambda m: print(m, file=sys.stderr),
    )
    return path


def main(argv: list[str] | None = None) -> int:
    """Parse options, evaluate, print the tables (and record them with --write)."""
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="devdata folder, e.g. ../shared/devdata")
    parser.add_argument("--datasets", help="comma-separated dataset names (default: all)")
    parser.add_argument("--limit", type=int, help="first N pages of each dataset (quick runs)")
    parser.add_argument(
        "--extractors", default="default", help="cleaner extractors, comma-separated (default: default)"
    )
    parser.add_argument("--split", choices=("all", "train", "test"), default="all", help="held-out split by site")
    parser.add_argument("--test-share", type=float, default=0.3, help="share of sites held out (default 0.3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the site split")
    parser.add_argument(
        "--text-extractors", default="default", help="cleaner extractors for the text dumps (default: default)"
    )
    parser.add_argument("--model", help="model file for the learned and ensemble extractors (default: shipped)")
    parser.add_argument(
        "--train-split",
        action="store_true",
        help="with --split test: first train the learned model on the train sites and evaluate with it",
    )
    parser.add_argument("--no-text-path", action="store_true", help="skip the text-dump baselines")
    parser.add_argument("--converters", default=",".join(textdumps.CONVERTERS), help="text-dump converters")
    parser.add_argument("--no-metadata", action="store_true", help="skip metadata scoring")
    parser.add_argument(
        "--corpus", action="store_true", help="add F1 with the corpus pass on and off, by site (bench.corpus_eval)"
    )
    parser.add_argument("--cache", type=Path, default=textdumps.DEFAULT_CACHE, help="text-dump cache folder")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: one per CPU core)"
    )
    parser.add_argument("--details", type=Path, help="write per-page scores here (.jsonl or .csv)")
    parser.add_argument("--write", type=Path, help="record the tables in this Markdown file (BENCHMARKS.md)")
    args = parser.parse_args(argv)

    notes: list[str] = []
    try:
        baselines.cleaner_api()
        cleaner_ok = True
    except baselines.CleanerUnavailable as exc:
        cleaner_ok = False
        notes.append(f"cleaner rows skipped ({exc})")
        print(f"warning: {exc}", file=sys.stderr)
    pages = list(
        load_devdata(args.data, args.datasets.split(",") if args.datasets else None, args.limit, with_html=False)
    )
    model = args.model
    text_model = None
    converters = [x.strip() for x in args.converters.split(",") if x.strip()]
    if args.split != "all":
        train, test = split_by_site(pages, args.test_share, args.seed)
        keep = set(test if args.split == "test" else train)
        pages = [p for p in pages if p.key in keep]
        notes.append(
            f"split {args.split}: {len(pages)} pages (test share {args.test_share} of sites, seed {args.seed})"
        )
        if args.train_split:
            model = str(train_split_model(args, train))
            notes.append(
                f"learned and ensemble use a model trained in this run on the {len(train)} pages of the other sites"
            )
            if not args.no_text_path and cleaner_ok:
                text_model = str(train_split_text_model(args, train, converters))
                notes.append("the text path's learned extractor uses a text-line model trained in this run likewise")
    options = Options(
        root=args.data,
        extractors=tuple(x.strip() for x in args.extractors.split(",") if x.strip()),
        cleaner_ok=cleaner_ok,
        text_path=not args.no_text_path,
        converters=tuple(converters),
        metadata=not args.no_metadata,
        cache=args.cache,
        model=model,
        text_extractors=tuple(x.strip() for x in args.text_extractors.split(",") if x.strip()),
        text_model=text_model,
    )
    start = time.perf_counter()
    scores = run(pages, options, args.jobs)
    print(f"evaluated {len(pages)} pages in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    text = report(scores, pages, notes)
    if args.corpus:  # issue 6: the corpus pass (repeated blocks per site) on and off
        from bench import corpus_eval

        section = corpus_eval.run(
            pages,
            args.data,
            converters=() if args.no_text_path else ("resiliparse",),
            cache=args.cache,
            jobs=args.jobs,
            log=lambda m: print(m, file=sys.stderr),
        )
        text += f"\n### Corpus pass on and off (cleaner:default; see bench.corpus_eval)\n\n{section}\n"
    print(text)
    if args.details:
        write_details(args.details, scores, pages)
    if args.write:
        write_section(args.write, "quality", text, argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
