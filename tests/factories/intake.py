"""Builders for the intake tests (no tests here): a batch, roster entries, applicants, drafts, files."""
import io
from datetime import date, timedelta

from werkzeug.security import generate_password_hash

from backoffice.domain.enums import DocumentKind, OnceRule, VerificationStatus
from backoffice.extensions import db
from backoffice.models import (
    Applicant,
    Application,
    Batch,
    Document,
    Programme,
    RosterBatch,
    RosterEntry,
)
from backoffice.models.base import utcnow
from verifier.checksums import gb11643_check_char

PASSWORD = "Test-Worker-2024"
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def id_number(i: int, region: str = "440104") -> str:
    birth = date(1985, 1, 1) + timedelta(days=i // 900)
    first17 = f"{region}{birth:%Y%m%d}{i % 900 + 100:03d}"
    return first17 + gb11643_check_char(first17)


def make_batch(city, *, quota=5, waitlist_cap=3, roster_required=True, graduation_required=True,
               required=("id_card_front",), opens=None, closes=None, once_rule=OnceRule.PER_PERSON,
               validity_years=8, name="测试批次") -> Batch:
    now = utcnow()
    programme = Programme(org=city, name=f"测试项目{name}", once_rule=once_rule)
    batch = Batch(programme=programme, name=name, quota=quota, waitlist_cap=waitlist_cap, amount=1000,
                  apply_opens_at=opens or now - timedelta(days=1), apply_closes_at=closes or now + timedelta(days=1),
                  review_closes_at=(closes or now + timedelta(days=1)) + timedelta(days=10),
                  roster_required=roster_required, graduation_required=graduation_required,
                  validity_years=validity_years, required_documents=list(required))
    db.session.add(batch)
    db.session.flush()
    return batch


def roster_batch(city, name="2020年秋季") -> RosterBatch:
    rb = db.session.execute(db.select(RosterBatch).filter_by(name=name)).scalar_one_or_none()
    if rb is None:
        rb = RosterBatch(org=city, name=name)
        db.session.add(rb)
        db.session.flush()
    return rb


def worker(i: int, org, city, *, on_roster=True, graduated=True, enrolment=date(2020, 9, 1),
           name=None, level="大专") -> Applicant:
    name = name or f"职工{i:04d}"
    number = id_number(i)
    if on_roster:
        db.session.add(RosterEntry(roster_batch=roster_batch(city), org=org, name=name, id_number=number,
                                   enrolment_date=enrolment, level=level, graduated=graduated))
    applicant = Applicant(name=name, id_number=number, mobile=f"139{i:08d}", password_hash=FAST_HASH,
                          org_id=org.id)
    db.session.add(applicant)
    db.session.flush()
    return applicant


def draft(applicant, batch, org, *, kinds=None, level="大专", year=2020) -> Application:
    app = Application(batch_id=batch.id, applicant_id=applicant.id, org_id=org.id, education_level=level,
                      study_year=year)
    db.session.add(app)
    for kind in (batch.required_documents if kinds is None else kinds):
        app.documents.append(Document(kind=DocumentKind(kind), storage_key="x/y/z.png", sha256="0" * 64,
                                      mime="image/png", size=10, width=10, height=10,
                                      verification_status=VerificationStatus.DONE))
    db.session.add(app)
    db.session.flush()
    return app


def png_bytes(size=(64, 48), color="white") -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def jpeg_bytes(size=(64, 48)) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, "JPEG")
    return buf.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    """A PDF whose pages carry a little ink (a blank first page is refused)."""
    from PIL import Image, ImageDraw
    images = []
    for _ in range(pages):
        img = Image.new("RGB", (200, 300), "white")
        ImageDraw.Draw(img).rectangle((20, 20, 120, 60), fill="black")
        images.append(img)
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=pages > 1, append_images=images[1:])
    return buf.getvalue()
