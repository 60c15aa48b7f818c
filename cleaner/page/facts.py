"""The parsed page and its facts, each computed once, on first use, and kept on the page.

A :class:`Page` is what :func:`cleaner.pipeline.parse` makes of a document: the decoded
markup, the lxml tree (HTML only) and the blocks. Every extractor and the metadata stage
read the facts they share from it, never from each other or from module-level caches:

- :attr:`Page.identified_language`: py3langid on a sample of the blocks' text (None when
  unsure; a None is kept too, not identified again);
- :attr:`Page.html_lang`: the two-letter code of ``<html lang>`` when it has a stoplist;
- :meth:`Page.language`: the configured language, else the identified one: the language
  of the blocks, whose stopwords the rules and jusText count;
- :meth:`Page.feature_language`: the configured language, else the declared one, else
  the identified one: the language of the learned model's stopword columns (the model
  was trained so);
- :attr:`Page.views`: the blocks' text lower-cased and tokenised (the rules' phrase lookup
  and the stopword counts);
- :attr:`Page.counts`: the blocks' character counts (words, digits, capitals...), which
  the line features and the matrix both read;
- :meth:`Page.line_features`: the :class:`~cleaner.page.features.LineFeatures` of every
  block, measured once per stopword language (the rules, then the text-line model, read
  the same list);
- :meth:`Page.feature_matrix`: the learned model's feature matrix.

The facts that depend on the configured language take the Config; they are cheap
compositions of the cached ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from cleaner.config import Config
from cleaner.model import Block, Document
from cleaner.page.features import LineFeatures, LineViews, block_features, char_counts, line_views
from cleaner.page.language import html_lang_code, identify, page_stopwords, sample
from cleaner.page.matrix import feature_matrix


@dataclass(eq=False)
class Page:
    """A document parsed once and shared by segmentation, extractors and metadata.

    ``markup`` is the decoded HTML (or the text of a text dump); ``tree`` the lxml root
    of an HTML page (``None`` for text); ``blocks`` its segmentation, never changed
    afterwards (the facts below are computed from it once).
    """

    document: Document
    markup: str
    blocks: list[Block]
    tree: Any = None
    _measured: dict[str | None, list[LineFeatures]] = field(default_factory=dict, init=False, repr=False)
    _matrices: dict[str | None, np.ndarray] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def identified_language(self) -> str | None:
        """The ISO 639-1 code py3langid finds in a sample of the blocks' text, or None when unsure."""
        return identify(sample(b.text for b in self.blocks))

    @cached_property
    def html_lang(self) -> str | None:
        """The two-letter ``<html lang>`` code when jusText has a stoplist for it (None for text dumps)."""
        return html_lang_code(self.tree)

    def language(self, config: Config) -> str | None:
        """The language of the blocks: the configured one, else the identified one."""
        return config.language or self.identified_language

    def feature_language(self, config: Config) -> str | None:
        """The language of the learned model's stopword columns: configured, declared, else identified."""
        return config.language or self.html_lang or self.identified_language

    @cached_property
    def views(self) -> LineViews:
        """The blocks' text lower-cased and split into words, one entry per block."""
        return line_views([b.text for b in self.blocks])

    @cached_property
    def counts(self) -> np.ndarray:
        """The blocks' :func:`~cleaner.page.features.char_counts`, one row per block."""
        return char_counts([b.text for b in self.blocks])

    def stopwords(self, language: str | None) -> frozenset[str]:
        """The stopwords the features count for ``language`` (none for unsegmented scripts)."""
        return page_stopwords(language)

    def line_features(self, language: str | None) -> list[LineFeatures]:
        """The features of every block, counting ``language``'s stopwords (measured once per language)."""
        if language not in self._measured:
            self._measured[language] = block_features(self.blocks, self.stopwords(language), self.views, self.counts)
        return self._measured[language]

    def feature_matrix(self, config: Config) -> np.ndarray:
        """The learned model's feature matrix of the blocks (HTML columns for a page with a tree)."""
        language = self.feature_language(config)
        if language not in self._matrices:
            html = self.tree is not None
            self._matrices[language] = feature_matrix(self.blocks, self.line_features(language), html, self.counts)
        return self._matrices[language]
