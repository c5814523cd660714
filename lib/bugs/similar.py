"""Near neighbours among TF-IDF rows and the groups they form.

Two distinct texts are neighbours when the cosine of their vectors is at least ``threshold``;
groups are the connected components of that graph (single linkage at the threshold). To keep
one loose link from chaining two defects together, an edge counts only when it is among the
``k`` nearest neighbours of at least one of its ends.

Example
-------
>>> import numpy as np, scipy.sparse as sp
>>> m = sp.csr_matrix(np.array([[1, 0], [0.9, 0.1], [0, 1]], dtype=np.float32))
>>> m = sp.csr_matrix(m.multiply(1 / np.sqrt(m.multiply(m).sum(axis=1))))
>>> components(m, threshold=0.8).tolist()
[0, 0, 1]
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

#: Rows multiplied against the whole matrix at a time (bounds memory of the product).
CHUNK = 2_000


def near_pairs(
    matrix: sp.csr_matrix,
    *,
    threshold: float,
    k: int = 10,
    facet_codes: np.ndarray | None = None,
    facet_weights: tuple[float, ...] = (),
    frequent: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, similarity) for every pair with similarity >= ``threshold`` that is among the
    ``k`` nearest of ``i`` (i != j), computed ``CHUNK`` rows at a time. Similarity: the rows'
    dot product plus, for pairs that share some text, each facet's weight when both rows have
    the same facet code (a shared category alone never makes two tickets neighbours).

    Candidates come from the columns not marked ``frequent`` (a sparse product costs the sum of
    the squared column counts: a word in a third of the texts would dominate it); the frequent
    columns' part of each candidate's dot product is added after."""
    n = matrix.shape[0]
    common = None
    if frequent is not None and frequent.any():
        csc = matrix.tocsc()
        common = csc[:, frequent].tocsr()
        matrix = csc[:, ~frequent].tocsr()
    t = matrix.T.tocsc()
    out_i, out_j, out_s = [], [], []
    floor = threshold - sum(facet_weights)
    for a in range(0, n, CHUNK):
        block = (matrix[a : a + CHUNK] @ t).tocsr()
        block.data[block.data < floor] = 0.0  # too far even with every facet shared
        block.eliminate_zeros()
        coo = block.tocoo()
        i, j, s = coo.row + a, coo.col, coo.data
        if common is not None and i.size:
            s = s + np.asarray(common[i].multiply(common[j]).sum(axis=1)).ravel()
        if facet_codes is not None:
            for f, w in enumerate(facet_weights):
                s = s + w * (facet_codes[i, f] == facet_codes[j, f])
        keep = (i != j) & (s >= threshold)
        i, j, s = i[keep], j[keep], s[keep]
        if i.size and k:
            order = np.lexsort((-s, i))
            i, j, s = i[order], j[order], s[order]
            starts = np.r_[0, np.flatnonzero(np.diff(i)) + 1]
            rank = np.arange(i.size) - np.repeat(starts, np.diff(np.r_[starts, i.size]))
            top = rank < k
            i, j, s = i[top], j[top], s[top]
        out_i.append(i)
        out_j.append(j)
        out_s.append(s)
    if not out_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)


def coherence(matrix: sp.csr_matrix, weight: np.ndarray) -> float:
    """Weighted mean cosine of the rows to their (weighted) centre: 1 for identical rows.

    >>> import numpy as np, scipy.sparse as sp
    >>> round(coherence(sp.csr_matrix(np.eye(2, dtype=np.float32)), np.ones(2)), 3)
    0.707
    """
    return float(_coherences(matrix, weight, np.zeros(matrix.shape[0], dtype=np.int64))[0])


def _coherences(matrix: sp.csr_matrix, weight: np.ndarray, label: np.ndarray) -> np.ndarray:
    """:func:`coherence` of every group of rows at once (``label``: group of each row, 0..G-1).

    The weighted mean of ``x_i . c / |c|`` over a group, with ``c`` the weighted sum of its
    rows, is ``|c| / sum(w)``: one sparse product, no per-row work."""
    n = matrix.shape[0]
    g = int(label.max()) + 1 if n else 0
    member = sp.csr_matrix((weight.astype(np.float32), (label, np.arange(n))), shape=(g, n))
    centres = sp.csr_matrix(member @ matrix)
    norms = np.sqrt(np.asarray(centres.multiply(centres).sum(axis=1)).ravel())
    total = np.bincount(label, weights=weight, minlength=g)
    return norms / np.maximum(total, 1e-12)


def components(
    matrix: sp.csr_matrix,
    *,
    threshold: float,
    k: int = 10,
    min_coherence: float = 0.0,
    step: float = 0.05,
    facet_codes: np.ndarray | None = None,
    facet_weights: tuple[float, ...] = (),
    frequent: np.ndarray | None = None,
) -> np.ndarray:
    """Group number of each row: connected components of the near-neighbour graph; a component
    whose :func:`coherence` is below ``min_coherence`` is split again at a threshold ``step``
    higher (on the same edges), until every group hangs together or the threshold reaches 1.
    Coherence is judged on the text alone, each distinct text counted once (a subject repeated
    by hundreds of tickets must not hide the different texts chained to it)."""
    n = matrix.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    i, j, s = near_pairs(
        matrix,
        threshold=threshold,
        k=k,
        facet_codes=facet_codes,
        facet_weights=facet_weights,
        frequent=frequent,
    )
    text_share = 1.0 - sum(facet_weights)

    def split(ei: np.ndarray, ej: np.ndarray) -> np.ndarray:
        graph = sp.coo_matrix((np.ones(ei.size, dtype=np.int8), (ei, ej)), shape=(n, n))
        return connected_components(graph, directed=False)[1].astype(np.int64)

    labels = split(i, j)
    t = threshold
    while min_coherence > 0 and t + step < 1.0:
        sizes = np.bincount(labels)
        coh = _coherences(matrix, np.ones(n), labels) / text_share
        loose = (coh < min_coherence) & (sizes > 1)
        if not loose.any():
            break
        t += step
        stays = ~loose[labels[i]] | (s >= t)  # edges inside loose groups need the new threshold
        i, j, s = i[stays], j[stays], s[stays]
        labels = split(i, j)
    return labels
