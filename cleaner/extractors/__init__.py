"""The extractors, by name. Each decides keep/drop for every block of a page."""

from __future__ import annotations

from collections.abc import Callable

from cleaner.errors import UsageError
from cleaner.extractors.base import Extractor, Page
from cleaner.model import InputType

__all__ = ["Extractor", "Page", "get_extractor", "extractor_names", "DEFAULT_FOR"]


def _trafilatura() -> Extractor:
    from cleaner.extractors.adapters import TrafilaturaExtractor

    return TrafilaturaExtractor()


def _trafilatura_fast() -> Extractor:
    from cleaner.extractors.adapters import TrafilaturaExtractor

    return TrafilaturaExtractor(fast=True)


def _justext() -> Extractor:
    from cleaner.extractors.adapters import JustextExtractor

    return JustextExtractor()


def _rules() -> Extractor:
    from cleaner.extractors.rules import RulesExtractor

    return RulesExtractor()


def _learned() -> Extractor:
    from cleaner.extractors.learned import LearnedExtractor

    return LearnedExtractor()


def _ensemble() -> Extractor:
    from cleaner.extractors.ensemble import EnsembleExtractor

    return EnsembleExtractor()


_FACTORIES: dict[str, Callable[[], Extractor]] = {
    "trafilatura": _trafilatura,
    "trafilatura-fast": _trafilatura_fast,
    "justext": _justext,
    "rules": _rules,
    "learned": _learned,
    "ensemble": _ensemble,
}
# The extractor "default" means, per input type: chosen by measurement (BENCHMARKS.md).
DEFAULT_FOR: dict[InputType, str] = {"html": "learned", "text": "learned"}
_CACHE: dict[str, Extractor] = {}


def extractor_names() -> list[str]:
    """The names ``--extractor`` accepts, ``default`` first."""
    return ["default", *sorted(_FACTORIES)]


def resolve_name(name: str, input_type: InputType) -> str:
    """The concrete extractor a name means for an input type (``default`` resolved)."""
    if name == "default":
        return DEFAULT_FOR[input_type]
    if name not in _FACTORIES:
        raise UsageError(f"unknown extractor {name!r}; choose one of: {', '.join(extractor_names())}")
    return name


def get_extractor(name: str, input_type: InputType) -> Extractor:
    """Return the (cached, stateless) extractor ``name`` means for ``input_type``."""
    concrete = resolve_name(name, input_type)
    if concrete not in _CACHE:
        _CACHE[concrete] = _FACTORIES[concrete]()
    return _CACHE[concrete]
