"""Key rotation: re-encrypt personal data under the current data key, and recompute lookup hashes."""
from dataclasses import dataclass, field

from sqlalchemy import bindparam, column, select, table, true, update

from ..crypto import VERSION, keyring
from ..extensions import db
from ..models.encrypted import encrypted_columns

BATCH = 1000


@dataclass
class RotationReport:
    reencrypted: dict[str, int] = field(default_factory=dict)   # "table.column" -> rows rewritten
    rehashed: dict[str, int] = field(default_factory=dict)      # "table" -> hashes recomputed


def rotate(rehash: bool = False, batch: int = BATCH) -> RotationReport:
    """Every encrypted value not under the current key (an older key, or plaintext left by hand) is written again
    under it, `batch` rows per transaction so the tables stay usable; with rehash, every id_number_hash is computed
    again with the current lookup key (after XUEBU_LOOKUP_KEY changed)."""
    ring, report = keyring(), RotationReport()
    for tbl, name, col_type in encrypted_columns(db.metadata):
        # The raw column (no TypeDecorator): rows are read as stored and written back as new ciphertext.
        t = table(tbl.name, column("id"), column(name))
        stale = t.c[name].is_not(None) & t.c[name].not_like(f"{VERSION}:{ring.current}:%")
        n = _rewrite(t, name, name, stale, lambda v, p=col_type.purpose: ring.encrypt(ring.decrypt(v, p), p), batch)
        if n:
            report.reencrypted[f"{tbl.name}.{name}"] = n
    for tbl in db.metadata.sorted_tables if rehash else ():
        if "id_number_hash" in tbl.columns:
            t = table(tbl.name, column("id"), column("id_number"), column("id_number_hash"))
            report.rehashed[tbl.name] = _rewrite(
                t, "id_number", "id_number_hash", true(),
                lambda v: ring.lookup_hash(ring.decrypt(v, "id_number"), "id_number"), batch)
    return report


def _rewrite(t, source: str, target: str, where, change, batch: int) -> int:
    """target = change(source) for the rows matching `where`, in id order, one commit per batch."""
    done, last = 0, 0
    statement = update(t).where(t.c.id == bindparam("row_id")).values({target: bindparam("new_value")})
    while True:
        rows = db.session.execute(select(t.c.id, t.c[source]).where(where, t.c.id > last)
                                  .order_by(t.c.id).limit(batch)).all()
        if not rows:
            return done
        db.session.execute(statement, [{"row_id": i, "new_value": change(v)} for i, v in rows])
        db.session.commit()
        done, last = done + len(rows), rows[-1][0]
