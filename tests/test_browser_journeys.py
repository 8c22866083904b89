"""Real-browser journeys: Debian's Chromium driven by Playwright against the app served from this test, on its
PostgreSQL database. A clerk reviews and returns, the worker fixes and resubmits on a 390 px phone, the city
publishes a notice and creates a payment batch (each after a preview). Every page is checked for server errors
and for text a person could not read (English words, raw codes, UTC times); screenshots go to tests/artifacts/.
"""
import io
import re
import shutil
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from factories import png_bytes, valid_id_number
from support import unreadable, visible_text

from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.models import AdminUser, Application, Batch, Organisation, Programme, PublicNotice
from backoffice.models.base import utcnow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "Worker-pass-2021"

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


@pytest.fixture
def served(app):
    """The app on a free local port, served by a thread for the browser."""
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _until(page, expression: str, timeout: float = 10.0) -> None:
    """Wait until `expression` is true in the page. page.evaluate goes over the DevTools protocol; wait_for_function
    would compile the text inside the page, which the Content-Security-Policy (no 'unsafe-eval') refuses."""
    import time
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"not true within {timeout} s: {expression}"
        page.wait_for_timeout(50)


class Watch:
    """Follows every page a browser tab shows: no 5xx, and nothing a person could not read."""

    def __init__(self, page, allowed):
        self.page, self.allowed, self.errors, self.unread = page, allowed, [], {}
        page.on("response", lambda r: r.status >= 500 and self.errors.append(f"{r.status} {r.url}"))
        page.on("dialog", lambda d: d.accept())  # data-confirm asks; the journeys confirm

    def check(self):
        self.page.wait_for_load_state("networkidle")
        bad = unreadable(visible_text(self.page.content()), self.allowed)
        if bad:
            self.unread[self.page.url] = sorted(set(bad))

    def shot(self, name):
        """A test artefact; the README's pictures come from the demo world (docs/screenshots/take.py)."""
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _world(client, orgs):
    now = utcnow()
    programme = Programme(org=orgs["GZ"], name="学历提升补助")
    batch = Batch(programme=programme, name="第一批", apply_opens_at=now - timedelta(days=1),
                  apply_closes_at=now + timedelta(days=10), review_closes_at=now + timedelta(days=20), quota=5,
                  waitlist_cap=5, amount=1500, required_documents=["id_card_front"], roster_required=False)
    db.session.add_all([programme, batch])
    db.session.commit()
    idn = valid_id_number(777)
    r = client.post("/api/v1/auth/register", json={"name": "张小三", "id_number": idn, "mobile": "13800007777",
                                                    "password": PASSWORD})
    headers = {"Authorization": f"Bearer {r.get_json()['token']}"}
    app_id = client.post("/api/v1/applications", json={"batch_id": batch.id, "org_id": orgs["YX-METRO"].id},
                         headers=headers).get_json()["id"]
    client.put(f"/api/v1/applications/{app_id}/documents/id_card_front", headers=headers,
               data={"file": (io.BytesIO(png_bytes((900, 600), "lightblue")), "id.png")},
               content_type="multipart/form-data")
    assert client.post(f"/api/v1/applications/{app_id}/submit", headers=headers).status_code == 200
    return batch, app_id, idn


def _allowed() -> set[str]:
    words = set()
    for value in db.session.execute(db.select(AdminUser.username).union(db.select(Organisation.code))).scalars():
        words.update(re.findall(r"[A-Za-z][A-Za-z_]+", value))
    return words


def _login(page, base, username, password):
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state()


