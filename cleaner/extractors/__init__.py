"""The extractors: each decides keep or drop, with a reason, for every block of a page.

- :mod:`cleaner.extractors.base`: the :class:`Extractor` interface;
- :mod:`cleaner.extractors.rules`: heuristic rules by boilerplate family, then context
  (a sub-package: phrases, first pass, context pass, headline, metadata lines);
- :mod:`cleaner.extractors.learned`: the shipped boosted-tree model (HTML blocks, and the
  text-line model over the rules' decisions for text dumps);
- :mod:`cleaner.extractors.trees`: the trees' arrays, their prediction and stage two;
- :mod:`cleaner.extractors.adapters`: trafilatura and jusText mapped onto our blocks;
- :mod:`cleaner.extractors.ensemble`: the stacked vote of the others;
- :mod:`cleaner.extractors.registry`: the extractor a name means (:func:`get_extractor`);
- :mod:`cleaner.extractors.page_rules`: what follows every extractor (machine timestamps
  and in-page copies of kept blocks dropped);
- :mod:`cleaner.extractors.comments`: the reader comments of a page, for ``--comments``
  (found in the markup, split into comments, never part of the text).

This package module itself holds only the names (cheap to import, for the CLI's options).
"""

from __future__ import annotations

from cleaner.errors import UsageError
from cleaner.model import InputType

# The names ``--extractor`` accepts besides "default" (cleaner.extractors.registry makes them).
EXTRACTOR_NAMES: tuple[str, ...] = ("ensemble", "justext", "learned", "rules", "trafilatura", "trafilatura-fast")
# The extractor "default" means, per input type: chosen by measurement (BENCHMARKS.md).
DEFAULT_FOR: dict[InputType, str] = {"html": "learned", "text": "learned"}

__all__ = ["DEFAULT_FOR", "EXTRACTOR_NAMES", "extractor_names", "resolve_name"]


def extractor_names() -> list[str]:
    """The names ``--extractor`` accepts, ``default`` first."""
    return ["default", *sorted(EXTRACTOR_NAMES)]


def resolve_name(name: str, input_type: InputType) -> str:
    """The concrete extractor a name means for an input type (``default`` resolved)."""
    if name == "default":
        return DEFAULT_FOR[input_type]
    if name not in EXTRACTOR_NAMES:
        raise UsageError(f"unknown extractor {name!r}; choose one of: {', '.join(extractor_names())}")
    return name
