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
from cleaner.extractors.adapters import JustextExtractor, TrafilaturaExtractor
from cleaner.extractors.base import Extractor
from cleaner.extractors.learned import LearnedExtractor, drop_reason
from cleaner.extractors.rules import RulesExtractor
from cleaner.model import Decision
from cleaner.page import Page

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
    # A light L2 penalty keeps the weights finite when a member's vote separates the labels.
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
    # Its members read the page's language (all but trafilatura).
    uses_page_language = True

    def __init__(self) -> None:
        """Make the members (stateless; the learned model is loaded once per process)."""
        self.learned = LearnedExtractor()
        self.rules = RulesExtractor()
        self.others: tuple[Extractor, ...] = (TrafilaturaExtractor(), JustextExtractor(), self.rules)
        assert tuple(m.name for m in (self.learned, *self.others)) == MEMBERS

    def member_votes(self, page: Page, config: Config) -> tuple[np.ndarray, np.ndarray, list[list[Decision]]]:
        """The block features, the learned scores and the other members' decisions on the page's blocks."""
        features, scores = self.learned.scores(page, config)
        return features, scores, [member.decide(page, config) for member in self.others]

    def decide(self, page: Page, config: Config) -> list[Decision]:
        """Combine the members' votes; each final Decision carries all of them.

        A text dump (or a page without blocks) is left to the rules: the other members
        read HTML.
        """
        if page.tree is None or not page.blocks:
            return self.rules.decide(page, config)
        features, scores, votes = self.member_votes(page, config)
        model = self.learned.model_for(config)
        weights = (model.info or {}).get("ensemble_weights") or DEFAULT_WEIGHTS
        probs = combine(vote_matrix(scores, votes), weights)
        decisions = []
        for block, p, learned_p, *member in zip(page.blocks, probs, scores, *votes, strict=True):
            learned_vote = self._learned_vote(block.index, float(learned_p), model.threshold, features)
            decisions.append(self._decision(block.index, float(p), (learned_vote, *member)))
        return decisions

    @staticmethod
    def _learned_vote(index: int, score: float, threshold: float, features: np.ndarray) -> Decision:
        """The learned member's vote on one block, with the reason its features give for a drop."""
        if score > threshold:
            return Decision(index, True, "content.selected", "learned", score)
        return Decision(index, False, drop_reason(features[index])[0], "learned", score)

    def _decision(self, index: int, score: float, votes: tuple[Decision, ...]) -> Decision:
        """The ensemble's Decision on one block from its combined score and the members' votes.

        A drop takes the reason of the first member that dropped the block with a reason
        of its own (not just "not selected").
        """
        agree = sum(v.keep for v in votes)
        detail = f"score {score:.2f}; {agree} of {len(votes)} members keep"
        # The combined score is a probability: keep what is more likely content than not.
        if score > 0.5:
            return Decision(index, True, "content.selected", self.name, score, detail, votes=votes)
        reason = next((v.reason for v in votes if not v.keep and v.reason != "extractor.not_selected"), None)
        reason = reason or "extractor.not_selected"
        return Decision(index, False, reason, self.name, score, detail, votes=votes)
