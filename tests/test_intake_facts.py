"""The submit path reads the application and every eligibility fact in one statement (JSON aggregates in
SQL): it must see exactly what the ORM reads see, on SQLite and on PostgreSQL."""
from datetime import date

import pytest
from factories.intake import draft, make_batch, roster_batch, worker

from backoffice.domain import eligibility as rules
from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.intake import fast_submit
from backoffice.models import RosterEntry
from backoffice.services import applications, eligibility
from backoffice.services.applications import ApplicationError

pytestmark = pytest.mark.both_engines


@pytest.fixture
def world(app, orgs):
    """A worker with roster entries on a linked and an unlinked roster batch, prior claims and a draft."""
    made = orgs
    city, unit = made["GZ"], made["YX-METRO"]
    batch = make_batch(city, required=("id_card_front", "diploma"))
    linked, unlinked = roster_batch(city, "2016年秋季"), roster_batch(city, "2017年春季")
    batch.roster_batches.append(linked)
    person = worker(1, unit, city, on_roster=False, name="王小明")
    db.session.add_all([
        RosterEntry(roster_batch=linked, org=unit, name="王小明", id_number=person.id_number,
                    enrolment_date=date(2016, 9, 1), graduated=True),
        RosterEntry(roster_batch=unlinked, org=unit, name="王小明", id_number=person.id_number,
                    enrolment_date=date(2017, 3, 1), graduated=False),
    ])
    earlier = draft(person, batch, unit, kinds=())
    earlier.state, earlier.study_year, earlier.education_level = S.IN_REVIEW, 2019, "本科"
    other_programme = make_batch(city, name="另一项目")
    elsewhere = draft(person, other_programme, unit, kinds=())
    elsewhere.state = S.APPROVED
    application = draft(person, batch, unit, kinds=("id_card_front",))
    db.session.commit()
    return batch, person, application


def orm_facts(batch, person, application):
    roster = eligibility._facts(eligibility.roster_entries(batch.id, person.id_number))
    prior = eligibility.prior_claims(person.id, batch.programme_id, application.id)
    return roster, prior, eligibility.document_kinds(application.id)


def test_one_statement_reads_what_the_orm_reads(world):
    batch, person, application = world
    expected = orm_facts(batch, person, application)
    assert expected[0] == [rules.RosterFacts("王小明", person.id_number, date(2016, 9, 1), True)]
    assert expected[1] == [rules.PriorClaim(S.IN_REVIEW, 2019, "本科")]
    assert expected[2] == {"id_card_front"}
    assert eligibility.facts_for(batch.id, True, batch.programme_id, person.id, person.id_number,
                                  application.id) == expected
    row = db.session.execute(fast_submit._SNAPSHOT, {"app_id": application.id, "applicant_id": person.id}).one()
    assert eligibility.decode_facts(row.id_number, row.roster_facts, row.prior_facts, row.document_facts) \
        == expected


def test_no_rows_read_as_empty_facts(world):
    batch, person, application = world
    db.session.execute(db.delete(RosterEntry))
    batch.roster_required = False
    db.session.commit()
    fresh = draft(worker(2, application.org, batch.programme.org, on_roster=False), batch, application.org,
                  kinds=())
    db.session.commit()
    assert eligibility.facts_for(batch.id, False, batch.programme_id, fresh.applicant_id, "x", fresh.id) \
        == ([], [], set())


def test_fast_submit_refuses_with_the_reasons_of_the_rules(world):
    batch, person, application = world
    with pytest.raises(ApplicationError) as refused:
        fast_submit.submit(application.id, person.id, person.token_version)
    codes = {r.code for r in refused.value.reasons}
    assert refused.value.code == "not_eligible"
    assert {"already_applying", "missing_document"} <= codes, codes
    assert db.session.get(type(application), application.id).state == S.DRAFT
