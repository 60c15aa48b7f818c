"""Build the training data of the learned extractor and fit its model (``cleaner train``).

A page becomes examples in three steps: the pipeline's own decode, parse and segment
(so training sees exactly the blocks the extractor will see), the feature matrix of
:mod:`cleaner.page.matrix`, and labels from the gold (:mod:`cleaner.learning.labels`). The model
is two stages of gradient-boosted trees (LightGBM, the optional ``train`` extra): the
first reads a block's own features and its neighbours'; the second reads the first
stage's scores over a window of blocks and over the elements around the block (the
comment, the list of comments, the section: :mod:`cleaner.page.regions`), so a block
takes the class of its region unless its own evidence is strong. Stage two is trained on
out-of-fold stage-one scores, grouped by site, so it learns from scores like those it
will see on new pages; the ensemble's weights are fitted on out-of-fold stage-two scores
for the same reason. The fitted trees are exported to plain arrays
(:mod:`cleaner.extractors.trees`), so run time needs numpy only.

Text dumps get their own model (``cleaner train --input text``): the examples are the
lines of dumps of the same labelled pages, their features the text columns plus the rules
extractor's decision on each line, and stage two reads the neighbouring lines' stage-one
scores (:func:`cleaner.extractors.trees.line_context`) instead of containers.

Training is deterministic: fixed seeds, one thread, inputs in a fixed order.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.extractors.ensemble import MEMBERS, fit_weights, vote_matrix
from cleaner.extractors.learned import TEXT_MODEL_COLUMNS, text_features
from cleaner.extractors.page_rules import link_blocks, parent_elements, table_rows
from cleaner.extractors.registry import get_extractor
from cleaner.extractors.rules import RulesExtractor
from cleaner.extractors.trees import (
    LINE_CONTEXT_NAMES,
    STAGE2_NAMES,
    LearnedModel,
    TreeEnsemble,
    container_groups,
    line_chars,
    line_context,
    stage2_matrix,
)
from cleaner.learning.devdata import GoldPage, load_devdata, read_html
from cleaner.learning.labels import UNKNOWN, labels_from_gold, labels_from_snippets
from cleaner.model import Block, Decision, Document
from cleaner.page.matrix import feature_names
from cleaner.pipeline import decode, parse

# Tree settings. 63 leaves at depth at most 7 suits tabular data of this size (a few
# hundred thousand rows) and bounds prediction to 7 vectorised steps. The learning rate
# and rounds were chosen on a site-grouped split of devdata: 300 rounds at 0.08 scored no
# better than 150 at 0.15 and took twice as long to predict. Half the features per tree
# and an L2 penalty of 5 won a 3-fold site-grouped cross-validation (bench.learned_cv, since
# replaced by the leave-one-dataset-out bench.lodo)
# against 0.7 / 1.0 and against 31 leaves with 100 rows per leaf: steadier on the small
# datasets (readability, documentation pages) at no cost elsewhere.
STAGE1_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.15,
    "num_leaves": 63,
    "max_depth": 7,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.5,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 5.0,
    "seed": 7,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbose": -1,
}
STAGE1_ROUNDS = 150
# Stage two has few features: smaller trees, fewer rounds.
STAGE2_PARAMS: dict[str, Any] = {**STAGE1_PARAMS, "num_leaves": 31, "max_depth": 5, "feature_fraction": 1.0}
STAGE2_ROUNDS = 80
# Folds (grouped by site) for the out-of-fold stage-one scores stage two learns from.
OOF_FOLDS = 4
# A page's blocks share one unit of weight (times its block count, capped at 100), spread
# by the square root of each block's word count: the evaluation averages per page, and
# within a page a long paragraph costs more shingles than a one-word link, but not in
# proportion (that let a few huge blocks decide everything). On the site-grouped split,
# square root beat log, linear and power 0.75 weights.
MAX_PAGE_WEIGHT = 100


@dataclass(slots=True)
class PageExamples:
    """The feature rows, labels and weights of one page, plus what is needed to score it.

    ``lang`` is the language whose stopwords the features counted.
    """

    key: str
    site: str
    dataset: str
    features: np.ndarray
    labels: np.ndarray
    weights: np.ndarray
    texts: list[str]
    lang: str | None
    groups: np.ndarray
    votes: np.ndarray | None = None  # (blocks, 3): trafilatura, jusText, rules keep (1) or drop (0)
    parents: list[int | None] | None = None  # HTML: each block's parent element (page_rules.parent_elements)
    rows: list[int] | None = None  # HTML: each block's table row, 0 outside tables (page_rules.table_rows)
    links: list[bool] | None = None  # HTML: whether each block is a link (page_rules.link_blocks)


def block_weights(texts: Sequence[str], labels: np.ndarray) -> np.ndarray:
    """Per-block training weights (see :data:`MAX_PAGE_WEIGHT`); unknown labels weigh nothing."""
    sizes = np.sqrt(np.array([max(len(t.split()), 1) for t in texts], dtype=np.float64))
    sizes[labels == UNKNOWN] = 0.0
    total = sizes.sum()
    return sizes / total * min(len(texts), MAX_PAGE_WEIGHT) if total else sizes


def page_labels(
    blocks: Sequence[Block], gold: str | None, with_snippets: Sequence[str], without_snippets: Sequence[str]
) -> np.ndarray:
    """Labels of a page's blocks: from its full gold text, or from its snippets when it has none."""
    if gold is not None:
        return labels_from_gold(blocks, gold)
    return labels_from_snippets(blocks, with_snippets, without_snippets)


