"""Tests for lib.ingest.normalise.vocabularies: channel, priority and status words."""

from __future__ import annotations

import polars as pl
import pytest

from lib.ingest.normalise import (
    normalise_channel,
    normalise_priority,
    normalise_status,
)
from lib.schema import CHANNELS, PRIORITIES, STATUSES
from tests.ingest.normalise.helpers import one

CHANNEL_CASES = [
    # Zendesk Via
    ("Mail", "email"),
    ("Email", "email"),
    ("Web form", "web"),
    ("Web Widget", "web"),
    ("Chat", "chat"),
    ("Voice", "phone"),
    ("Phone call (incoming)", "phone"),
    ("API", "api"),
    ("Twitter", "social"),
    ("Facebook", "social"),
    ("WhatsApp", "messaging"),
    ("Mobile SDK", "messaging"),
    ("Closed ticket", "other"),
    ("Help Center", "web"),
    # Freshdesk Source
    ("Portal", "web"),
    ("Phone", "phone"),
    ("Feedback Widget", "web"),
    ("Outbound Email", "email"),
    ("Forum", "web"),
    ("MobiHelp", "messaging"),
    # Jira, ServiceNow, osTicket, Zammad, Help Scout, Intercom, HubSpot, CFPB, Kaggle
    ("Jira", "other"),
    ("self-service", "web"),
    ("walk-in", "other"),
    ("Virtual Agent", "chat"),
    ("Other", "other"),
    ("sms", "messaging"),
    ("telegram", "messaging"),
    ("beacon", "web"),
    ("conversation", "chat"),
    ("push", "messaging"),
    ("messenger", "chat"),
    ("EMAIL", "email"),
    ("FORM", "web"),
    ("Referral", "other"),
    ("Postal mail", "other"),
    ("Fax", "other"),
    ("Web Referral", "web"),
    ("Social media", "social"),
    # case, space and punctuation do not matter
    ("  e-MAIL ", "email"),
    ("web_form", "web"),
    ("Phone Call (Incoming)", "phone"),
    # unknown -> other
    ("Carrier pigeon", "other"),
]


@pytest.mark.parametrize(("raw", "expected"), CHANNEL_CASES)
def test_normalise_channel(raw, expected):
    got, rep = one(normalise_channel, raw)
    assert got == expected
    assert (rep.parsed, rep.failed) == (1, 0)


def test_channel_report_lists_unknown_values_and_extra_wins():
    s = pl.Series("Via", ["Mail", "Pigeon", "Smoke", "Pigeon", "-", None, "Kiosk"])
    out, rep = normalise_channel(s, extra={"KIOSK": "web", "mail": "other"})
    assert out.to_list() == ["other", "other", "other", "other", None, None, "web"]
    assert (rep.parsed, rep.failed) == (5, 0)
    assert rep.detail == "channel values: 4 distinct; 2 unknown read as 'other': 'Pigeon', 'Smoke'"
    assert set(out.drop_nulls()) <= set(CHANNELS)


PRIORITY_CASES = [
    ("1 - Critical", "urgent"),
    ("2 - High", "high"),
    ("3 - Moderate", "normal"),
    ("4 - Low", "low"),
    ("5 - Planning", "low"),
    ("P1", "urgent"),
    ("P2", "high"),
    ("p3", "normal"),
    ("P4", "low"),
    ("Highest", "urgent"),
    ("Blocker", "urgent"),
    ("Critical", "urgent"),
    ("Major", "high"),
    ("Medium", "normal"),
    ("Minor", "low"),
    ("Trivial", "low"),
    ("Lowest", "low"),
    ("Urgent", "urgent"),
    ("LOW", "low"),
    ("Normal", "normal"),
    ("P2 - High", "high"),
    ("Sev 1", "urgent"),
]


@pytest.mark.parametrize(("raw", "expected"), PRIORITY_CASES)
def test_normalise_priority(raw, expected):
    got, rep = one(normalise_priority, raw)
    assert got == expected
    assert (rep.parsed, rep.failed) == (1, 0)


def test_priority_numbers_are_itils_unless_a_vendor_says_and_unknowns_fail():
    """Bare numbers 1-5 are ITIL's (1 the highest) and the report says so; a vendor's own
    numbering (Freshdesk: 1 low .. 4 urgent) comes first; a 0 or a 6 in the column says
    another scale (GLPI's 1 very low .. 6 major), and a vendor's preset turns the guess off."""
    out, rep = normalise_priority(pl.Series([1, 2, 3, 4, 5]))
    assert out.to_list() == ["urgent", "high", "normal", "low", "low"]
    assert "read by their words: '1' as 'urgent'" in rep.detail
    out, rep = normalise_priority(pl.Series([1, 2, 3, 4, 6]))
    assert out.to_list() == [None] * 5
    assert rep.failed == 5
    assert normalise_priority(pl.Series([1, 2]), itil=False)[0].to_list() == [None, None]
    freshdesk = {"1": "low", "2": "normal", "3": "high", "4": "urgent"}
    out, rep = normalise_priority(pl.Series([1, 2, 3, 4, None]), extra=freshdesk)
    assert out.to_list() == ["low", "normal", "high", "urgent", None]
    out, _ = normalise_priority(pl.Series([1.0, 4.0]), extra=freshdesk)
    assert out.to_list() == ["low", "urgent"]
    out, rep = normalise_priority(pl.Series(["High", "Whenever", "n/a"]))
    assert out.to_list() == ["high", None, None]
    assert (rep.parsed, rep.failed, rep.failed_examples) == (1, 1, [(1, "Whenever")])
    assert "1 unknown not understood: 'Whenever'" in rep.detail


