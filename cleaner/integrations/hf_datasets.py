"""A Hugging Face ``datasets`` recipe: clean a column of pages with ``Dataset.map``.

::

    from datasets import load_dataset
    from cleaner.integrations.hf_datasets import clean_dataset

    pages = load_dataset("json", data_files="pages.jsonl", split="train")   # columns html, url...
    clean = clean_dataset(pages, num_proc=2)            # adds `text` and `cleaner` to every row
    clean = clean.filter(lambda row: row["cleaner"]["status"] == "ok")

:func:`clean_batch` is the function ``map`` calls (``batched=True``); it needs no
``datasets`` and works on any dict of columns. :func:`clean_dataset` maps it with the
new columns' types declared (:func:`output_features`): Arrow infers a column's type from
the first batch, and a field that is null in all of its rows (an author no page of the
batch names) would then refuse the strings of a later batch.

Each row gets ``text`` (the clean text; ``""`` when nothing was kept or the page failed)
and ``cleaner``: the record's metadata (url, host, title, author, date, sitename,
language, description..., ``status``: ok, empty, error or skipped, ``error`` for a
failed page) and ``removed``, every dropped block with its reason code. Rows are never
dropped: filter on ``status``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.integrations.common import clean_page, missing_extra

__all__ = [
    "BATCH_SIZE",
    "CONTENT_COLUMNS",
    "ERROR_FIELDS",
    "LIST_FIELDS",
    "METADATA_COLUMN",
    "REMOVED_STRING_FIELDS",
    "STRING_FIELDS",
    "clean_batch",
    "clean_dataset",
    "output_features",
]

# The columns a page is looked for in, in this order, when ``column`` is not given: HTML
# first (a dataset with `html` and `text` keeps its page in `html`), then the names other
# corpora use (RedPajama and CCNet: raw_content; scrapers: content, body), then `text`
# (datatrove's and Common Crawl's readers put the HTML there).
CONTENT_COLUMNS = ("html", "raw_content", "content", "body", "text")
# The output column holding cleaner's metadata and removed blocks (as datatrove's step
# puts them under doc.metadata["cleaner"]).
METADATA_COLUMN = "cleaner"
# The fields of that column and their types: strings (None when unknown)...
STRING_FIELDS = (
    "url",
    "host",
    "title",
    "author",
    "date",
    "sitename",
    "language",
    "description",
    "canonical_url",
    "license",
    "input_type",
    "extractor",
    "cleaner_version",
    "status",
    "text_format",
    "skip_reason",
    "skip_detail",
)
# ... lists of strings...
LIST_FIELDS = ("categories", "tags")
# ... the error of a failed page, and the dropped blocks.
ERROR_FIELDS = ("stage", "type", "message")
REMOVED_STRING_FIELDS = ("reason", "by", "role", "text", "detail")
# Rows per call of clean_batch in clean_dataset: 64 pages are a few seconds of cleaning, so
# `map` writes and shows progress every few seconds; datasets' default (1000) is minutes.
BATCH_SIZE = 64


def clean_batch(
    batch: Mapping[str, Sequence[Any]],
    *,
    column: str | None = None,
    url_column: str | None = "url",
    config: Config | None = None,
    text_column: str = "text",
    metadata_column: str = METADATA_COLUMN,
) -> dict[str, list[Any]]:
    """Clean a batch of rows (a dict of columns, as ``Dataset.map(batched=True)`` gives it).

    ``column`` holds the pages (HTML or text dumps, str or bytes); when omitted, the first
    of :data:`CONTENT_COLUMNS` the batch has. ``url_column`` gives each page's url (a
    missing column or a null: no url). Returns the new columns: ``text_column`` (the clean
    text) and ``metadata_column`` (a dict of :data:`STRING_FIELDS`, :data:`LIST_FIELDS`,
    ``error`` and ``removed``); every field is present in every row, None when unknown.
    """
    config = config or Config()
    name = column or next((c for c in CONTENT_COLUMNS if c in batch), None)
    if name is None or name not in batch:
        looked = repr(column) if column else "any of " + ", ".join(CONTENT_COLUMNS)
        raise UsageError(
            f"clean_batch: no column {looked} (the rows have {', '.join(map(repr, batch)) or 'no column'}); "
            "name the one that holds the page with column=..."
        )
    pages = batch[name]
    urls = batch[url_column] if url_column and url_column in batch else [None] * len(pages)
    texts: list[str] = []
    found: list[dict[str, Any]] = []
    for page, url in zip(pages, urls, strict=True):
        cleaned = clean_page(page if page is not None else "", url if isinstance(url, str) and url else None, config)
        texts.append(cleaned["text"])
        found.append(_row_metadata(cleaned["metadata"], cleaned["removed"]))
    return {text_column: texts, metadata_column: found}


def _row_metadata(metadata: Mapping[str, Any], removed: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``cleaner`` value of one row: exactly the declared fields, so every row has one shape."""
    row: dict[str, Any] = {name: metadata.get(name) for name in STRING_FIELDS}
    for name in LIST_FIELDS:
        row[name] = metadata.get(name)
    error = metadata.get("error")
    row["error"] = {name: error[name] for name in ERROR_FIELDS} if error else None
    row["removed"] = [
        {"block": item["block"], **{name: item[name] for name in REMOVED_STRING_FIELDS}} for item in removed
    ]
    return row


def output_features(features: Any = None, *, text_column: str = "text", metadata_column: str = METADATA_COLUMN) -> Any:
    """The ``datasets.Features`` of a cleaned dataset: ``features`` (the input's) plus the new columns."""
    try:
        import datasets
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise missing_extra("datasets", "cleaner.integrations.hf_datasets.output_features") from exc
    string = datasets.Value("string")
    cleaner_fields: dict[str, Any] = {name: string for name in STRING_FIELDS}
    cleaner_fields.update({name: [string] for name in LIST_FIELDS})
    cleaner_fields["error"] = {name: string for name in ERROR_FIELDS}
    cleaner_fields["removed"] = [{"block": datasets.Value("int64"), **{name: string for name in REMOVED_STRING_FIELDS}}]
    return datasets.Features({**(features or {}), text_column: string, metadata_column: cleaner_fields})


def clean_dataset(
    dataset: Any,
    config: Config | None = None,
    *,
    column: str | None = None,
    url_column: str | None = "url",
    text_column: str = "text",
    metadata_column: str = METADATA_COLUMN,
    batch_size: int = BATCH_SIZE,
    **map_options: Any,
) -> Any:
    """``dataset.map(clean_batch, batched=True)`` with the output columns' types declared.

    ``dataset`` is a ``datasets.Dataset`` (or an ``IterableDataset``); the other
    arguments go to :func:`clean_batch`, and ``map_options`` to ``map`` (``num_proc``,
    ``desc``, ``remove_columns``...). An ``IterableDataset`` whose features are not known
    is mapped without declared types (it writes no Arrow table, so needs none).
    """
    options = {
        "column": column,
        "url_column": url_column,
        "config": config,
        "text_column": text_column,
        "metadata_column": metadata_column,
    }
    known = dataset.features
    features = (
        None if known is None else output_features(known, text_column=text_column, metadata_column=metadata_column)
    )
    return dataset.map(
        clean_batch, batched=True, batch_size=batch_size, fn_kwargs=options, features=features, **map_options
    )