def examples_for(
    content: bytes | str,
    url: str | None,
    gold: str | None,
    with_snippets: Sequence[str] = (),
    without_snippets: Sequence[str] = (),
    *,
    key: str = "",
    site: str = "",
    dataset: str = "",
    with_votes: bool = False,
) -> PageExamples:
    """Turn one labelled page into examples, through the pipeline's own decode, parse and segment.

    With ``with_votes`` the other ensemble members (trafilatura, jusText, rules) also
    decide on the blocks, for fitting the ensemble's weights.
    """
    config = Config()
    document = Document(id=key, source=key, input_type="html", content=content, url=url)
    page = parse(document, decode(document, config))
    texts = [b.text for b in page.blocks]
    features = page.feature_matrix(config)
    lang = page.feature_language(config)
    labels = page_labels(page.blocks, gold, with_snippets, without_snippets)
    weights = block_weights(texts, labels)
    groups = container_groups(page.blocks)
    votes = None
    if with_votes:
        columns = [[d.keep for d in get_extractor(name, "html").decide(page, config)] for name in MEMBERS[1:]]
        votes = np.array(columns, dtype=np.float64).T.reshape(len(page.blocks), len(columns))
    return PageExamples(
        key,
        site,
        dataset,
        features,
        labels,
        weights,
        texts,
        lang,
        groups,
        votes,
        parent_elements(page.blocks),
        table_rows(page.blocks),
        link_blocks(page.blocks),
    )


def _devdata_examples(args: tuple[str, GoldPage, bool]) -> PageExamples | None:
    """The examples of one gold page (read from devdata under the root), or None when it fails to parse."""
    root, page, with_votes = args
    page = read_html(root, page)
    try:
        return examples_for(
            page.html,
            page.url,
            page.text if page.gold_type != "snippets" else None,
            page.with_snippets,
            page.without_snippets,
            key=page.key,
            site=page.site,
            dataset=page.dataset,
            with_votes=with_votes,
        )
    except Exception:  # noqa: BLE001 - a page the pipeline cannot read is no example
        return None


def text_examples_for(
    text: str,
    gold: str | None,
    with_snippets: Sequence[str] = (),
    without_snippets: Sequence[str] = (),
    *,
    key: str = "",
    site: str = "",
    dataset: str = "",
) -> PageExamples:
    """Turn one labelled text dump into line examples, through the pipeline and the rules extractor."""
    config = Config()
    document = Document(id=key, source=key, input_type="text", content=text)
    page = parse(document, decode(document, config))
    rules = RulesExtractor().decide(page, config)
    features = text_features(page, rules, config)
    texts = [b.text for b in page.blocks]
    labels = page_labels(page.blocks, gold, with_snippets, without_snippets)
    weights = block_weights(texts, labels)
    groups = np.zeros(len(texts), dtype=np.int64)  # lines have no containers
    return PageExamples(key, site, dataset, features, labels, weights, texts, page.feature_language(config), groups)


def _dump_examples(args: tuple[list[str], GoldPage]) -> list[PageExamples]:
    """The line examples of one gold page: one per dumps folder that has a dump of it."""
    dumps, page = args
    found = []
    for folder in dumps:
        path = Path(folder) / page.dataset / f"{page.id}.txt"
        if not path.exists():
            continue
        example = text_examples_for(
            path.read_text(encoding="utf-8"),
            page.text if page.gold_type != "snippets" else None,
            page.with_snippets,
            page.without_snippets,
            key=f"{page.key}@{Path(folder).name}",
            site=page.site,
            dataset=page.dataset,
        )
        if len(example.texts):
            found.append(example)
    return found


