"""lib.store.categories and lib.store.events: category tags, knowledge coverage and timeline
events."""

from __future__ import annotations

import datetime as dt

from lib.store import Store


def test_tags_coverage_and_events(store: Store) -> None:
    store.set_category_tag("SSO", "policy", note="needs admin")
    store.set_category_tag("Billing", "skill")
    store.set_category_tag("SSO", "skill", note="article fixed")
    assert store.get_category_tags().select("category", "kind", "note").rows() == [
        ("Billing", "skill", ""),
        ("SSO", "skill", "article fixed"),
    ]
    store.remove_category_tag("Billing")
    assert store.get_category_tags()["category"].to_list() == ["SSO"]

    store.set_knowledge_coverage("SSO", article_exists=True, accurate=True, link="https://kb/1")
    cov = store.get_knowledge_coverage()
    assert cov.select("category", "article_exists", "accurate", "detailed_enough").rows() == [
        ("SSO", True, True, False)
    ]

    e1 = store.add_event("2025-02-01", "policy change", "Refund limit raised")
    store.add_event(dt.date(2025, 1, 15), "release", "v2.3", note="SSO rework")
    store.add_event("2025-03-01", "new playbook", "Billing playbook")
    assert store.list_events()["title"].to_list() == [
        "v2.3",
        "Refund limit raised",
        "Billing playbook",
    ]
    assert store.list_events(start="2025-01-20", end="2025-02-28")["id"].to_list() == [e1.id]
    store.delete_event(e1.id)
    assert store.list_events().height == 2
