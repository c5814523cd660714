"""Tests for lib.sentiment_language and the language guard: non-English text is not scored by
VADER as if it were English."""

from __future__ import annotations

import polars as pl

from lib.sentiment import add_sentiment, score_sentiment
from lib.sentiment_check import source_checks
from lib.sentiment_language import detect_language

SUBJECTS = {
    "pt": [
        "Não consigo acessar o sistema",
        "Erro ao gerar boleto do mês",
        "Impressora não imprime",
    ],
    "es": [
        "Problema con la factura de enero",
        "No puedo entrar en mi cuenta",
        "El pedido no llega",
    ],
    "fr": ["Je ne peux pas me connecter", "La facture est fausse"],
    "de": ["Die Rechnung ist falsch", "Ich kann mich nicht anmelden"],
    "it": ["Non riesco ad accedere al mio account", "La fattura è sbagliata"],
    "nl": ["Ik kan niet inloggen op het portaal", "De factuur is niet juist"],
    "en": [
        "Urgent: site down",
        "Refund failed again",
        "Cannot log in after the update",
        "Please help with the invoice for de Vries",
        "No access to the portal",
        "A client side mount table to give per-application/per-job view",
        "Factory construction issue in non EE",
        "Refund for the café order",
        "",
    ],
}


def test_each_language_is_told_from_english():
    for code, texts in SUBJECTS.items():
        got = detect_language(pl.Series(texts)).to_list()
        want = [None if t == "" else code for t in texts]
        assert got == want, (code, list(zip(texts, got, strict=True)))
    assert detect_language(pl.Series(["Не работает вход в систему"])).to_list() == ["other"]
    # no common word either way: accented letters English words do not use tell it apart
    assert detect_language(pl.Series(["Configuração PC", "Teclado"])).to_list() == ["other", "en"]


def test_a_text_without_common_words_is_told_by_the_export():
    # A Portuguese export's one-word subjects were read as English (VADER scored them 0): their
    # words are found in the export's Portuguese subjects. Words found as often in English
    # subjects, or nowhere else, stay English.
    subjects = [
        "Teclado não funciona",
        "Impressora sem papel na sala",
        "Teclado",
        "Impressora",
        "Mouse is not working",
        "Mouse",
        "Refund failed",
        "Rede lenta na sala",
        "Rede",
    ]
    got = detect_language(pl.Series(subjects)).to_list()
    assert got == ["pt", "pt", "pt", "pt", "en", "en", "en", "pt", "pt"]
    out, _ = add_sentiment(pl.DataFrame({"subject": subjects}))
    assert out["sentiment"].to_list()[2:4] == [None, None]  # left unscored, not 0 as English


def test_portuguese_and_spanish_subjects_are_left_unscored_and_counted():
    subjects = [*SUBJECTS["pt"], *SUBJECTS["es"], "Thanks, great help", "Broken again"]
    tickets = pl.DataFrame({"subject": subjects})
    out, how = add_sentiment(tickets)
    assert out["sentiment"].to_list()[:6] == [None] * 6  # VADER read "No" as English before
    assert out["sentiment"].to_list()[6:] == [0.8658, -0.4767]
    assert "6 tickets written in Portuguese, Spanish left unscored" in how or (
        "6 tickets written in Spanish, Portuguese left unscored" in how
    )
    assert score_sentiment(tickets).not_english == 6


def test_the_rating_check_does_not_score_other_languages_either():
    tickets = pl.DataFrame(
        {
            "subject": ["No puedo entrar, no funciona"] * 30 + ["Thanks, great help"] * 30,
            "satisfaction": [0.0] * 30 + [1.0] * 30,
        }
    )
    (check,) = source_checks(tickets)
    assert check.rated == 30 and check.auc is None  # only the English half is scored


def test_a_product_name_does_not_pull_an_english_ticket_into_another_language():
    # Portuguese tickets about Outlook: "Outlook broken, terrible" holds one word of theirs in
    # three and stays English (VADER scores it), "Outlook" alone goes with them; a tie between
    # two other languages goes to the first by name (either leaves it unscored).
    subjects = ["Outlook não abre no notebook"] * 5 + ["Outlook broken, terrible", "Outlook"]
    assert detect_language(pl.Series(subjects)).to_list()[5:] == ["en", "pt"]
    out, _ = add_sentiment(pl.DataFrame({"subject": subjects}))
    assert out["sentiment"][5] < 0
    tie = ["Foo", "Foo el pedido no llega", "Foo não funciona o sistema"]
    assert detect_language(pl.Series(tie)).to_list() == ["es", "es", "pt"]
