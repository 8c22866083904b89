"""Verification on PostgreSQL: inline run, the JSON flag filter, idempotent results under the unique key."""
import pytest
from factories.verification import make_application, seeded_document
from sqlalchemy import select

from backoffice.domain.enums import VerificationStatus as VS
from backoffice.extensions import db
from backoffice.models import Application, Document, VerificationResult
from backoffice.services import verification
from backoffice.verification.ui import FlagFilter

pytestmark = pytest.mark.postgres


def test_flag_filter_matches_json_flags_on_postgres(pg_app, pg_orgs):
    flagged = seeded_document(pg_orgs["HZ-PORT"], seal=False)
    clean = make_application(pg_orgs["YX-METRO"], name="李秀英", id_number="440106199001010011")
    db.session.commit()
    verification.request_verification([flagged.id])
    flt = FlagFilter(Application.flags)

    def ids(value):
        return set(db.session.execute(flt.apply(select(Application.id), value)).scalars())
    assert ids("seal_present") == {flagged.application_id}
    assert ids("any") == {flagged.application_id}
    assert ids("name_match") == set()
    assert clean.id not in ids("seal_present")


def test_running_twice_keeps_one_result(pg_app, pg_orgs):
    document = seeded_document(pg_orgs["HZ-PORT"])
    verification.run_verification(document.id)
    db.session.get(Document, document.id).verification_status = VS.QUEUED
    db.session.commit()
    verification.run_verification(document.id)
    assert db.session.execute(select(db.func.count(VerificationResult.id))).scalar() == 1
    assert db.session.get(Document, document.id).verification_status == VS.DONE


def test_a_concurrent_worker_storing_first_wins_without_error(pg_app, pg_orgs, monkeypatch):
    document = seeded_document(pg_orgs["HZ-PORT"])
    real = verification._verify

    def verify_while_another_worker_finishes(doc):
        payload = real(doc)
        with db.engine.begin() as other:   # the other worker's transaction commits first
            other.execute(VerificationResult.__table__.insert().values(
                document_id=doc.id, sha256=doc.sha256, checks_version=verification.checks_version(),
                result={"checks": [], "flags": ["photo_present"]}, flags=["photo_present"],
                created_at=doc.uploaded_at))
        return payload
    monkeypatch.setattr(verification, "_verify", verify_while_another_worker_finishes)
    result = verification.run_verification(document.id)
    assert result.flags == ["photo_present"]
    document = db.session.get(Document, document.id)
    assert document.verification_status == VS.DONE
    assert document.application.flags == ["application_form:photo_present"]
