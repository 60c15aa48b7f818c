"""Showing why: every removal explained, on a terminal or on one HTML page.

- :mod:`~cleaner.explain.terminal`: ``cleaner explain``, each block of a document with
  its verdict, reason code and extractor, coloured by reason family;
- :mod:`~cleaner.explain.report`: ``cleaner report``, an HTML page with charts of what
  was removed, by family and by site, and the documents block by block;
- :mod:`~cleaner.explain.report_data`: what that page shows, gathered from a corpus
  cleaned here or from a JSONL file ``cleaner clean --explain`` wrote.
"""
