"""Boosted binary-classification trees as flat numpy arrays, and their evaluation.

A :class:`TreeEnsemble` holds every node of every tree in flat arrays. Two evaluations
give bit-identical scores: the compiled one (``cleaner.extractors.trees_compiled``, built
by ``pip install``), which walks each row down each tree, and the numpy reference
(:meth:`TreeEnsemble.raw_reference`), which walks all trees for all rows of a page at
once, one vectorised step per tree level (leaves point to themselves, so walking past a
leaf leaves a row where it is). The numpy one runs where the extension is not built (with
one warning, or none beside the page walk's when that is missing too) or when ``CLEANER_PURE_PYTHON`` is set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cleaner.page.segment import compiled_part_runs, pure_python_asked

__all__ = ["EVALUATOR", "TreeEnsemble", "compile_trees"]

try:  # built by the install (setup.py); absent where it could not be built
    from cleaner.extractors.trees_compiled import CompiledTrees
except ImportError as exc:
    _COMPILED: type[CompiledTrees] | None = None
    _NOT_BUILT = str(exc)
else:
    _COMPILED = CompiledTrees
    _NOT_BUILT = ""


def _choose_evaluator() -> tuple[type[CompiledTrees] | None, str]:
    """The compiled trees' class (None: the numpy reference) and the evaluation's name."""
    if compiled_part_runs(_COMPILED is not None, "trees", "numpy trees", _NOT_BUILT):
        return _COMPILED, "compiled"
    return None, "numpy (CLEANER_PURE_PYTHON)" if pure_python_asked() else "numpy"


_EVALUATE, EVALUATOR = _choose_evaluator()


def compile_trees(trees: TreeEnsemble) -> CompiledTrees | None:
    """``trees`` packed for the compiled evaluation, or None on the numpy path."""
    if _EVALUATE is None:
        return None
    return _EVALUATE(trees.feature, trees.threshold, trees.left, trees.right, trees.value, trees.roots)


@dataclass(slots=True)
class TreeEnsemble:
    """Boosted binary-classification trees, flattened: ``sigmoid(sum of leaf values)``."""

    feature: np.ndarray  # int32 per node; 0 at leaves (unused)
    threshold: np.ndarray  # float64 per node: go left when x <= threshold
    left: np.ndarray  # int32 per node; a leaf's own index
    right: np.ndarray  # int32 per node; a leaf's own index
    value: np.ndarray  # float64 per node: the leaf value (0 at inner nodes)
    roots: np.ndarray  # int32 per tree: index of its root node
    depth: int  # the deepest leaf's depth: steps needed to reach every leaf
    # [left, right] interleaved: the child of node i is 2*i + (x > threshold)
    children: np.ndarray = field(init=False, repr=False, compare=False)
    # The same trees packed for the compiled evaluation (cleaner.extractors.trees_compiled);
    # None on the numpy path (not built, or CLEANER_PURE_PYTHON). Set it to None to run
    # the numpy reference on this ensemble.
    compiled: CompiledTrees | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.children = np.empty(2 * len(self.feature), dtype=np.int32)
        self.children[0::2] = self.left
        self.children[1::2] = self.right
        self.compiled = compile_trees(self)

    @classmethod
    def from_lightgbm(cls, dump: dict[str, Any]) -> TreeEnsemble:
        """Flatten a LightGBM ``Booster.dump_model()`` of a binary objective."""
        feature: list[int] = []
        threshold: list[float] = []
        left: list[int] = []
        right: list[int] = []
        value: list[float] = []
        roots: list[int] = []
        depth = 0
        for tree in dump["tree_info"]:
            stack: list[tuple[dict[str, Any], int, int, str]] = [(tree["tree_structure"], -1, 0, "")]
            roots.append(len(feature))
            while stack:
                node, parent, level, side = stack.pop()
                index = len(feature)
                if parent >= 0:
                    (left if side == "l" else right)[parent] = index
                if "leaf_value" in node or "split_feature" not in node:
                    feature.append(0)
                    threshold.append(0.0)
                    left.append(index)
                    right.append(index)
                    value.append(float(node.get("leaf_value", 0.0)))
                    depth = max(depth, level)
                    continue
                if node.get("decision_type", "<=") != "<=":
                    raise ValueError(f"unsupported split {node.get('decision_type')!r}: numeric splits only")
                feature.append(int(node["split_feature"]))
                threshold.append(float(node["threshold"]))
                left.append(-1)
                right.append(-1)
                value.append(0.0)
                stack.append((node["right_child"], index, level + 1, "r"))
                stack.append((node["left_child"], index, level + 1, "l"))
        return cls(
            np.array(feature, dtype=np.int32),
            np.array(threshold, dtype=np.float64),
            np.array(left, dtype=np.int32),
            np.array(right, dtype=np.int32),
            np.array(value, dtype=np.float64),
            np.array(roots, dtype=np.int32),
            depth,
        )

    def raw(self, x: np.ndarray) -> np.ndarray:
        """The summed leaf values (log-odds) of every row of ``x``: compiled when built, else :meth:`raw_reference`."""
        if self.compiled is not None:
            return self.compiled.raw(x)
        return self.raw_reference(x)

    def raw_reference(self, x: np.ndarray) -> np.ndarray:
        """The summed leaf values of every row of ``x`` in numpy: the reference the compiled trees match bit for bit.

        Every tree of every row moves one level a step (``x > threshold`` goes right, so
        NaN goes left); the leaf values are then added tree by tree, in the trees' order,
        from 0.0 (a running sum; numpy's ``sum`` adds in pairs, whose rounding a plain
        loop would not repeat).
        """
        n, width = x.shape
        if n == 0 or not len(self.roots):
            return np.zeros(n)
        # Flat take() on int32 indices is several times faster than 2-D fancy indexing.
        flat = np.ascontiguousarray(x, dtype=np.float64).ravel()
        row_start = (np.arange(n, dtype=np.int64) * width)[:, None]
        nodes = np.tile(self.roots, (n, 1))
        for _ in range(self.depth):
            go_right = flat.take(row_start + self.feature.take(nodes)) > self.threshold.take(nodes)
            nodes = self.children.take(2 * nodes + go_right)
        # cumsum adds in order; + 0.0 turns a sum of -0.0 leaves into the 0.0 a sum from 0.0 gives.
        result: np.ndarray = self.value.take(nodes).cumsum(axis=1)[:, -1] + 0.0
        return result

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The probability that each row of ``x`` is content."""
        return 1.0 / (1.0 + np.exp(-self.raw(x)))

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The ensemble as named arrays, for :meth:`LearnedModel.save`."""
        return {
            f"{prefix}feature": self.feature,
            f"{prefix}threshold": self.threshold,
            f"{prefix}left": self.left,
            f"{prefix}right": self.right,
            f"{prefix}value": self.value,
            f"{prefix}roots": self.roots,
            f"{prefix}depth": np.array([self.depth]),
        }

    @classmethod
    def from_arrays(cls, data: Any, prefix: str) -> TreeEnsemble:
        """Rebuild an ensemble saved by :meth:`arrays`."""
        return cls(
            data[f"{prefix}feature"].astype(np.int32),
            data[f"{prefix}threshold"].astype(np.float64),
            data[f"{prefix}left"].astype(np.int32),
            data[f"{prefix}right"].astype(np.int32),
            data[f"{prefix}value"].astype(np.float64),
            data[f"{prefix}roots"].astype(np.int32),
            int(data[f"{prefix}depth"][0]),
        )
