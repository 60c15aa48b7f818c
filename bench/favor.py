"""What ``--favor`` costs: the learned model's keep threshold swept on devdata pages.

Each page's block probabilities are computed once with the shipped model; each threshold
then keeps the blocks above it, the page rules run as in the pipeline, and the text is
scored against the gold (shingle precision and recall, :mod:`cleaner.learning.scoring`).
The pages are development data the model was trained on, so the figures are in-sample:
they show the knob's direction and size, not the quality on unseen pages.

    python -m bench.favor --data ../shared/devdata
"""

from __future__ import annotations

import argparse
import itertools

from cleaner.config import Config
from cleaner.extractors.learned import LearnedExtractor
from cleaner.extractors.page_rules import apply_page_rules
from cleaner.learning.devdata import load_devdata
from cleaner.learning.scoring import PageScore, score_page, summarize
from cleaner.model import Decision, Document, rebuild_text
from cleaner.pipeline import decode, parse

# The pages measured: the first of each dataset with full gold text, few enough to run in
# a couple of minutes on a laptop.
SAMPLE = {"wcxb-dev": 200, "andythefactory-news2023": 100}
# The thresholds tried, around the shipped model's 0.5.
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


def main() -> None:
    """Print precision, recall and F1 of each threshold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/devdata", help="The devdata folder.")
    args = parser.parse_args()
    for t, page_scores in sweep(args.data).items():
        s = summarize(page_scores)
        print(f"threshold {t:.1f}: precision {s.precision:.3f} recall {s.recall:.3f} F1 {s.f1:.3f} ({s.n_full} pages)")


if __name__ == "__main__":
    main()
