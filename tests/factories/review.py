"""Builders for review tests: a city batch, submitted applications, admins and their browsers, bank result files."""
import io
from datetime import timedelta

from openpyxl import Workbook
from support import csrf_token, location_path

from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.models import AdminUser, Application, Batch, Programme
from backoffice.models.base import utcnow

from . import applicant, valid_id_number

PASSWORD = "Worker-pass-2021"


def make_batch(orgs, **kw) -> Batch:
    now = utcnow()
    programme = Programme(org=orgs["GZ"], name=kw.pop("programme_name", "学历提升补助"))
    fields = {"name": "第一批", "apply_opens_at": now - timedelta(days=1), "apply_closes_at": now + timedelta(days=10),
                  "review_closes_at": now + timedelta(days=20), "quota": 5, "waitlist_cap": 5, "amount": 1500,
                  "required_documents": [], "roster_required": False, "graduation_required": False}
    fields.update(kw)
    batch = Batch(programme=programme, **fields)
    db.session.add_all([programme, batch])
    db.session.commit()
    return batch


def api_applicant(client, name: str, n: int):
    idn = valid_id_number(n)
    r = client.post("/api/v1/auth/register", json={"name": name, "id_number": idn, "mobile": f"1380000{n:04d}",
                                                    "password": PASSWORD})
    assert r.status_code == 201, r.get_json()
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


def admin_client(app, login_as, code):
    """A browser logged in to the console as the admin of `code` (checked: the console answers, not a bare 302)."""
    c = app.test_client()
    assert location_path(login_as(code, c=c)) == "/admin/"
    assert "退出登录" in c.get("/admin/").text
    return c


def post_form(c, url, data):
    page = c.get("/admin/review/")  # the queue page always carries a form (bulk approve), hence a token
    return c.post(url, data={**data, "csrf_token": csrf_token(page.text)})


def bank_result(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["流水号", "姓名", "状态", "失败原因"])
    for did, status, reason in rows:
        ws.append([did, "x", status, reason])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


admin_of = lambda code: db.session.execute(
    db.select(AdminUser).join(AdminUser.org).where(AdminUser.org.has(code=code))).scalars().first()


def submitted(orgs, batch, *, rank=None, waitlist=None, flags=None, unit="YX-METRO", at=None):
    org = orgs[unit]
    a = Application(batch=batch, applicant=applicant(org), org_id=org.id, flags=flags or [],
                    state=S.WAITLISTED if waitlist else S.IN_REVIEW, quota_rank=rank, waitlist_position=waitlist,
                    reviewing_org_id=None if waitlist else org.id, submitted_at=at or utcnow(), amount=batch.amount)
    db.session.add(a)
    db.session.flush()
    return a
