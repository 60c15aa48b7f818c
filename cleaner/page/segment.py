"""Cut a page into blocks: DOM text blocks for HTML, non-blank lines for text dumps.

Every extractor decides on the same blocks, so their votes can be compared and the output
rebuilt from the decisions. Both segmenters keep the invariant of :class:`cleaner.model.Block`:
a block's text never holds a line break. HTML is parsed once with lxml (the tree is shared with the
extractors and the metadata) and walked once, by the compiled walk over lxml's C tree
(``cleaner.page.walk_compiled``, built by ``pip install``) when it is there, else by the
pure-Python reference walk (:mod:`cleaner.page.walk_reference`), which gives the same blocks.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from typing import Any

import lxml
import lxml.etree
import lxml.html

from cleaner.errors import InputError
from cleaner.model import Block
from cleaner.page.roles import line_role
from cleaner.page.walk_reference import walk_blocks, walk_texts

__all__ = [
    "PURE_PYTHON_VARIABLE",
    "SEGMENTER",
    "block_texts",
    "compiled_part_runs",
    "parse_html",
    "pure_python_asked",
    "segment_html",
    "segment_text",
]

# Set to 1 to run the pure-Python walk even where the compiled one is built (the tests of
# the reference path, or to rule the extension out when chasing a problem).
PURE_PYTHON_VARIABLE = "CLEANER_PURE_PYTHON"


# A walk's two modes: the blocks of a page, and their texts and link characters alone.
Walk = Callable[[Any, bool], list[Block]]
TextWalk = Callable[[Any], tuple[list[str], list[int]]]

try:  # built by the install (setup.py); absent where it could not be built
    from cleaner.page import walk_compiled
except ImportError as exc:
    _COMPILED: tuple[Walk, TextWalk, str] | None = None
    _NOT_BUILT = str(exc)
else:
    _COMPILED = (walk_compiled.walk_blocks, walk_compiled.walk_texts, walk_compiled.LXML_VERSION)
    _NOT_BUILT = ""


def pure_python_asked() -> bool:
    """Whether ``CLEANER_PURE_PYTHON`` asks for the pure-Python paths of every compiled part."""
    return os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0")


def _choose_walk() -> tuple[Walk, TextWalk, str]:
    """The tree walk this process runs (its two modes) and its name: the compiled one unless absent, stale or off."""
    if pure_python_asked():
        return walk_blocks, walk_texts, "python (CLEANER_PURE_PYTHON)"
    if _COMPILED is None:
        why = f"the compiled page walk is not built ({_NOT_BUILT})"
    else:
        compiled, compiled_texts, built_with = _COMPILED
        # The extension reads lxml's C structures: built against another major version of
        # lxml (an upgrade after the install), those may have changed shape.
        if built_with.split(".")[0] == lxml.__version__.split(".")[0]:
            return compiled, compiled_texts, "compiled"
        why = f"the compiled page walk was built for lxml {built_with}, not {lxml.__version__}"
    warnings.warn(
        f"{why}: cleaner runs its pure-Python segmenter (and its pure-Python text counts and trees where "
        "those are not built either), same output, slower (about 1.4 times the time a page for all three); reinstall "
        "cleaner (pip install / make install) with a C compiler and the Python headers to build them",
        RuntimeWarning,
        stacklevel=2,
    )
    return walk_blocks, walk_texts, "python"


_WALK, _TEXTS, SEGMENTER = _choose_walk()


def compiled_part_runs(built: bool, part: str, fallback: str, not_built: str) -> bool:
    """Whether a compiled part other than the page walk runs: built, and not switched off.

    Where it is not built (``not_built`` says why), cleaner runs its ``fallback`` and says
    so in one ``RuntimeWarning``, unless the page walk is missing too: one install builds
    every part, and the walk's warning (:data:`SEGMENTER`) has said it already.
    """
    if pure_python_asked():
        return False
    if built:
        return True
    if SEGMENTER.startswith("compiled"):
        warnings.warn(
            f"the compiled {part} are not built ({not_built}): cleaner runs its {fallback}, same output, slower; "
            "reinstall cleaner (pip install / make install) with a C compiler and the Python headers to build them",
            RuntimeWarning,
            stacklevel=3,
        )
    return False


# Every element is an lxml.html.HtmlElement (text_content, drop_tree... for the libraries
# given the tree), chosen in C: lxml.html's own lookup calls back into Python for each
# element object it makes (a million calls for 300 pages, 2 ms a page), to give form
# fields their own classes, which nothing here uses.
_HTML_CLASSES = lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def parse_html(markup: str) -> Any:
    """Parse HTML into an lxml root, raising InputError when the parse loses the page.

    libxml2 stops at a nesting depth of 2048 (with ``huge_tree``) and silently drops the
    rest of the page; that is reported as an error rather than an empty result.
    """
    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    parser.set_element_class_lookup(_HTML_CLASSES)
    if not markup.strip():
        raise InputError("the page has no content to parse")
    # lxml refuses str input that declares its own encoding; the markup is already decoded.
    root = lxml.html.document_fromstring(_strip_xml_declaration(markup), parser=parser)
    for entry in parser.error_log:
        if entry.level_name == "FATAL" and "depth" in entry.message:
            raise InputError(f"HTML nested too deep to parse without losing text ({entry.message.strip()})")
    return root


def _strip_xml_declaration(markup: str) -> str:
    head = markup.lstrip()[:5].lower()
    if head.startswith("<?xml"):
        end = markup.find("?>")
        if end != -1:
            return markup[end + 2 :]
    return markup


def segment_html(root: Any, links: bool = False) -> list[Block]:
    """Return the visible text blocks of a parsed page in document order.

    A block is the text between two block-level boundaries, white space collapsed (the
    white space includes every line break ``str.splitlines`` knows, so no block holds
    one); its ``tag`` is the innermost block-level element holding it, its ``containers``
    the numbers of the block-level elements around it (so blocks of one element can be
    told from those of a sibling with the same tag path). With ``links``, each block
    also gets its links (:attr:`cleaner.model.Block.links`). :data:`SEGMENTER` names the
    walk that runs (``compiled`` or ``python``).
    """
    return _WALK(root, links)


def block_texts(root: Any) -> tuple[list[str], list[int]]:
    """The text and link characters of each block :func:`segment_html` gives (without links), in order.

    The same walk, computed by the same code, without making the blocks: the roles, tag
    paths and class/id tokens are left out. What the corpus pass's hashes read
    (:func:`cleaner.corpus.keys.text_keys`), at a fraction of the cost.
    """
    return _TEXTS(root)


def segment_text(text: str) -> list[Block]:
    """Return one block per non-blank line of a text dump, stripped, with its line number.

    Lines are cut by ``str.splitlines``, so no block holds any of the line breaks it knows.
    """
    blocks: list[Block] = []
    for line_no, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if stripped:
            role = line_role(stripped)
            blocks.append(Block(index=len(blocks), text=stripped, tag="line", line_no=line_no, role=role))
    return blocks
