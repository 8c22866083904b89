"""The applicant JSON API: the whole path from registration to a quota rank, its errors, and its OpenAPI."""
import io
import re

import pytest
from support import told
from test_intake_world import (
    PASSWORD,
    draft,
    id_number,
    make_batch,
    png_bytes,
    roster_batch,
    worker,
)

from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.models import Application, AuditEvent, ReviewAction, RosterEntry


@pytest.fixture
def batch(app, orgs):
    b = make_batch(orgs["GZ"], quota=2, waitlist_cap=1, required=("id_card_front",))
    db.session.commit()
    return b


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def register(client, i, name=None):
    return client.post("/api/v1/auth/register", json={"name": name or f"职工{i:04d}", "id_number": id_number(i),
                                                       "mobile": f"1380000{i:04d}", "password": PASSWORD})


def test_worker_registers_uploads_submits_and_sees_rank(client, batch, orgs):
    db.session.add(RosterEntry(roster_batch=roster_batch(orgs["GZ"]), org=orgs["YX-METRO"], name="职工0007",
                               id_number=id_number(7), enrolment_date=__import__("datetime").date(2020, 9, 1),
                               graduated=True, level="本科"))
    db.session.commit()
    r = register(client, 7)
    assert r.status_code == 201, r.json
    r = client.post("/api/v1/auth/login", json={"id_number": id_number(7), "password": PASSWORD})
    assert r.status_code == 200 and r.json["token_type"] == "bearer"
    headers = auth(r.json["token"])
    listed = client.get("/api/v1/batches", headers=headers).json["batches"]
    assert [b["id"] for b in listed] == [batch.id] and listed[0]["eligible"] is True
    r = client.post("/api/v1/applications", json={"batch_id": batch.id, "org_id": orgs["YX-METRO"].id},
                    headers=headers)
    assert r.status_code == 201 and r.json["state"] == "draft" and r.json["missing_documents"] == ["id_card_front"]
    app_id = r.json["id"]
    assert r.json["education_level"] == "本科" and r.json["study_year"] == 2020  # taken from the roster
    r = client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)
    assert r.status_code == 422 and r.json["error"] == "not_eligible"
    assert [x["code"] for x in r.json["reasons"]] == ["missing_document"]
    r = client.put(f"/api/v1/applications/{app_id}/documents/id_card_front", headers=headers,
                   data={"file": (io.BytesIO(png_bytes()), "front.png")}, content_type="multipart/form-data")
    assert r.status_code == 201 and r.json["mime"] == "image/png" and r.json["width"] == 64
    r = client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)
    assert r.status_code == 200, r.json
    assert (r.json["state"], r.json["quota_rank"], r.json["waitlist_position"]) == ("in_review", 1, None)
    r = client.get(f"/api/v1/applications/{app_id}", headers=headers)
    assert r.json["state"] == "in_review" and r.json["quota_rank"] == 1 and r.json["reviewing_org_id"] == \
        orgs["YX-METRO"].id
    actions = db.session.execute(db.select(ReviewAction.decision).filter_by(application_id=app_id)).scalars().all()
    assert [a.value for a in actions] == ["submit"]
    assert db.session.execute(db.select(AuditEvent).filter_by(action="application_submitted")).scalar_one()


def _drafts(batch, orgs, n):
    out = []
    for i in range(n):
        a = worker(100 + i, orgs["HZ-PORT"], orgs["GZ"])
        out.append((a, draft(a, batch, orgs["HZ-PORT"])))
    db.session.commit()
    from backoffice.services.applicants import issue_token
    return [(issue_token(a.id, a.token_version), app.id) for a, app in out]


def test_first_come_first_served_then_waitlist_then_full(client, batch, orgs):
    subs = _drafts(batch, orgs, 4)
    results = [client.post(f"/api/v1/applications/{app_id}/submit", headers=auth(tok)) for tok, app_id in subs]
    assert [r.status_code for r in results] == [200, 200, 200, 409]
    assert [(r.json.get("quota_rank"), r.json.get("waitlist_position")) for r in results[:3]] == \
        [(1, None), (2, None), (None, 1)]
    assert results[2].json["state"] == "waitlisted"
    assert results[3].json["error"] == "batch_full" and results[3].json["detail"]
    again = client.post(f"/api/v1/applications/{subs[0][1]}/submit", headers=auth(subs[0][0]))
    assert again.status_code == 409 and again.json["error"] == "invalid_state"
    full = db.session.get(Application, subs[3][1])
    db.session.refresh(full)
    assert full.state == S.DRAFT  # a refused submit changes nothing


