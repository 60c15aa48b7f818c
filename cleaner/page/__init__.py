"""The page: a decoded document cut into blocks, and the facts every later stage shares.

- :mod:`cleaner.page.segment`: the lxml parse and the blocks of a page (DOM blocks for
  HTML, lines for text dumps); a block's text never holds a line break;
- :mod:`cleaner.page.walk_reference`: the walk of the parsed tree that cuts the blocks, in
  pure Python; ``cleaner.page.walk_compiled`` (``walk_compiled.pyx``, built by the install)
  is the same walk compiled, over lxml's C tree, and runs where it is built;
- :mod:`cleaner.page.markup`: what the markup means to both walks: block-level and skipped
  tags, class/id tokens, preformatted text;
- :mod:`cleaner.page.roles`: each block's role (heading, list item, table cell, code, quote);
- :mod:`cleaner.page.markdown`: the kept blocks as Markdown, from their roles;
- :mod:`cleaner.page.language`: language identification and stopword lists;
- :mod:`cleaner.page.features`: per-line text measures (:class:`LineFeatures`); its
  character counts are compiled (``cleaner.page.text_counts``, ``text_counts.pyx``, built
  by the install) where built, with :func:`~cleaner.page.features.reference_counts` as the
  pure-Python reference;
- :mod:`cleaner.page.matrix`: the learned model's feature matrix of a page's blocks;
- :mod:`cleaner.page.vocabulary`: the tag, ancestor, class/id and keyword groups the matrix reads;
- :mod:`cleaner.page.regions`: the elements around each block (a comment, a list of
  cards, a section), which the learned model's second stage pools scores over;
- :mod:`cleaner.page.facts`: :class:`Page`, the parsed page with its facts (language,
  stopwords, line features, feature matrix) computed once and kept on it.
"""

from cleaner.page.facts import Page
from cleaner.page.features import LineFeatures

__all__ = ["LineFeatures", "Page"]
