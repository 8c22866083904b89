"""The demo world's showcase applications carry realistic uploads that the verifier really checked."""
from backoffice.domain.enums import VerificationStatus
from backoffice.models import Application
from backoffice.demo.seed import seed_demo_world


def test_showcase_uploads_are_verified_and_the_planted_problem_is_flagged(app, db):
    lines = seed_demo_world(showcase=2)  # PROBLEMS[0] is None, PROBLEMS[1] is "no_seal"
    assert any("仿真材料" in line for line in lines)
    shown = db.session.execute(db.select(Application).where(Application.documents.any(mime="image/jpeg"))
                               .order_by(Application.id)).scalars().all()
    assert len(shown) == 2
    for application in shown:
        assert {d.verification_status for d in application.documents} == {VerificationStatus.DONE}
        assert all(d.results for d in application.documents)
    clean, no_seal = shown
    assert "application_form:seal_present" in no_seal.flags
    assert "application_form:seal_present" not in clean.flags
    assert "application_form:photo_present" not in clean.flags


def test_showcase_is_idempotent(app, db):
    seed_demo_world(showcase=1)
    again = seed_demo_world(showcase=1)
    assert not any("仿真材料" in line for line in again)
