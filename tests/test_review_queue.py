"""Review services and the console queue: quota interplay on refusal, bulk approve as a job, scoping."""
from datetime import timedelta

import pytest
from factories import applicant
from factories.review import admin_of, make_batch, post_form, submitted

from backoffice.domain.enums import ApplicationState as S
from backoffice.domain.review import ReviewError
from backoffice.extensions import db
from backoffice.models import Application, ReviewJob
from backoffice.models.base import utcnow
from backoffice.services import applications, review


def placed(orgs, batch, n: int, unit="YX-METRO") -> list[Application]:
    """n drafts submitted in order through the submit path: the allocator gives the ranks, then the waitlist."""
    org = orgs[unit]
    apps = [Application(batch=batch, applicant=applicant(org), org_id=org.id) for _ in range(n)]
    db.session.add_all(apps)
    db.session.commit()
    for a in apps:
        applications.submit(a)
    return apps


def test_refusal_frees_the_slot_for_the_head_of_the_waitlist(app, orgs):
    batch = make_batch(orgs, quota=1, waitlist_cap=3)
    first, second, third = placed(orgs, batch, 3)
    assert (first.quota_rank, second.waitlist_position, third.waitlist_position) == (1, 1, 2)
    review.refuse(first, admin_of("YX-METRO"), "not_on_roster", "名单中查无此人")
    db.session.expire_all()
    assert first.state == S.REFUSED and first.quota_rank is None
    assert second.state == S.IN_REVIEW and second.quota_rank == 1 and second.reviewing_org_id == orgs["YX-METRO"].id
    assert second.waitlist_position is None and second.amount == batch.amount
    assert third.waitlist_position == 1
    assert (batch.allocated_count, batch.waitlist_count) == (1, 1)
    assert [(h.decision.value, h.from_state, h.to_state) for h in review.history(second)] == \
        [("submit", "draft", "waitlisted"), ("promote", "waitlisted", "in_review")]


def test_refuse_needs_a_reason_and_no_one_acts_outside_the_window(app, orgs):
    batch = make_batch(orgs)
    a = submitted(orgs, batch, rank=1)
    db.session.commit()
    with pytest.raises(ReviewError):
        review.refuse(a, admin_of("YX-METRO"), "")
    with pytest.raises(ReviewError) as err:
        review.approve(a, admin_of("YX-METRO"), now=batch.review_closes_at + timedelta(minutes=1))
    assert err.value.code == "review_closed"
    with pytest.raises(ReviewError) as err:  # another district cannot even see it
        review.approve(a, admin_of("HZ-PORT"))
    assert err.value.code == "not_found"


def test_bulk_approve_takes_the_whole_filtered_set_and_skips_flagged(app, orgs, login_as):
    from backoffice.review import admin as review_admin
    batch = make_batch(orgs, quota=200)
    clean = [submitted(orgs, batch, rank=i + 1) for i in range(review_admin.PAGE_SIZE + 3)]
    flagged = submitted(orgs, batch, rank=190, flags=["id_number_match"])
    other_unit = submitted(orgs, batch, rank=191, unit="HZ-PORT")
    db.session.commit()
    c = app.test_client()
    login_as("YX-METRO", c=c)
    r = post_form(c, "/admin/review/bulk", {"mine": "1", "batch_id": batch.id})
    assert r.status_code == 302
    job = db.session.execute(db.select(ReviewJob)).scalar_one()
    assert job.status == "done" and job.total == len(clean) == job.succeeded
    assert {row["id"] for row in job.results} == {a.id for a in clean}
    page = c.get(r.headers["Location"])
    assert "已完成" in page.text and "已通过，转上级审核" in page.text
    assert c.get(f"/admin/review/job/{job.id}/progress").get_json()["done"] == len(clean)
    db.session.expire_all()
    assert all(a.reviewing_org_id == orgs["YX"].id for a in clean)
    assert flagged.reviewing_org_id == orgs["YX-METRO"].id and other_unit.reviewing_org_id == orgs["HZ-PORT"].id
    # Another org cannot read the job.
    c2 = app.test_client()
    login_as("HZ", c=c2)
    assert c2.get(f"/admin/review/job/{job.id}").status_code == 404


