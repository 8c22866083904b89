"""Row factories for tests: one record of each model owned by a given organisation."""
import itertools
from datetime import date, datetime, timedelta

from backoffice.domain.enums import ApplicationState, DocumentKind, OrgKind
from backoffice.extensions import db
from backoffice.models import (
    AdminUser,
    Appeal,
    Applicant,
    Application,
    AuditEvent,
    Batch,
    Disbursement,
    Document,
    FundingLine,
    Invitation,
    Notification,
    Organisation,
    PaymentBatch,
    Programme,
    PublicNotice,
    ReviewAction,
    RosterBatch,
    RosterEntry,
    Transfer,
    VerificationResult,
)
from backoffice.services import orgs as org_service

_seq = itertools.count(1)


def valid_id_number(n: int, birth: date = date(1990, 5, 17)) -> str:
    from verifier.checksums import gb11643_check_char
    first17 = f"440106{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + gb11643_check_char(first17)


def programme(org, **kw):
    p = Programme(org=org, name=kw.pop("name", f"项目{next(_seq)}"), **kw)
    db.session.add(p)
    return p


def batch(org=None, programme_=None, **kw):
    now = datetime.utcnow()
    fields = dict(name=f"批次{next(_seq)}", apply_opens_at=now - timedelta(days=1),
                  apply_closes_at=now + timedelta(days=10), review_closes_at=now + timedelta(days=20),
                  quota=10, waitlist_cap=5, amount=1500, required_documents=[], roster_required=False)
    fields.update(kw)
    b = Batch(programme=programme_ or programme(org), **fields)
    db.session.add(b)
    return b


def applicant(org, **kw):
    n = next(_seq)
    a = Applicant(name=kw.pop("name", f"职工{n}"), id_number=kw.pop("id_number", valid_id_number(n)),
                  mobile=f"139{n:08d}", password_hash="x", org=org, **kw)
    db.session.add(a)
    return a


def application(org, batch_=None, **kw):
    a = Application(batch=batch_ or batch(org), applicant=applicant(org), org_id=org.id,
                    state=kw.pop("state", ApplicationState.DRAFT), **kw)
    db.session.add(a)
    return a


def document(org, application_=None):
    d = Document(application=application_ or application(org), kind=DocumentKind.ID_CARD_FRONT,
                 storage_key="00/00/x.png", sha256="0" * 64, mime="image/png", size=1)
    db.session.add(d)
    return d


def roster_batch(org):
    r = RosterBatch(org=org, name=f"名单{next(_seq)}")
    db.session.add(r)
    return r


def make(model, org: Organisation):
    """One record of `model` owned by `org` (for scope tests); returns the record."""
    n = next(_seq)
    makers = {
        Organisation: lambda: org_service.create_org(org, code=f"SUB{n}", name=f"下级{n}", kind=OrgKind.ENTERPRISE),
        AdminUser: lambda: _add(AdminUser(org=org, username=f"user{n}", password_hash="x")),
        Invitation: lambda: _add(Invitation(org=org, kind="union", token_hash=f"{n:064d}",
                                            expires_at=datetime.utcnow() + timedelta(days=1))),
        Programme: lambda: programme(org),
        Batch: lambda: batch(org),
        FundingLine: lambda: _add(FundingLine(batch=batch(org), org=org, name=f"配套{n}", amount=1000, quota=5)),
        RosterBatch: lambda: roster_batch(org),
        RosterEntry: lambda: _add(RosterEntry(roster_batch=roster_batch(org), org=org, name=f"名单人{n}",
                                              id_number=valid_id_number(n), enrolment_date=date(2016, 9, 1))),
        Applicant: lambda: applicant(org),
        Application: lambda: application(org),
        Document: lambda: document(org),
        VerificationResult: lambda: _add(VerificationResult(document=document(org), checks_version="t",
                                                            sha256="0" * 64, result={}, flags=[])),
        ReviewAction: lambda: _add(ReviewAction(application=application(org), org_id=org.id, decision="approve")),
        Appeal: lambda: _add(Appeal(application=application(org), to_org_id=org.id, text="申诉")),
        Transfer: lambda: _add(Transfer(applicant=applicant(org), from_org_id=org.id, to_org_id=org.id,
                                        requested_by="test")),
        PublicNotice: lambda: _add(PublicNotice(batch=batch(org), org_id=org.id, title="公示",
                                                starts_at=datetime.utcnow(), ends_at=datetime.utcnow())),
        PaymentBatch: lambda: _add(PaymentBatch(batch=batch(org), org_id=org.id, name=f"发放{n}")),
        Disbursement: lambda: _add(Disbursement(payment_batch=_add(PaymentBatch(batch=batch(org), org_id=org.id,
                                                                                name=f"发放{n}")),
                                                application=application(org), amount=1500)),
        AuditEvent: lambda: _add(AuditEvent(actor_type="system", org_id=org.id, action="test")),
        Notification: lambda: _add(Notification(event="approved", key=f"approved:{n}", recipient_type="applicant",
                                                recipient_id=n, org_id=org.id, channel="log", subject="通知",
                                                body="补助申请已审核通过。", status="failed")),
    }
    if model not in makers:
        raise LookupError(f"tests/factories.py has no factory for {model.__name__}: add one so its console view "
                          f"is covered by the access matrix")
    record = makers[model]()
    db.session.flush()
    return record


def _add(obj):
    db.session.add(obj)
    return obj


# Who owns a row, defined independently of backoffice.services.scope (the test oracle).
OWNERS = {
    Organisation: lambda r: [r.id],
    AdminUser: lambda r: [r.org_id], Invitation: lambda r: [r.org_id], Programme: lambda r: [r.org_id],
    Batch: lambda r: [r.programme.org_id], FundingLine: lambda r: [r.org_id], RosterBatch: lambda r: [r.org_id],
    RosterEntry: lambda r: [r.org_id], Applicant: lambda r: [r.org_id], Application: lambda r: [r.org_id],
    Document: lambda r: [r.application.org_id], VerificationResult: lambda r: [r.document.application.org_id],
    ReviewAction: lambda r: [r.application.org_id], Appeal: lambda r: [r.application.org_id],
    Transfer: lambda r: [r.from_org_id, r.to_org_id], PublicNotice: lambda r: [r.org_id],
    PaymentBatch: lambda r: [r.org_id], Disbursement: lambda r: [r.application.org_id],
    AuditEvent: lambda r: [r.org_id], Notification: lambda r: [r.org_id],
}


def applicant_with_application(orgs, *, unit="YX-METRO", state=ApplicationState.IN_REVIEW, **applicant_fields):
    """A worker of `unit` with one application in a city batch; committed."""
    org = orgs[unit]
    person = applicant(org, **applicant_fields)
    app = application(org, batch(orgs["GZ"]), state=state)
    app.applicant = person
    db.session.commit()
    return person, app


def png_bytes(size=(64, 48), color="white") -> bytes:
    """A small valid PNG, for uploads."""
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


def admin(username: str) -> AdminUser:
    return db.session.execute(db.select(AdminUser).filter_by(username=username)).scalar_one()


def grant(user_or_username, *permissions) -> AdminUser:
    """Give an account permissions as the operator would (`xuebu grant-permission`); the caller commits."""
    from backoffice.services import permissions as service
    user = admin(user_or_username) if isinstance(user_or_username, str) else user_or_username
    for permission in permissions:
        service.grant(None, user, permission, via="cli")
    return user
