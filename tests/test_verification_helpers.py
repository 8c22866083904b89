"""Factories the verification tests share (an application with uploaded documents), and flag unit tests."""
import io
from datetime import date, timedelta

import numpy as np
import pytest

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
    VerificationResult,
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


# ---- flag bookkeeping (no services needed) ------------------------------------------------------------

def _result(document, flags, version=None):
    from backoffice.services.verification import checks_version
    result = VerificationResult(sha256=document.sha256, checks_version=version or checks_version(),
                                result={"checks": [], "flags": flags}, flags=flags)
    document.results.append(result)
    return result


def test_flags_are_kind_qualified_and_keep_other_features_flags(app, orgs):
    from backoffice.services.verification import recompute_flags
    application = make_application(orgs["HZ-PORT"])
    application.flags = ["not_in_roster"]
    form = add_document(application, b"form-bytes")
    card = add_document(application, b"card-bytes", DocumentKind.ID_CARD_FRONT)
    form.verification_status = VerificationStatus.DONE
    card.verification_status = VerificationStatus.FAILED
    _result(form, ["seal_present"])
    db.session.flush()
    assert recompute_flags(application) == [
        "not_in_roster", "application_form:seal_present", "id_card_front:verification_failed"]


def test_only_the_latest_upload_of_a_kind_counts(app, orgs):
    from backoffice.services.verification import recompute_flags
    application = make_application(orgs["HZ-PORT"])
    old = add_document(application, b"old-form")
    new = add_document(application, b"new-form")
    for document, flags in ((old, ["seal_present"]), (new, [])):
        document.verification_status = VerificationStatus.DONE
        _result(document, flags)
    db.session.flush()
    assert recompute_flags(application) == []


def test_job_id_is_stable_and_rq_safe(app, orgs):
    from rq.job import JOB_ID_PATTERN

    from backoffice.services.verification import job_id_for
    document = seeded_document(orgs["HZ-PORT"])
    assert job_id_for(document) == job_id_for(document)
    assert JOB_ID_PATTERN.fullmatch(job_id_for(document))


@pytest.mark.parametrize("source", ["roster", "applicant"])
def test_expected_values_prefer_the_roster(app, orgs, source):
    from backoffice.services.verification import expected_values
    application = make_application(orgs["YX-METRO"])
    application.applicant.name = "陈志刚"
    if source == "applicant":
        application.roster_entry = None
    expected = expected_values(application)
    assert expected["name"] == (ROSTER_NAME if source == "roster" else "陈志刚")
    assert expected["id_number"] == ROSTER_ID


def test_sweeper_gives_up_on_a_document_that_keeps_killing_workers(app, orgs):
    from backoffice.verification.sweeper import MAX_ATTEMPTS, sweep_stuck
    document = seeded_document(orgs["HZ-PORT"])
    document.verification_status = VerificationStatus.VERIFYING
    document.verification_started_at = utcnow() - timedelta(hours=2)
    document.verification_attempts = MAX_ATTEMPTS
    db.session.commit()
    assert sweep_stuck()["stuck"] == 0
    db.session.expire_all()
    document = db.session.get(Document, document.id)
    assert document.verification_status == VerificationStatus.FAILED
    assert document.application.flags == ["application_form:verification_failed"]


def test_inline_sweep_verifies_pending_documents(app, orgs):
    from backoffice.verification.sweeper import sweep_stuck
    document = seeded_document(orgs["YX-METRO"])   # stored but never requested (e.g. the web crashed)
    assert sweep_stuck()["requeued"] == 0         # too young to be considered lost
    assert sweep_stuck(utcnow() + timedelta(hours=1)) == {"stuck": 0, "waiting": 1, "requeued": 1}
    db.session.expire_all()
    assert db.session.get(Document, document.id).verification_status == VerificationStatus.DONE
