"""The demo world's review side: a notice, payments, open appeals, and pages that open on it."""
import re

from backoffice.extensions import db
from backoffice.models import Appeal, Disbursement, PaymentBatch, PublicNotice
from backoffice.demo.seed import seed_demo_world


def test_demo_world_has_review_data_and_pages_open(app, client, login_as):
    seed_demo_world()
    seed_demo_world()  # idempotent
    assert db.session.scalar(db.select(db.func.count()).select_from(PublicNotice)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Disbursement)) == 60
    assert db.session.scalar(db.select(db.func.count()).select_from(Appeal)) == 5
    batches = db.session.execute(db.select(PaymentBatch)).scalars().all()
    assert [pb.people for pb in batches] == [len(pb.disbursements) for pb in batches] == [30, 30]  # 人数 on 发放管理
    assert login_as("GZ").status_code == 302
    for url in ("/admin/", "/admin/review/", "/admin/review/?mine=0&flag=any", "/admin/appeals/", "/admin/transfers/",
                "/admin/notices/", "/admin/payments/", "/admin/payments/paid", "/admin/dashboard/"):
        assert client.get(url).status_code == 200, url
    assert "已逾期" in client.get("/admin/appeals/").text
    assert "*" in client.get("/notice/1").text
    assert login_as("YX", c=client).status_code == 302
    # The district has its own pending applications (the demo spreads them over the levels).
    assert re.search(r"<td>#\d+</td>", client.get("/admin/review/").text)
