"""personal numbers encrypted at rest, looked up by keyed hash

ID, card and mobile numbers and verification results become ciphertext (backoffice/crypto.py, with the keys of
the environment the migration runs in); ID numbers get an HMAC column that takes over their unique constraint and
index. Existing rows are converted in batches; the downgrade decrypts them again.

Revision ID: ce08718ed7b5
Revises: d6852ba5cb77
Create Date: 2026-12-04 20:11:53.734367

"""
from alembic import op
import sqlalchemy as sa

from backoffice.crypto import is_encrypted, keyring

# revision identifiers, used by Alembic.
revision = 'ce08718ed7b5'
down_revision = 'd6852ba5cb77'
branch_labels = None
depends_on = None

BATCH = 2000
# table -> {column: purpose}; the old plaintext length, to shrink back to on downgrade
ENCRYPTED = {
    "applicant": {"id_number": "id_number", "mobile": "mobile", "bank_card": "card"},
    "roster_entry": {"id_number": "id_number"},
    "disbursement": {"bank_card": "card"},
    "organisation": {"contact_mobile": "mobile"},
}
OLD_LENGTH = {"id_number": 18, "mobile": 20, "bank_card": 30, "contact_mobile": 20}
NULLABLE = {"id_number": False, "mobile": False, "bank_card": True, "contact_mobile": True}
HASHED = ("applicant", "roster_entry")  # tables whose id_number gets an id_number_hash


def _rewrite(table: str, columns: list[str], change) -> None:
    """Every row's `columns` through change(values) -> new values (a dict), BATCH rows per round trip."""
    bind = op.get_bind()
    t = sa.table(table, sa.column("id"), *(sa.column(c) for c in columns),
                 *([sa.column("id_number_hash")] if table in HASHED else []))
    last = 0
    while True:
        rows = bind.execute(sa.select(t.c.id, *(t.c[c] for c in columns)).where(t.c.id > last)
                            .order_by(t.c.id).limit(BATCH)).all()
        if not rows:
            return
        params = [{"row_id": row[0], **{f"new_{k}": v for k, v in change(dict(zip(columns, row[1:]))).items()}}
                  for row in rows]
        names = [k[len("new_"):] for k in params[0] if k != "row_id"]
        bind.execute(t.update().where(t.c.id == sa.bindparam("row_id"))
                     .values({n: sa.bindparam(f"new_{n}") for n in names}), params)
        last = rows[-1][0]


def _encrypt(purposes: dict, hashed: bool):
    ring = keyring()

    def change(values: dict) -> dict:
        plain = {c: None if v is None else ring.decrypt(v, purposes[c]) for c, v in values.items()}
        out = {c: v if v is None or is_encrypted(v) else ring.encrypt(plain[c], purposes[c])
               for c, v in values.items()}
        if hashed:
            out["id_number_hash"] = ring.lookup_hash(plain["id_number"], "id_number")
        return out
    return change


def _decrypt(purposes: dict):
    ring = keyring()
    return lambda values: {c: None if v is None else ring.decrypt(v, purposes[c]) for c, v in values.items()}


def upgrade():
    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_applicant_id_number'), type_='unique')
    with op.batch_alter_table('roster_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_entry_id_number'))
        batch_op.drop_constraint('uq_roster_entry_batch_id_number', type_='unique')
    for table, purposes in ENCRYPTED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in HASHED:
                batch_op.add_column(sa.Column('id_number_hash', sa.String(length=64), nullable=True))
            for column in purposes:
                batch_op.alter_column(column, existing_type=sa.VARCHAR(length=OLD_LENGTH[column]),
                                      type_=sa.String(length=255), existing_nullable=NULLABLE[column])
    with op.batch_alter_table('verification_result', schema=None) as batch_op:
        batch_op.alter_column('result', existing_type=sa.JSON(), type_=sa.Text(), existing_nullable=False,
                              postgresql_using='result::text')

    for table, purposes in ENCRYPTED.items():
        _rewrite(table, list(purposes), _encrypt(purposes, table in HASHED))
    _rewrite("verification_result", ["result"], _encrypt({"result": "json"}, False))

    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.alter_column('id_number_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_applicant_id_number_hash'), ['id_number_hash'])
    with op.batch_alter_table('roster_entry', schema=None) as batch_op:
        batch_op.alter_column('id_number_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint('uq_roster_entry_batch_id_number', ['roster_batch_id', 'id_number_hash'])
        batch_op.create_index(batch_op.f('ix_roster_entry_id_number_hash'), ['id_number_hash'], unique=False)
    _analyze()


def _analyze() -> None:
    """Every row was rewritten: fresh planner statistics, or the first lists after the upgrade pick slow plans
    until autovacuum gets round to it (measured at 1M rows: the unpaid payments list 29 → 200 ms)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE " + ", ".join(list(ENCRYPTED) + ["verification_result"]))


def downgrade():
    with op.batch_alter_table('roster_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_entry_id_number_hash'))
        batch_op.drop_constraint('uq_roster_entry_batch_id_number', type_='unique')
    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_applicant_id_number_hash'), type_='unique')

    for table, purposes in ENCRYPTED.items():
        _rewrite(table, list(purposes), _decrypt(purposes))
    _rewrite("verification_result", ["result"], _decrypt({"result": "json"}))

    with op.batch_alter_table('verification_result', schema=None) as batch_op:
        batch_op.alter_column('result', existing_type=sa.Text(), type_=sa.JSON(), existing_nullable=False,
                              postgresql_using='result::json')
    for table, purposes in ENCRYPTED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in purposes:
                batch_op.alter_column(column, existing_type=sa.String(length=255),
                                      type_=sa.VARCHAR(length=OLD_LENGTH[column]), existing_nullable=NULLABLE[column])
            if table in HASHED:
                batch_op.drop_column('id_number_hash')
    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_applicant_id_number'), ['id_number'])
    with op.batch_alter_table('roster_entry', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_roster_entry_batch_id_number', ['roster_batch_id', 'id_number'])
        batch_op.create_index(batch_op.f('ix_roster_entry_id_number'), ['id_number'], unique=False)
