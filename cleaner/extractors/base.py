"""The interface every extractor implements."""

from __future__ import annotations

from typing import Protocol

from cleaner.config import Config
from cleaner.model import Decision
from cleaner.page import Page


class Extractor(Protocol):
    """Decides, for every block of a page, keep or drop with a reason code.

    ``decide`` returns exactly one Decision per block, in block order, with
    ``Decision.block == Block.index``. ``uses_page_language`` says whether the extractor
    reads the language of the page's blocks (:meth:`cleaner.page.Page.language` or
    :meth:`~cleaner.page.Page.feature_language`); the metadata's ``language`` then falls
    back on it, and on the language of the kept text otherwise.
    """

    name: str
    uses_page_language: bool

    def decide(self, page: Page, config: Config) -> list[Decision]:
        """Return one Decision per block of ``page``."""
        ...
