"""Personal numbers at rest (#17): ciphertext in PostgreSQL, plaintext in Python, lookups through the keyed hash,
key rotation, and production refusing to start without keys."""
import base64
import io
import os
import re
from datetime import date

import psycopg
import pytest
from factories import applicant, batch, roster_batch, valid_id_number
from support import csrf_token, make_app

from backoffice.crypto import KeyringError, keyring, lookup_hash
from backoffice.demo.documents import render_documents
from backoffice.domain.bank_card import demo_card_number
from backoffice.domain.enums import DocumentKind
from backoffice.domain.masking import mask_id_number
from backoffice.extensions import db
from backoffice.models import (
    Applicant,
    Application,
    Disbursement,
    Document,
    PaymentBatch,
    RosterEntry,
    VerificationResult,
)
from backoffice.services.keys import rotate

pytestmark = pytest.mark.postgres

PASSWORD = "Worker-2026x"
NAME, CARD, MOBILE = "陈静怡", demo_card_number(4455667), "13712345678"
TABLES = ("applicant", "roster_entry", "disbursement", "verification_result", "organisation")


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _raw_rows(app, table: str) -> list[str]:
    """Each row as one line of text, read past the app with psycopg as psql would."""
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute(f"SELECT t::text FROM {table} t")]


def _raw(app, sql: str, *params):
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn:
        cursor = conn.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


def test_model_round_trip_keeps_plaintext_in_python_and_ciphertext_in_the_table(app, orgs):
    person = applicant(orgs["YX-METRO"], id_number=valid_id_number(11), bank_card=CARD)
    db.session.commit()
    person_id = person.id
    db.session.expire_all()
    again = db.session.get(Applicant, person_id)
    assert (again.id_number, again.mobile, again.bank_card) == (valid_id_number(11), person.mobile, CARD)
    stored, digest, mobile, card = _raw(app, "SELECT id_number, id_number_hash, mobile, bank_card FROM applicant "
                                             "WHERE id = %s", person_id)[0]
    assert stored.startswith("v1:dev:") and mobile.startswith("v1:dev:") and card.startswith("v1:dev:")
    assert valid_id_number(11) not in stored and digest == lookup_hash(valid_id_number(11))
    # Each write draws a fresh nonce: equal numbers do not give equal ciphertexts (only the hash is equal).
    twin = RosterEntry(roster_batch=roster_batch(orgs["GZ"]), org=orgs["YX-METRO"], name=NAME,
                       id_number=valid_id_number(11), enrolment_date=date(2020, 9, 1))
    db.session.add(twin)
    db.session.commit()
    roster_stored, roster_digest = _raw(app, "SELECT id_number, id_number_hash FROM roster_entry")[0]
    assert roster_stored != stored and roster_digest == digest


def _verified_application_over_http(client, orgs, number: str) -> int:
    """Register, log in by ID number, set the card, apply (eligible through the roster), upload an ID card that
    is verified inline, submit: all over the JSON API. Returns the application id."""
    b = batch(orgs["GZ"], roster_required=True, required_documents=["id_card_front"])
    db.session.add(RosterEntry(roster_batch=roster_batch(orgs["GZ"]), org=orgs["YX-METRO"], name=NAME,
                               id_number=number, enrolment_date=date(2020, 9, 1), graduated=True, level="本科"))
    db.session.commit()
    r = client.post("/api/v1/auth/register", json={"name": NAME, "id_number": number, "mobile": MOBILE,
                                                   "password": PASSWORD})
    assert r.status_code == 201, r.json
    r = client.post("/api/v1/auth/login", json={"id_number": number, "password": PASSWORD})
    assert r.status_code == 200, r.json
    headers = {"Authorization": f"Bearer {r.json['token']}"}
    r = client.put("/api/v1/me/bank-card", json={"card_number": CARD}, headers=headers)
    assert r.status_code == 200 and r.json["masked"].endswith(CARD[-4:]), r.json
    assert [x["eligible"] for x in client.get("/api/v1/batches", headers=headers).json["batches"]] == [True]
    r = client.post("/api/v1/applications", json={"batch_id": b.id, "org_id": orgs["YX-METRO"].id}, headers=headers)
    assert r.status_code == 201 and r.json["education_level"] == "本科", r.json  # taken from the roster entry
    app_id = r.json["id"]
    front = render_documents(7, NAME, number, orgs["YX-METRO"].name, CARD, None)[DocumentKind.ID_CARD_FRONT]
    r = client.put(f"/api/v1/applications/{app_id}/documents/id_card_front", headers=headers,
                   data={"file": (io.BytesIO(front), "front.jpg")}, content_type="multipart/form-data")
    assert r.status_code == 201, r.json
    r = client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)
    assert r.status_code == 200 and r.json["state"] == "in_review", r.json
    return app_id


