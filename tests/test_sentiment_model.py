"""Tests for lib.sentiment_model: a text model trained on the export's own ratings, judged on
held-out tickets against VADER, with known truth planted in seeded text."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from lib.sentiment import score_english, score_sentiment
from lib.sentiment_model import MIN_RATED, features, train_text_model

#: Neutral filler words (VADER scores none of them) and words VADER does score, drawn
#: independently of the rating: VADER sees only noise.
FILLER = [f"item{i}" for i in range(300)] + ["invoice", "portal", "login", "report", "export"]
TONE = ["great", "thanks", "awful", "broken", "love", "terrible", "happy", "sad"]


def _tickets(n: int, *, signal: bool, seed: int) -> pl.DataFrame:
    """Seeded rated tickets; with ``signal``, 60% of badly rated ones (and 5% of the others)
    say "renewal billed twice", words VADER reads as neutral."""
    rng = np.random.default_rng(seed)
    bad = rng.random(n) < 0.25
    texts = []
    for is_bad in bad:
        words = list(rng.choice(FILLER, 8)) + list(rng.choice(TONE, 1))
        if signal and rng.random() < (0.6 if is_bad else 0.05):
            words.insert(int(rng.integers(0, len(words))), "renewal billed twice")
        texts.append(" ".join(words))
    return pl.DataFrame(
        {
            "ticket_id": [str(i) for i in range(n)],
            "subject": texts,
            "satisfaction": np.where(bad, 0.0, 1.0),
        }
    )


@pytest.fixture(scope="module")
def planted() -> pl.DataFrame:
    return _tickets(1500, signal=True, seed=3)


def test_a_planted_text_signal_is_found_on_held_out_tickets_and_beats_vader(planted):
    vader = score_english(planted["subject"])
    assert vader.filter(planted["subject"].str.contains("renewal billed twice")).n_unique() > 1
    trial = train_text_model(planted["subject"], planted["satisfaction"], vader=vader)
    held, versus = trial.held_out, trial.vader
    assert held is not None and versus is not None
    assert held.rated == versus.rated and 350 < held.rated < 550  # 30% held out, same tickets
    assert held.rated + trial.trained_on == planted.height
    assert held.low > 0.5 and held.auc > versus.high  # found, and clearly above VADER's
    assert versus.low < 0.5 < versus.high  # VADER sees only noise here
    assert trial.used
    assert "the model is better, so sentiment here comes from it" in trial.sentence()


def test_the_model_is_used_for_sentiment_only_when_it_beats_vader(planted):
    got = score_sentiment(planted)
    assert (got.source, got.scorer) == ("subject", "model")
    assert "model trained on this export's" in got.how
    said = got.tickets.filter(pl.col("subject").str.contains("renewal billed twice"))
    other = got.tickets.filter(~pl.col("subject").str.contains("renewal billed twice"))
    assert said["sentiment"].mean() < other["sentiment"].mean()
    assert got.tickets["sentiment"].is_between(-1, 1).all()


def test_without_a_signal_the_held_out_interval_covers_a_coin_toss_and_vader_stays():
    none = _tickets(1500, signal=False, seed=4)
    trial = train_text_model(none["subject"], none["satisfaction"])
    assert trial.held_out.low < 0.5 < trial.held_out.high
    assert not trial.used and "not used" in trial.sentence()
    got = score_sentiment(none)
    assert got.scorer == "vader" and got.trial is not None and not got.trial.used


def test_too_few_ratings_train_nothing_and_say_how_many_are_needed(planted):
    few = planted.head(MIN_RATED - 1)
    trial = train_text_model(few["subject"], few["satisfaction"])
    assert trial.held_out is None and trial.model is None and not trial.used
    assert f"needs {MIN_RATED} rated tickets" in trial.sentence()
    assert score_sentiment(few).scorer == "vader"


def test_the_split_and_the_model_are_the_same_on_every_run(planted):
    a = train_text_model(planted["subject"], planted["satisfaction"])
    b = train_text_model(planted["subject"], planted["satisfaction"])
    assert a.held_out == b.held_out
    assert np.array_equal(a.model.weights, b.model.weights)


def test_features_count_words_and_word_pairs_of_each_text():
    x = features(pl.Series(["a b a", None, ""]), n_features=1 << 12)
    assert x.shape == (3, 1 << 12)
    x.sum_duplicates()
    assert x[0].nnz == 4  # a (twice), b, "a b", "b a"
    assert x[1].nnz == 0 and x[2].nnz == 0
    assert np.isclose((x[0].toarray() ** 2).sum() ** 0.5, 1.0, atol=0.35)


def _texts_with_repeats(n: int = 3000) -> pl.Series:
    """Subjects as exports have them: a few hundred repeated in any order, with nulls, blank
    and whitespace-only texts, case and accents, one long text and every text once as well."""
    rng = np.random.default_rng(3)
    tone = ("happy", "angry", "angry")
    base = [f"Refund {i % 37} never arrived, très {tone[i % 3]}" for i in range(300)]
    base += [None, "", "   ", "REFUND 1 never arrived", "refund 1 never arrived", "x " * 1500]
    picks = rng.integers(0, len(base), n)
    return pl.Series("subject", [base[i] for i in picks] + base)


def test_features_read_each_distinct_text_once_and_give_the_same_matrix() -> None:
    from lib.sentiment_model import N_FEATURES, _features

    texts = _texts_with_repeats()
    once = features(texts)
    each = _features(texts, N_FEATURES)  # every text read on its own, as before
    assert once.shape == each.shape
    for part in ("data", "indices", "indptr"):  # the same entries in the same order
        assert np.array_equal(getattr(once, part), getattr(each, part)), part


def test_a_model_scores_each_distinct_text_once_with_the_same_scores() -> None:
    from lib.sentiment_model import N_FEATURES, TextModel, _features

    texts = _texts_with_repeats()
    weights = np.random.default_rng(5).normal(size=N_FEATURES + 1)
    got = TextModel(weights).sentiment(texts)
    z = _features(texts, N_FEATURES) @ weights[:-1] + weights[-1]
    blank = texts.str.strip_chars().replace("", None).is_null().to_numpy()
    expected = np.where(blank, np.nan, 1.0 - 2.0 / (1.0 + np.exp(-z)))
    assert got.name == "subject" and got.len() == texts.len()
    assert np.array_equal(got.to_numpy(), expected, equal_nan=True)
    assert got.null_count() == int(blank.sum())


def test_training_fits_each_distinct_text_once_and_finds_the_same_model() -> None:
    from lib.sentiment_model import HELD_OUT, N_FEATURES, SEED, _features, _fit

    # 300 distinct subjects repeated over 4,000 tickets, the same subject rated both ways
    rng = np.random.default_rng(8)
    subjects = _tickets(300, signal=True, seed=4).get_column("subject")
    picks = rng.integers(0, 300, 4000)
    text = subjects.gather(picks)
    bad = rng.random(4000) < np.where(
        np.char.find(text.to_numpy().astype(str), "twice") >= 0, 0.8, 0.2
    )
    trial = train_text_model(text, pl.Series(np.where(bad, 0.0, 1.0)))
    # the model of every training ticket fitted on its own row, as before
    held = np.random.default_rng(SEED).random(4000) < HELD_OUT
    each = _fit(_features(text, N_FEATURES)[~held], bad[~held])
    assert trial.model is not None and trial.trained_on == int((~held).sum())
    assert np.allclose(trial.model.weights, each, rtol=1e-9, atol=1e-11)
    assert np.abs(each).max() > 0.1  # (a model that learnt something)
