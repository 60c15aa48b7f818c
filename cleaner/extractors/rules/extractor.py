"""The rules extractor: the first pass, the context pass and the headline, on a page's facts."""

from __future__ import annotations

from cleaner.config import Config
from cleaner.extractors.rules.context import Verdict, context_pass
from cleaner.extractors.rules.headline import mark_headline
from cleaner.extractors.rules.lines import classify
from cleaner.model import Block, Decision
from cleaner.page import Page

NAME = "rules"


class RulesExtractor:
    """Heuristic extractor for text dumps: phrase rules by family, then a context pass."""

    name = NAME
    # The stopword counts are those of the page's language (see cleaner.page.facts.Page).
    uses_page_language = True

    def decide(self, page: Page, config: Config) -> list[Decision]:
        """One Decision per block of ``page``, from the line features of the page's language."""
        blocks = page.blocks
        if not blocks:
            return []
        language = page.language(config)
        feats = page.line_features(language)
        classes = classify(blocks, feats, bool(page.stopwords(language)), page.views)
        verdicts = context_pass(blocks, feats, classes)
        mark_headline(blocks, feats, classes, verdicts)
        return [_decision(b, v) for b, v in zip(blocks, verdicts, strict=True)]


def _decision(block: Block, v: Verdict) -> Decision:
    """The Decision of one line; a verdict the context pass flipped keeps the first pass's."""
    first_pass = None
    if v.flipped_from is not None:
        fc = v.flipped_from
        first_keep = fc.cls in ("good", "near")
        if first_keep != v.keep:
            first_pass = Decision(block=block.index, keep=first_keep, reason=fc.reason, by=NAME, detail=fc.detail)
    score = 1.0 if v.keep else 0.0
    return Decision(
        block=block.index, keep=v.keep, reason=v.reason, by=NAME, score=score, detail=v.detail, first_pass=first_pass
    )
