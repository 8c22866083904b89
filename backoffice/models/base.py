"""Shared column helpers for the models."""
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum
from sqlalchemy.orm import mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def created_at():
    return mapped_column(DateTime, default=utcnow, nullable=False)


def enum_column(enum_cls, **kw):
    """Enums stored as short strings so adding a member needs no schema change."""
    return mapped_column(
        Enum(enum_cls, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e]),
        **kw,
    )
