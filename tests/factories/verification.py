"""Builders for verification tests: a roster-backed application and a synthetic application-form upload."""
import io
from datetime import date, timedelta

import numpy as np

from backoffice.domain.enums import DocumentKind, VerificationStatus
from backoffice.extensions import db
from backoffice.models import (
    Applicant,
    Application,
    Batch,
    Document,
    Programme,
    RosterBatch,
    RosterEntry,
)
from backoffice.models.base import utcnow
from backoffice.services import storage

ROSTER_NAME = "陈志强"
ROSTER_ID = "44010619850312001X"


def form_image(seal: bool = True, seed: int = 3) -> bytes:
    """A rendered application form (photo present), stamped or not, as PNG bytes."""
    from verifier.synth import pages
    rng = np.random.default_rng(seed)
    page = pages.application_form(rng, ROSTER_NAME, ROSTER_ID, "广州港集团有限公司", "face",
                                  "red" if seal else "none", red_confounders=False)
    buf = io.BytesIO()
    page.save(buf, "PNG")
    return buf.getvalue()


def make_application(org, *, name: str = ROSTER_NAME, id_number: str = ROSTER_ID) -> Application:
    programme = Programme(org_id=org.id, name=f"补助项目{org.code}")
    now = utcnow()
    batch = Batch(programme=programme, name="第一批", quota=10, amount=1500, apply_opens_at=now - timedelta(days=1),
                  apply_closes_at=now + timedelta(days=9), review_closes_at=now + timedelta(days=19))
    roster = RosterBatch(org_id=org.id, name=f"名单{org.code}{id_number[-4:]}")
    entry = RosterEntry(roster_batch=roster, org_id=org.id, name=name, id_number=id_number,
                        enrolment_date=date(2016, 9, 1))
    applicant = Applicant(name=name, id_number=id_number, mobile="13800000000", password_hash="x", org_id=org.id)
    application = Application(batch=batch, applicant=applicant, org_id=org.id, roster_entry=entry)
    db.session.add_all([programme, batch, roster, entry, applicant, application])
    db.session.flush()
    return application


def add_document(application: Application, data: bytes, kind=DocumentKind.APPLICATION_FORM) -> Document:
    """Store the bytes the way intake does and add a PENDING document (the caller commits)."""
    key, sha = storage.save(data, "png")
    document = Document(application=application, kind=kind, storage_key=key, sha256=sha, mime="image/png",
                        size=len(data), verification_status=VerificationStatus.PENDING)
    db.session.add(document)
    db.session.flush()
    return document


def seeded_document(org, *, seal: bool = True) -> Document:
    document = add_document(make_application(org), form_image(seal=seal))
    db.session.commit()
    return document
