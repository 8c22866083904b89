"""Invitation links: expired, revoked, tampered, used-up, wrong kind; re-issue; QR codes, poster; CLI; scope."""
import re
from datetime import timedelta

import cv2
import numpy as np
import pytest
from factories.onboarding import create_link, register
from factories.onboarding import registration as form_data
from support import assert_no_permission, csrf_token

from backoffice.domain.enums import OrgStatus
from backoffice.models import AuditEvent, Invitation, Organisation
from backoffice.models.base import utcnow
from backoffice.services import invitations, registration


@pytest.fixture
def link(orgs):
    """A fresh enterprise link of YX with one place: (invitation, path)."""
    invitation, token = invitations.create_invitation(orgs["YX"], kind="enterprise", max_uses=1)
    return invitation, f"/join/{token}"


def test_unknown_and_tampered_tokens_are_refused(client, link):
    _, path = link
    tampered = path[:-1] + ("A" if path[-1] != "A" else "B")
    for p in (tampered, "/join/nothing-here"):
        r = client.get(p)
        assert r.status_code == 404 and "该邀请链接无效" in r.text


def test_expired_link(client, db, link):
    invitation, path = link
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    r = client.get(path)
    assert r.status_code == 410 and "已过期" in r.text


def test_revoked_link_refuses_even_a_form_already_open(app, client, db, link):
    invitation, path = link
    page = client.get(path)
    invitations.revoke(invitation, actor=None)
    r = client.post(path, data=form_data() | {"csrf_token": csrf_token(page.text)})
    assert r.status_code == 410 and "已被发放单位作废" in r.text
    assert db.session.scalar(db.select(Organisation).filter_by(name=form_data()["name"])) is None


def test_used_up_link(app, db, link):
    invitation, path = link
    assert register(app.test_client(), path).status_code == 302
    second = app.test_client()
    r = second.get(path)
    assert r.status_code == 410 and "名额已用完" in r.text
    db.session.refresh(invitation)
    assert invitation.used_count == 1


def test_link_cannot_register_another_kind(app, orgs, db):
    _, token = invitations.create_invitation(orgs["YX"], kind="union")
    r = register(app.test_client(), f"/join/{token}", kind="enterprise")
    assert r.status_code == 200 and "该邀请链接只能用于注册：基层工会" in r.text
    r = register(app.test_client(), f"/join/{token}", kind="grassroots")
    assert r.status_code == 302
    org = db.session.scalar(db.select(Organisation).filter_by(name=form_data()["name"]))
    assert org.kind.value == "grassroots" and org.status == OrgStatus.PENDING and org.code.startswith("YX-")


def test_duplicates_are_explained(app, orgs, db):
    _, token = invitations.create_invitation(orgs["YX"], kind="enterprise")
    path = f"/join/{token}"
    assert register(app.test_client(), path).status_code == 302
    r = register(app.test_client(), path, username="other_admin")
    assert "该统一社会信用代码已经注册过" in r.text and "上级单位下已有同名组织" in r.text
    r = register(app.test_client(), path, credit_code="91110108551385082Q", name="另一家公司")
    assert "该用户名已被使用" in r.text


def test_registration_is_audited_and_pending(app, orgs, db, link):
    _, path = link
    register(app.test_client(), path)
    org = db.session.scalar(db.select(Organisation).filter_by(name=form_data()["name"]))
    assert org.parent_id == orgs["YX"].id and org.status == OrgStatus.PENDING
    assert org.admins[0].username == "shili_admin"
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="org_registered"))
    assert event.target_id == org.id and event.actor_type == "registrant"


def test_status_token_cannot_be_forged(app, client, orgs):
    assert client.get("/join/status/" + registration.status_token(orgs["HZ"]) + "x").status_code == 404
    assert client.get("/join/status/1").status_code == 404


def decode_qr(png: bytes) -> str:
    """Like a phone camera app: try OpenCV's two QR readers at a few scales (the classic reader alone missed
    about 1 code in 60 of these random links; all of 300 decode this way)."""
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
        for scale in (1.0, 0.5, 0.75, 1.5):
            scaled = image if scale == 1.0 else cv2.resize(image, None, fx=scale, fy=scale,
                                                           interpolation=cv2.INTER_AREA)
            text = detector.detectAndDecode(scaled)[0]
            if text:
                return text
    return ""


def test_qr_png_decodes_to_the_link_and_svg_and_poster_render(client, link):
    invitation, path = link
    png = client.get(path + "/qr.png")
    assert png.mimetype == "image/png"
    assert decode_qr(png.data) == "http://localhost" + path
    svg = client.get(path + "/qr.svg?download=1")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data and "attachment" in svg.headers["Content-Disposition"]
    poster = client.get(path + "/poster")
    assert "越秀区总工会" in poster.text and "data:image/png;base64," in poster.text and "size: A4" in poster.text
    invitations.revoke(invitation, actor=None)
    assert client.get(path + "/qr.png").status_code == 404


