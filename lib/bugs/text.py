"""Ticket text as TF-IDF vectors (scipy.sparse): words, word pairs and character 4-grams.

Boilerplate is removed before anything is counted: e-mail addresses, links, ticket numbers and
other ids with digits (``#48213``, ``INC0012345``, ``ABC-123``), numbers longer than three digits
(three-digit codes such as ``500`` stay), the common short words of every language the importer
knows (``lib.ingest.languages``), reply prefixes, and every word found in more than ``common`` of
the texts and in more than 100 (words the whole export shares, such as "issue" or "help", tell
no defect apart; they would also join most texts to most others, which costs most).

Vectors: unigrams and bigrams of the kept words, and character 4-grams of each kept word padded
with spaces (so "exporting" and "export" share grams), each block weighted by sublinear term
frequency times smoothed IDF and scaled to unit length; the two blocks are put side by side with
weights ``word_weight`` and ``1 - word_weight`` (squared), so the cosine of two rows is the
weighted mean of their word and character cosines.

Example
-------
>>> import polars as pl
>>> v = vectorise(pl.Series(["Export fails: error 500", "export failing with error 500 #123",
...                          "How do I change my invoice address?"]), common=1.0)
>>> v.matrix.shape[0], sorted(v.doc_of_text.to_list())
(3, [0, 1, 2])
>>> a, b, c = (v.matrix[d] for d in v.doc_of_text.to_list())
>>> float((a @ b.T).toarray()[0, 0]) > 0.4 > float((a @ c.T).toarray()[0, 0])
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl
import scipy.sparse as sp

from lib.ingest.languages import MODULES, fold

#: Removed before words are read: e-mails, links, ids with digits, long numbers.
_NOISE = (
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|(?:https?://|www\.)\S+"  # links
    r"|#\s?\d+"  # ticket references
    r"|\b\p{L}+[-_]?\d+\b"  # ids with letters and digits: INC0012345, ABC-123, prb0001234
    r"|\b\d{4,}\b"  # long numbers (ticket, order and phone numbers, years)
)
#: What counts as a word: two letters or more, or a three-digit code (HTTP 500, error 404).
_WORD = r"\p{L}[\p{L}']+|\b\d{3}\b"
#: Reply and forward prefixes in several languages, and mail-system words.
_EXTRA_STOP = "re fw fwd aw sv tr rv wg ref external mail email e-mail urgent asap"
#: A word is boilerplate only when more texts than this hold it (small exports keep their words).
BOILERPLATE_FLOOR = 100.0
#: Character n-gram length (within words).
GRAM = 4


@cache
def stopwords() -> frozenset[str]:
    """The common short words of every language the importer knows, folded, plus reply prefixes.

    >>> {"the", "und", "re"} <= stopwords()
    True
    """
    words: set[str] = set(_EXTRA_STOP.split())
    for m in MODULES:
        words |= set(fold(getattr(m, "STOPWORDS", "")).split())
    return frozenset(words)


def words_of(texts: pl.Series) -> pl.Series:
    """Each text's words, lower case, noise and stop words removed (a List(String) series).

    >>> words_of(pl.Series(["Re: Login FAILS for bob@x.com (ticket #4521)", None])).to_list()
    [['login', 'fails', 'ticket'], []]
    """
    cleaned = texts.fill_null("").str.to_lowercase().str.replace_all(_NOISE, " ")
    out = cleaned.str.extract_all(_WORD)
    stop = pl.Series(sorted(stopwords())).implode()
    bare = pl.element().str.normalize("NFKD").str.replace_all(r"\p{M}", "")
    return out.list.eval(pl.element().filter(~bare.is_in(stop)))


@dataclass(frozen=True)
class Vectors:
    """TF-IDF rows of the distinct texts, and which row each input text became."""

    #: one row per distinct cleaned text (CSR, float32, unit rows)
    matrix: sp.csr_matrix
    #: row of ``matrix`` for each input text (-1 when nothing was left of it)
    doc_of_text: pl.Series
    #: how many input texts share each row
    weight: np.ndarray
    #: word and word-pair vocabulary (the first ``len(terms)`` columns of ``matrix``)
    terms: list[str]
    #: words removed as boilerplate (in more than ``common`` of the texts), most common first
    boilerplate: list[str]
    #: one column per facet: each row's value as a small integer code
    facet_codes: np.ndarray | None = None
    #: the facets' weights (a shared value adds its weight to the cosine)
    facet_weights: tuple[float, ...] = ()
    #: columns of ``matrix`` too frequent to look for neighbours with (see :func:`vectorise`)
    frequent: np.ndarray | None = None


def _tfidf(
    counts: sp.csr_matrix, weight: np.ndarray, max_df: float
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Sublinear tf times smoothed idf (documents weighted by how many texts share them), unit
    rows; with a mask of the *frequent* columns: in more than ``max_df`` of the texts and more
    than 100 (kept in the vectors, left out when looking for candidate neighbours)."""
    counts = counts.tocsr().astype(np.float32)
    n = float(weight.sum())
    present = counts.copy()
    present.data[:] = 1.0
    df = np.asarray(present.T @ weight).ravel()
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    frequent = df > max(max_df * n, BOILERPLATE_FLOOR)
    counts.data = 1.0 + np.log(counts.data)
    out = counts @ sp.diags(idf.astype(np.float32))
    out = sp.csr_matrix(out)
    out.eliminate_zeros()
    norms = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ out), frequent