def test_clerk_returns_worker_fixes_on_phone_city_publishes_and_pays(app, client, orgs, served, browser):
    batch, app_id, idn = _world(client, orgs)
    allowed = _allowed()

    # 1. The unit clerk reviews at 1440 px and returns the ID card for a new photo.
    clerk = browser.new_page(viewport={"width": 1440, "height": 900})
    w = Watch(clerk, allowed)
    _login(clerk, served, "yxmetro_admin", "demo-YXMETRO-2021")
    assert "广州地铁集团有限公司工会" in clerk.locator("#who").inner_text()  # who is logged in, on every page
    clerk.goto(served + "/admin/review/")
    w.check()
    clerk.click(f"a[href*='/admin/review/app/{app_id}']")
    w.check()
    w.shot("review-page-1440")
    viewer = clerk.locator(".doc-viewer img").first
    box = clerk.locator(".doc-viewer").first.bounding_box()
    assert box["width"] > 600 and box["height"] > 350  # the document is large enough to read
    _until(clerk, "document.querySelector('.doc-viewer img').style.width !== ''")  # fitted on load
    clerk.locator("[data-zoom='1']").first.click()
    clerk.locator("[data-zoom='1']").first.click()
    assert clerk.locator(".zoom-level").first.inner_text() == "156%"
    clerk.locator(".rotate-form button").nth(1).click()  # a quarter turn refits: the whole page stays visible
    _until(clerk, "document.querySelector('.doc-viewer img').style.transform.includes('rotate(90deg)')")
    clerk.wait_for_timeout(400)  # the transform's short transition
    img = viewer.bounding_box()
    frame = clerk.locator(".doc-viewer").first.bounding_box()
    assert clerk.locator(".zoom-level").first.inner_text() == "100%"  # refitted after the turn
    assert img["height"] <= frame["height"] + 2 and img["width"] <= frame["width"] + 2  # nothing cropped
    clerk.keyboard.press("r")  # the shortcut opens the return form
    clerk.check("input[name=doc][value=id_card_front]")
    clerk.select_option("select[name=code_id_card_front]", "unclear")
    clerk.fill("input[name=note_id_card_front]", "反光看不清号码")
    clerk.click("#return-box button.btn-warning")
    w.check()
    assert db.session.get(Application, app_id).state == S.RETURNED

    # 2. The worker, on a 390 px phone, sees why, replaces the photo and resubmits.
    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                             has_touch=True)
    pw = Watch(phone, allowed)
    phone.goto(served + "/portal/login")
    phone.fill("#id_number", idn)
    phone.fill("#password", PASSWORD)
    phone.click("button[type=submit]")
    phone.goto(served + f"/portal/applications/{app_id}")
    pw.check()
    assert "反光看不清号码" in phone.content()
    phone.click("form[action*='/submit'] button")  # not replaced yet: refused with the reason
    assert "还没有重新上传" in phone.content()
    big = ARTIFACTS / "too-large.png"
    ARTIFACTS.mkdir(exist_ok=True)
    big.write_bytes(b"\x89PNG" + b"0" * (5 * 1024 * 1024))
    phone.set_input_files("#doc-id_card_front input[type=file]", str(big))
    phone.click("#doc-id_card_front form button")
    assert "文件太大" in phone.locator("#doc-id_card_front .upload-error").inner_text()  # beside the field
    good = ARTIFACTS / "id-new.png"
    good.write_bytes(png_bytes((900, 600), "white"))
    phone.set_input_files("#doc-id_card_front input[type=file]", str(good))
    phone.click("#doc-id_card_front form button")
    pw.check()
    assert phone.locator("#doc-id_card_front img.thumb").count() == 1
    assert phone.locator("#doc-id_card_front .check-result").inner_text().strip()  # the checks, in words
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    pw.shot("portal-phone-390")
    phone.click("form[action*='/submit'] button")
    pw.check()
    db.session.expire_all()
    assert db.session.get(Application, app_id).state == S.IN_REVIEW

    # 3. The city publishes a notice and creates a payment batch, each after a preview.
    a = db.session.get(Application, app_id)
    a.state, a.reviewing_org_id = S.APPROVED, None
    a.applicant.bank_card = "6222020200112233445"
    db.session.commit()
    city = browser.new_page(viewport={"width": 1440, "height": 900})
    cw = Watch(city, allowed)
    _login(city, served, "gz_admin", "demo-GZ-2021")
    city.goto(served + "/admin/notices/")
    cw.check()
    city.select_option("select[name=batch_id]", str(batch.id))
    city.click("form[action$='/notices/preview'] button")
    cw.check()
    assert "将公示 1 人" in city.locator("#preview-summary").inner_text()
    cw.shot("notice-preview")
    city.click("#confirm-publish")
    cw.check()
    notice = db.session.execute(db.select(PublicNotice)).scalar_one()
    assert notice.application_ids == [app_id]
    public = browser.new_page(viewport={"width": 390, "height": 844})
    pubw = Watch(public, allowed)
    public.goto(served + f"/notice/{notice.id}")
    pubw.check()
    assert public.locator("table tbody tr td").first.inner_text() == "1"
    notice.ends_at = utcnow() - timedelta(minutes=1)  # the notice period is over
    db.session.commit()
    city.goto(served + "/admin/payments/")
    cw.check()
    city.select_option("form[action$='/payments/preview'] select[name=batch_id]", str(batch.id))
    city.click("form[action$='/payments/preview'] button")
    cw.check()
    assert "将锁定 1 人，合计 1500.00 元" in city.locator("#preview-summary").inner_text()
    city.click("#confirm-create")
    cw.check()
    cw.shot("payment-batch")
    assert "作废本批次" in city.content()

    for watch in (w, pw, cw, pubw):
        assert watch.errors == []
        assert watch.unread == {}


