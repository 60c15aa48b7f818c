"""cleaner: clean web archives into article text plus metadata, explaining every removal.

The public API::

    import cleaner
    result = cleaner.clean("<html>...</html>", url="https://example.com/a")
    result.text, result.metadata["title"], result.removed

    for result in cleaner.clean_corpus(["corpus/"], jobs=2):
        ...

Where things are: the package tree is the flow of a document, and each sub-package's
``__init__`` names its modules::

    io/          files, folders, archives, stdin -> Documents    (discover, sniff, decode, read)
    page/        a Document parsed once -> blocks and the page's facts    (segment and its walks, language, features)
    meta/        title, author, date, site... read from the markup (and names and dates from lines)
    extractors/  keep or drop each block -> Decisions    (rules, learned, ensemble, adapters, page rules)
    corpus/      blocks repeated across a site's pages (pure functions of pass 1 and pass 2)
    pipeline.py  Document -> Result: the stages in order; one failure -> one error Result
    output/      the record of a Result, and the writers (JSONL, folder, errors file)
    batch/       a corpus -> an output: the record stream, outcomes, the sink; local and Ray executors
    explain/     why: ``cleaner explain`` on a terminal, ``cleaner report`` as an HTML page
    learning/    training the learned extractor, and scoring against gold text (devdata)
    cli.py       the ``cleaner`` command: each command calls one function of the above
    integrations/  steps for other pipelines on top of ``clean()``: datatrove, Hugging Face datasets

Beside them: ``model.py`` (Document, Block, Decision, Result and the reason codes),
``config.py`` (the one immutable Config), ``errors.py`` (error types with exit codes),
``version.py``. A package imports only from the packages listed above it (and the
modules beside them; ``integrations/`` from this module too); no module takes another's
private names (``_name``).
"""

from collections.abc import Iterator as _Iterator
from collections.abc import Sequence as _Sequence
from pathlib import Path as _Path

from cleaner import pipeline as _pipeline
from cleaner.batch import local as _local
from cleaner.config import Config
from cleaner.errors import CleanerError, InputError, UsageError
from cleaner.model import Block, Decision, Document, ErrorInfo, Result
from cleaner.version import __version__

__all__ = [
    "Block",
    "CleanerError",
    "Config",
    "Decision",
    "Document",
    "ErrorInfo",
    "InputError",
    "Result",
    "UsageError",
    "__version__",
    "clean",
    "clean_corpus",
    "clean_document",
]


def clean(
    content: str | bytes, url: str | None = None, *, config: Config | None = None, input_type: str | None = None
) -> Result:
    """Clean one HTML page or text dump; ``input_type`` ('html' or 'text') is sniffed if omitted."""
    return _pipeline.clean(content, url, config=config, input_type=input_type)  # type: ignore[arg-type]


def clean_document(document: Document, config: Config | None = None) -> Result:
    """Clean a Document built by a reader (or by hand); never raises for bad content."""
    return _pipeline.clean_document(document, config or Config())


def clean_corpus(
    paths: _Sequence[str | _Path], config: Config | None = None, jobs: int | None = None
) -> _Iterator[Result]:
    """Clean every document under ``paths`` (files, folders, archives), yielding Results in input order."""
    return _local.clean_corpus(paths, config=config, jobs=jobs)


def __dir__() -> list[str]:
    """The public API only: the sub-packages and the helpers imported here stay out of ``dir(cleaner)``."""
    return sorted(__all__)
