# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The boosted trees of :class:`cleaner.extractors.trees.TreeEnsemble`, evaluated in compiled code.

The same trees and the same arithmetic as the numpy reference (``TreeEnsemble.raw`` on the
pure-Python path), giving bit-identical scores: a row goes right at a node when its value
is greater than the node's threshold (so NaN goes left, as ``>`` says in numpy), and its
leaf values are added tree by tree, in the trees' order, starting from 0.0. What it saves
is numpy's work on ``(rows x trees)`` index arrays, one pass per tree level: here each row
walks each tree down from the root and stops at its leaf.

The nodes are copied once, when the ensemble is built, into one array of small records
(threshold, feature, where the children are), each tree's nodes renumbered breadth first
so that a node's two children sit side by side: one record read a step.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc

import numpy as np

from libc.math cimport INFINITY

cdef enum:
    # Rows walked down a tree together: their walks are independent, so the processor
    # overlaps their memory reads instead of waiting on one chain of reads at a time.
    BATCH = 16


cdef struct Node:
    double threshold  # go right when the value is greater; +inf at a leaf: it stays where it is
    int feature  # the column an inner node reads (0 at a leaf)
    int first  # an inner node's left child (its right child follows it); a leaf's own index


cdef class CompiledTrees:
    """An ensemble's trees as packed records, checked once; :meth:`raw` scores a matrix."""

    cdef Node* nodes
    cdef double* values  # the leaf value of each record (0 at inner nodes)
    cdef int* roots
    cdef int* depths  # each tree's deepest leaf: the steps that take every row to its leaf
    cdef Py_ssize_t n_trees
    cdef readonly Py_ssize_t width  # the columns a matrix must have at least
    cdef tuple arrays  # what it was built from: pickling builds it again

    def __cinit__(self, *args):
        self.nodes = NULL
        self.values = NULL
        self.roots = NULL
        self.depths = NULL

    def __init__(self, feature, threshold, left, right, value, roots):
        """Pack the flat arrays of a ``TreeEnsemble`` (leaves point to themselves); raise ValueError if malformed."""
        cdef const int[::1] feat = np.ascontiguousarray(feature, dtype=np.int32)
        cdef const double[::1] thr = np.ascontiguousarray(threshold, dtype=np.float64)
        cdef const int[::1] lft = np.ascontiguousarray(left, dtype=np.int32)
        cdef const int[::1] rgt = np.ascontiguousarray(right, dtype=np.int32)
        cdef const double[::1] val = np.ascontiguousarray(value, dtype=np.float64)
        cdef const int[::1] rts = np.ascontiguousarray(roots, dtype=np.int32)
        cdef Py_ssize_t n = feat.shape[0]
        self.arrays = (feature, threshold, left, right, value, roots)
        if not (thr.shape[0] == lft.shape[0] == rgt.shape[0] == val.shape[0] == n):
            raise ValueError("the node arrays differ in length")
        self.n_trees = rts.shape[0]
        self.nodes = <Node*>PyMem_Malloc(max(n, 1) * sizeof(Node))
        self.values = <double*>PyMem_Malloc(max(n, 1) * sizeof(double))
        self.roots = <int*>PyMem_Malloc(max(self.n_trees, 1) * sizeof(int))
        self.depths = <int*>PyMem_Malloc(max(self.n_trees, 1) * sizeof(int))
        if self.nodes == NULL or self.values == NULL or self.roots == NULL or self.depths == NULL:
            raise MemoryError()
        # Renumber breadth first from each root, children side by side. A node reached
        # twice means the arrays are not trees (and a walk could loop).
        cdef Py_ssize_t placed = 0, head, t, old
        cdef int width = 1 if self.n_trees else 0  # a leaf reads column 0 (and ignores it)
        cdef unsigned char[::1] visited = np.zeros(n, dtype=np.uint8)
        cdef int[::1] source = np.empty(max(n, 1), dtype=np.int32)  # old index of each record
        cdef int[::1] level = np.empty(max(n, 1), dtype=np.int32)  # each record's depth in its tree
        for t in range(self.n_trees):
            old = rts[t]
            if old < 0 or old >= n or visited[old]:
                raise ValueError(f"tree {t}'s root {old} is not a node of its own")
            visited[old] = 1
            self.roots[t] = placed
            self.depths[t] = 0
            source[placed] = old
            level[placed] = 0
            head = placed
            placed += 1
            while head < placed:
                old = source[head]
                self.values[head] = val[old]
                if lft[old] == old:  # a leaf: it points to itself
                    self.nodes[head].threshold = INFINITY
                    self.nodes[head].feature = 0
                    self.nodes[head].first = head
                    self.depths[t] = max(self.depths[t], level[head])
                else:
                    if feat[old] < 0:
                        raise ValueError(f"node {old} reads a negative column")
                    width = max(width, feat[old] + 1)
                    self.nodes[head].threshold = thr[old]
                    self.nodes[head].feature = feat[old]
                    self.nodes[head].first = placed
                    for child in (lft[old], rgt[old]):
                        if child < 0 or child >= n or visited[child]:
                            raise ValueError(f"node {old}'s child {child} is not a node of its own")
                        visited[child] = 1
                        source[placed] = child
                        level[placed] = level[head] + 1
                        placed += 1
                head += 1
        self.width = width

    def __reduce__(self):
        return CompiledTrees, self.arrays

    def __dealloc__(self):
        PyMem_Free(self.nodes)
        PyMem_Free(self.values)
        PyMem_Free(self.roots)
        PyMem_Free(self.depths)

    def raw(self, x):
        """The summed leaf values (log-odds) of every row of the 2-D float64 matrix ``x``, trees in order."""
        cdef const double[:, ::1] rows = np.ascontiguousarray(x, dtype=np.float64)
        if rows.shape[1] < self.width:
            raise ValueError(f"the trees read {self.width} columns, the matrix has {rows.shape[1]}")
        out = np.zeros(rows.shape[0], dtype=np.float64)
        cdef double[::1] result = out
        cdef Py_ssize_t n = rows.shape[0], stride = rows.shape[1], i, j, t, level, end
        cdef const double* base = &rows[0, 0] if n else NULL
        cdef const Node* nodes = self.nodes
        cdef int depth
        cdef int at[BATCH]
        cdef const double* row[BATCH]
        with nogil:
            for t in range(self.n_trees):
                depth = self.depths[t]
                i = 0
                while i < n:
                    end = min(BATCH, n - i)
                    for j in range(end):
                        at[j] = self.roots[t]
                        row[j] = base + (i + j) * stride
                    for level in range(depth):
                        for j in range(end):
                            at[j] = nodes[at[j]].first + (row[j][nodes[at[j]].feature] > nodes[at[j]].threshold)
                    for j in range(end):
                        result[i + j] += self.values[at[j]]
                    i += BATCH
        return out
