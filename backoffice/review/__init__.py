"""Review, appeals, transfers, public notice, disbursement, exports and the dashboard (console side)."""
