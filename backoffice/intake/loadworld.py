"""`xuebu seed-load`: a load-test world — one open batch, N applicants with complete drafts — in bulk inserts."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert, select

from verifier.checksums import gb11643_check_char

from ..crypto import lookup_hash
from ..domain.enums import (
    ApplicationState,
    DocumentKind,
    OnceRule,
    OrgKind,
    VerificationStatus,
)
from ..extensions import db
from ..models import (
    Applicant,
    Application,
    Batch,
    Document,
    Organisation,
    Programme,
    RosterBatch,
    RosterEntry,
    VerificationResult,
)
from ..models.base import utcnow
from ..services import accounts, orgs, storage
from ..services.applicants import issue_token

LOAD_PASSWORD = "Load-Test-2024"
KINDS = (DocumentKind.ID_CARD_FRONT, DocumentKind.ID_CARD_BACK)


@dataclass
class LoadWorld:
    batch_id: int
    application_ids: list[int]
    tokens: list[str]


def _id_numbers(n: int, rng: random.Random) -> list[str]:
    """N valid, distinct ID numbers that nobody in the database has yet."""
    out, seen = [], set()
    while len(out) < n:
        region = f"44{rng.randrange(1, 99):02d}{rng.randrange(1, 99):02d}"
        birth = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 12000))
        first17 = f"{region}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
        number = first17 + gb11643_check_char(first17)
        if number not in seen:
            seen.add(number)
            out.append(number)
    taken, hashes = set(), {lookup_hash(x): x for x in out}
    for i in range(0, n, 1000):
        taken |= {hashes[h] for h in db.session.execute(select(Applicant.id_number_hash).where(
            Applicant.id_number_hash.in_(list(hashes)[i:i + 1000]))).scalars()}
    return [x for x in out if x not in taken] + (_id_numbers(len(taken), rng) if taken else [])


def _orgs(stamp: str) -> tuple[Organisation, Organisation]:
    root = db.session.execute(select(Organisation).where(Organisation.parent_id.is_(None))
                              .order_by(Organisation.id)).scalars().first()
    if root is None:
        root = orgs.create_org(None, code=f"LOAD-{stamp}", name=f"压测市总工会{stamp}", kind=OrgKind.CITY)
    unit = orgs.create_org(root, code=f"LOAD-UNIT-{stamp}", name=f"压测基层工会{stamp}", kind=OrgKind.GRASSROOTS)
    return root, unit


def _batch(root: Organisation, quota: int, waitlist_cap: int, stamp: str) -> tuple[Batch, RosterBatch]:
    now = utcnow()
    programme = Programme(org_id=root.id, name=f"压测项目{stamp}", once_rule=OnceRule.PER_PERSON)
    roster = RosterBatch(org_id=root.id, name=f"压测名单{stamp}", published_at=now)
    batch = Batch(programme=programme, name="压测批次", quota=quota, waitlist_cap=waitlist_cap, amount=1000,
                  apply_opens_at=now - timedelta(hours=1), apply_closes_at=now + timedelta(days=1),
                  review_closes_at=now + timedelta(days=10), roster_required=True, graduation_required=True,
                  validity_years=8, required_documents=[k.value for k in KINDS], roster_batches=[roster])
    db.session.add_all([programme, roster, batch])
    db.session.flush()
    return batch, roster


def _files() -> dict:
    import io

    from PIL import Image
    out = {}
    for i, kind in enumerate(KINDS):
        buf = io.BytesIO()
        Image.new("RGB", (320, 200), (255, 255 - i, 255)).save(buf, "PNG")
        data = buf.getvalue()
        key, digest = storage.save(data, "png")
        out[kind] = (key, digest, len(data))
    return out


def build(n: int, quota: int, waitlist_cap: int | None = None, seed: int | None = None) -> LoadWorld:
    """Everything in one transaction, with executemany inserts; one password hash shared by all."""
    rng = random.Random(seed)
    stamp = f"{utcnow():%m%d%H%M%S}{rng.randrange(1000):03d}"
    root, unit = _orgs(stamp)
    batch, roster = _batch(root, quota, n - quota if waitlist_cap is None else waitlist_cap, stamp)
    numbers = _id_numbers(n, rng)
    names = [f"压测{i:05d}" for i in range(n)]
    enrolled = date(date.today().year - 3, 9, 1)
    db.session.execute(insert(RosterEntry), [
        {"roster_batch_id": roster.id, "org_id": unit.id, "name": nm, "id_number": num,
         "id_number_hash": lookup_hash(num), "enrolment_date": enrolled,
         "level": "大专", "graduated": True, "graduation_date": enrolled.replace(year=enrolled.year + 2)}
        for nm, num in zip(names, numbers)])
    pw = accounts.hash_password(LOAD_PASSWORD)
    applicant_ids = list(db.session.scalars(insert(Applicant).returning(Applicant.id, sort_by_parameter_order=True), [
        {"name": nm, "id_number": num, "id_number_hash": lookup_hash(num), "mobile": f"137{i:08d}", "password_hash": pw, "org_id": unit.id,
         "token_version": 1} for i, (nm, num) in enumerate(zip(names, numbers))]))
    app_ids = list(db.session.scalars(insert(Application).returning(Application.id, sort_by_parameter_order=True), [
        {"batch_id": batch.id, "applicant_id": aid, "org_id": unit.id, "state": ApplicationState.DRAFT,
         "education_level": "大专", "study_year": enrolled.year, "flags": [], "return_items": []}
        for aid in applicant_ids]))
    _documents(app_ids)
    db.session.commit()
    return LoadWorld(batch.id, app_ids, [issue_token(aid, 1) for aid in applicant_ids])


def _documents(app_ids: list[int]) -> None:
    files = _files()
    rows = [{"application_id": app_id, "kind": kind, "storage_key": key, "sha256": digest, "mime": "image/png",
             "size": size, "width": 320, "height": 200, "verification_status": VerificationStatus.DONE,
             "original_name": f"{kind.value}.png"}
            for app_id in app_ids for kind, (key, digest, size) in files.items()]
    doc_ids = list(db.session.scalars(insert(Document).returning(Document.id, sort_by_parameter_order=True), rows))
    version = _checks_version()
    db.session.execute(insert(VerificationResult), [
        {"document_id": doc_id, "checks_version": version, "sha256": row["sha256"], "flags": [], "elapsed_ms": 0,
         "result": {"kind": row["kind"].value, "checks": [], "flags": [], "note": "seed-load: recorded as done"}}
        for doc_id, row in zip(doc_ids, rows)])


def _checks_version() -> str:
    try:
        from ..services.verification import checks_version
        return checks_version()[:20]
    except Exception:  # noqa: BLE001  (the verification feature is optional for a load world)
        return "seed-load"
