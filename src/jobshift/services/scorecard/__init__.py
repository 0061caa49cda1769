"""Use case: the monthly Scorecard, the funnel report and the weekly e-mails."""
