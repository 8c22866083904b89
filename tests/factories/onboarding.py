"""Builders for onboarding tests: an invitation link made in the console, a registration posted from a phone."""
import re

from support import csrf_token

PHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"}
CREDIT_CODE = "91440300708461136T"


def create_link(client, login_as, org_code="YX", **fields) -> str:
    login_as(org_code)
    page = client.get("/admin/invitations/new")
    assert page.status_code == 200 and "新建邀请链接" in page.text
    data = {"kind": "enterprise", "note": "", "days": "30", "max_uses": "", "csrf_token": csrf_token(page.text)}
    r = client.post("/admin/invitations/new", data=data | fields)
    assert r.status_code == 302, r.text
    share = client.get(r.headers["Location"])
    return re.search(r'id="join-url" readonly value="([^"]+)"', share.text).group(1)


def registration(**overrides) -> dict:
    return {"name": "广州示例科技有限公司", "kind": "enterprise", "credit_code": CREDIT_CODE,
            "address": "广州市越秀区中山五路 1 号", "contact_name": "陈小明", "contact_mobile": "13800138000",
            "username": "shili_admin", "password": "Shili-2024-ok", "confirm": "Shili-2024-ok"} | overrides


def register(phone, url, **overrides):
    form = phone.get(url, headers=PHONE)
    assert form.status_code == 200
    return phone.post(url, data=registration(**overrides) | {"csrf_token": csrf_token(form.text)}, headers=PHONE)
