"""The counts PostgreSQL keeps (application_tally + its unfolded deltas) always equal counting the applications:
after inserts, state and flag changes, transfers between unions, deletions, bulk updates, folds and moves of a
subtree under another parent, for the city, a district and a unit, by every key."""
import random

import pytest
from sqlalchemy import delete, update

from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.models import Application
from backoffice.services import orgs as org_service
from backoffice.services import tally
from factories import applicant, batch

pytestmark = pytest.mark.postgres
BYS = [("state",), ("batch_id", "state"), ("flagged",), ("ranked", "state"), ("batch_id", "state", "flagged", "ranked")]


def _agree(orgs):
    db.session.expire_all()
    for org in orgs.values():
        for by in BYS:
            kept = tally.counts(org.id, org.path, by)
            live = tally._live(org.path, by, {})
            live = {(r[0] if len(by) == 1 else tuple(r[:-1])): r[-1] for r in live}
            assert kept == live, (org.code, by)


def test_the_kept_counts_follow_every_change(app, orgs):
    assert tally.kept()
    from backoffice.models import ApplicationTallyDelta
    rng = random.Random(20261204)
    batches = [batch(orgs["GZ"]) for _ in range(2)]
    units = [orgs["YX-METRO"], orgs["HZ-PORT"]]
    db.session.commit()
    rank = iter(range(1, 10_000))
    for step in range(12):
        for _ in range(rng.randint(1, 6)):  # new applications, one by one
            unit = rng.choice(units)
            db.session.add(Application(batch=rng.choice(batches), applicant=applicant(unit), org_id=unit.id,
                                       state=rng.choice(list(S)), flags=rng.choice([[], ["bank_card:x"]])))
        db.session.commit()
        rows = db.session.execute(db.select(Application)).scalars().all()
        for a in rng.sample(rows, min(3, len(rows))):  # changes through the ORM
            a.state = rng.choice(list(S))
            a.flags = rng.choice([[], ["id_card_front:name_match"]])
            a.quota_rank = next(rank) if rng.random() < 0.5 else None
            if rng.random() < 0.3:
                a.org_id = rng.choice(units).id  # a transfer
        db.session.commit()
        db.session.execute(update(Application).where(Application.state == S.WAITLISTED)
                           .values(state=S.IN_REVIEW))  # a set-wise statement, as the allocator does
        if step % 4 == 3:
            db.session.execute(delete(Application).where(Application.id == rng.choice(rows).id))
        db.session.commit()
        assert db.session.execute(db.select(ApplicationTallyDelta)).first() is not None or step % 3 == 0
        _agree(orgs)
        if step % 3 == 2:
            assert tally.fold()
            _agree(orgs)
    org_service.move_subtree(orgs["HZ-PORT"], orgs["YX"])  # the city moves a union to another district
    db.session.commit()
    _agree(orgs)
    tally.fold()
    tally.rebuild()
    _agree(orgs)
