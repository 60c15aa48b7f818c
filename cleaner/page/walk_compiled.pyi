"""Type stub of the compiled page walk (``walk_compiled.pyx``, built by setup.py)."""

from typing import Any

from cleaner.model import Block

LXML_VERSION: str

def walk_blocks(root: Any, links: bool = False) -> list[Block]:
    """Return the visible text blocks of a parsed page in document order."""

def walk_texts(root: Any) -> tuple[list[str], list[int]]:
    """Return the text and link characters of each block walk_blocks gives, without making the blocks."""
