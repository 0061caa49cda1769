"""First-touch outreach, the pure part: a lead's evidence as template context, the fact guard that checks
a draft against that evidence, the LLM prompt, draft selection and cache keys, enrolment rules, the
drafts' Slack block and the drafted-vs-not rates (no I/O; services/outreach ties them to the store)."""
