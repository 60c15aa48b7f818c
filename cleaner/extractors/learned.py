"""The learned extractor: boosted trees over block features, shipped in the package.

Each block gets a content probability from the two-stage model of :mod:`cleaner.extractors.trees`
(its own features, then its neighbourhood's scores). A block is kept above the model's
threshold. A dropped block's reason names the boilerplate family its strongest evidence
points to (a ``nav`` or ``footer`` container, a share or cookie keyword, a link list...),
and the detail gives the score, so ``--explain`` shows both what the model decided and why
a reader would agree.

Text dumps have no markup: there the model is the text-line model (``learned-text.npz``),
whose features are each line's text columns plus the rules extractor's decision on it, and
whose second stage reads the neighbouring lines' scores (a dump of fewer than
``MIN_MODEL_LINES`` lines is left to the rules). Lines the rules moved to the
metadata (headline, byline, source, date lines) stay out of the text; a dropped line keeps
the rules' reason when the rules dropped it too.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from cleaner.config import Config
from cleaner.extractors.rules import RulesExtractor
from cleaner.extractors.trees import LearnedModel, container_groups
from cleaner.model import Decision
from cleaner.page import Page
from cleaner.page.matrix import HTML_COLUMNS, TEXT_COLUMNS

# Evidence columns, checked in order: the first one set on a dropped block names its
# family. Containers named by class/id come first (the page author's own label), then
# keywords in the text, then the shape of the block.
_FAMILY_EVIDENCE: tuple[tuple[str, str, str], ...] = (
    ("hidden", "hidden.element", "inside an element the page hides"),
    ("attr_cookie", "cookie.notice", "cookie/consent container"),
    ("attr_comment", "comments.widget", "comment container"),
    ("attr_newsletter", "newsletter.signup", "newsletter container"),
    ("attr_share", "social.follow", "share/social container"),
    ("attr_related", "related.links", "related/recommended container"),
    ("attr_job", "jobs.widget", "jobs container"),
    ("attr_ad", "ads.label", "advertisement container"),
    ("attr_promo", "promo.promoted", "promotion container"),
    ("anc_nav", "nav.menu", "inside <nav>"),
    ("attr_nav", "nav.menu", "navigation container"),
    ("anc_footer", "legal.footer", "inside <footer>"),
    ("attr_footer", "legal.footer", "footer container"),
    ("kw_skip", "nav.skip_link", "skip-link words"),
    ("kw_cookie", "cookie.notice", "cookie words"),
    ("kw_copyright", "legal.footer", "copyright words"),
    ("kw_subscribe", "newsletter.signup", "subscription words"),
    ("kw_share", "social.follow", "share words"),
    ("kw_comment", "comments.widget", "comment words"),
    ("kw_related", "related.links", "related-content words"),
    ("kw_advert", "ads.label", "advertisement words"),
    ("attr_caption", "media.caption", "caption or media container"),
    ("all_link", "nav.menu", "all of its text is links"),
)
_EVIDENCE_INDEX = tuple((HTML_COLUMNS.index(col), reason, why) for col, reason, why in _FAMILY_EVIDENCE)


# Dumps with fewer lines than this are left to the rules: the text-line model learned from
# full-page dumps (median 186 lines; 1% of devdata's dumps have fewer than 5, mostly
# script-only pages whose gold is empty), so it has not learned to judge a short text such
# as a JSONL record holding one paragraph, and dropped such paragraphs.
MIN_MODEL_LINES = 5
# --favor: how far the HTML model's keep threshold moves from the model's own (0.5 for
# the shipped model). Measured with the shipped model on the pages it was trained on
# (python -m bench.favor: 200 wcxb-dev + 100 andythefactory pages, in-sample), shingle
# precision / recall / F1: 0.5 -> .927/.964/.946; 0.7 -> .947/.943/.945 (+.020 precision
# for -.021 recall; 0.8 loses .053 recall for +.029); 0.3 -> .899/.973/.934 (+.009 recall
# for -.028 precision; 0.2 adds .001 more recall for -.020 more precision). The
# text-line model of text dumps moves by TEXT_FAVOR_SHIFTS.
FAVOR_SHIFTS: dict[str, float] = {"precision": 0.2, "recall": -0.2}
# --favor on text dumps: how far the text-line model's keep threshold (0.5) moves. Measured
# the same way on the resiliparse dumps of every devdata page (python -m bench.favor
# --input text, in-sample, 1,274 pages with full gold text), precision / recall / F1:
# 0.5 -> .766/.797/.781; 0.6 -> .792/.756/.774 (+.026 precision for -.041 recall); 0.4 ->
# .739/.831/.782 (+.034 recall for -.027 precision). A step of 0.2 buys less per point lost
# (0.7: +.044 precision for -.094 recall; 0.3: +.060 recall for -.061 precision) and costs
# .028 and .008 F1, so the text model moves by 0.1. Dumps of fewer than MIN_MODEL_LINES
# lines are decided by the rules, which --favor leaves as they are.
TEXT_FAVOR_SHIFTS: dict[str, float] = {"precision": 0.1, "recall": -0.1}
# The text-line model's columns: the line's text columns, then the rules' decision on it.
TEXT_MODEL_COLUMNS: tuple[str, ...] = (*TEXT_COLUMNS, "rules_keep", "rules_score")


@lru_cache(maxsize=4)
def load_model(path: str | None = None, input_type: str = "html") -> LearnedModel:
    """The model in ``path`` (the package's shipped model for ``input_type`` when None), loaded once per process."""
    model = LearnedModel.load(path, input_type)
    if model.input_type != input_type:
        option = "--text-model" if model.input_type == "text" else "--model"
        raise ValueError(f"{path} is a model of {model.input_type} input, not {input_type}: give it with {option}")
    return model


_EVIDENCE_COLUMNS = np.array([column for column, _, _ in _EVIDENCE_INDEX], dtype=np.int64)
_NO_EVIDENCE = ("boilerplate.other", "low content score")


def drop_reason(row: np.ndarray) -> tuple[str, str]:
    """The reason code and a few words of evidence for a dropped block's feature row."""
    return drop_reasons(row[None, :])[0]


def drop_reasons(features: np.ndarray) -> list[tuple[str, str]]:
    """:func:`drop_reason` of every row of ``features``, the evidence columns read at once."""
    evidence = features[:, _EVIDENCE_COLUMNS] > 0.5  # the evidence columns are flags, 0 or 1
    first: list[int] = evidence.argmax(axis=1).tolist()
    found: list[bool] = np.any(evidence, axis=1).tolist()
    return [_EVIDENCE_INDEX[f][1:] if has else _NO_EVIDENCE for f, has in zip(first, found, strict=True)]


def text_features(page: Page, rules: list[Decision], config: Config) -> np.ndarray:
    """The text-line model's feature matrix (:data:`TEXT_MODEL_COLUMNS`) of a dump's lines.

    The page's feature matrix (text columns), then the rules' decision on each line.
    """
    votes = np.array([[float(d.keep), d.score] for d in rules], dtype=np.float64)
    return np.hstack([page.feature_matrix(config), votes.reshape(len(rules), 2)])


def keep_threshold(model: LearnedModel, config: Config) -> float:
    """The probability above which an HTML block is kept: the model's, moved by ``config.favor`` (FAVOR_SHIFTS)."""
    if config.favor is None:
        return model.threshold
    return min(max(model.threshold + FAVOR_SHIFTS[config.favor], 0.0), 1.0)


class LearnedExtractor:
    """Keep the blocks the shipped (or a given) model scores as content."""

    name = "learned"
    # The model's stopword columns are those of the page's feature language.
    uses_page_language = True

    def __init__(self, model: LearnedModel | None = None) -> None:
        """Use ``model``, or the package's shipped model (loaded lazily) when None."""
        self._model = model
        self._rules = RulesExtractor()

    def model_for(self, config: Config, input_type: str = "html") -> LearnedModel:
        """The model in use: the one given, else the configured file, else the shipped one."""
        if self._model is not None and self._model.input_type == input_type:
            return self._model
        return load_model(config.text_model if input_type == "text" else config.model, input_type)

    def scores(self, page: Page, config: Config) -> tuple[np.ndarray, np.ndarray]:
        """The feature matrix and the stage-two content probability of every block of an HTML page."""
        features = page.feature_matrix(config)
        return features, self.model_for(config).scores(features, container_groups(page.blocks))[1]

    def decide(self, page: Page, config: Config) -> list[Decision]:
        """Keep blocks scored above the model's threshold; name the family of each drop."""
        if page.tree is None:
            return self.decide_lines(page, config)
        if not page.blocks:
            return []
        features, probs = self.scores(page, config)
        threshold = keep_threshold(self.model_for(config), config)
        kept = probs > threshold
        dropped = iter(drop_reasons(features[~kept]))
        decisions = []
        for block, score, keep in zip(page.blocks, probs.tolist(), kept.tolist(), strict=True):
            if keep:
                decisions.append(
                    Decision(block.index, True, "content.selected", self.name, score, f"score {score:.2f}")
                )
                continue
            reason, why = next(dropped)
            decisions.append(Decision(block.index, False, reason, self.name, score, f"score {score:.2f}; {why}"))
        return decisions

    def decide_lines(self, page: Page, config: Config) -> list[Decision]:
        """Decide a text dump's lines: the text-line model over the rules' decisions."""
        rules = self._rules.decide(page, config)
        if len(rules) < MIN_MODEL_LINES:
            return rules
        model = self.model_for(config, "text")
        probs = model.scores(text_features(page, rules, config))[1].tolist()
        return line_decisions(rules, probs, text_keep_threshold(model, config), self.name)


def text_keep_threshold(model: LearnedModel, config: Config) -> float:
    """The probability above which a text dump's line is kept: the text-line model's, moved by ``config.favor``."""
    if config.favor is None:
        return model.threshold
    return min(max(model.threshold + TEXT_FAVOR_SHIFTS[config.favor], 0.0), 1.0)


def line_decisions(rules: list[Decision], probs: list[float], threshold: float, by: str = "learned") -> list[Decision]:
    """A text dump's decisions from the rules' and the text-line model's probabilities, kept above ``threshold``.

    Lines the rules moved to the metadata stay there; a dropped line keeps the rules'
    reason when the rules dropped it too.
    """
    decisions = []
    for rule, score in zip(rules, probs, strict=True):
        if rule.reason.startswith("meta."):  # headline, byline...: metadata, not text
            decisions.append(rule)
        elif score > threshold:
            why = f"score {score:.2f}; rules: {rule.reason}"
            reason = rule.reason if rule.keep else "content.selected"
            decisions.append(Decision(rule.block, True, reason, by, score, why))
        elif not rule.keep:
            why = f"score {score:.2f}; {rule.detail}" if rule.detail else f"score {score:.2f}"
            decisions.append(Decision(rule.block, False, rule.reason, by, score, why))
        else:
            why = f"score {score:.2f}; the rules kept it ({rule.reason}), its neighbours say otherwise"
            decisions.append(Decision(rule.block, False, "boilerplate.context", by, score, why))
    return decisions
