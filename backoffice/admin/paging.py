"""Counting and paging console lists without scanning a million rows: a count is exact up to EXACT_COUNT rows and
the planner's estimate beyond (shown as 约 N), and a page is read with LIMIT/OFFSET in SQL."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db

# Counting this many rows exactly takes a few milliseconds; past it, paging needs only the order of magnitude.
EXACT_COUNT = 20_000
PAGE_SIZE = 50


@dataclass(frozen=True)
class Total:
    n: int
    exact: bool

    def __str__(self) -> str:
        return f"{self.n}" if self.exact else f"约 {round_estimate(self.n)}"


def round_estimate(n: int) -> str:
    """约 12,000 rather than a false precision of 11,873."""
    if n >= 10_000:
        n = round(n, -3)
    elif n >= 1_000:
        n = round(n, -2)
    return f"{n:,}"


def total(stmt) -> Total:
    """The rows `stmt` gives: estimated by PostgreSQL's planner when that says there are many, else counted."""
    stmt = stmt.order_by(None)
    if db.engine.dialect.name == "postgresql":
        estimate = planned_rows(stmt)
        if estimate is not None and estimate > EXACT_COUNT:
            return Total(estimate, exact=False)
    return Total(db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0, exact=True)


def planned_rows(stmt) -> int | None:
    compiled = stmt.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    plan = db.session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params).scalar()
    node = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    return _rows(node)


def _rows(node) -> int:
    """The rows a plan node yields; under Gather, what all the workers and the leader yield together."""
    if node["Node Type"] in ("Gather", "Gather Merge"):
        return _rows(node["Plans"][0]) * (node.get("Workers Planned", 0) + 1)
    return int(node["Plan Rows"])


@dataclass
class Page:
    rows: list
    total: Total
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, (self.total.n + self.size - 1) // self.size)


def page_of(stmt, number: int, size: int | None = None, loads=()) -> Page:
    """A page of `stmt`'s entities. With `loads` (eager-loading options) the page is found first by id alone and
    its rows then read with their relations: joined into the paging query, a dozen relations exceed what
    PostgreSQL reorders (join_collapse_limit) and a unit's page was planned over every row of the city."""
    number, size = max(1, number), size or PAGE_SIZE
    window = stmt.limit(size).offset((number - 1) * size)
    if loads:
        entity = stmt.column_descriptions[0]["entity"]
        ids = db.session.execute(window.with_only_columns(entity.id)).scalars().all()
        found = {r.id: r for r in db.session.execute(select(entity).where(entity.id.in_(ids)).options(*loads))
                 .unique().scalars()}
        rows = [found[i] for i in ids if i in found]
    else:
        rows = db.session.execute(window).scalars().all()
    count = total(stmt)
    if count.exact is False and len(rows) < size:  # the last page: the estimate was high; now we know
        count = Total((number - 1) * size + len(rows), exact=True)
    return Page(rows=rows, total=count, number=number, size=size)
