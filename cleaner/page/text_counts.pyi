"""Type stub of the compiled text counts (``text_counts.pyx``, built by setup.py)."""

import numpy as np

COLUMNS: tuple[str, ...]

def text_counts(texts: list[str]) -> np.ndarray:
    """The counts of :data:`COLUMNS` for every text, as an ``(len(texts), 8)`` int64 array."""
