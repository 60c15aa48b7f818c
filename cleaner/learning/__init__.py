"""Learning: the learned extractor's training data, its training, and its evaluation.

- :mod:`cleaner.learning.labels`: keep/drop labels of a page's blocks from a gold text
  or from snippets;
- :mod:`cleaner.learning.devdata`: the labelled devdata pages, loaded, and split by site;
- :mod:`cleaner.learning.train`: examples (the pipeline's own blocks and the page's
  feature matrix, :mod:`cleaner.page.matrix`), and the fitting of the two-stage trees
  (``cleaner train``; LightGBM, the optional ``train`` extra);
- :mod:`cleaner.learning.scoring`: shingle, snippet and metadata scores against the gold,
  their averages and tables (used by ``bench/``).

The trees themselves, and their prediction at run time, are in
:mod:`cleaner.extractors.trees`.
"""
