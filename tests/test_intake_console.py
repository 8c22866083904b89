"""Console screens: the GZ-style programme list, batch form with document kinds, funding lines, roster upload."""
import io

from factories.intake import draft, id_number, make_batch, worker
from support import csrf_token, location_path, logout

from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.models import Batch, FundingLine, Programme, RosterEntry


def test_programme_list_shows_gz_columns_and_counts(client, orgs, login_as):
    batch = make_batch(orgs["GZ"], name="一批")
    for i, state in enumerate([S.IN_REVIEW, S.APPROVED, S.PAID, S.DRAFT]):
        a = worker(i, orgs["YX-METRO"], orgs["GZ"])
        draft(a, batch, orgs["YX-METRO"]).state = state
    db.session.commit()
    login_as("GZ")
    page = client.get("/admin/programmes/")
    assert page.status_code == 200
    for header in ("发放补助项目数量", "通过总人数", "申报总人数", "创建时间", "启用"):
        assert header in page.text
    row = page.text[page.text.index("测试项目一批"):]
    cells = [c.strip() for c in __import__("re").findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", row)[:4]]
    assert cells[:3] == ["1", "2", "3"]  # batches, approved (approved + paid), submitted (not drafts)


def test_city_creates_programme_and_batch_with_document_kinds(client, orgs, login_as):
    login_as("GZ")
    form = client.get("/admin/programmes/new/")
    assert "每人限享受一次" in form.text
    r = client.post("/admin/programmes/new/", data={"csrf_token": csrf_token(form.text), "name": "济南补助",
                                                    "once_rule": "per_year_level", "enabled": "y"})
    assert r.status_code == 302
    programme = db.session.execute(db.select(Programme).filter_by(name="济南补助")).scalar_one()
    assert programme.org_id == orgs["GZ"].id and programme.once_rule.value == "per_year_level"
    form = client.get("/admin/batches/new/")
    assert "身份证人像面" in form.text
    data = {"csrf_token": csrf_token(form.text), "programme": str(programme.id), "name": "2024年",
            "apply_opens_at": "2024-03-01 09:00:00", "apply_closes_at": "2024-03-31 17:00:00",
            "review_closes_at": "2024-04-30 17:00:00", "quota": "110", "waitlist_cap": "20", "amount": "1000",
            "enabled": "y", "required_kinds": ["id_card_front", "tuition_receipt"], "validity_years": "8"}
    r = client.post("/admin/batches/new/", data=data)
    assert r.status_code == 302, r.text[:2000]
    batch = db.session.execute(db.select(Batch).filter_by(name="2024年")).scalar_one()
    assert batch.required_documents == ["id_card_front", "tuition_receipt"] and batch.quota == 110
    edit = client.get(f"/admin/batches/edit/?id={batch.id}")
    assert edit.status_code == 200
    assert __import__("re").search(r'<option selected value="tuition_receipt">|value="tuition_receipt" selected',
                                   edit.text)
    bad = dict(data, name="倒序", apply_closes_at="2024-02-01 00:00:00", csrf_token=csrf_token(
        client.get("/admin/batches/new/").text))
    r = client.post("/admin/batches/new/", data=bad, follow_redirects=True)
    assert "时间顺序" in r.text
    assert db.session.execute(db.select(Batch).filter_by(name="倒序")).scalar_one_or_none() is None


def test_district_adds_funding_line_but_cannot_create_programmes(client, orgs, login_as):
    batch = make_batch(orgs["GZ"])
    db.session.commit()
    login_as("YX")
    assert location_path(client.get("/admin/programmes/new/")) == "/admin/programmes/"  # no create form for it
    form = client.get("/admin/funding_lines/new/")
    r = client.post("/admin/funding_lines/new/", data={
        "csrf_token": csrf_token(form.text), "batch": str(batch.id), "org": str(orgs["YX"].id), "name": "越秀配套",
        "amount": "1000", "quota": "110", "enabled": "y"})
    assert r.status_code == 302
    line = db.session.execute(db.select(FundingLine)).scalar_one()
    assert (line.org_id, line.quota) == (orgs["YX"].id, 110)


def test_funding_allocation_in_approval_order(app, orgs):
    from backoffice.services.quota import allocate_funding
    batch = make_batch(orgs["GZ"])
    db.session.add(FundingLine(batch=batch, org=orgs["YX"], name="越秀配套", amount=1000, quota=2))
    apps = [draft(worker(i, orgs["YX-METRO"], orgs["GZ"]), batch, orgs["YX-METRO"]) for i in range(3)]
    other = draft(worker(9, orgs["HZ-PORT"], orgs["GZ"]), batch, orgs["HZ-PORT"])
    db.session.commit()
    got = [allocate_funding(a) for a in apps + [other]]
    assert [bool(x) for x in got] == [True, True, False, False]
    assert [a.funding_rank for a in apps] == [1, 2, None]


def test_roster_upload_page_imports_and_offers_the_report(client, orgs, login_as):
    login_as("GZ")
    page = client.get("/admin/roster-import/")
    assert page.status_code == 200 and "导入预报名名单" in page.text
    csv = f"姓名,身份证号,入学时间,单位代码\n张三,{id_number(1)},2020-09-01,YX-METRO\n李四,123,2020-09-01,YX-METRO\n"
    r = client.post("/admin/roster-import/", data={
        "csrf_token": csrf_token(page.text), "new_batch": "2020年秋季",
        "file": (io.BytesIO(csv.encode()), "名单.csv")}, content_type="multipart/form-data",
        headers={"X-Requested-With": "XMLHttpRequest"})
    assert r.status_code == 200 and r.json["counts"]["新增"] == 1 and r.json["errors"][0]["row"] == 3
    assert db.session.execute(db.select(RosterEntry)).scalar_one().name == "张三"
    report = client.get(r.json["report_url"])
    assert report.status_code == 200 and report.data[:2] == b"PK"
    logout(client)
    login_as("HZ")
    assert client.get(r.json["report_url"]).status_code in (302, 404)  # someone else's report
