"""A text model trained on the export's own rated tickets: text -> probability of a bad rating.

When an export has enough satisfaction ratings (:data:`MIN_RATED` rated tickets with at least
:data:`MIN_EACH` bad and :data:`MIN_EACH` good), its rated tickets are split at random with a fixed
seed: :data:`HELD_OUT` of them are kept aside, the rest train an L2-regularised logistic
regression on hashed word and word-pair counts (any language: the words are the export's own).
The model is then judged on the held-out tickets only (AUC with its 95% interval, as in
:mod:`lib.sentiment_check`) beside VADER on the same held-out tickets; it is worth using only when
it beats VADER there and its interval lies above 0.5. Its sentiment is ``1 - 2 * P(bad)``, on the
canonical -1 (negative) .. 1 (positive) scale.

Example
-------
>>> import polars as pl
>>> text = pl.Series(["refund never arrived, angry"] * 200 + ["quick question about setup"] * 200)
>>> rating = pl.Series([0.0] * 200 + [1.0] * 200)
>>> trial = train_text_model(text, rating)
>>> trial.held_out.auc, trial.used
(1.0, True)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import optimize, sparse

from lib.sentiment_auc import BAD_BELOW, RatingCheck, rating_check

#: Fewest rated tickets (with text) to train on, and fewest bad and good among them.
MIN_RATED = 300
MIN_EACH = 30

#: Share of rated tickets held out to judge the model (never seen in training).
HELD_OUT = 0.3

#: Seed of the train / held-out split (the same export always gets the same split).
SEED = 14

#: Hashed feature columns (words and word pairs share them).
N_FEATURES = 2**16

#: L2 penalty on the mean log-loss, and the iterations allowed to the optimiser.
PENALTY = 1e-3
MAX_ITER = 200

#: Only the opening of each text is read (the customer's first words carry the tone).
MAX_CHARS = 2000


def _distinct(texts: pl.Series) -> tuple[pl.Series, np.ndarray]:
    """The distinct values of ``texts`` (a null once, if there is one) and, for each text, the
    position of its value among them. Features and scores are worked out once per distinct
    text: subjects repeat (the 10M-ticket benchmark has 700 distinct ones).

    >>> d, at = _distinct(pl.Series(["a", None, "a", "b"]))
    >>> d.to_list(), at.tolist()
    (['a', None, 'b'], [0, 1, 0, 2])
    """
    frame = pl.DataFrame({"t": texts.cast(pl.String, strict=False)})
    distinct = frame.unique("t", maintain_order=True).with_row_index("k")
    at = frame.join(distinct, on="t", how="left", nulls_equal=True, maintain_order="left")
    return distinct.get_column("t"), at.get_column("k").to_numpy()


def features(texts: pl.Series, n_features: int = N_FEATURES) -> sparse.csr_matrix:
    """Hashed word and word-pair counts, each text's divided by the square root of its number
    of words and pairs (so long and short texts weigh alike).

    Lower-cased words (letters or digits) and each pair of neighbouring words go to one of
    ``n_features`` columns by a seeded hash; null text is an empty row. Each distinct text is
    read once (its row is then repeated).

    >>> features(pl.Series(["Refund failed", None]), n_features=16).shape
    (2, 16)
    """
    distinct, at = _distinct(texts)
    return _features(distinct, n_features)[at]


def _features(texts: pl.Series, n_features: int) -> sparse.csr_matrix:
    """:func:`features` of every text, read one by one (repeated texts read again)."""
    n = len(texts)
    words = (
        pl.DataFrame(
            {"w": texts.cast(pl.String, strict=False).str.slice(0, MAX_CHARS).str.to_lowercase()}
        )
        .with_row_index("row")
        .select("row", pl.col("w").str.extract_all(r"[^\W_]+"))
        .explode("w")
        .drop_nulls("w")
        .select(pl.col("row").cast(pl.Int64), pl.col("w").hash(seed=SEED).alias("h"))
    )
    grams = words.select(
        "row",
        pl.col("h"),
        # a word pair hashed from its two words' hashes (wrapping), null at a text's last word
        pl.when(pl.col("row") == pl.col("row").shift(-1))
        .then(pl.col("h") * 1_000_003 + pl.col("h").shift(-1))
        .alias("pair"),
    )
    both = np.column_stack(
        [
            (grams.get_column("h") % n_features).cast(pl.Int64).to_numpy(),
            (grams.get_column("pair") % n_features).cast(pl.Int64).fill_null(-1).to_numpy(),
        ]
    ).ravel()  # each word then the pair it starts: still in text order
    rows = np.repeat(grams.get_column("row").to_numpy(), 2)[both >= 0]
    cols = both[both >= 0]
    per_row = np.bincount(rows, minlength=n)
    values = 1.0 / np.sqrt(per_row[rows].astype(np.float64))  # a repeated gram adds up
    indptr = np.concatenate([[0], np.cumsum(per_row)])
    return sparse.csr_matrix((values, cols, indptr), shape=(n, n_features))


def _fit(x: sparse.csr_matrix, bad: np.ndarray, count: np.ndarray | None = None) -> np.ndarray:
    """Weights (intercept last) of an L2-regularised logistic regression of ``bad`` on ``x``.

    ``count``: how many training tickets each row stands for (the same text with the same
    rating side, fitted once; default one each). The loss is the mean over the tickets.
    Only the columns some training text uses are optimised (the others stay 0, which is where
    the penalty puts them anyway), so a small export fits a small problem.
    """
    y = np.where(bad, 1.0, -1.0)
    c = np.ones(y.size) if count is None else np.asarray(count, dtype=np.float64)
    n, width = float(c.sum()), x.shape[1]
    used = np.unique(x.indices)
    xs = x[:, used].tocsr()
    xt = xs.T.tocsr()
    k = used.size

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = xs @ w[:k] + w[k]
        m = -y * z
        value = float(c @ np.logaddexp(0.0, m)) / n + 0.5 * PENALTY * float(w[:k] @ w[:k])
        g = -y * c * 0.5 * (1.0 + np.tanh(0.5 * m)) / n  # -y * sigmoid(m) / n, no overflow
        grad = np.empty(k + 1)
        grad[:k] = xt @ g + PENALTY * w[:k]
        grad[k] = g.sum()
        return value, grad

    start = np.zeros(k + 1)
    share = float(c @ bad) / n
    start[k] = math.log(max(share, 1e-6) / max(1.0 - share, 1e-6))
    found = optimize.minimize(
        loss, start, jac=True, method="L-BFGS-B", options={"maxiter": MAX_ITER}
    )
    weights = np.zeros(width + 1)
    weights[used] = found.x[:k]
    weights[width] = found.x[k]
    return weights


@dataclass(frozen=True)
class TextModel:
    """Weights of a trained text model; :meth:`sentiment` scores any text with it."""

    weights: np.ndarray

    def sentiment(self, texts: pl.Series) -> pl.Series:
        """``1 - 2 * P(bad rating)`` per text (-1..1); null for null or blank text.

        >>> TextModel(np.zeros(N_FEATURES + 1)).sentiment(pl.Series(["hi", ""])).to_list()
        [0.0, None]
        """
        k = self.weights.size - 1
        distinct, at = _distinct(texts)  # each distinct text scored once
        z = _features(distinct, k) @ self.weights[:k] + self.weights[k]
        score = pl.Series(texts.name, 1.0 - 2.0 / (1.0 + np.exp(-z)), dtype=pl.Float64)
        blank = distinct.str.strip_chars().replace("", None).is_null()
        once = pl.select(pl.when(blank).then(None).otherwise(score)).to_series()
        return once.gather(at).alias(texts.name)


@dataclass(frozen=True)
class ModelTrial:
    """What training on the export's rated tickets gave, judged on held-out tickets."""

    rated: int
    bad: int
    trained_on: int
    held_out: RatingCheck | None
    vader: RatingCheck | None
    seconds: float
    model: TextModel | None = None
    #: The model on exactly the held-out tickets VADER scored (when that is not all of them).
    same: RatingCheck | None = None

    @property
    def used(self) -> bool:
        """True when the model beats VADER on the held-out tickets and its interval is above 0.5.

        >>> ModelTrial(900, 200, 630, RatingCheck("m", 270, 60, .7, .62, .78),
        ...            RatingCheck("v", 270, 60, .6, .52, .68), 1.0).used
        True
        """
        m = self.held_out
        if m is None or m.auc is None or m.low is None or m.low <= 0.5:
            return False
        v, same = self.vader, self.same or self.held_out
        return v is None or v.auc is None or (same.auc is not None and same.auc > v.auc)

    def sentence(self) -> str:
        """The trial in one sentence for the page.

        >>> ModelTrial(120, 10, 0, None, None, 0.0).sentence()
        'No text model was trained on this export: it needs 300 rated tickets with text, 30 of them rated bad and 30 good (it has 120, 10 rated bad).'
        """  # noqa: E501
        if self.held_out is None or self.held_out.auc is None:
            return (
                "No text model was trained on this export: it needs "
                f"{MIN_RATED} rated tickets with text, {MIN_EACH} of them rated bad and "
                f"{MIN_EACH} good (it has {self.rated:,}, {self.bad:,} rated bad)."
            )
        m, v = self.held_out, self.vader
        head = (
            f"A text model trained on {self.trained_on:,} of this export's rated tickets scores "
            f"AUC {m.auc:.2f} (95% {m.low:.2f} to {m.high:.2f}) on {m.rated:,} held-out tickets "
            "it never saw"
        )
        if v is not None and v.auc is not None:
            if self.same is not None and self.same.auc is not None:
                head += (
                    f"; on the {v.rated:,} of them VADER can read (English) the model scores "
                    f"{self.same.auc:.2f}, VADER {v.auc:.2f} ({v.low:.2f} to {v.high:.2f})"
                )
            else:
                head += (
                    f"; VADER scores {v.auc:.2f} ({v.low:.2f} to {v.high:.2f}) on the same tickets"
                )
        if self.used:
            return head + ": the model is better, so sentiment here comes from it."
        if m.low is not None and m.low <= 0.5:
            return head + ": the model is no better than a coin toss, so it is not used."
        return head + ": the model is not better than VADER, so it is not used."