def dump_examples(
    root: str | Path, dumps: Sequence[str | Path], datasets: Sequence[str] | None = None, jobs: int = 1
) -> list[PageExamples]:
    """Line examples of every devdata page under ``root`` that has a dump in one of the ``dumps`` folders.

    A dumps folder mirrors the data: ``<dumps>/<dataset>/<id>.txt`` (as ``bench.textdumps``
    writes them); with several folders (several converters) a page gives one example each.
    """
    pages = list(load_devdata(root, datasets, with_html=False))
    tasks = [([str(d) for d in dumps], p) for p in pages]
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            found = pool.map(_dump_examples, tasks, chunksize=16)
    else:
        found = [_dump_examples(t) for t in tasks]
    return [e for page in found for e in page]


def devdata_examples(
    root: str | Path,
    datasets: Sequence[str] | None = None,
    limit: int | None = None,
    jobs: int = 1,
    with_votes: bool = False,
) -> list[PageExamples]:
    """Examples for every devdata page under ``root`` (pages that fail to parse are left out)."""
    pages = list(load_devdata(root, datasets, limit, with_html=False))
    tasks = [(str(root), p, with_votes) for p in pages]
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            found = pool.map(_devdata_examples, tasks, chunksize=8)
    else:
        found = [_devdata_examples(t) for t in tasks]
    return [e for e in found if e is not None]


def site_folds(examples: Sequence[PageExamples], folds: int) -> np.ndarray:
    """A fold number per page, by a hash of its site: no site in two folds."""
    return np.array([int(hashlib.sha1(e.site.encode()).hexdigest()[:8], 16) % folds for e in examples])


