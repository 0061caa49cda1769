"""Drafts in notifications: the e-mail's "Draft" section (text and HTML, escaped) and the Slack card's draft
block with a "Draft" button to the lead page's drafts, cut to Slack's 3,000-character section limit."""

from __future__ import annotations

import json
from typing import Any

from jobshift.domain.outreach.slack_blocks import draft_blocks
from jobshift.notify.render import render_item

LEAD_URL = "https://jobshift.example/leads/L1"


def _item(drafts: dict[str, Any] | None) -> dict[str, Any]:
    m: dict[str, Any] = {
        "rule": "1A", "rule_title": "Champion moved", "person": "Dana Reyes", "headline_verb": "joined Newco",
        "now_title": "VP Engineering", "now_company": "Newco", "since": "2026-03", "past_title": "Director",
        "past_account": "Contoso", "why_it_matters": "A champion at a new account.", "email": None,
        "linkedin_url": None, "item_id": "L1", "item_type": "lead",
        "links": [{"label": "Open lead", "url": LEAD_URL}],
    }  # fmt: skip
    if drafts is not None:
        m["drafts"] = drafts
    return m


DRAFT = {
    "email_subject": "Congrats on joining Newco, Dana",
    "email_body": "Hi Dana,\n\nCongratulations on <joining> Newco!\n\nBest,\nSam",
    "linkedin_note": "Congrats on the move, Dana!",
    "source": "template",
    "template_set": "job_change",
}


def test_email_and_slack_carry_the_draft() -> None:
    r = render_item(_item(DRAFT), {"id": "u1", "name": "Sam Rivera"}, "owner")
    assert (
        "Draft: Congrats on joining Newco, Dana" in r.text and "LinkedIn note: Congrats on the move" in r.text
    )
    assert 'id="draft"' in r.html and "&lt;joining&gt;" in r.html and "<joining>" not in r.html
    blocks = json.dumps(r.slack_blocks)
    assert "*Draft:* Congrats on joining Newco, Dana" in blocks and "&lt;joining&gt;" in blocks
    button = r.slack_blocks[-1]["elements"][0]
    assert button["action_id"] == "open_draft" and button["url"] == LEAD_URL + "#drafts"


def test_no_draft_no_section() -> None:
    r = render_item(_item(None), {"id": "u1", "name": "Sam Rivera"}, "owner")
    assert (
        "Draft" not in r.text
        and 'id="draft"' not in r.html
        and "open_draft" not in json.dumps(r.slack_blocks)
    )


def test_slack_section_is_cut_to_the_limit() -> None:
    long = {**DRAFT, "email_body": "word " * 2000, "source": "llm"}
    blocks = draft_blocks(long, None)
    assert len(blocks) == 1  # no lead page link: no button
    text = blocks[0]["text"]["text"]
    assert (
        len(text) <= 3000
        and text.endswith("…")
        and text.startswith("*AI draft, checked against the evidence:*")
    )