def test_an_application_over_http_leaves_no_plaintext_number_in_postgresql(app, client, orgs):
    number = valid_id_number(21)
    app_id = _verified_application_over_http(client, orgs, number)
    application = db.session.get(Application, app_id)
    db.session.add(Disbursement(payment_batch=PaymentBatch(batch_id=application.batch_id, org_id=orgs["GZ"].id,
                                                           name="发放"),
                                application=application, amount=1500, bank_card=application.applicant.bank_card))
    orgs["YX-METRO"].contact_mobile = "13900001111"
    db.session.commit()
    result = db.session.execute(db.select(VerificationResult).join(Document)
                                .where(Document.application_id == app_id)).scalar_one()
    read = {c["name"]: c.get("value") for c in result.result["checks"]}
    assert read["id_number_match"] == number  # the verifier read the number: it is in the stored result …
    for table in TABLES:
        rows = _raw_rows(app, table)
        assert rows, table
        for plain in (number, number[-8:], CARD, CARD[-8:], MOBILE, "13900001111"):
            assert not [row for row in rows if plain in row], f"{plain} in plaintext in {table}"
    # … and only as ciphertext in the table; the columns say which key encrypted them.
    assert _raw(app, "SELECT result FROM verification_result")[0][0].startswith("v1:dev:")
    assert _raw(app, "SELECT bank_card FROM disbursement")[0][0].startswith("v1:dev:")