def test_extra_must_map_into_the_vocabulary():
    with pytest.raises(ValueError, match="'asap' is not one of"):
        normalise_priority(pl.Series(["x"]), extra={"x": "asap"})


STATUS_CASES = [
    # Zendesk
    ("New", "new"),
    ("Open", "open"),
    ("Pending", "pending"),
    ("Hold", "on_hold"),
    ("On-hold", "on_hold"),
    ("Solved", "solved"),
    ("Closed", "closed"),
    # Freshdesk
    ("Resolved", "solved"),
    ("Waiting on Customer", "pending"),
    ("Waiting on Third Party", "on_hold"),
    # Freshdesk in other interface languages: the customer's turn, a third party's turn
    ("Aguardando o cliente", "pending"),
    ("Aguardando terceiros", "on_hold"),
    ("Warten auf Kunden", "pending"),
    ("Wartet auf Drittanbieter", "on_hold"),
    ("Esperando a terceros", "on_hold"),
    ("En attente de tiers", "on_hold"),
    ("In attesa di terze parti", "on_hold"),
    ("Wacht op derde partij", "on_hold"),
    # Jira
    ("To Do", "new"),
    ("In Progress", "open"),
    ("Waiting for support", "open"),
    ("Waiting for customer", "pending"),
    ("Escalated", "open"),
    ("Done", "solved"),
    ("Canceled", "closed"),
    # ServiceNow
    ("Active", "open"),
    ("Awaiting User Info", "pending"),
    ("Awaiting Evidence", "on_hold"),
    ("Awaiting Problem", "on_hold"),
    ("Awaiting Vendor", "on_hold"),
    ("On Hold", "on_hold"),
    ("6 - Resolved", "solved"),
    # Zammad, Help Scout, Intercom, HubSpot, Salesforce, Kaggle
    ("pending reminder", "pending"),
    ("pending close", "solved"),
    ("merged", "closed"),
    ("spam", "closed"),
    ("snoozed", "on_hold"),
    ("Waiting on contact", "pending"),
    ("Waiting on us", "open"),
    ("Working", "open"),
    ("Pending Customer Response", "pending"),
    ("Closed with explanation", "closed"),
]


@pytest.mark.parametrize(("raw", "expected"), STATUS_CASES)
def test_normalise_status(raw, expected):
    got, rep = one(normalise_status, raw)
    assert got == expected
    assert (rep.parsed, rep.failed) == (1, 0)


def test_status_unknown_is_null_and_counted():
    out, rep = normalise_status(pl.Series("state", ["Open", "-100", "Limbo", "?"]))
    assert out.to_list() == ["open", None, None, None]
    assert (rep.parsed, rep.failed) == (1, 2)
    assert rep.failed_examples == [(1, "-100"), (2, "Limbo")]
    out, rep = normalise_status(pl.Series(["Limbo"]), extra={"limbo": "on_hold"})
    assert out.to_list() == ["on_hold"]
    assert set(STATUSES) >= {"on_hold"} and set(PRIORITIES) >= {"normal"}


def test_major_above_high_is_urgent_but_jiras_major_is_not() -> None:
    """BPI 2013's impact runs Low, Medium, High, Major: its top level was read as high, the
    one below it. Jira's Major sits under Critical and Blocker and stays high."""
    bpi = normalise_priority(pl.Series(["Low", "Medium", "High", "Major", None]))[0]
    assert bpi.to_list() == ["low", "normal", "high", "urgent", None]
    jira = normalise_priority(pl.Series(["Blocker", "Critical", "Major", "Minor", "High"]))[0]
    assert jira.to_list() == ["urgent", "urgent", "high", "low", "high"]
    assert normalise_priority(pl.Series(["Major", "Minor"]))[0].to_list() == ["high", "low"]
    vendor = normalise_priority(pl.Series(["High", "Major"]), extra={"Major": "normal"})[0]
    assert vendor.to_list() == ["high", "normal"]


def test_major_beside_minor_stays_high() -> None:
    """Both of Jira's schemes in one export (Major, Minor beside High): Major is not the top."""
    out = normalise_priority(pl.Series(["Major", "Minor", "High", "Medium", "Low"]))[0]
    assert out.to_list() == ["high", "low", "high", "normal", "low"]
