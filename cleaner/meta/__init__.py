"""Metadata: one reader per field, from the page's own markup.

- :mod:`cleaner.meta.html`: :func:`~cleaner.meta.html.html_metadata`, every field of an
  HTML page (title, author, date, sitename, description, language, canonical url,
  categories, tags, licence) with where each came from;
- :mod:`cleaner.meta.page`: what every field reads: ``<meta>`` tags, JSON-LD objects,
  visible text of an element, comparison keys;
- :mod:`cleaner.meta.title`: the headline, by agreement of the visible headings with the
  page's declared titles;
- :mod:`cleaner.meta.author`: the author names, from structured data, meta tags, author
  links and bylines;
- :mod:`cleaner.meta.names`: what a person's name looks like, for every author source;
- :mod:`cleaner.meta.date`: the publication date, and the month names and calendar
  dates the rules' date lines share.

A text dump's metadata is read from the lines the rules moved out of its text
(:func:`cleaner.extractors.rules.text_metadata`).
"""
