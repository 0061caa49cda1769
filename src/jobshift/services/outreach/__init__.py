"""First-touch drafts and sequence enrolment (issue 21): template sets, drafting (templates, optional LLM
with the fact guard), enrolment through the outbox, the sequence-tool registry and the scorecard section."""