def test_withdraw_promotes_the_waitlisted_and_notifies(client, batch, orgs, app):
    subs = _drafts(batch, orgs, 3)
    for tok, app_id in subs:
        client.post(f"/api/v1/applications/{app_id}/submit", headers=auth(tok))
    tok, first = subs[0]
    r = client.post(f"/api/v1/applications/{first}/withdraw", headers=auth(tok), json={"reason": "不读了"})
    assert r.status_code == 200 and r.json["state"] == "withdrawn" and r.json["quota_rank"] is None
    promoted = db.session.get(Application, subs[2][1])
    db.session.refresh(promoted)
    db.session.refresh(promoted.batch)
    assert (promoted.state, promoted.quota_rank, promoted.waitlist_position) == (S.IN_REVIEW, 1, None)
    assert told("promoted") == [(promoted.applicant_id, "log", "sent")]
    assert promoted.batch.waitlist_count == 0 and promoted.batch.allocated_count == 2


ERROR_CASES = [
    ("get", "/api/v1/applications/1", None, {}, 401, "unauthorized"),
    ("get", "/api/v1/applications/1", None, {"Authorization": "Bearer forged.token"}, 401, "unauthorized"),
    ("post", "/api/v1/auth/login", {"id_number": "1", "password": "x"}, {}, 401, "invalid_credentials"),
    ("post", "/api/v1/auth/login", None, {}, 400, "invalid_json"),
    ("post", "/api/v1/auth/register", {"name": "王五", "id_number": "110105194912310021", "mobile": "13800000000",
                                       "password": PASSWORD}, {}, 422, "invalid_input"),
    ("get", "/api/v1/nothing-here", None, {}, 404, "not_found"),
    ("delete", "/api/v1/batches", None, {}, 405, "method_not_allowed"),
]


@pytest.mark.parametrize("method,url,body,headers,status,code", ERROR_CASES)
def test_errors_are_json_with_4xx(client, batch, method, url, body, headers, status, code):
    r = getattr(client, method)(url, json=body, headers=headers) if body is not None else \
        getattr(client, method)(url, headers=headers)
    assert r.status_code == status and r.is_json
    assert r.json["error"] == code and isinstance(r.json["detail"], str) and r.json["detail"]


def test_application_errors(client, batch, orgs):
    (tok, app_id), (_, other_id) = _drafts(batch, orgs, 2)
    h = auth(tok)
    cases = [
        client.get(f"/api/v1/applications/{other_id}", headers=h),  # someone else's
        client.put(f"/api/v1/applications/{app_id}/documents/passport", headers=h,
                   data={"file": (io.BytesIO(png_bytes()), "a.png")}, content_type="multipart/form-data"),
        client.put(f"/api/v1/applications/{app_id}/documents/id_card_front", headers=h, data={},
                   content_type="multipart/form-data"),
        client.post("/api/v1/applications", json={"batch_id": batch.id, "org_id": orgs["YX"].id}, headers=h),
        client.post("/api/v1/applications", json={"batch_id": "x", "org_id": 1}, headers=h),
        client.post("/api/v1/applications", json={"batch_id": 999, "org_id": 1}, headers=h),
        client.post(f"/api/v1/applications/{app_id}/appeals", json={"text": "不服"}, headers=h),
        client.put(f"/api/v1/applications/{app_id}/documents/id_card_front", headers=h,
                   data={"file": (io.BytesIO(b"0" * (5 * 1024 * 1024)), "big.png")},
                   content_type="multipart/form-data"),
    ]
    got = [(r.status_code, r.json["error"]) for r in cases]
    assert got[:6] == [(404, "not_found"), (404, "unknown_kind"), (400, "missing_file"), (422, "invalid_org"),
                       (422, "invalid_input"), (404, "not_found")]
    assert got[6][0] in (409, 422, 503) and got[7][0] == 413
    assert all(400 <= s < 500 or s == 503 for s, _ in got)
    ok = client.post(f"/api/v1/applications/{app_id}/submit", headers=h)
    assert ok.status_code == 200
    assert client.post(f"/api/v1/applications/{app_id}/submit", headers=h).json["error"] == "invalid_state"
    assert client.put(f"/api/v1/applications/{app_id}/documents/id_card_front", headers=h,
                      data={"file": (io.BytesIO(png_bytes()), "a.png")},
                      content_type="multipart/form-data").status_code == 409


def test_duplicate_registration_and_draft(client, batch, orgs):
    assert register(client, 9).status_code == 201
    r = register(client, 9)
    assert r.status_code == 409 and r.json["error"] == "already_registered"
    tok = client.post("/api/v1/auth/login", json={"id_number": id_number(9), "password": PASSWORD}).json["token"]
    body = {"batch_id": batch.id, "org_id": orgs["HZ-PORT"].id}
    assert client.post("/api/v1/applications", json=body, headers=auth(tok)).status_code == 201
    r = client.post("/api/v1/applications", json=body, headers=auth(tok))
    assert r.status_code == 409 and r.json["error"] == "application_exists"
    listed = client.get("/api/v1/batches", headers=auth(tok)).json["batches"][0]
    assert listed["eligible"] is False and listed["reasons"][0]["code"] == "not_on_roster"


