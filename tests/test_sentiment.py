"""Tests for lib.sentiment: VADER scores offline, once per distinct text; the method choice."""

from __future__ import annotations

import socket
from pathlib import Path

import polars as pl
import pytest
import vaderSentiment.vaderSentiment as vader

from lib import sentiment
from lib.sentiment import SentimentError, add_sentiment, most_negative, score_text


@pytest.fixture
def fresh(monkeypatch):
    """A new analyzer and an empty cache, with every analyzer call counted."""
    calls = []
    real = vader.SentimentIntensityAnalyzer()

    class Counting:
        def polarity_scores(self, text):
            calls.append(text)
            return real.polarity_scores(text)

    monkeypatch.setattr(sentiment, "_ANALYZER", Counting())
    sentiment._score_one.cache_clear()
    yield calls
    sentiment._score_one.cache_clear()


def test_scores_are_vader_compound_and_blank_is_null(fresh):
    texts = pl.Series(
        "subject", ["I love this product", "Refund failed again, terrible service", "", None]
    )
    out = score_text(texts)
    analyzer = vader.SentimentIntensityAnalyzer()
    assert out.name == "subject" and out.dtype == pl.Float64
    assert out.to_list()[:2] == [
        analyzer.polarity_scores("I love this product")["compound"],
        analyzer.polarity_scores("Refund failed again, terrible service")["compound"],
    ]
    assert out[0] > 0.5 and out[1] < -0.4
    assert out.to_list()[2:] == [None, None]


def test_each_distinct_text_is_scored_once(fresh):
    subjects = [f"Cannot log in to account {i % 500}" for i in range(200_000)]
    out = score_text(pl.Series([*subjects, "  Cannot log in to account 3  "]))
    assert len(fresh) == 500  # stripped duplicates are the same text
    assert out[-1] == out[3]
    score_text(pl.Series(subjects[:1000]))
    assert len(fresh) == 500  # the process cache remembers


def test_nothing_is_downloaded(monkeypatch):
    """The lexicon ships in the package; scoring works with the network switched off."""
    folder = Path(vader.__file__).parent
    assert (folder / "vader_lexicon.txt").stat().st_size > 100_000
    assert (folder / "emoji_utf8_lexicon.txt").exists()

    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(sentiment, "_ANALYZER", None)
    sentiment._score_one.cache_clear()
    assert score_text(pl.Series(["awful experience 😡"]))[0] < 0
    sentiment._score_one.cache_clear()


def _tickets(**cols) -> pl.DataFrame:
    n = len(next(iter(cols.values())))
    base = {"ticket_id": [str(i) for i in range(n)]}
    return pl.DataFrame({**base, **cols}, schema_overrides={"sentiment": pl.Float64})


def test_export_sentiment_is_kept_when_most_tickets_have_it():
    t = _tickets(subject=["great", "awful", "ok"], sentiment=[0.5, None, -0.2])
    out, how = add_sentiment(t)
    assert out["sentiment"].to_list() == [0.5, None, -0.2]
    assert how == "kept the export's own sentiment, 67% of tickets"


def test_text_is_scored_when_export_sentiment_is_sparse():
    t = _tickets(
        subject=["Thanks, great help", "Broken again", None, "Still broken"],
        sentiment=[0.9, None, None, None],
        satisfaction=[1.0, 0.0, 0.0, 0.0],
    )
    out, how = add_sentiment(t)
    assert how == "scored from subject with VADER (offline lexicon), 75% of tickets"
    assert out["sentiment"][0] > 0 > out["sentiment"][1]
    assert out["sentiment"][2] is None  # no text: not filled from another scale


def test_subject_and_description_are_joined():
    t = _tickets(subject=["Order 123", "Order 124"])
    desc = pl.Series(["I am very happy, thank you", None])
    out, how = add_sentiment(t, description=desc)
    assert how.startswith("scored from subject and description with VADER")
    assert (
        out["sentiment"][0] == score_text(pl.Series(["Order 123. I am very happy, thank you"]))[0]
    )
    assert out["sentiment"][1] == 0.0  # neutral subject alone


def test_satisfaction_is_used_only_without_text():
    t = _tickets(subject=[None, None, None], satisfaction=[0.0, 0.5, 1.0])
    out, how = add_sentiment(t)
    assert out["sentiment"].to_list() == [-1.0, 0.0, 1.0]
    assert how == "derived from satisfaction (0..1 mapped to -1..1), 100% of tickets"


def test_nothing_to_go_on_leaves_null():
    out, how = add_sentiment(_tickets(subject=[None, "  "]))
    assert out["sentiment"].to_list() == [None, None]
    assert how.startswith("not available")


def test_bad_arguments_are_reported():
    t = _tickets(subject=["a", "b"])
    with pytest.raises(SentimentError, match="description has 1 rows"):
        add_sentiment(t, description=pl.Series(["x"]))
    with pytest.raises(SentimentError, match="'body'"):
        add_sentiment(t, text_columns=("body",))


def test_most_negative_per_topic():
    t = _tickets(
        category=["a", "a", "a", "b", None],
        sentiment=[-0.2, -0.9, 0.4, None, -0.5],
        subject=["s1", "s2", "s3", "s4", "s5"],
    )
    out = most_negative(t, n=2)
    assert out.select("topic", "rank", "ticket_id", "sentiment").rows() == [
        ("(none)", 1, "4", -0.5),
        ("a", 1, "1", -0.9),
        ("a", 2, "0", -0.2),
    ]
    tags = t.with_columns(pl.Series("tags", [["x", "y"], ["y"], [], ["x"], ["y"]]))
    by_tag = most_negative(tags, topic_col="tags", n=1)
    assert by_tag.select("topic", "ticket_id").rows() == [("(none)", "2"), ("x", "0"), ("y", "1")]
    with pytest.raises(SentimentError, match="add_sentiment"):
        most_negative(t.drop("sentiment"))


def test_the_customers_description_is_scored_and_the_source_recorded():
    """The customer's own words, not the subject an agent may have rewritten, are scored when
    most tickets have them; which source and scorer were used is a value, not a sentence."""
    tickets = pl.DataFrame(
        {"subject": ["Great question about the new portal", "Thanks: invoice copy", "Hello"]}
    )
    description = pl.Series(
        ["This is terrible, nothing works and I am furious", "I love the new invoices", None]
    )
    out, how = add_sentiment(tickets, description=description)
    want = score_text(pl.Series(["This is terrible, nothing works and I am furious"]))[0]
    assert out["sentiment"][0] == want < -0.5  # the subject alone reads as positive
    assert out["sentiment"][2] is None and how.startswith("scored from description with VADER")
    got = sentiment.score_sentiment(tickets, description=description)
    assert (got.source, got.scorer, got.not_english) == ("description", "vader", 0)
    assert got.how == how
    # a description on too few tickets: the subject (with the description where there is one)
    got = sentiment.score_sentiment(tickets, description=pl.Series([None, None, "awful"]))
    assert got.source == "subject and description" and got.tickets["sentiment"][0] > 0
