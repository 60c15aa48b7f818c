"""What ``--favor`` costs: the learned models' keep thresholds swept on devdata pages and text dumps.

HTML (``--input html``): each page's block probabilities are computed once with the
shipped model; each threshold then keeps the blocks above it, the page rules run as in the
pipeline, and the text is scored against the gold (shingle precision and recall,
:mod:`cleaner.learning.scoring`).

Text dumps (``--input text``): the full-page dumps of ``bench.textdumps`` (resiliparse by
default, cached in ``.cache/textdumps``, the dumps ``bench.text_model_cv`` uses), each
decided as the pipeline decides a dump (the rules, then the shipped text-line model's
probabilities over them, :func:`cleaner.extractors.learned.line_decisions`; dumps of fewer
than ``MIN_MODEL_LINES`` lines are left to the rules whatever the threshold), then the page
rules, then scored the same way.

The pages are development data both models were trained on, so the figures are
in-sample: they show the knob's direction and size, not the quality on unseen pages.

    python -m bench.favor --data ../shared/devdata [--input html|text|both]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

from bench import textdumps
from cleaner.config import Config
from cleaner.extractors.learned import MIN_MODEL_LINES, LearnedExtractor, line_decisions, text_features
from cleaner.extractors.page_rules import apply_page_rules
from cleaner.extractors.rules import RulesExtractor
from cleaner.learning.devdata import load_devdata
from cleaner.learning.scoring import PageScore, score_page, summarize
from cleaner.model import Decision, Document, rebuild_text
from cleaner.pipeline import decode, parse

# The pages measured: the first of each dataset with full gold text, few enough to run in
# a couple of minutes on a laptop.
SAMPLE = {"wcxb-dev": 200, "andythefactory-news2023": 100}
# The thresholds tried, around the shipped models' 0.5.
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def sweep(root: str, thresholds: tuple[float, ...] = THRESHOLDS) -> dict[float, list[PageScore]]:
    """The page scores of every threshold on the :data:`SAMPLE` pages of devdata under ``root``."""
    config = Config()
    extractor = LearnedExtractor()
    scores: dict[float, list[PageScore]] = {t: [] for t in thresholds}
    pages = itertools.chain.from_iterable(load_devdata(root, [name], limit=n) for name, n in SAMPLE.items())
    for gold in pages:
        doc = Document(id=gold.id, source=gold.key, input_type="html", content=gold.html, url=gold.url)
        page = parse(doc, decode(doc, config))
        probs = extractor.scores(page, config)[1].tolist() if page.blocks else []
        for t in thresholds:
            decisions = [
                Decision(b.index, p > t, "content.selected", "learned", p)
                for b, p in zip(page.blocks, probs, strict=True)
            ]
            text = rebuild_text(page.blocks, apply_page_rules(page.blocks, decisions))
            scores[t].append(score_page(gold, f"learned@{t}", text))
    return scores


def text_sweep(
    root: str, cache: Path, converter: str = "resiliparse", thresholds: tuple[float, ...] = THRESHOLDS
) -> dict[float, list[PageScore]]:
    """The page scores of every threshold of the text-line model on the dumps of every devdata page."""
    config = Config()
    extractor, rules_extractor = LearnedExtractor(), RulesExtractor()
    model = extractor.model_for(config, "text")
    scores: dict[float, list[PageScore]] = {t: [] for t in thresholds}
    for gold in load_devdata(root):
        dump = textdumps.get_dump(gold, converter, cache)
        doc = Document(id=gold.id, source=gold.key, input_type="text", content=dump)
        page = parse(doc, dump)
        rules = rules_extractor.decide(page, config)
        probs = model.scores(text_features(page, rules, config))[1].tolist() if len(rules) >= MIN_MODEL_LINES else []
        for t in thresholds:
            decisions = line_decisions(rules, probs, t) if probs else rules
            text = rebuild_text(page.blocks, apply_page_rules(page.blocks, decisions))
            scores[t].append(score_page(gold, f"learned-text@{t}", text))
    return scores


def report(title: str, scores: dict[float, list[PageScore]], default: float = 0.5) -> str:
    """Precision, recall and F1 of each threshold, with their differences from the ``default`` threshold."""
    base = summarize(scores[default])
    lines = [title]
    for t, page_scores in scores.items():
        s = summarize(page_scores)
        figures = [
            f"{name} {value or 0.0:.3f} ({(value or 0.0) - (was or 0.0):+.3f})"
            for name, value, was in (
                ("precision", s.precision, base.precision),
                ("recall", s.recall, base.recall),
                ("F1", s.f1, base.f1),
            )
        ]
        lines.append(f"threshold {t:.1f}: {' '.join(figures)} ({s.n_full} pages)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Print precision, recall and F1 of each threshold (and the change from 0.5) for HTML, text dumps or both."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/devdata", help="The devdata folder.")
    parser.add_argument("--input", choices=("html", "text", "both"), default="html", help="What to sweep.")
    parser.add_argument("--converter", default="resiliparse", choices=textdumps.CONVERTERS, help="Text dumps' maker.")
    parser.add_argument("--cache", type=Path, default=textdumps.DEFAULT_CACHE, help="Text-dump cache folder.")
    args = parser.parse_args(argv)
    if args.input in ("html", "both"):
        print(report(f"HTML, shipped model, {sum(SAMPLE.values())} pages", sweep(args.data)))
        sys.stdout.flush()
    if args.input in ("text", "both"):
        found = text_sweep(args.data, args.cache, args.converter)
        print(report(f"text dumps ({args.converter}), shipped text-line model", found))


if __name__ == "__main__":
    main()
