"""Counts of applications per organisation subtree, kept by PostgreSQL itself so that no page scans a million rows.

Every change to `application` appends, per ancestor organisation (the unit, its district, the city), the change in
count for (batch, state, flagged, ranked) to `application_tally_delta` — inserts only, so concurrent submits never
wait on each other here. The worker folds those rows into `application_tally` every sweep (one writer, no
deadlocks); a reader adds the tally and the deltas not yet folded, so counts are always exact. SQLite (the demo)
has neither trigger nor tally: services.tally counts the application table directly there.
"""
from sqlalchemy import BigInteger, Boolean, DDL, Index, Integer, String, event

from ..extensions import db
from .application import Application


class ApplicationTally(db.Model):
    __tablename__ = "application_tally"
    org_id = db.Column(Integer, primary_key=True)          # the unit, or any organisation above it
    batch_id = db.Column(Integer, primary_key=True)
    state = db.Column(String(24), primary_key=True)
    flagged = db.Column(Boolean, primary_key=True)
    ranked = db.Column(Boolean, primary_key=True)          # holds a quota place
    n = db.Column(BigInteger, nullable=False)


class ApplicationTallyDelta(db.Model):
    __tablename__ = "application_tally_delta"
    id = db.Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    org_id = db.Column(Integer, nullable=False)
    batch_id = db.Column(Integer, nullable=False)
    state = db.Column(String(24), nullable=False)
    flagged = db.Column(Boolean, nullable=False)
    ranked = db.Column(Boolean, nullable=False)
    n = db.Column(Integer, nullable=False)

    __table_args__ = (Index("ix_application_tally_delta_org", "org_id"),)


# One row per (ancestor, batch, state, flagged, ranked) that changed, from the statement's transition tables.
_CHANGED = """
    SELECT anc.id AS org_id, d.batch_id, d.state, d.flagged, d.ranked, sum(d.delta) AS n
    FROM ({rows}) d
    JOIN organisation o ON o.id = d.org_id
    JOIN LATERAL unnest(string_to_array(trim(both '/' from o.path), '/')::int[]) AS anc(id) ON true
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(d.delta) <> 0"""
_ROWS = ("SELECT org_id, batch_id, state, coalesce(flags::text NOT IN ('[]', 'null'), false) AS flagged, "
         "quota_rank IS NOT NULL AS ranked, {sign} AS delta FROM {table}")
_INSERT = "INSERT INTO application_tally_delta (org_id, batch_id, state, flagged, ranked, n)"

TRIGGER_SQL = f"""
CREATE OR REPLACE FUNCTION application_tally_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_INSERT} {_CHANGED.format(rows=_ROWS.format(sign=1, table="new_rows"))};
  ELSIF TG_OP = 'DELETE' THEN
    {_INSERT} {_CHANGED.format(rows=_ROWS.format(sign=-1, table="old_rows"))};
  ELSE
    {_INSERT} {_CHANGED.format(rows=_ROWS.format(sign=1, table="new_rows") + " UNION ALL " +
                                      _ROWS.format(sign=-1, table="old_rows"))};
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER application_tally_insert AFTER INSERT ON application
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION application_tally_log();
CREATE TRIGGER application_tally_update AFTER UPDATE ON application
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION application_tally_log();
CREATE TRIGGER application_tally_delete AFTER DELETE ON application
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION application_tally_log();
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS application_tally_insert ON application;
DROP TRIGGER IF EXISTS application_tally_update ON application;
DROP TRIGGER IF EXISTS application_tally_delete ON application;
DROP FUNCTION IF EXISTS application_tally_log();
"""

# The whole tally from the application table (after the migration that adds it, or to check it): writers wait
# for the few seconds it takes, so the tally and the applications agree.
REBUILD_SQL = [
    "LOCK TABLE application IN SHARE MODE",
    "DELETE FROM application_tally_delta",
    "DELETE FROM application_tally",
    "INSERT INTO application_tally (org_id, batch_id, state, flagged, ranked, n) "
    + _CHANGED.format(rows=_ROWS.format(sign=1, table="application")),
]

# A subtree moved under another parent: its applications now count for the new ancestors and no longer for the
# old ones (those both chains share are untouched). One statement, so one snapshot.
MOVED_SQL = """
INSERT INTO application_tally_delta (org_id, batch_id, state, flagged, ranked, n)
SELECT anc.id, a.batch_id, a.state, coalesce(a.flags::text NOT IN ('[]', 'null'), false), a.quota_rank IS NOT NULL,
       anc.sign * count(*)
FROM application a JOIN organisation o ON o.id = a.org_id AND o.path LIKE :subtree || '%'
CROSS JOIN (SELECT id, -1 AS sign FROM unnest(CAST(:gone AS int[])) id
            UNION ALL SELECT id, 1 FROM unnest(CAST(:added AS int[])) id) anc
GROUP BY anc.id, anc.sign, 2, 3, 4, 5
"""

event.listen(Application.__table__, "after_create", DDL(TRIGGER_SQL).execute_if(dialect="postgresql"))
