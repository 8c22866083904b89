"""The audit log is append-only in the database itself: the application's own connection cannot change or remove
an audit row (a trigger refuses UPDATE, DELETE and TRUNCATE), whatever bug or injected statement asks it to.

Installed with the table (tests and `db.create_all()`) and by the migration that introduced it (existing
databases). Retention (deleting rows past their keeping period) is a DBA's job as the table owner:
`ALTER TABLE audit_event DISABLE TRIGGER USER`, delete, enable again — see the README.
"""
from sqlalchemy import DDL, event

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: %% refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$""",
    ("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
     "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"),
    ("CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
     "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"),
]
SQLITE = [
    ("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
     "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused'); END"),
    ("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
     "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused'); END"),
]


def install(table) -> None:
    # DDL() formats its text with %, hence the doubled %% in the PostgreSQL function above.
    for statement in POSTGRESQL:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))
    for statement in SQLITE:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
