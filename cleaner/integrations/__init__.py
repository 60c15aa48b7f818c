"""Drop-in steps for the pipelines users already run, on top of the Python API :func:`cleaner.clean`.

- :mod:`~cleaner.integrations.datatrove_step`: :class:`CleanerExtractor`, a datatrove
  pipeline step that cleans each Document's HTML (or text dump), in place of datatrove's
  own ``Trafilatura`` extractor;
- :mod:`~cleaner.integrations.hf_datasets`: :func:`clean_batch` for Hugging Face
  ``datasets.map(..., batched=True)``, and :func:`clean_dataset` that maps it with the
  column types declared;
- :mod:`~cleaner.integrations.common`: what both share: one page -> plain values (text,
  status, metadata, removed blocks), and the message naming the extra to install.

The libraries come with the ``integrations`` extra (``pip install 'web-cleaner[integrations]'``);
importing this package needs neither of them, and :func:`clean_batch` works without ``datasets``.
"""
