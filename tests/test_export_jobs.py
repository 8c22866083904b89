"""Large exports run as jobs: the admin is sent to a progress page, the file is written by the worker (or in-process
without Redis) with the admin's own scope and masking, and only that admin can download it."""
import csv
import io
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from rq import SimpleWorker

from backoffice.extensions import db
from backoffice.models import ReviewJob, RosterEntry
from backoffice.services.exports import write_xlsx
from backoffice.services.queue import bulk_queue_name, get_queue
from factories import make
from support import csrf_token


def _roster(orgs, n=5):
    entries = [make(RosterEntry, orgs["YX-METRO"]) for _ in range(n)]
    make(RosterEntry, orgs["HZ-PORT"])  # outside YX's subtree: never in YX's file
    db.session.commit()
    return entries


def test_a_large_export_becomes_a_job_with_a_download(app, client, orgs, login_as):
    app.config["EXPORT_INLINE_ROWS"] = 3
    entries = _roster(orgs)
    login_as("YX")
    resp = client.get("/admin/roster/export/csv/")
    assert resp.status_code == 302 and "/admin/exports/" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).text
    assert "已完成" in page and "下载文件" in page  # no Redis: written in-process before the redirect
    job = db.session.execute(db.select(ReviewJob).filter_by(kind="export")).scalar_one()
    assert (job.status, job.total, job.done) == ("done", 5, 5)
    download = client.get(f"/admin/exports/{job.id}/download")
    assert quote("预报名名单_") in download.headers["Content-Disposition"]
    text = download.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 6
    assert all(e.id_number not in text for e in entries)  # masked: the admin did not ask to unmask
    assert "我的导出" in client.get("/admin/exports/").text


def test_small_exports_still_answer_at_once(app, client, orgs, login_as):
    _roster(orgs, 2)
    login_as("YX")
    resp = client.get("/admin/roster/export/csv/")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert db.session.execute(db.select(ReviewJob)).first() is None


def test_only_the_admin_who_asked_downloads(app, client, orgs, login_as):
    app.config["EXPORT_INLINE_ROWS"] = 1
    _roster(orgs, 3)
    login_as("YX")
    job_url = client.get("/admin/roster/export/xlsx/").headers["Location"]
    other = app.test_client()
    login_as("GZ", c=other)
    assert other.get(job_url).status_code == 404
    assert other.get(job_url + "/download").status_code == 404


@pytest.mark.redis
def test_the_worker_writes_the_file_from_the_bulk_queue(redis_app):
    app = redis_app(EXPORT_INLINE_ROWS=2)
    from backoffice.demo.seed import ensure_demo_orgs
    orgs = ensure_demo_orgs()
    db.session.commit()
    _roster(orgs, 4)
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    client.post("/login", data={"username": "yx_admin", "password": "demo-YX-2021", "csrf_token": token})
    job_url = client.get("/admin/roster/export/xlsx/?search=").headers["Location"]
    assert "排队中" in client.get(job_url).text
    queue = get_queue(app, bulk_queue_name(app))
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    job = db.session.execute(db.select(ReviewJob).filter_by(kind="export")).scalar_one()
    assert job.status == "done" and job.done == 4
    book = load_workbook(io.BytesIO(client.get(job_url + "/download").data), read_only=True)
    assert len(list(book.worksheets[0].iter_rows())) == 5


def test_a_long_sheet_goes_on_in_the_next_with_the_header(monkeypatch):
    from backoffice.services import exports
    monkeypatch.setattr(exports, "SHEET_ROWS", 2)
    out = io.BytesIO()
    write_xlsx([["姓名"], ["甲"], ["乙"], ["丙"]], out, sheet="名单")
    book = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    sheets = [[row[0].value for row in ws.iter_rows()] for ws in book.worksheets]
    assert sheets == [["姓名", "甲", "乙"], ["姓名", "丙"]]
