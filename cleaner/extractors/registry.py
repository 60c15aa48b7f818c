"""The extractor a name means: one instance per name, made on first use and kept."""

from __future__ import annotations

from collections.abc import Callable

from cleaner.extractors import EXTRACTOR_NAMES, resolve_name
from cleaner.extractors.adapters import JustextExtractor, TrafilaturaExtractor
from cleaner.extractors.base import Extractor
from cleaner.extractors.ensemble import EnsembleExtractor
from cleaner.extractors.learned import LearnedExtractor
from cleaner.extractors.rules import RulesExtractor
from cleaner.model import InputType

FACTORIES: dict[str, Callable[[], Extractor]] = {
    "trafilatura": TrafilaturaExtractor,
    "trafilatura-fast": lambda: TrafilaturaExtractor(fast=True),
    "justext": JustextExtractor,
    "rules": RulesExtractor,
    "learned": LearnedExtractor,
    "ensemble": EnsembleExtractor,
}
assert set(FACTORIES) == set(EXTRACTOR_NAMES), "every name of cleaner.extractors has a factory here"
_MADE: dict[str, Extractor] = {}


def get_extractor(name: str, input_type: InputType) -> Extractor:
    """Return the (cached, stateless) extractor ``name`` means for ``input_type``."""
    concrete = resolve_name(name, input_type)
    if concrete not in _MADE:
        _MADE[concrete] = FACTORIES[concrete]()
    return _MADE[concrete]
