"""The fact guard: every invented name, company, title, number or date in 60 adversarial replies is
caught; grounded drafts pass (so the guard is not simply refusing everything)."""

from __future__ import annotations

import pytest

from jobshift.domain.outreach.evidence import Evidence
from jobshift.domain.outreach.guard import check_draft

EV = Evidence(
    lead_id="L1",
    signal_type="job_change",
    first_name="Dana",
    last_name="Reyes",
    new_company="Northwind Analytics",
    new_title="VP Engineering",
    job_started="2026-03",
    past_company="Contoso",
    past_title="Director of Engineering",
    past_was_customer=True,
    persona_match=True,
    rep_name="Sam Rivera",
    our_company="Acme",
)

# (reply, the invented fact the guard must name)
ADVERSARIAL: list[tuple[str, str]] = [
    ("Hi Dana, congrats on joining Initech!", "Initech"),
    ("Congrats on the move to Globex, Dana.", "Globex"),
    ("Hi Dana, I heard you joined initech last month.", "initech"),
    ("Hi Dana, hope all is well at umbrella corp.", "umbrella"),
    ("Dana, congrats on joining Northwind Analytics as CTO!", "CTO"),
    ("Congrats on becoming Chief Technology Officer at Northwind Analytics.", "Chief"),
    ("Dana, congrats on the new role as senior director.", "senior"),
    ("Great to see you step up as SVP Engineering!", "SVP"),
    ("Congrats on the VP Sales role at Northwind Analytics.", "Sales"),
    ("Hi Dana, you were an amazing product manager at Contoso.", "manager"),
    ("Congrats, Dana! Say hi to Priya for me.", "Priya"),
    ("Hi Dana, Michael Chen mentioned you moved.", "Michael"),
    ("Hi Dana Reyes-Smith, congrats!", "Reyes-Smith"),
    ("Hi Diana, congrats on Northwind Analytics!", "Diana"),
    ("Congrats! Your colleague O'Connor said hello.", "O'Connor"),
    ("Hi Dana, Zoë from our team will reach out.", "Zoë"),
    ("Dana, our CEO would love to meet you.", "CEO"),
    ("Hi Dana, we helped Contoso grow 40% last year.", "40"),
    ("Dana, teams save 12 hours a week with Acme.", "12"),
    ("We work with 500 companies like Northwind Analytics.", "500"),
    ("Acme cut costs by $2M for Contoso.", "$2M"),
    ("Congrats on 10 years in the industry, Dana!", "10"),
    ("Dana, three of your peers already use Acme.", "three"),
    ("Hi Dana, dozens of teams use Acme.", "dozens"),
    ("You spent two years at Contoso, right?", "two"),
    ("Congrats on your start in March 2025!", "2025"),
    ("Congrats on starting in April 2026!", "April"),
    ("Welcome to Northwind Analytics since January!", "January"),
    ("Hi Dana, congrats on starting on Monday.", "Monday"),
    ("Great seeing you at the event yesterday.", "yesterday"),
    ("Dana, we spoke last week about Northwind Analytics.", "last week"),
    ("Congrats on the big win in Q3!", "Q3"),
    ("Congrats on closing FY24 strong.", "FY24"),
    ("We met a few years ago at Contoso.", "years ago"),
    ("Congrats! Started on 2026-03-02, right?", "2"),
    ("Write me at sam@acme.io, Dana.", "sam@acme.io"),
    ("See www.acme-offers.com for details.", "www.acme-offers.com"),
    ("Ping @danar on Slack.", "@danar"),
    ("Hi Dana, congrats on joining Northwind Analytics in Seattle.", "Seattle"),
    ("Hi Dana, congrats on Northwind Analytics' Series B.", "Series"),
    ("Congrats on joining Northwind Analytics, a Microsoft partner.", "Microsoft"),
    ("Dana, Acme integrates with Salesforce.", "Salesforce"),
    ("Congrats, Dana! The whole Contoso Robotics team misses you.", "Robotics"),
    ("Hope you enjoy Northwind Labs, Dana.", "Labs"),
    ("Congrats on joining Northwind Analytics GmbH.", "GmbH"),
    ("Dana, as a Stanford alum you'll love this.", "Stanford"),
    ("Congrats Dana! How is the team in London?", "London"),
    ("Hi Dana, congrats on joining from google.", "google"),
    ("Dana, you left contosso for a reason.", "contosso"),
    ("Congrats on your promotion to Principal Engineer.", "Principal"),
    ("Welcome aboard as Head of Platform, Dana.", "Head"),
    ("Hi Dana, our founder Jane says congrats.", "founder"),
    ("Congrats on 3x growth at Contoso!", "3x"),
    ("Congrats on hitting 100% of plan.", "100"),
    ("Dana, Acme ROI is proven.", "ROI"),
    ("Hi Dana, loved your talk at Dreamforce.", "Dreamforce"),
    ("Congrats on the move, Dana; Sept is a great time to start.", "Sept"),
    ("Hi Dana, hope the first 90 days are going well.", "90"),
    ("Dana, our mutual friend Alex Kim recommended I reach out.", "Alex"),
    ("Congrats on the new job at Northwind Analytics, Inc. in Austin.", "Austin"),
]

GROUNDED = [
    "Hi Dana,\n\nCongratulations on joining Northwind Analytics as VP Engineering in March 2026!"
    "\n\nBest,\nSam",
    "Congrats on the new role at Northwind Analytics, Dana",
    "Hi Dana, great working with you at Contoso as Director of Engineering. "
    "Would love to stay connected. Sam",
    "Hi Dana! I saw you started at Northwind Analytics. Would a quick chat be useful?"
    "\n\nBest regards,\nSam Rivera",
    "Dana, since you know Acme well from Contoso, happy to show what has changed. Worth a short call?",
    "May I send over a short note on how teams use Acme, Dana?",
    "Hi Dana, I'm glad to hear about the move to Northwind Analytics. I'd love to help as you settle in.",
]


def test_at_least_fifty_adversarial_replies() -> None:
    assert len(ADVERSARIAL) >= 50


@pytest.mark.parametrize(("reply", "invented"), ADVERSARIAL)
def test_every_invented_fact_is_caught(reply: str, invented: str) -> None:
    verdict = check_draft([reply], EV)
    assert not verdict.ok, reply
    assert any(
        invented.casefold() in v.text.casefold() or v.text.casefold() in invented.casefold()
        for v in verdict.violations
    ), (
        reply,
        verdict.reason(9),
    )


@pytest.mark.parametrize("reply", GROUNDED)
def test_grounded_drafts_pass(reply: str) -> None:
    verdict = check_draft([reply], EV)
    assert verdict.ok, verdict.reason(9)


def test_allowed_terms_let_a_product_name_through() -> None:
    text = "Dana, Acme Insights could help Northwind Analytics."
    assert not check_draft([text], EV).ok
    assert check_draft([text], EV, allowed_terms=["Acme Insights"]).ok


def test_the_reason_names_the_facts() -> None:
    verdict = check_draft(["Congrats on joining Initech as CTO in 2025."], EV)
    reason = verdict.reason()
    assert "Initech" in reason and "CTO" in reason and "2025" in reason
