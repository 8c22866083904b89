"""Factories the verification tests share (an application with uploaded documents), and flag unit tests."""
from datetime import timedelta

import pytest
from factories.verification import (
    ROSTER_ID,
    ROSTER_NAME,
    add_document,
    make_application,
    seeded_document,
)

from backoffice.domain.enums import DocumentKind, VerificationStatus
from backoffice.extensions import db
from backoffice.models import (
    Document,
    VerificationResult,
)
from backoffice.models.base import utcnow

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
