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


def pii_kind(model, name: str) -> str | None:
    """The kind of personal data (a domain.masking kind) that `model.name` holds, following dotted names through
    relationships: a column says it with info={"pii": kind}; a related row whose str() is personal (its class
    sets __pii_str__ to that column) counts as that column."""
    from sqlalchemy import inspect as sa_inspect
    *path, last = name.split(".")
    for part in path:
        rel = sa_inspect(model).relationships.get(part)
        if rel is None:
            return None
        model = rel.mapper.class_
    mapper = sa_inspect(model)
    if last in mapper.relationships:
        target = mapper.relationships[last].mapper.class_
        field = getattr(target, "__pii_str__", None)
        return pii_kind(target, field) if field else None
    column = mapper.columns.get(last)
    return column.info.get("pii") if column is not None else None
