"""Notifications people actually receive: the outbox (services), the channels (log, SMTP e-mail, SMS through a
provider's HTTP API), delivery by the worker with retries, and the admins' daily digest."""