def test_after_the_review_deadline_the_page_bulk_and_queue_all_refuse(app, orgs, login_as):
    batch = make_batch(orgs)
    late = submitted(orgs, batch, rank=1)
    open_one = submitted(orgs, make_batch(orgs, name="第二批"), rank=1)
    batch.review_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    c = app.test_client()
    login_as("YX-METRO", c=c)
    page = c.get(f"/admin/review/app/{late.id}").text
    assert "本批次的审核期已结束，不能再审核。" in page and 'id="approve-form"' not in page
    assert "<kbd>A</kbd> 通过" not in page  # no shortcut offered for what cannot be done
    open_page = c.get(f"/admin/review/app/{open_one.id}").text
    assert 'id="approve-form"' in open_page and "<kbd>A</kbd> 通过" in open_page
    queue = c.get("/admin/review/?mine=1").text
    assert f'app/{late.id}?' in queue and f'app/{open_one.id}?' in queue
    assert "共 <strong>2</strong> 份" in queue  # the count above the list
    row_of = lambda a: queue[queue.index(f"#{a.id}<"):].split("</tr>")[0]
    assert ">查看</a>" in row_of(late) and ">审核</a>" in row_of(open_one)
    post_form(c, "/admin/review/bulk", {"mine": "1"})
    job = db.session.execute(db.select(ReviewJob)).scalar_one()
    assert [row["id"] for row in job.results] == [open_one.id]
    db.session.expire_all()
    assert late.reviewing_org_id == orgs["YX-METRO"].id and open_one.reviewing_org_id == orgs["YX"].id


def test_queue_filters_and_scope(app, orgs, login_as):
    batch = make_batch(orgs)
    mine = submitted(orgs, batch, rank=1, flags=["name_match"])
    theirs = submitted(orgs, batch, rank=2, unit="HZ-PORT")
    db.session.commit()
    c = app.test_client()
    login_as("YX", c=c)
    assert f"#{mine.id}<" not in c.get("/admin/review/").text  # not the district's turn yet
    page = c.get("/admin/review/?mine=0").text
    assert f"#{mine.id}<" in page and f"#{theirs.id}<" not in page
    assert f"#{mine.id}<" not in c.get("/admin/review/?mine=0&flag=none").text
    assert f"#{mine.id}<" in c.get("/admin/review/?mine=0&flag=name_match").text
    assert c.get(f"/admin/review/app/{theirs.id}").status_code == 404
    assert c.get(f"/admin/review/app/{mine.id}").status_code == 200


def test_rotation_is_saved(app, orgs, login_as):
    from factories import document
    batch = make_batch(orgs)
    a = submitted(orgs, batch, rank=1)
    doc = document(orgs["YX-METRO"], a)
    db.session.commit()
    c = app.test_client()
    login_as("YX-METRO", c=c)
    post_form(c, f"/admin/review/document/{doc.id}/rotate", {"by": "-90"})
    db.session.expire_all()
    assert doc.rotation == 270
    assert 'data-rotation="270"' in c.get(f"/admin/review/app/{a.id}").text  # the viewer turns it


def test_overdue_return_releases_the_slot_and_cli_digest(app, orgs):
    batch = make_batch(orgs, quota=1, waitlist_cap=2)
    a, waiting = placed(orgs, batch, 2)
    assert (a.quota_rank, waiting.state, waiting.waitlist_position) == (1, S.WAITLISTED, 1)
    review.return_for_correction(a, admin_of("YX-METRO"), [{"kind": "bank_card", "code": "unclear"}])
    assert a.resubmit_due_at is not None
    assert review.release_overdue_returns(now=a.resubmit_due_at - timedelta(minutes=1)) == []
    assert review.release_overdue_returns(now=a.resubmit_due_at + timedelta(minutes=1)) == [a.id]
    db.session.expire_all()
    assert a.quota_rank is None and waiting.state == S.IN_REVIEW and waiting.quota_rank == 1
    from backoffice.services import appeals
    appeals.file_appeal(a, a.applicant, "我补交了")
    out = app.test_cli_runner().invoke(args=["appeals-digest"])
    assert "越秀区总工会：待答复 1 件" in out.output
