"""The ensemble: learned, rules, trafilatura and jusText vote on every block.

Each member decides on the same blocks. The votes are combined by a logistic model over
``[logit(learned score), trafilatura keeps, jusText keeps, rules keeps, 1]`` whose weights
were fitted on devdata by ``cleaner train`` (stacking); they ship in the model file's
``info`` and fall back to :data:`DEFAULT_WEIGHTS` for a model without them. Every member's
Decision is kept in the final Decision's ``votes``, so ``--explain`` shows who said what.

It runs trafilatura and jusText on every page, so it is several times slower than the
learned extractor alone: it is the choice for the last point of accuracy, not the default.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cleaner.config import Config
from cleaner.extractors.base import Page
from cleaner.model import Decision

MEMBERS = ("learned", "trafilatura", "justext", "rules")
# Weights of [logit(learned), trafilatura, justext, rules, bias] used when the model file
# carries none: the learned score decides, each other member's vote moves the log-odds a
# little, so a block all three others keep survives a learned score slightly below 0.5.
DEFAULT_WEIGHTS = (1.0, 0.8, 0.3, 0.3, -0.7)
# Scores are clipped away from 0 and 1 before the logit so one confident member cannot
# make the log-odds infinite.
_EPS = 1e-4


def vote_matrix(learned: np.ndarray, votes: Sequence[Sequence[Decision]]) -> np.ndarray:
    """The stacking input of a page: one row per block (see the module docstring)."""
    p = np.clip(learned, _EPS, 1 - _EPS)
    cols = [np.log(p / (1 - p))]
    cols += [np.array([1.0 if d.keep else 0.0 for d in member]) for member in votes]
    cols.append(np.ones(len(p)))
    return np.column_stack(cols)


def combine(matrix: np.ndarray, weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """The ensemble's content probability per block."""
    return 1.0 / (1.0 + np.exp(-(matrix @ np.asarray(weights, dtype=np.float64))))


def fit_weights(matrix: np.ndarray, labels: np.ndarray, sample_weight: np.ndarray, iterations: int = 50) -> list[float]:
    """Fit the stacking weights by Newton's method on the weighted logistic loss (L2 0.01).

    Deterministic and dependency-free: a 5-column logistic regression needs no library.
    """
    w = np.zeros(matrix.shape[1])
    ridge = 0.01 * np.eye(matrix.shape[1])
    for _ in range(iterations):
        p = combine(matrix, w)
        gradient = matrix.T @ (sample_weight * (p - labels)) + ridge @ w
        hessian = (matrix * (sample_weight * p * (1 - p))[:, None]).T @ matrix + ridge
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return [float(x) for x in w]


class EnsembleExtractor:
    """Stacked vote of the learned, trafilatura, jusText and rules extractors."""

    name = "ensemble"

    def member_votes(self, page: Page, config: Config) -> tuple[np.ndarray, np.ndarray, list[list[Decision]]]:
        """The block features, the learned scores and the other members' decisions on the page's blocks."""
        from cleaner.extractors import get_extractor
        from cleaner.extractors.learned import LearnedExtractor

        learned = get_extractor("learned", "html")
        assert isinstance(learned, LearnedExtractor)
        features, scores = learned.scores(page, config)
        votes = [get_extractor(name, "html").decide(page, config) for name in MEMBERS[1:]]
        return features, scores, votes

    def decide(self, page: Page, config: Config) -> list[Decision]:
        """Combine the members' votes; each final Decision carries all of them."""
        if page.tree is None or not page.blocks:
            from cleaner.extractors.rules import RulesExtractor

            return RulesExtractor().decide(page, config)
        from cleaner.extractors.learned import LearnedExtractor, drop_reason

        features, scores, votes = self.member_votes(page, config)
        model = LearnedExtractor().model_for(config)
        weights = (model.info or {}).get("ensemble_weights") or DEFAULT_WEIGHTS
        probs = combine(vote_matrix(scores, votes), weights)
        decisions = []
        for block, p, learned_p, *member in zip(page.blocks, probs, scores, *votes, strict=True):
            score = float(p)
            learned_vote = Decision(
                block.index, bool(learned_p > model.threshold), "content.selected", "learned", float(learned_p)
            )
            if not learned_vote.keep:
                learned_vote = Decision(
                    block.index, False, drop_reason(features[block.index])[0], "learned", float(learned_p)
                )
            all_votes = (learned_vote, *member)
            agree = sum(v.keep for v in all_votes)
            detail = f"score {score:.2f}; {agree} of {len(all_votes)} members keep"
            if score > 0.5:
                decisions.append(
                    Decision(block.index, True, "content.selected", self.name, score, detail, votes=all_votes)
                )
            else:
                reason = next(
                    (v.reason for v in all_votes if not v.keep and v.reason != "extractor.not_selected"), None
                )
                reason = reason or "extractor.not_selected"
                decisions.append(Decision(block.index, False, reason, self.name, score, detail, votes=all_votes))
        return decisions
