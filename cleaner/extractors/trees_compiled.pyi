"""Type stub of the compiled trees (``trees_compiled.pyx``, built by setup.py)."""

from typing import Any

import numpy as np

class CompiledTrees:
    """An ensemble's trees as packed records, checked once; :meth:`raw` scores a matrix."""

    width: int

    def __init__(self, feature: Any, threshold: Any, left: Any, right: Any, value: Any, roots: Any) -> None:
        """Pack the flat arrays of a ``TreeEnsemble`` (leaves point to themselves); raise ValueError if malformed."""

    def raw(self, x: np.ndarray) -> np.ndarray:
        """The summed leaf values (log-odds) of every row of the 2-D float64 matrix ``x``, trees in order."""
