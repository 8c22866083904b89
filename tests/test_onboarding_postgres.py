"""On real PostgreSQL: one link with one place under 50 concurrent registrations; moving a subtree."""
import threading

import pytest

from backoffice.domain import credit_code as cc
from backoffice.extensions import db
from backoffice.models import AdminUser, Invitation, Organisation
from backoffice.services import invitations, registration, suborgs

pytestmark = pytest.mark.postgres


def _code(i: int) -> str:
    first17 = f"91440104MA{i:07d}"
    return first17 + cc.check_char(first17)


def _data(i: int) -> registration.RegistrationData:
    return registration.RegistrationData(
        name=f"并发测试企业{i}", kind="enterprise", credit_code=_code(i), address="广州市", contact_name="王五",
        contact_mobile="13900000000", username=f"race_admin_{i}", password="Race-2024-okay")


def test_fifty_concurrent_registrations_on_a_one_place_link(pg_app, pg_orgs):
    invitation, token = invitations.create_invitation(pg_orgs["YX"], kind="enterprise", max_uses=1)
    barrier = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int):
        with pg_app.app_context():
            barrier.wait()
            try:
                registration.register(token, _data(i))
                result = "ok"
            except registration.RegistrationError as exc:
                result = exc.link or "error"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 50 and outcomes.count("ok") == 1
    assert set(outcomes) == {"ok", "used_up"}
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).used_count == 1
    made = db.session.scalars(db.select(Organisation).where(Organisation.invitation_id == invitation.id)).all()
    assert len(made) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(AdminUser)
                             .where(AdminUser.username.like("race_admin_%"))) == 1


def test_city_moves_a_subtree_on_postgres(pg_app, pg_orgs):
    metro, hz = pg_orgs["YX-METRO"], pg_orgs["HZ"]
    from backoffice.services import orgs
    child = orgs.create_org(metro, code="YX-METRO-A", name="地铁一分会", kind=metro.kind)
    db.session.commit()
    city_admin = db.session.scalar(db.select(AdminUser).filter_by(username="gz_admin"))
    suborgs.move(city_admin, metro, hz)
    metro, child = db.session.get(Organisation, metro.id), db.session.get(Organisation, child.id)
    assert metro.path == f"{hz.path}{metro.id}/" and child.path == f"{hz.path}{metro.id}/{child.id}/"
    assert (metro.depth, child.depth) == (2, 3)
    hz_admin = db.session.scalar(db.select(AdminUser).filter_by(username="hz_admin"))
    hz = db.session.get(Organisation, hz.id)
    assert {o.code for o in db.session.scalars(suborgs.level(hz_admin, hz))} == {"HZ-PORT", "YX-METRO"}
    assert [o.code for o in db.session.scalars(suborgs.level(hz_admin, hz, q="地铁一"))] == ["YX-METRO-A"]
    with pytest.raises(suborgs.SubOrgError):
        suborgs.move(hz_admin, child, hz)  # only the city moves orgs
