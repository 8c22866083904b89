"""The applicants' web pages at /portal/ (register, apply, upload, submit, status, appeal)."""