def _rule_to_openapi(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{id}" if m.group(1) == "app_id" else f"{{{m.group(1)}}}", rule)


def test_openapi_document_matches_the_url_map(client, app):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    served = {(_rule_to_openapi(r.rule), m) for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")
              for m in r.methods - {"HEAD", "OPTIONS"}}
    assert documented == served
    for ops in spec["paths"].values():
        for op in ops.values():
            assert any(code.startswith("2") for code in op["responses"])
    submit = spec["paths"]["/api/v1/applications/{id}/submit"]["post"]["responses"]
    assert "409" in submit and "200" in submit
    required = spec["components"]["schemas"]["ApplicationSummary"]["required"]
    assert {"id", "state", "quota_rank", "waitlist_position"} <= set(required)
    assert all({"400", "429", "503"} <= set(op["responses"]) for ops in spec["paths"].values() for op in ops.values())


def test_input_no_database_can_store_is_a_400_not_a_500(client, batch, orgs):
    (tok, app_id), = _drafts(batch, orgs, 1)
    nul = client.post("/api/v1/auth/login", json={"id_number": "4401\x0004", "password": "x"})
    surrogate = client.post(f"/api/v1/applications/{app_id}/appeals", json={"text": "\udbb0 不服"}, headers=auth(tok))
    query = client.get("/api/v1/orgs?q=%00")
    assert [r.status_code for r in (nul, surrogate, query)] == [400, 400, 400]
    assert nul.json["error"] == "invalid_input" and "NUL" in nul.json["detail"]
    huge = client.get("/api/v1/applications/2541020452249321301082112", headers=auth(tok))
    assert huge.status_code == 404 and huge.json["error"] == "not_found"
    trace = client.open("/api/v1/batches", method="TRACE")
    assert trace.status_code == 405 and "GET" in trace.headers["Allow"]
    page = client.post("/portal/login", data={"id_number": "\x00", "password": "x"})
    assert page.status_code == 400 and "输入内容无效" in page.get_data(as_text=True)


def test_returned_application_is_fixed_and_resubmitted_keeping_its_rank(client, batch, orgs):
    from datetime import timedelta
    from backoffice.models.base import utcnow
    (tok, app_id), _ = _drafts(batch, orgs, 2)
    h = auth(tok)
    assert client.post(f"/api/v1/applications/{app_id}/submit", headers=h).json["quota_rank"] == 1
    app = db.session.get(Application, app_id)
    db.session.refresh(app)
    app.state, app.resubmit_due_at, app.last_reason = S.RETURNED, utcnow() + timedelta(days=7), "身份证不清晰"
    db.session.add(ReviewAction(application_id=app_id, decision="return", reason="身份证不清晰",
                                documents=[{"kind": "id_card_front", "code": "unclear"}]))
    db.session.commit()
    got = client.get(f"/api/v1/applications/{app_id}", headers=h).json
    assert got["state"] == "returned" and got["review_notes"][0]["reason"] == "身份证不清晰"
    r = client.put(f"/api/v1/applications/{app_id}/documents/id_card_front", headers=h,
                   data={"file": (io.BytesIO(png_bytes(color="gray")), "again.png")},
                   content_type="multipart/form-data")
    assert r.status_code == 201
    r = client.post(f"/api/v1/applications/{app_id}/submit", headers=h)
    assert r.status_code == 200 and (r.json["state"], r.json["quota_rank"]) == ("in_review", 1)
    assert r.json["reviewing_org_id"] == orgs["HZ-PORT"].id  # back at the unit level


def test_database_outage_is_503_with_advice_not_500(tmp_path):
    """Nothing listens on port 1: every database touch fails to connect."""
    from support import make_app

    from backoffice.services.applicants import issue_token
    down = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none",
                    SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    client = down.test_client()
    with down.app_context():
        token = issue_token(1, 1)
    r = client.post("/api/v1/applications/1/submit", headers=auth(token))
    assert r.status_code == 503 and r.json["error"] == "service_unavailable"
    assert "check the application's status" in r.json["detail"]
    health = client.get("/healthz")
    assert health.status_code == 503
    page = client.get("/notice/")  # a public page that reads the database
    assert page.status_code == 503 and "数据库暂时无法访问" in page.get_data(as_text=True)


@pytest.mark.postgres
def test_a_value_the_database_refuses_is_a_400(pg_app):
    """The safety net behind the input guards: PostgreSQL's DataError becomes 400, never 500."""
    from sqlalchemy import text

    @pg_app.get("/api/v1/_probe_out_of_range")
    def probe():
        db.session.execute(text("SELECT CAST('99999999999' AS integer)"))
        return "unreachable"

    r = pg_app.test_client().get("/api/v1/_probe_out_of_range")
    assert r.status_code == 400 and r.json["error"] == "invalid_input"
