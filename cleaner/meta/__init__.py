"""Readers of one metadata field each, used by :mod:`cleaner.meta.html`.

- :mod:`cleaner.meta.page`: what every field reads: ``<meta>`` tags, JSON-LD objects,
  visible text of an element, comparison keys;
- :mod:`cleaner.meta.title`: the headline, by agreement of the visible headings with the
  page's declared titles;
- :mod:`cleaner.meta.author`: the author names, from structured data, meta tags, author
  links and bylines;
- :mod:`cleaner.meta.date`: the publication date.
"""