def _stack(examples: Sequence[PageExamples]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.vstack([e.features for e in examples])
    y = np.concatenate([e.labels for e in examples])
    w = np.concatenate([e.weights for e in examples])
    known = y != UNKNOWN
    return x[known], y[known].astype(np.float64), w[known]


def _fit(params: dict[str, Any], rounds: int, x: np.ndarray, y: np.ndarray, w: np.ndarray) -> TreeEnsemble:
    import lightgbm

    booster = lightgbm.train(params, lightgbm.Dataset(x, y, weight=w, free_raw_data=True), num_boost_round=rounds)
    return TreeEnsemble.from_lightgbm(booster.dump_model())


def _stage2_rows(
    examples: Sequence[PageExamples], stage1: Callable[[PageExamples], np.ndarray], input_type: str = "html"
) -> list[PageExamples]:
    rows = []
    for e in examples:
        if input_type == "text":
            s2 = np.hstack([e.features, line_context(stage1(e), line_chars(e.features, TEXT_MODEL_COLUMNS))])
        else:
            s2 = stage2_matrix(stage1(e), e.features, e.groups)
        rows.append(replace(e, features=s2))
    return rows


def fit_model(
    examples: Sequence[PageExamples], log: Callable[[str], None] = print, input_type: str = "html"
) -> LearnedModel:
    """Fit both stages on ``examples`` (HTML blocks, or text lines for ``input_type="text"``) and return the model."""
    if not examples:
        raise UsageError("no labelled pages to train on (check --data, --datasets and --dumps)")
    started = time.perf_counter()
    x, y, w = _stack(examples)
    log(f"stage 1: {len(y)} labelled blocks from {len(examples)} pages, {x.shape[1]} features")
    stage1 = _fit(STAGE1_PARAMS, STAGE1_ROUNDS, x, y, w)
    # Out-of-fold stage-one scores for stage two.
    fold_of = site_folds(examples, OOF_FOLDS)
    oof: dict[str, np.ndarray] = {}
    for fold in range(OOF_FOLDS):
        train = [e for e, f in zip(examples, fold_of, strict=True) if f != fold]
        held = [e for e, f in zip(examples, fold_of, strict=True) if f == fold]
        if not train or not held:
            continue
        model = _fit(STAGE1_PARAMS, STAGE1_ROUNDS, *_stack(train))
        for e in held:
            oof[e.key] = model.predict(e.features)
        log(f"  fold {fold + 1}/{OOF_FOLDS}: {len(held)} held-out pages ({time.perf_counter() - started:.0f} s)")
    rows = _stage2_rows(examples, lambda e: oof[e.key] if e.key in oof else stage1.predict(e.features), input_type)
    stage2 = _fit(STAGE2_PARAMS, STAGE2_ROUNDS, *_stack(rows))
    info: dict[str, Any] = {"pages": len(examples), "blocks": int(len(y))}
    if all(e.votes is not None for e in examples):
        held_out = _out_of_fold_stage2(rows, fold_of)
        if not held_out:  # every page in one fold (one site): no page can be held out
            held_out = {r.key: stage2.predict(r.features) for r in rows}
        info["ensemble_weights"] = ensemble_weights(rows, held_out)
        log(f"ensemble weights {info['ensemble_weights']}")
    log(f"fitted in {time.perf_counter() - started:.0f} s")
    if input_type == "text":
        names = (*TEXT_MODEL_COLUMNS, *LINE_CONTEXT_NAMES)
        return LearnedModel(TEXT_MODEL_COLUMNS, stage1, stage2, names, info=info, input_type="text")
    return LearnedModel(feature_names(True), stage1, stage2, STAGE2_NAMES, info=info)


def _out_of_fold_stage2(rows: Sequence[PageExamples], fold_of: np.ndarray) -> dict[str, np.ndarray]:
    """Stage-two scores of every page by a stage two that did not train on the page's fold."""
    scores: dict[str, np.ndarray] = {}
    for fold in sorted(set(fold_of.tolist())):
        train = [r for r, f in zip(rows, fold_of, strict=True) if f != fold]
        if not train:
            continue
        stage2 = _fit(STAGE2_PARAMS, STAGE2_ROUNDS, *_stack(train))
        for r in (r for r, f in zip(rows, fold_of, strict=True) if f == fold):
            scores[r.key] = stage2.predict(r.features)
    return scores


def member_votes(votes: np.ndarray) -> list[list[Decision]]:
    """The other ensemble members' keep flags of a page (:attr:`PageExamples.votes`) as Decisions, one list a member."""
    return [[Decision(i, bool(v), "content.selected", "x") for i, v in enumerate(col)] for col in votes.T]


def ensemble_weights(rows: Sequence[PageExamples], stage2_scores: dict[str, np.ndarray]) -> list[float]:
    """Fit the ensemble's stacking weights on out-of-fold stage-two scores (see :func:`fit_model`).

    A combiner fitted on scores the model gives its own training pages learns to trust
    the model more than it should on new pages; these scores are from models that never
    saw the page (out-of-fold stage one, then out-of-fold stage two).
    """
    matrices, labels, weights = [], [], []
    for r in rows:
        if r.key not in stage2_scores:
            continue
        assert r.votes is not None
        known = r.labels != UNKNOWN
        matrices.append(vote_matrix(stage2_scores[r.key], member_votes(r.votes))[known])
        labels.append(r.labels[known].astype(np.float64))
        weights.append(r.weights[known])
    return fit_weights(np.vstack(matrices), np.concatenate(labels), np.concatenate(weights))


def train_from_devdata(
    root: str | Path,
    output: str | Path,
    *,
    keys: Iterable[str] | None = None,
    datasets: Sequence[str] | None = None,
    jobs: int = 1,
    with_votes: bool = True,
    log: Callable[[str], None] = print,
) -> LearnedModel:
    """Build examples from devdata-style data under ``root``, fit, and save the model to ``output``.

    ``keys`` restricts training to those pages (a train split); every page by default.
    """
    examples = devdata_examples(root, datasets, jobs=jobs, with_votes=with_votes)
    if keys is not None:
        wanted = set(keys)
        examples = [e for e in examples if e.key in wanted]
    examples.sort(key=lambda e: e.key)
    log(f"{len(examples)} pages with examples")
    model = fit_model(examples, log)
    model.save(output)
    log(f"saved {output}")
    return model


def train_from_dumps(
    root: str | Path,
    dumps: Sequence[str | Path],
    output: str | Path,
    *,
    keys: Iterable[str] | None = None,
    datasets: Sequence[str] | None = None,
    jobs: int = 1,
    log: Callable[[str], None] = print,
) -> LearnedModel:
    """Fit the text-line model on the dumps of the labelled pages under ``root``; save it to ``output``.

    ``keys`` restricts training to those pages (a train split); every page by default.
    """
    examples = dump_examples(root, dumps, datasets, jobs=jobs)
    if keys is not None:
        wanted = set(keys)
        examples = [e for e in examples if e.key.rsplit("@", 1)[0] in wanted]
    examples.sort(key=lambda e: e.key)
    log(f"{len(examples)} text dumps with examples")
    model = fit_model(examples, log, input_type="text")
    model.save(output)
    log(f"saved {output}")
    return model
