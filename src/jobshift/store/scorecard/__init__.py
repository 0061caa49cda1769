"""Set-based SQL behind the Scorecard, the funnel and the weekly e-mails; stored snapshots."""
