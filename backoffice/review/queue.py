"""The review queue's filters as one query, shared by the list page, its export and bulk approve."""
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, cast, exists, or_, select
from sqlalchemy import inspect as sa_inspect

from ..crypto import lookup_hash
from ..domain.enums import ApplicationState
from ..extensions import db
from ..models import Applicant, Application, Organisation
from ..services.scope import scope_clause


@dataclass
class QueueFilter:
    mine: bool = True          # 待本级审核: in review and my level's turn
    state: str = ""
    batch_id: int | None = None
    org_id: int | None = None  # an org inside my subtree: its own subtree
    flag: str = ""             # "" any, "none" no flags, "any" some flag, else a flag name
    submitted_from: str = ""   # YYYY-MM-DD
    submitted_to: str = ""
    q: str = ""                # applicant name, ID number or application id
    verified: bool = False     # only applications whose every document is verified (bulk approve)

    @classmethod
    def from_args(cls, args) -> "QueueFilter":
        def as_int(key):
            value = (args.get(key) or "").strip()
            return int(value) if value.isdigit() else None
        return cls(mine=args.get("mine", "1") == "1", state=args.get("state", ""), batch_id=as_int("batch_id"),
                   org_id=as_int("org_id"), flag=args.get("flag", ""),
                   submitted_from=args.get("submitted_from", ""), submitted_to=args.get("submitted_to", ""),
                   q=(args.get("q") or "").strip(), verified=args.get("verified") == "1")

    def as_params(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if v not in (None, "")}
        out["mine"] = "1" if self.mine else "0"
        out.pop("verified", None)
        if self.verified:
            out["verified"] = "1"
        return out


def _date(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d")
    except (TypeError, ValueError):
        return None


def build(admin_org: Organisation, f: QueueFilter):
    """Applications in the admin's subtree matching `f`: a level's work or one batch by submit rank (quota rank,
    then time), anything wider newest first."""
    stmt = select(Application).where(scope_clause(Application, admin_org.path))
    if f.mine:
        stmt = stmt.where(Application.state == ApplicationState.IN_REVIEW,
                          Application.reviewing_org_id == admin_org.id)
    if f.state in {s.value for s in ApplicationState}:
        stmt = stmt.where(Application.state == ApplicationState(f.state))
    if f.batch_id:
        stmt = stmt.where(Application.batch_id == f.batch_id)
    if f.org_id:
        sub = select(Organisation.path).where(Organisation.id == f.org_id).scalar_subquery()
        stmt = stmt.where(Application.org_id.in_(
            select(Organisation.id).where(Organisation.path.startswith(sub))))
    stmt = _flag(stmt, f.flag)
    if _date(f.submitted_from):
        stmt = stmt.where(Application.submitted_at >= _date(f.submitted_from))
    if _date(f.submitted_to):
        stmt = stmt.where(Application.submitted_at < _date(f.submitted_to) + timedelta(days=1))
    if f.q:
        stmt = stmt.join(Applicant, Applicant.id == Application.applicant_id)
        stmt = stmt.where(person_matches(f.q, Applicant.name, Applicant.id_number_hash, Application.id))
    if f.verified:
        from ..domain.enums import VerificationStatus
        from ..models import Document
        stmt = stmt.where(~exists().where(Document.application_id == Application.id,
                                          Document.verification_status != VerificationStatus.DONE))
    if f.mine or f.batch_id:  # a level's work, or one batch: in the order places were given
        return stmt.order_by(Application.quota_rank.asc().nulls_last(), Application.submitted_at, Application.id)
    return stmt.order_by(Application.id.desc())  # everything in a subtree: newest first, straight off the index


def person_matches(q: str, name_col, id_number_hash_col, id_col=None):
    """One search box for people: a name from its start (surname first: an index finds it among a million), a
    whole ID number, or a record id. ID numbers are stored encrypted, so they are found only whole, through
    their keyed hash (crypto.lookup_hash); a part of one cannot be searched."""
    q = q.strip().upper()
    conds = [_name_starts(name_col, q)]
    if len(q) == 18 and q[:-1].isdigit():
        conds.append(id_number_hash_col == lookup_hash(q))
    if id_col is not None and q.isdigit() and len(q) <= 9:
        conds.append(id_col == int(q))
    return or_(*conds)


FEW_NAMES = 1000  # matches listed by key: below this the planner is told how few they are


def _name_starts(name_col, q: str):
    """People whose name starts with `q`. PostgreSQL estimates a two-character Chinese prefix at about 1 % of
    the table, so on a large subtree it walks the newest applications and tests each name (2.6 s at 1M rows);
    the matches, read first through the name index and handed over by key, are found in milliseconds. A prefix
    shared by more people than FEW_NAMES (one surname) is dense, and the walk is then the right plan."""
    key = sa_inspect(name_col.class_).primary_key[0]
    ids = db.session.execute(select(key).where(name_col.startswith(q)).limit(FEW_NAMES + 1)).scalars().all()
    return key.in_(ids) if len(ids) <= FEW_NAMES else name_col.startswith(q)


def _flag(stmt, flag: str):
    # JSON containment differs per engine; the serialised list is portable and small.
    text = cast(Application.flags, String)
    if flag == "none":
        return stmt.where(or_(Application.flags.is_(None), text.in_(["[]", "null"])))
    if flag == "any":
        return stmt.where(Application.flags.is_not(None), text.not_in(["[]", "null"]))
    if flag:  # verification stores "kind:check"; a bare check name matches it on any document
        return stmt.where(or_(text.contains(f'"{flag}"'), text.contains(f':{flag}"')))
    return stmt
