"""permissions as data, applicant lockout, append-only audit log

Admin permissions move from the `can_unmask` flag to one row per account and permission (admin_permission):
every admin keeps what it could do before (accounts, notices, payment batches as its level allows) and every
account that could unmask keeps that; each row gets an audit event (via "migration") so the account page shows
where it came from. Applicants get the failure counter and lock deadline admins have. The audit log becomes
append-only: a trigger refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit_event rows.

Revision ID: d6852ba5cb77
Revises: 3f65d45d81e0
Create Date: 2026-12-04 17:42:39.394390

"""
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd6852ba5cb77'
down_revision = '3f65d45d81e0'
branch_labels = None
depends_on = None

LABELS = {"unmask": "可查看完整信息", "manage_accounts": "可管理账号", "publish_notice": "可发布公示",
          "create_payment_batch": "可创建发放批次"}

PG_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$""",
    ("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
     "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"),
    ("CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
     "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"),
]
SQLITE_TRIGGERS = [
    ("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
     "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused'); END"),
    ("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
     "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused'); END"),
]


def _grants_before(conn):
    """(admin id, org id, permission) for what each account could do before this revision."""
    rows = conn.execute(sa.text(
        "SELECT u.id, u.org_id, u.role, u.can_unmask, o.kind FROM admin_user u JOIN organisation o ON o.id = u.org_id"
    )).all()
    out = []
    for uid, org_id, role, can_unmask, kind in rows:
        if role == "admin":
            out += [(uid, org_id, "manage_accounts"), (uid, org_id, "create_payment_batch")]
            if kind == "city":  # the console let only the city publish (domain/reach.py before this revision)
                out.append((uid, org_id, "publish_notice"))
        if can_unmask:
            out.append((uid, org_id, "unmask"))
    return out


def upgrade():
    op.create_table('admin_permission',
    sa.Column('admin_user_id', sa.Integer(), nullable=False),
    sa.Column('permission', sa.String(length=40), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['admin_user_id'], ['admin_user.id'], name=op.f('fk_admin_permission_admin_user_id_admin_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['admin_user.id'], name=op.f('fk_admin_permission_granted_by_id_admin_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('admin_user_id', 'permission', name=op.f('pk_admin_permission'))
    )
    conn = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    for uid, org_id, permission in _grants_before(conn):
        conn.execute(sa.text("INSERT INTO admin_permission (admin_user_id, permission, granted_at) "
                             "VALUES (:u, :p, :at)"), {"u": uid, "p": permission, "at": now})
        conn.execute(sa.text(
            "INSERT INTO audit_event (at, actor_type, org_id, action, target_type, target_id, detail) "
            "VALUES (:at, 'system', :org, 'permission_granted', 'AdminUser', :u, :detail)"),
            {"at": now, "org": org_id, "u": uid,
             "detail": json.dumps({"permission": permission, "label": LABELS[permission], "via": "migration"})})
    with op.batch_alter_table('admin_user', schema=None) as batch_op:
        batch_op.drop_column('can_unmask')

    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))

    for statement in PG_TRIGGERS if conn.dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')

    with op.batch_alter_table('admin_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('can_unmask', sa.BOOLEAN(), nullable=False, server_default=sa.false()))
    conn.execute(sa.text("UPDATE admin_user SET can_unmask = :t WHERE id IN "
                         "(SELECT admin_user_id FROM admin_permission WHERE permission = 'unmask')"), {"t": True})
    op.drop_table('admin_permission')