def test_console_create_list_reissue_revoke(app, client, orgs, login_as, db):
    url = create_link(client, login_as, max_uses="2", note="给北京街企业")
    old_path = url.removeprefix("http://localhost")
    listing = client.get("/admin/invitations/")
    assert "给北京街企业" in listing.text and "0 / 2" in listing.text
    invitation = db.session.scalar(db.select(Invitation).filter_by(note="给北京街企业"))
    share = client.get(f"/admin/invitations/{invitation.id}/")
    r = client.post(f"/admin/invitations/{invitation.id}/reissue", data={"csrf_token": csrf_token(share.text)})
    new_url = re.search(r'id="join-url" readonly value="([^"]+)"', client.get(r.headers["Location"]).text).group(1)
    assert new_url != url and client.get(old_path).status_code == 404
    new_path = new_url.removeprefix("http://localhost")
    assert client.get(new_path).status_code == 200
    client.post(f"/admin/invitations/{invitation.id}/revoke", data={"csrf_token": csrf_token(share.text)})
    assert client.get(new_path).status_code == 410
    actions = set(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.target_type == "Invitation")))
    assert actions == {"invitation_created", "invitation_reissued", "invitation_revoked"}


def test_share_page_after_the_session_offers_reissue_only(app, client, orgs, login_as, link):
    invitation, path = link
    login_as("YX")
    page = client.get(f"/admin/invitations/{invitation.id}/")
    assert path not in page.text and "重新生成链接" in page.text


def test_scope_yx_cannot_see_or_touch_hz_invitations(client, orgs, login_as, db):
    hz_invitation, _ = invitations.create_invitation(orgs["HZ"], kind="enterprise", note="海珠的链接")
    login_as("YX")
    assert "海珠的链接" not in client.get("/admin/invitations/").text
    page = client.get("/admin/invitations/new")
    assert client.get(f"/admin/invitations/{hz_invitation.id}/").status_code == 404
    r = client.post(f"/admin/invitations/{hz_invitation.id}/revoke", data={"csrf_token": csrf_token(page.text)})
    assert r.status_code == 404
    db.session.refresh(hz_invitation)
    assert hz_invitation.revoked_at is None


def test_pending_org_cannot_invite(orgs, db):
    orgs["YX-METRO"].status = OrgStatus.PENDING
    db.session.commit()
    with pytest.raises(invitations.InvitationError):
        invitations.create_invitation(orgs["YX-METRO"], kind="enterprise")


def test_reviewer_cannot_open_invitations(client, orgs, login_as):
    from backoffice.services import accounts
    accounts.create_admin(orgs["YX"], "yx_reviewer", "Review-2024-ok", "reviewer")
    from backoffice.extensions import db
    db.session.commit()
    login_as("yx_reviewer", "Review-2024-ok")
    assert_no_permission(client, client.get("/admin/invitations/"))


def test_cli_create_invite_prints_the_url(app, orgs, monkeypatch):
    runner = app.test_cli_runner()
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    result = runner.invoke(args=["create-invite", "--org-code", "HZ", "--kind", "union", "--max", "3", "--days", "7"])
    assert result.exit_code == 0, result.output
    url = result.stdout.strip().splitlines()[0]
    assert re.fullmatch(r"http://127\.0\.0\.1:5000/join/[A-Za-z0-9_-]{32}", url)
    invitation = invitations.find_by_token(url.rsplit("/", 1)[1])
    assert invitation.org.code == "HZ" and invitation.max_uses == 3 and invitation.kind == "union"
    assert timedelta(days=6) < invitation.expires_at - utcnow() <= timedelta(days=7)

    monkeypatch.setenv("PUBLIC_BASE_URL", "https://xuebu.example.cn/")
    result = runner.invoke(args=["create-invite", "--org-code", "HZ", "--kind", "enterprise"])
    assert result.stdout.startswith("https://xuebu.example.cn/join/")
    bad = runner.invoke(args=["create-invite", "--org-code", "NOPE", "--kind", "enterprise"])
    assert bad.exit_code != 0 and "找不到组织代码" in bad.output


def test_link_of_a_disabled_org_stops_working(client, orgs, db, link):
    _, path = link
    orgs["YX"].status = OrgStatus.DISABLED
    db.session.commit()
    r = client.get(path)
    assert r.status_code == 410 and "不能接收注册" in r.text


def test_list_shows_what_a_link_produced(app, client, orgs, login_as, link):
    _, path = link
    register(app.test_client(), path)
    login_as("YX")
    listing = client.get("/admin/invitations/").text
    assert "1 / 1" in listing and "待审 1" in listing and "名额已满" in listing
