"""The README's pictures, taken from the demo world as a person sees it: `make run` in one shell, then
`.venv/bin/python docs/screenshots/take.py [http://127.0.0.1:5000]` (Debian's chromium, driven by Playwright).

The review page is a unit clerk's first application with automatic-check findings; the phone pictures are a
worker whose application was returned, at 390 px."""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

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
    id_number, password = sys.argv[2:4] if len(sys.argv) > 3 else (None, None)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        review_page(browser)
        if id_number:
            portal_pages(browser, id_number, password)
        browser.close()


if __name__ == "__main__":
    main()
