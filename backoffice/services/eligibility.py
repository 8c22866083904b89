"""What the submit rules (domain.eligibility) are told: a batch's rules, the roster entries, prior claims and
uploaded kinds for one application, read in one statement that the fast submit path reuses."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, bindparam, exists, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from ..crypto import lookup_hash
from ..domain import eligibility as rules
from ..domain.enums import ApplicationState as S
from ..extensions import db
from ..models import Applicant, Application, Batch, Document, RosterEntry, batch_roster_batches
from ..models.base import utcnow


def batch_rules(batch) -> rules.BatchRules:
    """A batch's submit rules, from a Batch or from a snapshot row with its column names (the submit path's
    read carries programme_enabled and once_rule itself)."""
    if isinstance(batch, Batch):
        programme_enabled, once_rule = batch.programme.enabled, batch.programme.once_rule
    else:
        programme_enabled, once_rule = batch.programme_enabled, batch.once_rule
    return rules.BatchRules(
        opens_at=batch.apply_opens_at, closes_at=batch.apply_closes_at,
        enabled=bool(batch.enabled and programme_enabled), roster_required=batch.roster_required,
        graduation_required=batch.graduation_required, validity_years=batch.validity_years,
        required_documents=tuple(batch.required_documents or ()), once_rule=once_rule)


def roster_entries(batch_id: int, id_number: str) -> list[RosterEntry]:
    """Entries for this ID number on the batch's roster batches (every roster batch when none is linked)."""
    links = select(batch_roster_batches.c.roster_batch_id).where(batch_roster_batches.c.batch_id == batch_id)
    return list(db.session.execute(select(RosterEntry).where(
        RosterEntry.id_number_hash == lookup_hash(id_number),
        or_(RosterEntry.roster_batch_id.in_(links), ~exists(links))).order_by(RosterEntry.id)).scalars())


def prior_claims(applicant_id: int, programme_id: int, exclude_id: int | None) -> list[rules.PriorClaim]:
    rows = db.session.execute(
        select(Application.state, Application.study_year, Application.education_level)
        .join(Batch, Batch.id == Application.batch_id)
        .where(Application.applicant_id == applicant_id, Batch.programme_id == programme_id,
               Application.id != (exclude_id or 0),
               Application.state.in_(rules.ACTIVE_STATES | rules.GRANTED_STATES))).all()
    return [rules.PriorClaim(state=r.state, study_year=r.study_year, education_level=r.education_level)
            for r in rows]


def document_kinds(application_id: int) -> set[str]:
    kinds = db.session.execute(select(Document.kind).where(Document.application_id == application_id)).scalars()
    return {k.value for k in kinds}


def _facts(entries: list[RosterEntry]) -> list[rules.RosterFacts]:
    return [rules.RosterFacts(e.name, e.id_number, e.enrolment_date, e.graduated) for e in entries]


def evaluate(application: Application, now: datetime | None = None) -> rules.Eligibility:
    """Every submit-time rule for this application, with reasons (the facts come in one query)."""
    batch, applicant = application.batch, application.applicant
    roster, prior, documents = submit_facts(application)
    return rules.check(
        batch_rules(batch), now or utcnow(), name=applicant.name, id_number=applicant.id_number,
        roster=roster, prior=prior, documents=documents, study_year=application.study_year,
        education_level=application.education_level)


class json_rows(FunctionElement):
    """Aggregate: one JSON array per row — json_agg(json_build_array(…)) on PostgreSQL, json_group_array on SQLite."""
    type = JSON()
    inherit_cache = True
    name = "json_rows"


@compiles(json_rows)
def _json_rows_sqlite(element, compiler, **kw):
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element, compiler, **kw):
    return f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))"


def fact_columns(application_id, applicant_id, id_number_hash, batch_id, programme_id, roster_required) -> tuple:
    """The three facts the submit rules need, as scalar subqueries: roster entries, prior claims, uploaded kinds.

    The arguments are bind parameters or columns of an enclosing query, so the facts can ride along with the
    read of the application itself (one round trip on the hot submit path). ID numbers are encrypted: the roster
    is matched on the keyed hash (crypto.lookup_hash).
    """
    links = (select(batch_roster_batches.c.roster_batch_id).where(batch_roster_batches.c.batch_id == batch_id)
             .correlate_except(batch_roster_batches))
    roster = select(json_rows(RosterEntry.name, RosterEntry.enrolment_date, RosterEntry.graduated)).where(
        RosterEntry.id_number_hash == id_number_hash, or_(RosterEntry.roster_batch_id.in_(links), ~exists(links)),
        roster_required.is_(True))
    other, its_batch = aliased(Application), aliased(Batch)
    prior = select(json_rows(other.state, other.study_year, other.education_level)).join(
        its_batch, its_batch.id == other.batch_id).where(
        other.applicant_id == applicant_id, its_batch.programme_id == programme_id, other.id != application_id,
        other.state.in_(sorted(rules.ACTIVE_STATES | rules.GRANTED_STATES)))
    documents = select(json_rows(Document.kind)).where(Document.application_id == application_id)
    return (roster.scalar_subquery().label("roster_facts"), prior.scalar_subquery().label("prior_facts"),
            documents.scalar_subquery().label("document_facts"))


def decode_facts(id_number: str, roster_rows, prior_rows, document_rows):
    """(roster, prior, documents) for rules.check from what fact_columns() returned (None: no rows)."""
    roster = [rules.RosterFacts(name, id_number, date.fromisoformat(str(enrolled)[:10]), bool(graduated))
              for name, enrolled, graduated in roster_rows or ()]
    prior = [rules.PriorClaim(S(state), int(year) if year not in (None, "") else None, level)
             for state, year, level in prior_rows or ()]
    return roster, prior, {kind for (kind,) in document_rows or ()}


_FACTS = select(*fact_columns(
    bindparam("application_id"), bindparam("applicant_id"), bindparam("id_number"), bindparam("batch_id"),
    bindparam("programme_id"), bindparam("roster_required", type_=Boolean)))


def facts_for(batch_id: int, roster_required: bool, programme_id: int, applicant_id: int, id_number: str,
              application_id: int, connection=None):
    """Roster entries, prior claims and uploaded kinds in one statement."""
    row = (connection or db.session).execute(_FACTS, {
        "batch_id": batch_id, "id_number": lookup_hash(id_number), "roster_required": roster_required,
        "applicant_id": applicant_id, "programme_id": programme_id, "application_id": application_id}).one()
    return decode_facts(id_number, *row)


def submit_facts(application: Application):
    batch, applicant = application.batch, application.applicant
    return facts_for(batch.id, bool(batch.roster_required), batch.programme_id, applicant.id,
                     applicant.id_number, application.id)


def eligibility_preview(applicant: Applicant, batch: Batch, now: datetime | None = None) -> rules.Eligibility:
    """What the applicant would be told before having a draft (documents are not counted yet)."""
    return rules.check(
        batch_rules(batch), now or utcnow(), name=applicant.name, id_number=applicant.id_number,
        roster=_facts(roster_entries(batch.id, applicant.id_number)) if batch.roster_required else [],
        prior=prior_claims(applicant.id, batch.programme_id, None), documents=set(), check_documents=False)
