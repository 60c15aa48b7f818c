"""Heuristic extractor for plain-text page dumps: named rules by family, then context.

The algorithm, in three small stages (jusText's ``core.py`` is the model), one module each:

1. :func:`classify` (:mod:`~cleaner.extractors.rules.lines`) - a first pass over each
   line on its own: the phrase rules of each boilerplate family (:class:`PhraseBook` in
   :mod:`~cleaner.extractors.rules.phrases`, phrases kept as data in
   ``cleaner/data/phrases/*.toml``), the byline / source / date rules
   (:mod:`~cleaner.extractors.rules.metalines`), then a class from the text features
   (``good`` prose, ``near`` good, ``short``).
2. :func:`context_pass` (:mod:`~cleaner.extractors.rules.context`) - the article is the
   run of lines whose summed evidence is highest; a short or uncertain line takes the
   class of the region it sits in; headers, teaser runs and lists under a "Related"
   header are settled by their neighbours.
3. :func:`find_headline` (:mod:`~cleaner.extractors.rules.headline`) - the headline is the
   title-like line just above the article; it goes to metadata (``meta.title``), as do
   bylines, source and date lines.

:class:`RulesExtractor` (:mod:`~cleaner.extractors.rules.extractor`) ties them together on
a page's facts; :func:`text_metadata` reads the metadata the rules found back out of the
decisions.
"""

from cleaner.extractors.rules.context import context_pass
from cleaner.extractors.rules.extractor import NAME, RulesExtractor
from cleaner.extractors.rules.headline import find_headline
from cleaner.extractors.rules.lines import LineClass, classify
from cleaner.extractors.rules.metalines import parse_date, text_metadata
from cleaner.extractors.rules.phrases import FAMILY_ORDER, PhraseBook, normalise_line, phrase_book

__all__ = [
    "FAMILY_ORDER",
    "NAME",
    "LineClass",
    "PhraseBook",
    "RulesExtractor",
    "classify",
    "context_pass",
    "find_headline",
    "normalise_line",
    "parse_date",
    "phrase_book",
    "text_metadata",
]
