"""The README's pictures, taken from the demo world as a person sees it: `make run` in one shell, then
`.venv/bin/python docs/screenshots/take.py [http://127.0.0.1:5000]` in another, with the same DATABASE_URL
(Debian's chromium, driven by Playwright).

The review page is a unit clerk's first application with automatic-check findings; the clerk then returns it
for a new ID card photo, and the phone pictures show that worker's application and messages at 390 px. The
worker's ID number is read from the database (the console only ever shows it masked)."""
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from backoffice.demo.seed import DEMO_APPLICANT_PASSWORD  # noqa: E402

HERE = Path(__file__).parent
BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000").rstrip("/")
CHROMIUM = "/usr/bin/chromium"


def login(page, username, password):
    page.goto(BASE + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def review_page(browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    login(page, "yxmetro_admin", "demo-YXMETRO-2021")
    page.goto(BASE + "/admin/review/?flag=any")
    link = page.locator("a[href*='/admin/review/app/']").first
    link.click()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(HERE / "review-page-1440.png"))
    app_id = int(re.search(r"/admin/review/app/(\d+)", page.url).group(1))
    page.locator("#return-box summary").click()
    page.check("input[name=doc][value=id_card_front]")
    page.fill("input[name=note_id_card_front]", "照片反光，请在光线均匀处重拍")
    page.locator("#return-box button").click()
    page.wait_for_load_state("networkidle")
    return app_id


def worker_of(app_id):
    from backoffice import create_app
    from backoffice.extensions import db
    from backoffice.models import Application
    with create_app().app_context():
        return db.session.get(Application, app_id).applicant.id_number


def portal_pages(browser, id_number, password):
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page.goto(BASE + "/portal/login")
    page.fill("input[name=id_number]", id_number)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("a[href*='/portal/applications/']").first.click()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(HERE / "portal-phone-390.png"))
    page.goto(BASE + "/portal/notifications")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(HERE / "portal-messages-390.png"))


def main():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        app_id = review_page(browser)
        portal_pages(browser, worker_of(app_id), DEMO_APPLICANT_PASSWORD)
        browser.close()


if __name__ == "__main__":
    main()
