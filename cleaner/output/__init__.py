"""Output: the record of a Result and the writers that put records on disk.

- :mod:`~cleaner.output.records`: the JSONL record (``id``, ``text``, ``metadata``,
  ``removed``), its serialisation, the folder formats (``txt``, ``md``, ``json``) and the
  errors-file line;
- :mod:`~cleaner.output.writers`: the JSONL writer (file, ``.gz`` or stdout), the folder
  writer (one file per document) and the errors writer, and the output paths.
"""
