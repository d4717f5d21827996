"""Browser steps that several remedy tests walk through, written once so the tests cannot drift apart."""

from __future__ import annotations

import re
from typing import Any

GRIEVANCE_STEPS_BEFORE_LEVERAGE = ("acknowledge", "assess", "engage")


def submit_grievance(phone: Any, about_name: str, description: str) -> str:
    """Fill the public grievance form already open in `phone` and return the reference the page shows."""
    phone.select_option("#category", "unpaid_wages")
    phone.fill("#about_name", about_name)
    phone.fill("#description", description)
    phone.click("#grievance-form button[type=submit]")
    done = str(phone.locator("#grievance-done").inner_text())
    found = re.search(r"G-\d{6}", done)
    assert found, done
    return found.group(0)


def send_referral(ngo: Any, bank: str, person_name: str) -> None:
    """Send a referral from the NGO's page: a survivor known by name with two documents, no account number."""
    ngo.goto("/referrals/new")
    ngo.select_option("#bank", bank)
    ngo.fill("#person_name", person_name)
    ngo.check("input[value=consular_id]")
    ngo.check("input[value=shelter_letter]")
    ngo.click("#referral-form button[type=submit]")
    ngo.wait_for_selector(f"text=sent to {bank}")


def handle_grievance_to_leverage(bank: Any, leverage_detail: str) -> None:
    """Record each step up to leverage on the open grievance page, the client refusing to cooperate.

    Each step waits for the page's own confirmation, so a step the service refuses fails the test here.
    """
    for kind in GRIEVANCE_STEPS_BEFORE_LEVERAGE:
        bank.select_option("#kind", kind)
        bank.fill("#detail", f"{kind}: done and recorded")
        bank.click("#grievance-step button[type=submit]")
        bank.wait_for_selector(f"text=Recorded: {kind}.")
    bank.select_option("#kind", "leverage")
    bank.fill("#detail", leverage_detail)
    bank.select_option("#cooperation", "not_cooperating")
    bank.click("#grievance-step button[type=submit]")
    bank.wait_for_selector("text=Recorded: leverage.")
