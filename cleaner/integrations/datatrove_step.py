"""A datatrove pipeline step that cleans each Document with cleaner, in place of datatrove's ``Trafilatura``.

::

    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove_step import CleanerExtractor

    pipeline = [WarcReader("crawl/"), CleanerExtractor(), JsonlWriter("clean/")]

It behaves as datatrove's own extractors do (:class:`~datatrove.pipeline.extractors.base.BaseExtractor`):
each document is cleaned in datatrove's extractor sandbox, a process that is restarted
when a document takes longer than ``timeout`` (or dies); a document that times out, breaks
the process, fails to clean, or cleans to nothing is dropped, and each case is counted in
the step's stats (``timeout``, ``broken_process``, ``clean_error``, ``dropped``). Beyond
those, a document ``languages`` filters out is dropped and counted as
``dropped_language.other``, as datatrove's filters count a drop by its reason.

A kept document gets the clean text in ``doc.text`` and what cleaner found in
``doc.metadata["cleaner"]`` (the key is a parameter): the record's metadata (title,
author, date, sitename, language, description, host...) and ``removed``, every dropped
block with its reason code. They sit under one key because the readers' fields mean
other things: a WARC reader's ``date`` is the crawl date, cleaner's the publication date.
"""

from __future__ import annotations

from typing import Any

from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.extractors import resolve_name
from cleaner.integrations.common import CleanedPage, clean_page, missing_extra

try:
    from datatrove.data import DocumentsPipeline
    from datatrove.pipeline.extractors.base import BaseExtractor, ExtractorSandbox
    from datatrove.utils.logging import logger
    from datatrove.utils.typeshelper import StatHints
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise missing_extra("datatrove", "cleaner.integrations.datatrove_step") from exc

__all__ = ["DEFAULT_TIMEOUT", "METADATA_KEY", "CleanerExtractor"]

# Seconds a document may take before the sandbox is restarted and the document dropped:
# `cleaner clean --timeout`'s default, for the same pages (datatrove's Trafilatura step
# allows 1 s, but cleaner's learned extractor takes up to a few seconds on a long page).
DEFAULT_TIMEOUT = Config().timeout
# The key of doc.metadata that holds what cleaner found.
METADATA_KEY = "cleaner"


class CleanerExtractor(BaseExtractor):
    """Clean each Document's ``text`` (HTML or a text dump) with :func:`cleaner.clean`; drop the failures.

    Args:
        config: cleaner's settings (extractor, ``favor``, ``tables``, ``languages``,
            ``markdown``...); the defaults of ``cleaner clean`` when omitted. Its
            ``explain`` adds ``metadata_sources``; ``removed`` is always there.
        timeout: seconds a document may take (in datatrove's sandbox process).
        metadata_key: the key of ``doc.metadata`` for cleaner's metadata and ``removed``.
        url_key: the key of ``doc.metadata`` holding the page's url (the readers' ``url``).

    """

    name = "🧹 cleaner"
    _requires_dependencies = [("cleaner", "web-cleaner")]

    def __init__(
        self,
        config: Config | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        metadata_key: str = METADATA_KEY,
        url_key: str = "url",
    ) -> None:
        super().__init__(timeout)
        self.config = config or Config()
        resolve_name(self.config.extractor, "html")  # an unknown extractor fails here, not in the sandbox
        if not metadata_key:
            raise UsageError("metadata_key: give the key of doc.metadata for cleaner's fields, e.g. 'cleaner'")
        self.metadata_key = metadata_key
        self.url_key = url_key
        self._logged_error = False

    def extract(self, text: str) -> str:
        """The clean text of one page (datatrove's extractor interface); ``run`` keeps the metadata too."""
        return clean_page(text, None, self.config)["text"]

    def clean(self, text: str, url: str | None = None) -> CleanedPage:
        """One page cleaned, as plain values: what :meth:`run` sends through the sandbox."""
        return clean_page(text, url, self.config)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Clean every document of ``data`` and yield those with text, as ``BaseExtractor.run`` does."""
        if data is None:
            return
        with ExtractorSandbox(timeout=self.timeout, warmup_text=("", None)) as sandbox:
            for doc in data:
                self.stat_update(StatHints.total)
                with self.track_time():
                    cleaned = self._clean_in(sandbox, doc.text, doc.metadata.get(self.url_key))
                if cleaned is None:
                    continue
                self.stat_update("extracted")
                if cleaned["status"] == "skipped":
                    self.stat_update(StatHints.dropped, f"dropped_{cleaned['metadata']['skip_reason']}")
                    continue
                if cleaned["status"] == "empty":
                    self.stat_update(StatHints.dropped)
                    continue
                doc.text = cleaned["text"]
                doc.metadata[self.metadata_key] = {**cleaned["metadata"], "removed": cleaned["removed"]}
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc

    def _clean_in(self, sandbox: ExtractorSandbox, text: str, url: Any) -> CleanedPage | None:
        """The page cleaned in the sandbox, or None (counted and logged as datatrove does) when it failed."""
        try:
            cleaned: CleanedPage = sandbox.process_document((text, url if isinstance(url, str) else None), self.clean)
        except TimeoutError:
            self.stat_update("timeout")
            logger.warning("⏰ Timeout while cleaning record text. Skipping record.")
            return None
        except EOFError:
            self.stat_update("broken_process")
            logger.warning("Process died unexpectedly, will create new process for next document")
            return None
        except Exception as exc:  # noqa: BLE001 - one bad document never ends the pipeline
            self._error(f"{type(exc).__name__}: {exc}")
            return None
        if cleaned["status"] == "error":
            error = cleaned["metadata"].get("error") or {}
            self._error(f"{error.get('type')} at {error.get('stage')}: {error.get('message')}")
            return None
        return cleaned

    def _error(self, message: str) -> None:
        """Count a document that failed to clean, and log the first failure (as datatrove's extractors do)."""
        self.stat_update("clean_error")
        if not self._logged_error:
            logger.warning(f'❌ Error "{message}" while cleaning record text. Skipping record. (Logged once.)')
            self._logged_error = True
