"""Application counts for an organisation's subtree, by state, batch, flags and quota place: read from the tally
PostgreSQL keeps (models/tally.py) — a few rows, whatever the size of the subtree — or counted directly on SQLite."""
from __future__ import annotations

from sqlalchemy import String, cast, func, literal_column, select, text, union_all

from ..extensions import db
from ..models import Application
from ..models.tally import MOVED_SQL, REBUILD_SQL, ApplicationTally, ApplicationTallyDelta
from .scope import subtree_ids

KEYS = ("batch_id", "state", "flagged", "ranked")
FOLD_LOCK = 7_401_001  # advisory lock: one folder at a time, the others skip their turn

_FOLD_SQL = """
WITH moved AS (DELETE FROM application_tally_delta RETURNING org_id, batch_id, state, flagged, ranked, n),
     summed AS (SELECT org_id, batch_id, state, flagged, ranked, sum(n) AS n FROM moved GROUP BY 1, 2, 3, 4, 5)
INSERT INTO application_tally (org_id, batch_id, state, flagged, ranked, n)
SELECT * FROM summed ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (org_id, batch_id, state, flagged, ranked) DO UPDATE SET n = application_tally.n + EXCLUDED.n
"""


def kept() -> bool:
    return db.engine.dialect.name == "postgresql"


def counts(org_id: int, org_path: str, by: tuple[str, ...] = ("state",), **where) -> dict:
    """{key: count} for the subtree, keyed by the values of `by` (one value, or a tuple for several);
    `where` narrows by KEYS (e.g. batch_id=3, state="in_review")."""
    rows = _kept(org_id, by, where) if kept() else _live(org_path, by, where)
    return {(r[0] if len(by) == 1 else tuple(r[:-1])): int(r[-1]) for r in rows}


def totals(orgs) -> dict[int, int]:
    """{org id: applications in its subtree} for several organisations at once."""
    if not kept():
        return {o.id: sum(counts(o.id, o.path).values()) for o in orgs}
    ids = [o.id for o in orgs]
    parts = [select(t.c.org_id, t.c.n).where(t.c.org_id.in_(ids))
             for t in (ApplicationTally.__table__, ApplicationTallyDelta.__table__)]
    both = union_all(*parts).subquery()
    found = dict(db.session.execute(select(both.c.org_id, func.sum(both.c.n)).group_by(both.c.org_id)).all())
    return {i: int(found.get(i, 0)) for i in ids}


def _kept(org_id: int, by, where):
    parts = []
    for table in (ApplicationTally.__table__, ApplicationTallyDelta.__table__):
        stmt = select(*(table.c[k] for k in KEYS), table.c.n).where(table.c.org_id == org_id)
        parts.append(_narrow(stmt, table.c, where))
    both = union_all(*parts).subquery()
    stmt = select(*(both.c[k] for k in by), func.sum(both.c.n)).group_by(*(both.c[k] for k in by))
    return db.session.execute(stmt.having(func.sum(both.c.n) != 0)).all()


def _live(org_path: str, by, where):
    columns = {"batch_id": Application.batch_id, "state": Application.state,
               "flagged": cast(Application.flags, String).not_in(["[]", "null"]),
               "ranked": Application.quota_rank.is_not(None)}
    stmt = select(*(columns[k].label(k) for k in by), func.count()).where(Application.org_id.in_(subtree_ids(org_path)))
    for key, value in where.items():
        stmt = stmt.where(columns[key].in_(value) if isinstance(value, (list, tuple, set)) else columns[key] == value)
    rows = db.session.execute(stmt.group_by(*(literal_column(k) for k in by))).all()
    return [(*(_plain(v) for v in r[:-1]), r[-1]) for r in rows]


def _narrow(stmt, c, where):
    for key, value in where.items():
        value = [_plain(v) for v in value] if isinstance(value, (list, tuple, set)) else _plain(value)
        stmt = stmt.where(c[key].in_(value) if isinstance(value, list) else c[key] == value)
    return stmt


def _plain(value):
    return value.value if hasattr(value, "value") else value


def fold() -> bool:
    """Move the logged changes into the tally (the worker does this every sweep); False if another is folding."""
    if not kept():
        return False
    if not db.session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": FOLD_LOCK}).scalar():
        db.session.rollback()
        return False
    db.session.execute(text(_FOLD_SQL))
    db.session.execute(text("DELETE FROM application_tally WHERE n = 0"))
    db.session.commit()
    return True


def rebuild() -> None:
    """The whole tally again from the applications (xuebu refresh-stats --rebuild); commits."""
    if kept():
        for statement in REBUILD_SQL:
            db.session.execute(text(statement))
        db.session.commit()


def moved(subtree_path: str, old_parent_path: str, new_parent_path: str) -> None:
    """Called in the transaction that moves an organisation (with its new path): the counts follow it."""
    if not kept():
        return
    old, new = set(_ids(old_parent_path)), set(_ids(new_parent_path))
    db.session.execute(text(MOVED_SQL), {"subtree": subtree_path, "gone": sorted(old - new),
                                         "added": sorted(new - old)})


def _ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]