def test_lookups_by_id_number_still_work_over_http(app, client, orgs, login_as):
    number = valid_id_number(31)
    _verified_application_over_http(client, orgs, number)
    portal = app.test_client()
    page = portal.get("/portal/login")
    r = portal.post("/portal/login", data={"id_number": number.lower(), "password": PASSWORD,
                                           "csrf_token": csrf_token(page.text)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/portal/")
    assert NAME in portal.get("/portal/").text
    login_as("GZ")
    assert NAME in client.get(f"/admin/review/?mine=0&q={number}").text
    assert NAME not in client.get(f"/admin/review/?mine=0&q={valid_id_number(32)}").text
    assert NAME in client.get(f"/admin/applications/?search={number}").text
    roster = client.get(f"/admin/roster/?search={number}").text
    assert NAME in roster and mask_id_number(number) in roster  # found by the whole number, shown masked
    assert NAME in client.get(f"/admin/roster/?search={NAME[:1]}").text  # names still search from their start


def _app_with_keys(tmp_path, url, data_keys, lookup_key):
    return make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url, XUEBU_DATA_KEYS=data_keys, XUEBU_LOOKUP_KEY=lookup_key)


def test_rotation_keeps_old_rows_readable_then_moves_them_to_the_new_key(tmp_path, pg_schema_url):
    old, new, lookup = _key(), _key(), _key()
    number = valid_id_number(41)
    with _app_with_keys(tmp_path, pg_schema_url, f"k2025:{old}", lookup).app_context():
        from backoffice.demo.seed import ensure_demo_orgs
        person = applicant(ensure_demo_orgs()["YX-METRO"], id_number=number, bank_card=CARD)
        db.session.commit()
        person_id = person.id
        db.session.remove()
    rotated = _app_with_keys(tmp_path, pg_schema_url, f"k2026:{new},k2025:{old}", lookup)
    with rotated.app_context():
        assert keyring().current == "k2026"
        again = db.session.get(Applicant, person_id)
        assert (again.id_number, again.bank_card) == (number, CARD)  # the old key still decrypts
        from backoffice.services.applicants import find_by_id_number
        assert find_by_id_number(number).id == person_id  # the lookup key did not change
        assert _raw(rotated, "SELECT id_number FROM applicant")[0][0].startswith("v1:k2025:")
        out = rotated.test_cli_runner().invoke(args=["rotate-keys", "--batch", "1"])
        assert out.exit_code == 0 and "重新加密 applicant.id_number：1 行" in out.output, out.output
        stored = _raw(rotated, "SELECT id_number, mobile, bank_card FROM applicant WHERE id = %s", person_id)[0]
        assert all(v.startswith("v1:k2026:") for v in stored)
        assert "无需处理" in rotated.test_cli_runner().invoke(args=["rotate-keys"]).output
        db.session.remove()
    only_new = _app_with_keys(tmp_path, pg_schema_url, f"k2026:{new}", _key())
    with only_new.app_context():
        assert db.session.get(Applicant, person_id).bank_card == CARD  # the retired key is no longer needed
        from backoffice.services.applicants import find_by_id_number
        assert find_by_id_number(number) is None  # a new lookup key: hashes must be computed again
        assert rotate(rehash=True).rehashed["applicant"] == 1
        assert find_by_id_number(number).id == person_id
        db.session.remove()


def test_a_value_under_an_unknown_key_fails_loudly(tmp_path, pg_schema_url):
    with _app_with_keys(tmp_path, pg_schema_url, f"a:{_key()}", _key()).app_context():
        sealed = keyring().encrypt(CARD, "card")
        assert keyring().decrypt(sealed, "card") == CARD
        with pytest.raises(KeyringError, match="does not decrypt"):
            keyring().decrypt(sealed, "id_number")  # the purpose is authenticated with the value
    other = _app_with_keys(tmp_path, pg_schema_url, f"b:{_key()}", _key())
    with other.app_context(), pytest.raises(KeyringError, match="'a' is not in XUEBU_DATA_KEYS"):
        keyring().decrypt(sealed, "card")


def test_production_without_keys_refuses_to_start(tmp_path, monkeypatch):
    from backoffice import create_app
    monkeypatch.setenv("XUEBU_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.delenv("XUEBU_DATA_KEYS", raising=False)
    monkeypatch.delenv("XUEBU_LOOKUP_KEY", raising=False)
    with pytest.raises(KeyringError, match="needs XUEBU_DATA_KEYS and XUEBU_LOOKUP_KEY"):
        create_app()
    monkeypatch.setenv("XUEBU_DATA_KEYS", "main:not-base64!")
    monkeypatch.setenv("XUEBU_LOOKUP_KEY", _key())
    with pytest.raises(KeyringError, match="not valid base64"):
        create_app()
    monkeypatch.setenv("XUEBU_DATA_KEYS", f"main:{_key()}")
    assert create_app().extensions["xuebu_keyring"].current == "main"



def test_the_console_edits_an_encrypted_mobile_as_text(app, client, orgs, login_as):
    login_as("GZ")
    unit = orgs["YX-METRO"]
    page = client.get(f"/admin/orgs/edit/?id={unit.id}")
    assert 'name="contact_mobile"' in page.text
    form = {k: v for k, v in re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', page.text)}
    form.update(name=unit.name, code=unit.code, kind=unit.kind.value, contact_mobile="13922223333",
                csrf_token=csrf_token(page.text))
    r = client.post(f"/admin/orgs/edit/?id={unit.id}", data=form)
    assert r.status_code == 302, r.text
    db.session.expire_all()
    assert db.session.get(type(unit), unit.id).contact_mobile == "13922223333"
    stored = _raw(app, "SELECT contact_mobile FROM organisation WHERE id = %s", unit.id)[0][0]
    assert stored.startswith("v1:") and "13922223333" not in stored


# An application with one document, as the schema stood before encryption (revision d6852ba5cb77).
WORLD_AT_D6852 = """
INSERT INTO programme (org_id, name, once_rule, enabled, created_at) SELECT id, '项目', 'per_person', true, now()
  FROM organisation;
INSERT INTO batch (programme_id, name, enabled, required_documents, roster_required, graduation_required,
                   validity_years, allocated_count, waitlist_count, created_at, apply_opens_at, apply_closes_at,
                   review_closes_at, quota, waitlist_cap, amount)
  SELECT id, '批次', true, '[]', false, false, 8, 0, 0, now(), now(), now(), now(), 1, 0, 1500 FROM programme;
INSERT INTO application (batch_id, applicant_id, org_id, state, return_items, flags, created_at, updated_at)
  SELECT b.id, a.id, o.id, 'in_review', '[]', '[]', now(), now() FROM batch b, applicant a, organisation o;
INSERT INTO document (application_id, kind, storage_key, sha256, mime, size, rotation, verification_status,
                      verification_attempts, uploaded_at)
  SELECT id, 'id_card_front', 'k', 's', 'image/png', 1, 0, 'done', 1, now() FROM application;
"""


def test_the_migration_encrypts_existing_rows_and_the_downgrade_restores_them(tmp_path, pg_url):
    from flask_migrate import downgrade, upgrade
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=pg_url)
    number = valid_id_number(61)
    with app.app_context():
        upgrade(revision="d6852ba5cb77")
        _raw(app, "INSERT INTO organisation (path, depth, code, name, kind, status, contact_mobile, created_at) "
                  "VALUES ('/', 0, 'C', '市总工会', 'city', 'active', '13900002222', now())")
        _raw(app, "INSERT INTO roster_batch (org_id, name, created_at) SELECT id, '名单', now() FROM organisation")
        _raw(app, "INSERT INTO applicant (name, id_number, mobile, password_hash, bank_card, token_version, "
                  "failed_logins, created_at) VALUES (%s, %s, %s, 'x', %s, 1, 0, now())",
             NAME, number, MOBILE, CARD)
        _raw(app, "INSERT INTO roster_entry (roster_batch_id, name, id_number, enrolment_date, graduated, "
                  "created_at) SELECT id, %s, %s, '2020-09-01', true, now() FROM roster_batch",
             NAME, number)
        _raw(app, WORLD_AT_D6852 + "INSERT INTO verification_result (document_id, checks_version, sha256, result, "
                  "flags, created_at) SELECT id, 'v', 's', '{\"checks\": [{\"name\": \"id_number_match\", "
                  f"\"value\": \"{number}\"}}]}}', '[]', now() FROM document")
        upgrade()
        assert db.session.execute(db.select(VerificationResult.result)).scalar_one()["checks"][0]["value"] == number
        for table in TABLES[:2] + ("organisation", "verification_result"):
            for plain in (number, CARD, MOBILE, "13900002222"):
                assert not [row for row in _raw_rows(app, table) if plain in row], (plain, table)
        from backoffice.services.applicants import find_by_id_number
        person = find_by_id_number(number)
        assert (person.name, person.mobile, person.bank_card) == (NAME, MOBILE, CARD)
        assert db.session.execute(db.select(RosterEntry.id_number)).scalar_one() == number
        db.session.remove()
        downgrade(revision="d6852ba5cb77")
        assert _raw(app, "SELECT id_number, mobile, bank_card FROM applicant") == [(number, MOBILE, CARD)]
        assert _raw(app, "SELECT id_number FROM roster_entry") == [(number,)]
        assert _raw(app, "SELECT result FROM verification_result")[0][0]["checks"][0]["value"] == number
        db.engine.dispose()