def test_enterprise_registers_by_link_on_a_phone_and_is_approved(app, client, orgs, served, browser):
    allowed = _allowed() | {"shili_admin"}

    # The district makes a registration link at its desk.
    desk = browser.new_page(viewport={"width": 1440, "height": 900})
    dw = Watch(desk, allowed)
    _login(desk, served, "yx_admin", "demo-YX-2021")
    desk.goto(served + "/admin/invitations/new")
    dw.check()
    desk.select_option("select[name=kind]", "enterprise")
    desk.click("form button[type=submit]")
    dw.check()
    link = desk.input_value("#join-url")
    assert "/join/" in link and desk.locator("img[src*='qr']").count() >= 1  # the QR code to print or send

    # The enterprise opens it on a phone, gets a bad credit code explained, fixes it and registers.
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    pw = Watch(phone, allowed)
    phone.goto(link.replace("http://localhost", served))
    pw.check()
    assert "越秀区总工会" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off a phone screen
    values = {"name": "广州示例科技有限公司", "credit_code": "91440300708461136X", "address": "广州市越秀区中山五路 1 号",
              "contact_name": "陈小明", "contact_mobile": "13800138000", "username": "shili_admin",
              "password": "Shili-2024-ok", "confirm": "Shili-2024-ok"}
    for name, value in values.items():
        phone.fill(f"[name={name}]", value)
    phone.select_option("select[name=kind]", "enterprise")
    phone.click("form button[type=submit]")
    pw.check()
    assert "统一社会信用代码" in phone.locator("#join-errors").inner_text()  # the check digit is wrong
    phone.fill("[name=credit_code]", "91440300708461136T")
    phone.fill("[name=password]", values["password"])
    phone.fill("[name=confirm]", values["confirm"])
    phone.click("form button[type=submit]")
    pw.check()
    assert "待审核" in phone.content() and "/join/status/" in phone.url
    pw.shot("join-status-390")
    status_url = phone.url

    # The district approves it; the enterprise sees so and logs in to its own console.
    desk.goto(served + "/admin/join_requests/")
    dw.check()
    assert "广州示例科技有限公司" in desk.content()
    desk.click("form[action*='/approve'] button")
    dw.check()
    phone.goto(status_url)
    pw.check()
    assert "已通过" in phone.content()
    _login(phone, served, "shili_admin", "Shili-2024-ok")
    pw.check()
    assert "广州示例科技有限公司" in phone.content()
    for watch in (dw, pw):
        assert watch.errors == []
        assert watch.unread == {}
