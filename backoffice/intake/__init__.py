"""Intake: programmes and batches in the console, roster import, and the load-test world."""
