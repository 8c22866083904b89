"""The demo world of contract §3: five orgs, their admins, a programme with an open batch, a roster,
and applications in every state with demo images. Running it again changes nothing."""
import io
import random
from datetime import date, timedelta

from verifier.checksums import gb11643_check_char

from ..domain.bank_card import demo_card_number
from ..domain.enums import ApplicationState, DocumentKind, OnceRule, OrgKind, ReviewDecision, VerificationStatus
from ..extensions import db
from ..models import (
    Applicant, Application, Batch, Document, Organisation, Programme, ReviewAction, RosterBatch, RosterEntry,
)
from ..models.base import utcnow
from ..services import accounts, orgs, permissions, storage
from ..services.verification import request_verification
from .review import seed_review_demo

ORGS = [  # code, name, parent, kind, username, password
    ("GZ", "广州市总工会", None, OrgKind.CITY, "gz_admin", "demo-GZ-2021"),
    ("YX", "越秀区总工会", "GZ", OrgKind.DISTRICT, "yx_admin", "demo-YX-2021"),
    ("HZ", "海珠区总工会", "GZ", OrgKind.DISTRICT, "hz_admin", "demo-HZ-2021"),
    ("YX-METRO", "广州地铁集团有限公司工会", "YX", OrgKind.GRASSROOTS, "yxmetro_admin", "demo-YXMETRO-2021"),
    ("HZ-PORT", "广州港集团有限公司工会", "HZ", OrgKind.GRASSROOTS, "hzport_admin", "demo-HZPORT-2021"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国志强海燕文辉建华"
PER_STATE = 30
DEMO_PROGRAMME = "2021年职工学历提升补助"
DEMO_APPLICANT_PASSWORD = "demo-Worker-2021"


def id_number(region: str, birth: date, seq: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + gb11643_check_char(first17)


def seed_demo_world(showcase: int = 0) -> list[str]:
    """The demo world; `showcase` applications also get realistic, verified uploads (slow: ~2 s each)."""
    rng = random.Random(2021)
    by_code = ensure_demo_orgs()
    batch = _ensure_programme(by_code["GZ"])
    roster = _ensure_roster(by_code, rng)
    made = _ensure_applications(batch, roster, rng)
    seed_review_demo(batch)  # notice, payments and appeals for the demo states
    db.session.commit()
    shown = _ensure_showcase(batch, showcase) if showcase else 0
    lines = [f"组织 {len(by_code)} 个，预报名名单 {len(roster)} 人，本次新建申请 {made} 份。",
             "演示账号：" + "，".join(f"{u}/{p}" for *_, u, p in ORGS)]
    if shown:
        lines.insert(1, f"另有 {shown} 份待审申请换上仿真材料照片，已提交自动核验。")
    return lines


def ensure_demo_orgs() -> dict[str, Organisation]:
    """The five demo organisations with one admin each, created when missing: {code: Organisation}."""
    return {code: _ensure_org(code, name, parent, kind, user, pw) for code, name, parent, kind, user, pw in ORGS}


def _ensure_org(code, name, parent_code, kind, username, password) -> Organisation:
    org = orgs.find_by_code(code)
    if org is None:
        parent = orgs.find_by_code(parent_code) if parent_code else None
        org = orgs.create_org(parent, code=code, name=name, kind=kind)
    if not db.session.execute(db.select(accounts.AdminUser).filter_by(username=username)).scalar_one_or_none():
        user = accounts.create_admin(org, username, password, "admin", display_name=f"{name}管理员", via="seed-demo")
        if parent_code is None:  # the demo city may see full values (and hand that on), to show how it works
            permissions.grant(None, user, permissions.Permission.UNMASK, via="seed-demo")
    db.session.flush()
    return org


def _ensure_programme(city: Organisation) -> Batch:
    programme = db.session.execute(db.select(Programme).filter_by(name=DEMO_PROGRAMME)).scalar_one_or_none()
    if programme is None:
        programme = Programme(org=city, name=DEMO_PROGRAMME, once_rule=OnceRule.PER_PERSON,
                              description="先到先得，额满即止。已列入预报名名单且已毕业的职工可申领。")
        db.session.add(programme)
    batch = next((b for b in programme.batches if b.name == "第一批"), None)
    now = utcnow()
    if batch is None:
        batch = Batch(programme=programme, name="第一批", quota=2000, waitlist_cap=500, amount=1500,
                      apply_opens_at=now - timedelta(days=7), apply_closes_at=now + timedelta(days=30),
                      review_closes_at=now + timedelta(days=40), roster_required=True, graduation_required=True,
                      validity_years=8, required_documents=[k.value for k in (
                          DocumentKind.APPLICATION_FORM, DocumentKind.ID_CARD_FRONT, DocumentKind.ID_CARD_BACK,
                          DocumentKind.BANK_CARD, DocumentKind.DIPLOMA)])
        db.session.add(batch)
    db.session.flush()
    return batch


def _ensure_roster(by_code, rng) -> list[RosterEntry]:
    rb = db.session.execute(db.select(RosterBatch).filter_by(name="2016年秋季")).scalar_one_or_none()
    if rb is None:
        rb = RosterBatch(org=by_code["GZ"], name="2016年秋季", published_at=utcnow() - timedelta(days=365))
        db.session.add(rb)
        db.session.flush()
    existing = db.session.execute(db.select(RosterEntry).filter_by(roster_batch_id=rb.id)).scalars().all()
    if existing:
        return list(existing)
    entries = []
    for i in range(PER_STATE * len(ApplicationState) + 40):
        org = by_code["YX-METRO"] if i % 2 == 0 else by_code["HZ-PORT"]
        birth = date(1980, 1, 1) + timedelta(days=rng.randrange(0, 6000))
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        entries.append(RosterEntry(
            roster_batch=rb, org=org, name=name, id_number=id_number("440106", birth, i % 1000),
            # Relative dates: the pre-registration lapses 8 years after enrolment, the demo must stay valid.
            enrolment_date=date(date.today().year - 4, 9, 1), school="广东开放大学",
            level=rng.choice(["大专", "本科"]), graduated=True, graduation_date=date(date.today().year - 1, 7, 1)))
    db.session.add_all(entries)
    db.session.flush()
    return entries


def _ensure_applications(batch: Batch, roster: list[RosterEntry], rng) -> int:
    if db.session.execute(db.select(Application.id).filter_by(batch_id=batch.id).limit(1)).first():
        return 0
    images = _demo_images()
    pw = accounts.hash_password(DEMO_APPLICANT_PASSWORD)
    states = list(ApplicationState)
    rank = 0
    now = utcnow()
    for i, entry in enumerate(roster[: PER_STATE * len(states)]):
        state = states[i % len(states)]
        applicant = Applicant(name=entry.name, id_number=entry.id_number, mobile=f"138{i:08d}",
                              password_hash=pw, org_id=entry.org_id)
        app = Application(batch=batch, applicant=applicant, org_id=entry.org_id, roster_entry=entry,
                          state=state, education_level=entry.level, study_year=2016)
        if state not in (ApplicationState.DRAFT,):
            app.submitted_at = app.first_submitted_at = now - timedelta(hours=len(roster) - i)
        if state == ApplicationState.WAITLISTED:
            batch.waitlist_count += 1
            app.waitlist_position = batch.waitlist_count
        elif state not in (ApplicationState.DRAFT, ApplicationState.WITHDRAWN, ApplicationState.REFUSED):
            rank += 1
            app.quota_rank = rank
            app.amount = batch.amount
        if state == ApplicationState.IN_REVIEW:
            app.reviewing_org_id = _chain(entry.org)[(i // len(states)) % 3]  # spread over the levels
        db.session.add(app)
        _attach_documents(app, images)
        _history(app, state, entry.org)
    batch.allocated_count = rank
    return PER_STATE * len(states)


def _ensure_showcase(batch: Batch, count: int) -> int:
    """Give the first in-review applications at their unit level realistic uploads, then verify them."""
    from .documents import PROBLEMS, render_documents  # numpy and the synthesiser: only when showcasing
    candidates = db.session.execute(
        db.select(Application).filter_by(batch_id=batch.id, state=ApplicationState.IN_REVIEW)
        .where(Application.reviewing_org_id == Application.org_id).order_by(Application.id).limit(count)
    ).scalars().all()
    fresh = [a for a in candidates if all(d.mime == "image/png" for d in a.documents)]
    doc_ids = []
    for n, app in enumerate(fresh):
        applicant = app.applicant
        applicant.bank_card = applicant.bank_card or demo_card_number(applicant.id)
        rendered = render_documents(app.id, applicant.name, applicant.id_number, app.org.name,
                                    applicant.bank_card, PROBLEMS[n % len(PROBLEMS)])
        for doc in app.documents:
            data = rendered.get(doc.kind)
            if data is not None:
                doc.storage_key, doc.sha256 = storage.save(data, "jpg")
                doc.mime, doc.size = "image/jpeg", len(data)
                doc_ids.append(doc.id)
    db.session.commit()
    request_verification(doc_ids)  # in-process without Redis; queued for `python worker.py` with it
    return len(fresh)


def _chain(org: Organisation) -> list[int]:
    return list(reversed(org.ancestor_ids()))


def _history(app: Application, state: ApplicationState, org: Organisation) -> None:
    if state == ApplicationState.DRAFT:
        return
    db.session.add(ReviewAction(application=app, decision=ReviewDecision.SUBMIT, to_state="in_review"))
    extra = {
        ApplicationState.RETURNED: (ReviewDecision.RETURN, "材料不清晰，请重新上传身份证人像面。"),
        ApplicationState.REFUSED: (ReviewDecision.REFUSE, "不在预报名名单有效期内。"),
        ApplicationState.WITHDRAWN: (ReviewDecision.WITHDRAW, "申请人撤回。"),
    }.get(state)
    if extra:
        app.last_reason = extra[1]
        db.session.add(ReviewAction(application=app, org_id=org.id, decision=extra[0], reason=extra[1],
                                    to_state=state.value))
    if state in (ApplicationState.APPROVED, ApplicationState.PAID):
        for org_id in _chain(org):
            db.session.add(ReviewAction(application=app, org_id=org_id, decision=ReviewDecision.APPROVE))


def _attach_documents(app: Application, images: dict) -> None:
    for kind, (key, sha, size) in images.items():
        app.documents.append(Document(kind=kind, storage_key=key, sha256=sha, mime="image/png", size=size,
                                      width=1200, height=800, verification_status=VerificationStatus.PENDING))


def _demo_images() -> dict:
    """Small rendered stand-ins for the uploads, stored once (content-addressed) and shared."""
    from PIL import Image, ImageDraw
    out = {}
    for kind in (DocumentKind.APPLICATION_FORM, DocumentKind.ID_CARD_FRONT, DocumentKind.ID_CARD_BACK,
                 DocumentKind.BANK_CARD, DocumentKind.DIPLOMA):
        img = Image.new("RGB", (1200, 800), "white")
        draw = ImageDraw.Draw(img)
        draw.rectangle((20, 20, 1180, 780), outline="black", width=4)
        draw.text((60, 60), f"DEMO {kind.value}", fill="black")
        buf = io.BytesIO()
        img.save(buf, "PNG")
        data = buf.getvalue()
        key, sha = storage.save(data, "png")
        out[kind] = (key, sha, len(data))
    return out