def _grams(word: str) -> list[str]:
    padded = f" {word} "
    if len(padded) <= GRAM:
        return [padded]
    return [padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1)]


def vectorise(
    texts: pl.Series,
    *,
    common: float = 0.2,
    word_weight: float = 0.5,
    max_pair_df: float = 0.03,
    pairs: bool = True,
    facets: tuple[tuple[pl.Series, float], ...] = (),
) -> Vectors:
    """TF-IDF vectors of ``texts`` (see the module's notes); ``common``: the share of texts
    above which a word is boilerplate; ``max_pair_df``: words and character grams in more texts
    than this share (and more than 100) are *frequent*: they count in the cosine but are not
    used to find candidate neighbours (they join everything to everything and cost most).
    Each of ``facets`` (a value per text, such as the category, and a weight) is kept as codes
    beside the matrix: two texts that share some words and the same value are ``weight`` more
    alike (see :func:`lib.bugs.similar.near_pairs`); the text blocks are scaled down to leave
    room for it. Texts with the same words but another value stay two rows."""
    words = words_of(texts)
    n_texts = texts.len()
    # boilerplate: words in more than `common` of the texts
    per = pl.DataFrame({"w": words.list.unique()}).explode("w").drop_nulls()
    freq = per.group_by("w").len().sort("len", descending=True)
    limit = max(common * n_texts, BOILERPLATE_FLOOR)
    boiler = freq.filter(pl.col("len") > limit).get_column("w")
    if boiler.len():
        words = words.list.eval(pl.element().filter(~pl.element().is_in(boiler.implode())))
    facets = tuple((f, w) for f, w in facets if w > 0)
    key = words.list.join(" ")
    docs = pl.DataFrame({"key": key}).with_row_index("text")
    for values, _ in facets:
        docs = docs.with_columns(
            key=pl.when(pl.col("key") != "").then(
                pl.col("key") + "\x1f" + values.cast(pl.String).fill_null("")
            )
        )
    uniq = docs.filter(pl.col("key") != "").group_by("key").agg(pl.len().alias("n")).sort("key")
    uniq = uniq.with_row_index("doc")
    doc_of_text = (
        docs.join(uniq.select("key", "doc"), on="key", how="left")
        .sort("text")
        .get_column("doc")
        .cast(pl.Int64)
        .fill_null(-1)
        .alias("doc")
    )
    weight = uniq.get_column("n").to_numpy().astype(np.float64)
    n_docs = uniq.height
    if n_docs == 0:
        empty = sp.csr_matrix((0, 0), dtype=np.float32)
        return Vectors(empty, doc_of_text, weight, [], boiler.to_list())
    toks = (
        uniq.select("doc", w=pl.col("key").str.split("\x1f").list.first().str.split(" "))
        .explode("w")
        .with_columns(nxt=pl.col("w").shift(-1).over("doc"))
    )
    bigrams = toks.filter(pl.col("nxt").is_not_null()).select(
        "doc", w=pl.col("w") + " " + pl.col("nxt")
    )
    terms_long = pl.concat([toks.select("doc", "w"), *([bigrams] if pairs else [])])
    vocab = terms_long.get_column("w").unique().sort()
    term_idx = terms_long.join(pl.DataFrame({"w": vocab}).with_row_index("j"), on="w", how="left")
    counts = sp.coo_matrix(
        (
            np.ones(term_idx.height, dtype=np.float32),
            (term_idx.get_column("doc").to_numpy(), term_idx.get_column("j").to_numpy()),
        ),
        shape=(n_docs, vocab.len()),
    ).tocsr()
    word_block, word_frequent = _tfidf(counts, weight, max_df=max_pair_df)
    # character grams: a word -> grams matrix, multiplied by the doc -> word counts
    uwords = toks.get_column("w").unique().sort()
    widx = toks.join(pl.DataFrame({"w": uwords}).with_row_index("k"), on="w", how="left")
    doc_word = sp.coo_matrix(
        (
            np.ones(widx.height, dtype=np.float32),
            (widx.get_column("doc").to_numpy(), widx.get_column("k").to_numpy()),
        ),
        shape=(n_docs, uwords.len()),
    ).tocsr()
    gram_index: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for k, w in enumerate(uwords.to_list()):
        for g in _grams(w):
            rows.append(k)
            cols.append(gram_index.setdefault(g, len(gram_index)))
    word_gram = sp.coo_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)),
        shape=(uwords.len(), len(gram_index)),
    ).tocsr()
    char_block, char_frequent = _tfidf(doc_word @ word_gram, weight, max_df=max_pair_df)
    a, b = np.sqrt(word_weight), np.sqrt(1.0 - word_weight)
    text_share = 1.0 - sum(w for _, w in facets)
    blocks = [word_block * (a * np.sqrt(text_share)), char_block * (b * np.sqrt(text_share))]
    parts = uniq.get_column("key").str.split("\x1f")
    codes = np.zeros((n_docs, len(facets)), dtype=np.int64)
    for f in range(len(facets)):
        codes[:, f] = np.unique(parts.list.get(f + 1).to_numpy(), return_inverse=True)[1]
    matrix = sp.hstack(blocks, format="csr", dtype=np.float32)
    return Vectors(
        matrix,
        doc_of_text,
        weight,
        vocab.to_list(),
        boiler.to_list(),
        codes,
        tuple(w for _, w in facets),
        np.concatenate([word_frequent, char_frequent]),
    )
