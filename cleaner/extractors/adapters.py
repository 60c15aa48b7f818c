"""trafilatura and jusText mapped onto our blocks: their output aligned, nothing more.

Both libraries return the text they keep. A block is kept when its text is found in that
output at the point where the previous kept block ended, so that a short block ("Home")
cannot match some unrelated place in the output.
"""

from __future__ import annotations

import copy
import re

import justext

from cleaner.config import Config
from cleaner.model import Block, Decision
from cleaner.page import Page
from cleaner.page.language import JUSTEXT_NAMES

_WHITESPACE = re.compile(r"\s+")
# trafilatura writes list items as "- item" and table cells joined by " | ".
_LIST_MARK = re.compile(r"^[-*•] ", re.MULTILINE)
_CELL_SEP = re.compile(r" ?\| ?")
# A block shorter than this must sit right after the previous match (within
# SHORT_BLOCK_SLACK characters): short texts like "Share" occur all over an output, while
# 40 characters of the same words in the same order almost never occur by chance.
SHORT_BLOCK_CHARS = 40
# Characters the output may hold between two kept blocks of ours: alt texts, bullets or
# separators the library wrote and we did not segment as blocks.
SHORT_BLOCK_SLACK = 30


def _fold_space(text: str) -> str:
    """``text`` with runs of white space made one space, stripped."""
    return _WHITESPACE.sub(" ", text).strip()


def align_output(blocks: list[Block], output: str, by: str) -> list[Decision]:
    """Keep the blocks whose text appears in another extractor's output.

    A long block is found anywhere in the output (each place in the output serves one
    block only, so a repeated block is not kept twice); a short block must follow the
    block matched just before it, because short texts ("Share", "Home") occur anywhere.
    """
    flat = " " + _fold_space(_CELL_SEP.sub(" ", _LIST_MARK.sub("", output))) + " "
    texts = [_fold_space(_CELL_SEP.sub(" ", block.text)) for block in blocks]
    ends: list[int] = [-1] * len(blocks)
    next_search: dict[str, int] = {}
    for i, text in enumerate(texts):
        if len(text) >= SHORT_BLOCK_CHARS:
            pos = flat.find(text, next_search.get(text, 0))
            if pos != -1:
                ends[i] = pos + len(text)
                next_search[text] = ends[i]
    cursor = 0
    for i, text in enumerate(texts):
        if ends[i] != -1:
            cursor = ends[i]
        elif text:
            pos = flat.find(text, cursor)
            if pos != -1 and pos - cursor <= SHORT_BLOCK_SLACK:
                ends[i] = cursor = pos + len(text)
    return [
        Decision(block.index, True, "content.selected", by)
        if ends[i] != -1
        else Decision(block.index, False, "extractor.not_selected", by, score=0.0)
        for i, block in enumerate(blocks)
    ]


class TrafilaturaExtractor:
    """trafilatura's main-content selection (comments excluded) mapped onto our blocks."""

    name = "trafilatura"
    # trafilatura finds its own way through the page: it reads no language of ours.
    uses_page_language = False

    def __init__(self, fast: bool = False) -> None:
        """Use trafilatura's ``fast`` mode (no fallback extractors) when ``fast`` is set."""
        self.fast = fast
        if fast:
            self.name = "trafilatura-fast"

    def decide(self, page: Page, config: Config) -> list[Decision]:
        """Run trafilatura on a copy of the shared tree and align its text to our blocks."""
        # Imported here: trafilatura takes about 0.2 s to import, which every process
        # would pay at start-up, while only this extractor and the ensemble run it.
        import trafilatura

        source = copy.deepcopy(page.tree) if page.tree is not None else page.markup
        output = trafilatura.extract(
            source,
            url=page.document.url,
            include_comments=False,
            include_tables=True,
            fast=self.fast,
            deduplicate=False,
        )
        return align_output(page.blocks, output or "", self.name)


class JustextExtractor:
    """jusText's paragraph classification mapped onto our blocks."""

    name = "justext"
    # jusText counts the stopwords of the page's language.
    uses_page_language = True

    def decide(self, page: Page, config: Config) -> list[Decision]:
        """Run jusText with the stoplist of the page's language (English when unknown) and align its good paragraphs."""
        stoplist = justext.get_stoplist(JUSTEXT_NAMES.get(page.language(config) or "en", "English"))
        paragraphs = justext.justext(page.markup.encode("utf-8"), stoplist, encoding="utf-8")
        output = "\n".join(p.text for p in paragraphs if not p.is_boilerplate)
        return align_output(page.blocks, output, self.name)
