"""The interface every extractor implements, and the parsed page they all share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from cleaner.config import Config
from cleaner.model import Block, Decision, Document


@dataclass(slots=True)
class Page:
    """A document parsed once and shared by segmentation, extractors and metadata.

    ``markup`` is the decoded HTML (or the text of a text dump); ``tree`` the lxml root
    of an HTML page (``None`` for text); ``blocks`` its segmentation.
    """

    document: Document
    markup: str
    blocks: list[Block]
    tree: Any = None
    language: str | None = None
    notes: dict[str, Any] = field(default_factory=dict)


class Extractor(Protocol):
    """Decides, for every block of a page, keep or drop with a reason code.

    ``decide`` returns exactly one Decision per block, in block order, with
    ``Decision.block == Block.index``.
    """

    name: str

    def decide(self, page: Page, config: Config) -> list[Decision]:
        """Return one Decision per block of ``page``."""
        ...
