"""Browser at phone width (390 x 844): a participant answers an open calibration session, one
scenario at a time, without anything wider than the screen.

Uses the shared demo server: the test adds its own session (a unique title, two hand-made
scenarios that do not depend on the dataset) and closes it at the end, so the server is left with
no open session, as it started.
"""

from __future__ import annotations

import uuid

import polars as pl
import pytest
from playwright.sync_api import expect

from lib.store import Store
from tests.e2e.conftest import shot, wait_idle
from tests.e2e.test_phone_e2e import PHONE, PHONE_UA

pytestmark = pytest.mark.e2e

SCENARIOS = pl.DataFrame(
    {
        "ticket_id": ["E2E-1", "E2E-2"],
        "category": ["SSO", "Billing"],
        "channel": ["email", "chat"],
        "priority": ["high", "normal"],
        "subject": ["Locked out after password reset", "Refund for a double charge"],
        "outcome_escalated": [True, False],
    }
)


def test_participant_answers_on_a_phone(shared_server, browser) -> None:
    srv = shared_server
    store = Store(f"sqlite:///{srv.home / 'review.sqlite'}")
    title = f"Phone check {uuid.uuid4().hex[:6]}"
    sid = store.create_calibration_session(title, SCENARIOS).id
    page = browser.new_page(viewport=PHONE, user_agent=PHONE_UA, is_mobile=True, has_touch=True)
    try:
        page.goto(f"{srv.url}/calibration")
        wait_idle(page)
        expect(page.get_by_text(title, exact=True)).to_be_visible()
        name = page.get_by_role("textbox", name="Your name")
        name.fill("Pat")
        name.press("Enter")
        for n, choice in enumerate(["Escalate", "Handle at Tier 1"], start=1):
            expect(page.get_by_text(f"Scenario {n} of 2")).to_be_visible()
            question = page.locator('[data-testid="stRadio"]').filter(has_text="What would you do?")
            question.get_by_text(choice, exact=True).tap()
            page.get_by_role("button", name="Save and next").tap()
            wait_idle(page)
        expect(page.get_by_text("You answered all 2 scenarios")).to_be_visible()
        # Nothing is wider than the phone: no sideways scrolling in the answer flow.
        width = page.evaluate(
            "Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"] *')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert width <= PHONE["width"] + 1, f"something reaches {width}px on a 390px screen"
        shot(page, "calibration-phone-answer")
        answers = store.my_calibration_answers(sid, "Pat")
        assert answers.sort("item_id").get_column("escalate").to_list() == [True, False]
    finally:
        page.close()
        store.close_calibration_session(sid)
        store.close()
