"""Automatic document verification in the back office: RQ jobs, the sweeper, console pages and CLI."""