def train_text_model(
    text: pl.Series,
    satisfaction: pl.Series,
    *,
    vader: pl.Series | None = None,
    seed: int = SEED,
) -> ModelTrial:
    """Train on a seeded share of the rated tickets with text and judge on the rest.

    ``vader`` (aligned with ``text``; null where VADER did not score) is compared on the same
    held-out tickets where it has a score. Fewer ratings than the minimum: no model.

    >>> train_text_model(pl.Series(["a", "b"]), pl.Series([0.0, 1.0])).held_out is None
    True
    """
    began = time.perf_counter()
    frame = pl.DataFrame(
        {
            "text": text.cast(pl.String, strict=False).str.strip_chars().replace("", None),
            "rating": satisfaction.cast(pl.Float64, strict=False),
            "vader": (
                vader.cast(pl.Float64)
                if vader is not None
                else pl.Series([None] * len(text), dtype=pl.Float64)
            ),
        }
    ).filter(pl.col("text").is_not_null() & pl.col("rating").is_not_null())
    bad = frame.get_column("rating").to_numpy() < BAD_BELOW
    n_bad = int(bad.sum())
    rated = frame.height
    if rated < MIN_RATED or n_bad < MIN_EACH or rated - n_bad < MIN_EACH:
        return ModelTrial(rated, n_bad, 0, None, None, time.perf_counter() - began)
    held = np.random.default_rng(seed).random(rated) < HELD_OUT
    distinct, at = _distinct(frame.get_column("text"))  # each distinct text read once
    x = _features(distinct, N_FEATURES)
    # the training tickets as (distinct text, rating side) rows with how many tickets each is
    rows = (
        pl.DataFrame({"at": at[~held], "bad": bad[~held]})
        .group_by("at", "bad")
        .len()
        .sort("at", "bad")
    )
    model = TextModel(
        _fit(
            x[rows.get_column("at").to_numpy()],
            rows.get_column("bad").to_numpy(),
            rows.get_column("len").to_numpy(),
        )
    )
    k = model.weights.size - 1
    z = (x @ model.weights[:k] + model.weights[k])[at[held]]
    test = frame.filter(pl.Series(held)).with_columns(
        pl.Series("model", 1.0 - 2.0 / (1.0 + np.exp(-z)))
    )
    check = rating_check(test["model"], test["rating"], source="trained model (held out)")
    both = test.filter(pl.col("vader").is_not_null())
    versus = same = None
    if both.height:
        versus = rating_check(both["vader"], both["rating"], source="VADER (same held-out tickets)")
        if both.height < test.height:
            same = rating_check(both["model"], both["rating"], source="trained model (same)")
    return ModelTrial(
        rated,
        n_bad,
        int((~held).sum()),
        check,
        versus,
        time.perf_counter() - began,
        model,
        same,
    )
